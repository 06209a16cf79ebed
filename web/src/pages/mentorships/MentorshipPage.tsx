// One mentorship (GET /v1/mentorships/{id}): the agreement, its state and the actions either
// side may take, the series of sessions in the viewer's zone, and progress on the goals (the
// learner checks in; both see the trend).
import { useState } from 'preact/hooks';
import { api, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatDate, formatTime, inZone } from '../../time';
import { ErrorBanner, Loading, Select, useTitle } from '../../ui';
import { healthText } from './Mentorships';

type Act = 'accept' | 'pause' | 'resume' | 'close';

function actions(m: Mentorship, me: string): Act[] {
  switch (m.status) {
    case 'proposed':
      return m.accepted.includes(me) ? ['close'] : ['accept', 'close'];
    case 'active':
      return ['pause', 'close'];
    case 'paused':
      return ['resume', 'close'];
  }
  return [];
}

export function MentorshipPage({ id }: { id: string }) {
  useTitle('Mentorship');
  const { me, zone } = useApp();
  const { data, error: err, reload } = useLoad(async (signal) => {
    const [m, progress] = await Promise.all([api.mentorship(id, signal), api.mentorshipProgress(id, signal)]);
    return { m, progress };
  }, [id]);
  const [busy, setBusy] = useState(false);
  const [actErr, setActErr] = useState<unknown>(null);
  const [failed, setFailed] = useState<string[]>([]);
  const [ratings, setRatings] = useState<Record<number, string>>({});
  const [kind, setKind] = useState<'start' | 'session' | 'end'>('start');

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setActErr(null);
    try {
      await fn();
      await reload();
    } catch (e) {
      setActErr(e);
    } finally {
      setBusy(false);
    }
  };
  if (!data) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Mentorship</h1>
        <ErrorBanner error={err} />
        {!err && <Loading what="Loading the mentorship…" />}
      </main>
    );
  }
  const { m, progress } = data;
  const a = m.agreement;
  const isLearner = m.learner.id === me.id;
  const other = isLearner ? m.expert : m.learner;
  const stalled = healthText(m);
  const canSchedule = m.status === 'active' && (m.occurrences.length === 0 || m.occurrences.some((o) => o.state === 'failed'));
  return (
    <main id="main" class="mentorship">
      <h1 tabIndex={-1}>
        {isLearner ? 'Mentorship with ' : 'Mentoring '}
        {other.name}
      </h1>
      <p>
        <span class="badge" data-status={m.status}>
          {m.status}
        </span>
        {stalled && <span class="badge warn"> {stalled}</span>} <Link href="/mentorships">All mentorships</Link>
      </p>
      <ErrorBanner error={actErr} />
      <section class="card" aria-labelledby="agreement-h">
        <h2 id="agreement-h">Agreement</h2>
        <p>
          {a.cadence} on {a.weekday}, {a.window.start}–{a.window.end} ({a.timezone}), {a.months} months, session type {a.sessionType}
        </p>
        <ol>
          {a.goals.map((g, i) => (
            <li key={i}>
              <strong>{g.title}</strong> — <span class="muted">{g.measure}</span>
            </li>
          ))}
        </ol>
        <p class="actions">
          {actions(m, me.id).map((act) => (
            <button type="button" key={act} class={act === 'close' ? 'secondary' : ''} disabled={busy} onClick={() => void run(() => api.mentorshipAct(m.id, act))}>
              {act[0]!.toUpperCase() + act.slice(1)}
            </button>
          ))}
          {canSchedule && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const r = await api.scheduleMentorship(m.id, {});
                  setFailed(r.failed.map((f) => `Session ${f.index + 1}: ${f.message}`));
                })
              }
            >
              Book the sessions
            </button>
          )}
        </p>
        {failed.length > 0 && (
          <ul class="banner" role="status" aria-label="Sessions not booked">
            {failed.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h">Sessions</h2>
        {m.occurrences.length === 0 ? (
          <p class="muted">No sessions booked yet.</p>
        ) : (
          <ol class="occurrences">
            {m.occurrences.map((o) => {
              const t = inZone(o.start, zone);
              return (
                <li key={o.index} data-occurrence={o.index} data-state={o.state}>
                  {formatDate(o.start, zone)} {formatTime(t)} · {o.state}
                  {o.bookingStatus ? ` (${o.bookingStatus})` : ''}
                  {o.bookingId && o.state === 'booked' && (
                    <>
                      {' '}
                      <Link href="/sessions">in My sessions</Link>
                    </>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <section class="card" aria-labelledby="progress-h">
        <h2 id="progress-h">Progress</h2>
        <ul>
          {progress.goals.map((g, i) => (
            <li key={i} data-goal={i}>
              {g.goal.title}: {g.points.length === 0 ? 'not rated yet' : g.points.map((p) => p.rating).join(' → ')}
              {g.change !== null && g.change !== undefined && ` (${g.change >= 0 ? '+' : ''}${g.change})`}
            </li>
          ))}
        </ul>
        {isLearner && m.status !== 'closed' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => api.addCheckIn(m.id, { kind, ratings: a.goals.map((_, i) => Number(ratings[i] ?? '3')) }));
            }}
          >
            <Select label="Check-in" value={kind} onValue={(v) => setKind(v as 'start' | 'session' | 'end')} options={['start', 'session', 'end']} />
            {a.goals.map((g, i) => (
              <Select key={i} label={`${g.title} (1-5)`} value={ratings[i] ?? '3'} onValue={(v) => setRatings({ ...ratings, [i]: v })} options={['1', '2', '3', '4', '5']} />
            ))}
            <button type="submit" disabled={busy}>
              Record check-in
            </button>
          </form>
        )}
      </section>
    </main>
  );
}
