// /unsubscribe?t=token: the page an e-mail's unsubscribe link opens, without signing in. It
// shows what the link unsubscribes from (GET /v1/unsubscribe/{token}) and asks for one click
// (a GET never unsubscribes: mail scanners open links). The POST is the same RFC 8058
// one-click request a mail client makes, so doing it twice is fine.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { useLoad } from '../../load';
import { Link, useLocation } from '../../router';
import { ErrorBanner, Loading, useTitle } from '../../ui';

export function Unsubscribe({ signedIn }: { signedIn: boolean }) {
  useTitle('Unsubscribe');
  const token = useLocation().query.get('t') ?? '';
  const what = useLoad((signal) => (token ? api.unsubscription(token, signal) : Promise.reject(new Error('This link has no token: open the whole link from the e-mail.'))), [token]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const go = async () => {
    setBusy(true);
    setErr(null);
    try {
      await api.unsubscribe(token);
      setDone(true);
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  const d = what.data;
  return (
    <main id="main" class="boot unsubscribe">
      <h1 tabIndex={-1}>Unsubscribe</h1>
      {what.loading && <Loading what="Reading the link…" />}
      <ErrorBanner error={what.error ?? err} />
      {d && !done && (
        <>
          <p>
            Stop e-mails about <strong>{d.label}</strong> to <strong>{d.address}</strong>?
          </p>
          <p class="muted">You will still see these in Tandem’s notifications, and other e-mails keep coming.</p>
          <div class="actions">
            <button type="button" disabled={busy} onClick={() => void go()}>
              {busy ? 'Unsubscribing…' : 'Unsubscribe'}
            </button>
          </div>
        </>
      )}
      {d && done && (
        <p class="banner success" role="status">
          Done: no more e-mails about {d.label} to {d.address}.
        </p>
      )}
      <p>
        {signedIn ? (
          <Link href="/notifications/settings">All notification settings</Link>
        ) : (
          <>
            To change every kind of e-mail at once, <Link href="/notifications/settings">sign in to your notification settings</Link>.
          </>
        )}
      </p>
    </main>
  );
}
