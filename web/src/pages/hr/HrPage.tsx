// The HR routes (/hr, /hr/settings, /hr/programs…): guarded by role, and their code (with
// Chart.js and the cohort builder) is a separate chunk that is only fetched when an HR user
// opens one of them.
import { useLoad } from '../../load';
import { Link } from '../../router';
import { ErrorBanner, Loading, useTitle } from '../../ui';

export type HrView = 'dashboard' | 'settings' | 'programs' | 'new-program' | 'builder' | 'mentorships';
type Chunk = typeof import('./dashboard');

let chunk: Promise<Chunk> | null = null;
const load = () => (chunk ??= import('./dashboard'));

const titles: Record<HrView, string> = {
  dashboard: 'HR dashboard',
  settings: 'Organisation settings',
  programs: 'Programs',
  'new-program': 'New program',
  builder: 'Cohort builder',
  mentorships: 'Mentorships',
};

const loading: Record<HrView, string> = {
  dashboard: 'Loading the dashboard…',
  settings: 'Loading the settings…',
  programs: 'Loading programs…',
  'new-program': 'Loading the form…',
  builder: 'Loading the cohort builder…',
  mentorships: 'Loading the mentorships report…',
};

export function HrPage({ view, id = '' }: { view: HrView; id?: string }) {
  const title = titles[view];
  useTitle(title);
  const { data: mod, error: err } = useLoad(load, []);
  const tab = view === 'new-program' || view === 'builder' ? 'programs' : view;
  const content = (m: Chunk) => {
    switch (view) {
      case 'settings':
        return <m.Settings />;
      case 'programs':
        return <m.ProgramList />;
      case 'new-program':
        return <m.NewProgram />;
      case 'builder':
        return <m.CohortBuilder id={id} key={id} />;
      case 'mentorships':
        return <m.Mentorships />;
      default:
        return <m.Dashboard />;
    }
  };
  return (
    <main id="main" class="hr">
      <h1 tabIndex={-1}>{title}</h1>
      <nav class="tabs" aria-label="HR">
        <Link href="/hr" aria-current={tab === 'dashboard' ? 'page' : undefined}>
          Dashboard
        </Link>
        <Link href="/hr/programs" aria-current={tab === 'programs' ? 'page' : undefined}>
          Programs
        </Link>
        <Link href="/hr/mentorships" aria-current={tab === 'mentorships' ? 'page' : undefined}>
          Mentorships
        </Link>
        <Link href="/hr/settings" aria-current={tab === 'settings' ? 'page' : undefined}>
          Settings
        </Link>
      </nav>
      <ErrorBanner error={err} />
      {mod ? content(mod) : !err && <Loading what={loading[view]} />}
    </main>
  );
}
