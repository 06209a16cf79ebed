// One mentorship (GET /v1/mentorships/{id}) for either side: the agreement, its state and
// health, the answer a proposal waits for, the next session, the series (book it, skip or move
// a session, book a failed one at one of its alternatives), then between sessions (agenda,
// action items, private notes: Between.tsx) and progress (check-ins, trends, the final
// reflection: Progress.tsx). Times are in the viewer's zone; the agreement's own clock is said
// where it differs.
import { useEffect, useState } from 'preact/hooks';
import { api, type Expert, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { learnServerNow, serverClockKnown, serverNow, useApp } from '../../state';
import { formatDuration, formatInstant, inZone, zoneLabel } from '../../time';
import { ConfirmDialog, ErrorBanner, Loading, useTitle } from '../../ui';
import { CADENCE_NAMES, WEEKDAY_NAMES, healthText, needsAnswer, nextSession, windowFor } from './agreement';
import { Between } from './Between';
import { Progress } from './Progress';
import { Series } from './Series';
import './mentorships.css';

type Act = 'accept' | 'pause' | 'resume' | 'close';

export function MentorshipPage({ id }: { id: string }) {
  const { me, zone, notice } = useApp();
  const mentorship = useLoad((signal) => api.mentorship(id, signal), [id]);
  const m = mentorship.data;
  const expertId = m?.expert.id ?? '';
  // The expert's profile names the session type and gives its length and the slot grid.
  const expert = useLoad((signal) => (expertId ? api.expert(expertId, signal).catch(() => null) : Promise.resolve(null)), [expertId]);
  const [clockKnown, setClockKnown] = useState(serverClockKnown());
  useEffect(() => {
    // "Next" and "upcoming" are the server's (tandem dev -now may differ from the device).
    if (clockKnown || !expertId) return;
    void api.slots(expertId, { from: '', to: '' }).then((l) => learnServerNow(l.from), () => undefined).finally(() => setClockKnown(true));
  }, [expertId, clockKnown]);
  const [busy, setBusy] = useState(false);
  const [actErr, setActErr] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<'close' | null>(null);
  const isLearner = m?.learner.id === me.id;
  const other = m ? (isLearner ? m.expert : m.learner) : null;
  useTitle(m && other ? (isLearner ? `Mentorship with ${other.name}` : `Mentoring ${other.name}`) : 'Mentorship');

  const act = async (a: Act) => {
    setBusy(true);
    setActErr(null);
    try {
      mentorship.setData(await api.mentorshipAct(id, a));
      void mentorship.reload(); // with the bookings' statuses and health
    } catch (e) {
      setActErr(e);
    } finally {
      setBusy(false);
    }
  };

  if (!m || !other) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Mentorship</h1>
        <ErrorBanner error={mentorship.error} />
        {!mentorship.error && <Loading what="Loading the mentorship…" />}
      </main>
    );
  }
  const now = serverNow('UTC').toMillis();
  const stalled = healthText(m);
  const waiting = needsAnswer(m, me.id);
  const next = nextSession(m, now);
  const first = (n: string) => n.split(' ')[0] ?? n;
  return (
    <main id="main" class="mentorship">
      <p>
        <Link href="/mentorships">← All mentorships</Link>
      </p>
      <h1 tabIndex={-1}>
        {isLearner ? 'Mentorship with ' : 'Mentoring '}
        {other.name}
      </h1>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <p class="status-line">
        <span class={`badge badge-m-${m.status}`} data-status={m.status}>
          {STATUS[m.status]}
        </span>
        {waiting && <span class="badge badge-answer">Needs your answer</span>}
        {stalled && (
          <span class="badge badge-stalled" data-health="stalled">
            {stalled}
          </span>
        )}
      </p>
      <ErrorBanner error={actErr} />
      {m.status === 'proposed' && (
        <section class={`card${waiting ? ' pinned' : ''}`} aria-labelledby="answer-h">
          <h2 id="answer-h">{waiting ? `${first(other.name)} proposed this mentorship` : `Waiting for ${first(other.name)} to accept`}</h2>
          <p>{waiting ? 'Read the agreement below. Accept it to start; then either of you books the sessions.' : `${first(other.name)} has been asked to accept the agreement below. You can withdraw it until then.`}</p>
          <div class="actions">
            {waiting && (
              <button type="button" disabled={busy} onClick={() => void act('accept')}>
                Accept
              </button>
            )}
            <button type="button" class="secondary" disabled={busy} onClick={() => setConfirm('close')}>
              {waiting ? 'Decline' : 'Withdraw'}
            </button>
          </div>
        </section>
      )}
      <div class="mentorship-grid">
        <Agreement m={m} expert={expert.data ?? null} zone={zone} isLearner={isLearner} />
        <section class="card" aria-labelledby="next-h">
          <h2 id="next-h">Next session</h2>
          {next ? (
            <p class="next-session" data-testid="next-session">
              <strong>{formatInstant(next.start, zone)}</strong> <span class="muted">({zoneLabel(zone, inZone(next.start, zone))})</span>
              {next.bookingId && (
                <>
                  {' '}
                  · <Link href={`/bookings/${encodeURIComponent(next.bookingId)}`}>session details</Link>
                </>
              )}
            </p>
          ) : (
            <p class="muted">{m.status === 'active' && m.occurrences.length === 0 ? 'No sessions booked yet: book the series below.' : 'No session ahead.'}</p>
          )}
          {m.health?.lastSessionAt && <p class="muted small-text">Last session held {formatInstant(m.health.lastSessionAt, zone)}.</p>}
          {(m.status === 'active' || m.status === 'paused') && (
            <div class="actions">
              {m.status === 'active' ? (
                <button type="button" class="secondary" disabled={busy} onClick={() => void act('pause')}>
                  Pause
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={() => void act('resume')}>
                  Resume
                </button>
              )}
              <button type="button" class="danger" disabled={busy} onClick={() => setConfirm('close')}>
                Close the mentorship
              </button>
            </div>
          )}
          {m.status === 'paused' && <p class="muted small-text">Paused: booked sessions stay booked; no new ones are booked until you resume.</p>}
        </section>
      </div>
      {m.status !== 'proposed' && <Series m={m} expert={expert.data ?? null} zone={zone} now={now} onChanged={(x) => {
            if (x) mentorship.setData(x);
            void mentorship.reload();
          }} />}
      {(m.status === 'active' || m.status === 'paused' || m.status === 'closed') && <Between m={m} me={me.id} zone={zone} now={now} />}
      {m.status !== 'proposed' && <Progress m={m} me={me.id} zone={zone} onChanged={() => void mentorship.reload()} />}
      {confirm === 'close' && (
        <ConfirmDialog
          title={m.status === 'proposed' ? (waiting ? 'Decline this proposal?' : 'Withdraw this proposal?') : 'Close this mentorship?'}
          confirmLabel={m.status === 'proposed' ? (waiting ? 'Decline' : 'Withdraw') : 'Close the mentorship'}
          busyLabel="Closing…"
          keepLabel="Keep it"
          run={() => api.mentorshipAct(id, 'close')}
          onDone={(x) => {
            setConfirm(null);
            if (x) {
              mentorship.setData(x);
              void mentorship.reload();
            }
          }}
        >
          <p>
            {m.status === 'proposed'
              ? `${first(other.name)} will see that it was not taken up.`
              : 'Every future session of the series is cancelled. Afterwards each of you gives a short final reflection. This cannot be undone.'}
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}

const STATUS: Record<Mentorship['status'], string> = { proposed: 'Proposed', active: 'Active', paused: 'Paused', closed: 'Closed' };

function Agreement({ m, expert, zone, isLearner }: { m: Mentorship; expert: Expert | null; zone: string; isLearner: boolean }) {
  const a = m.agreement;
  const st = expert?.sessionTypes.find((t) => t.id === a.sessionType);
  const tz = a.timezone ?? '';
  const mine = tz ? windowFor(a, zone) : null;
  return (
    <section class="card agreement" aria-labelledby="agreement-h">
      <h2 id="agreement-h">Agreement</h2>
      <h3 class="small-heading">Goals</h3>
      <ol class="goals-summary">
        {a.goals.map((g, i) => (
          <li key={i}>
            <strong>{g.title}</strong>
            <br />
            <span class="muted">Progress judged by: {g.measure}</span>
          </li>
        ))}
      </ol>
      <dl class="m-facts">
        <div>
          <dt>Rhythm</dt>
          <dd>
            {CADENCE_NAMES[a.cadence]}, {WEEKDAY_NAMES[a.weekday]} between {a.window.start} and {a.window.end}
            {tz && ` (${zoneLabel(tz)})`}
            {mine && <span class="muted"> · {mine} on your clock ({zoneLabel(zone)})</span>}
          </dd>
        </div>
        <div>
          <dt>Length</dt>
          <dd>
            {a.months} {a.months === 1 ? 'month' : 'months'}
            {a.sessions ? `, at most ${a.sessions} sessions` : ''}
          </dd>
        </div>
        <div>
          <dt>Session</dt>
          <dd>{st ? `${st.name} (${formatDuration(st.durationMin)})` : a.sessionType}</dd>
        </div>
        <div>
          <dt>Started from</dt>
          <dd>
            {m.origin === 'request' && m.requestId && isLearner ? (
              <Link href={`/requests/${encodeURIComponent(m.requestId)}`}>your request</Link>
            ) : m.origin === 'request' ? (
              'a request'
            ) : m.origin === 'program' ? (
              'a program'
            ) : (
              'an invitation'
            )}
            , proposed by {m.proposedBy === m.learner.id ? m.learner.name : m.expert.name}
          </dd>
        </div>
      </dl>
    </section>
  );
}
