// The HR routes (/hr, /hr/settings): guarded by role, and their code (with Chart.js) is a
// separate chunk that is only fetched when an HR user opens one of them.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link } from '../../router';
import { ErrorBanner, Loading, useTitle } from '../../ui';

type View = 'dashboard' | 'settings';
type Chunk = typeof import('./dashboard');

let chunk: Promise<Chunk> | null = null;
const load = () => (chunk ??= import('./dashboard'));

export function HrPage({ view }: { view: View }) {
  const title = view === 'settings' ? 'Organisation settings' : 'HR dashboard';
  useTitle(title);
  const [View, setView] = useState<ComponentType | null>(null);
  const [err, setErr] = useState<unknown>(null);
  useEffect(() => {
    setView(null);
    load().then((m) => setView(() => (view === 'settings' ? m.Settings : m.Dashboard)), setErr);
  }, [view]);
  return (
    <main id="main" class="hr">
      <h1 tabIndex={-1}>{title}</h1>
      <nav class="tabs" aria-label="HR">
        <Link href="/hr" aria-current={view === 'dashboard' ? 'page' : undefined}>
          Dashboard
        </Link>
        <Link href="/hr/settings" aria-current={view === 'settings' ? 'page' : undefined}>
          Settings
        </Link>
      </nav>
      <ErrorBanner error={err} />
      {View ? <View /> : !err && <Loading what={view === 'settings' ? 'Loading the settings…' : 'Loading the dashboard…'} />}
    </main>
  );
}
