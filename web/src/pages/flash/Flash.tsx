// Flash mentoring for members (/flash): opt in or out of the org's flash rounds, and the
// caller's proposals (GET /v1/flash/proposals) with the time in the viewer's zone, the partner
// and their department, the answer deadline, and one click to accept or decline. Both accepting
// confirms the session and holds the time for both.
import { useState } from 'preact/hooks';
import { api, type FlashProposal } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { hasRole, useApp } from '../../state';
import { formatInstant, formatWhen, zoneLabel } from '../../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';

export function statusLine(p: FlashProposal): string {
  switch (p.status) {
    case 'confirmed':
      return 'Confirmed: you both accepted';
    case 'proposed':
      if (p.acceptedByMe) return `You accepted; waiting for ${p.partner.name}`;
      return p.acceptedByPartner ? `${p.partner.name} accepted; your answer is needed` : 'Waiting for your answer';
    case 'declined':
      return 'Declined';
    case 'cancelled':
      return 'Called off';
    default:
      return 'Lapsed: not answered in time';
  }
}

export function Flash() {
  useTitle('Flash mentoring');
  const { me, zone } = useApp();
  const group = useLoad((signal) => api.flash(signal), []);
  const list = useLoad((signal) => api.flashProposals(signal).then((r) => r.items), []);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const [status, setStatus] = useState('');
  const g = group.data;

  const act = async (key: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(key);
    setErr(null);
    setStatus('');
    try {
      await fn();
      setStatus(done);
      await Promise.all([group.reload(), list.reload()]);
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };

  return (
    <main id="main" class="flash">
      <div class="page-head">
        <h1 tabIndex={-1}>Flash mentoring</h1>
        {hasRole(me, 'hr') && (
          <Link class="button secondary" href="/hr/flash">
            Set up flash rounds
          </Link>
        )}
      </div>
      <p class="muted">
        Every few weeks Tandem pairs you with a colleague from another department you have not met, and proposes a 30-minute conversation at a time
        free for both of you, within your working hours. Times are shown in <strong>{zoneLabel(zone)}</strong>.
      </p>
      <p role="status" class={status ? 'banner success' : 'visually-hidden-when-empty'}>
        {status}
      </p>
      <ErrorBanner error={err ?? group.error ?? list.error} />
      {!g && !group.error && <Loading what="Loading flash mentoring…" />}
      {g && !g.configured && <Empty>Flash mentoring is not set up in your organisation yet.</Empty>}
      {g && g.configured && (
        <section class="card" aria-label="Taking part">
          {g.joined ? (
            <>
              <p>
                You are in. Rounds run every {g.everyWeeks === 1 ? 'week' : `${g.everyWeeks} weeks`}
                {g.nextRoundAt ? `; the next on ${formatInstant(g.nextRoundAt, zone)}` : ''}.
              </p>
              <button type="button" class="secondary" disabled={busy === 'leave'} onClick={() => void act('leave', () => api.leaveFlash(), 'You have left flash mentoring.')}>
                Leave flash mentoring
              </button>
            </>
          ) : g.eligible && g.enabled ? (
            <>
              <p>
                Meet people across the organisation, {g.windowStart}–{g.windowEnd} your time on weekdays. You are proposed times in <strong>{zoneLabel(me.timezone || zone)}</strong>.
              </p>
              <button
                type="button"
                disabled={busy === 'join'}
                onClick={() => void act('join', () => api.joinFlash(me.timezone || zone), 'You are in: your first proposal comes with the next round.')}
              >
                Join flash mentoring
              </button>
            </>
          ) : (
            <p class="muted">{g.enabled ? `Flash mentoring is open to ${g.departments.join(', ')}.` : 'Flash mentoring is paused.'}</p>
          )}
        </section>
      )}
      <h2>My flash proposals</h2>
      {!list.data && !list.error && <Loading what="Loading your proposals…" />}
      {list.data && list.data.length === 0 && <Empty>No proposals yet.</Empty>}
      <ul class="cards" aria-label="My flash proposals">
        {(list.data ?? []).map((p) => (
          <li class="card" key={p.id} data-flash={p.id} data-status={p.status}>
            <p class="when">
              <span class="badge">{p.status}</span> {formatWhen(p.start, p.end, zone)}
            </p>
            <h3>
              {p.partner.name} <span class="muted">· {p.partner.department || 'another team'}</span>
            </h3>
            <p>{statusLine(p)}</p>
            {p.status === 'proposed' && <p class="muted">Answer by {formatInstant(p.deadline, zone)}.</p>}
            <div class="actions">
              {p.status === 'proposed' && !p.acceptedByMe && (
                <button type="button" disabled={!!busy} onClick={() => void act(p.id, () => api.answerFlash(p.id, 'accept'), `You accepted the conversation with ${p.partner.name}.`)}>
                  Accept
                </button>
              )}
              {(p.status === 'proposed' || (p.status === 'confirmed' && Date.parse(p.start) > Date.now())) && (
                <button
                  type="button"
                  class="secondary"
                  disabled={!!busy}
                  onClick={() => void act(p.id, () => api.answerFlash(p.id, 'decline'), p.status === 'confirmed' ? 'The session is called off.' : 'Declined.')}
                >
                  {p.status === 'confirmed' ? 'Call off' : 'Decline'}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}
