// A group session (GET /v1/circles/{id}): when it is on the viewer's clock, seats taken and
// left, how many wait, and the viewer's standing: a seat (give it up), an offered seat
// (confirm or decline before the hold passes), a place in line (leave the waitlist), skipped
// (why, in plain words) or none (book or join from the expert's page). Its expert sees who
// holds the seats and the waitlist in order instead, and can call the whole session off. A
// circle everyone left, or one called off, is gone (404).
import { useState } from 'preact/hooks';
import { ApiError, api, type Booking, type Circle, type CircleMember } from '../api';
import { useLoad } from '../load';
import { seatsSummary, standing, waitingText } from '../circles';
import { ReasonDialog } from '../components/Bookings';
import { Link } from '../router';
import { useApp } from '../state';
import { formatInstant, formatWhen, inZone, zoneLabel } from '../time';
import { ErrorBanner, Loading, StatusBadge, useTitle } from '../ui';

export function CirclePage({ id }: { id: string }) {
  const { zone } = useApp();
  const load = useLoad((signal) => api.circle(id, signal), [id]);
  const [actionErr, setErr] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const err = actionErr ?? load.error;
  // A circle everyone left or its expert called off answers 404: gone, also after a reload.
  const gone = load.error instanceof ApiError && load.error.code === 'not_found';
  const circle = gone ? undefined : load.data;
  useTitle(circle?.sessionType.name ?? 'Group session');

  const after = (text: string) => {
    setStatus(text);
    setErr(null);
    void load.reload();
  };

  if (!circle) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Group session</h1>
        {status && (
          <p class="banner success" role="status">
            {status}
          </p>
        )}
        {gone ? (
          <p class="empty">
            This group session no longer exists: everyone left it, or the expert called it off. <Link href="/sessions">My sessions</Link> ·{' '}
            <Link href="/experts">Find an expert</Link>
          </p>
        ) : (
          <>
            <ErrorBanner error={err} />
            {!err && <Loading what="Loading the group session…" />}
          </>
        )}
      </main>
    );
  }
  const c = circle;
  const start = inZone(c.start, zone);
  return (
    <main id="main" class="circle-page">
      <h1 tabIndex={-1}>{c.sessionType.name}</h1>
      <p class="meta">
        Group session with <Link href={bookHref(c, zone)}>{c.expert.name}</Link> <span class="muted">({c.expert.department})</span>
      </p>
      <dl class="facts">
        <dt>When</dt>
        <dd data-testid="circle-when">
          {formatWhen(c.start, c.end, zone)} <span class="muted">({zoneLabel(zone, start)})</span>
        </dd>
        <dt>Seats</dt>
        <dd data-testid="circle-seats">{seatsSummary(c)}</dd>
        <dt>Waitlist</dt>
        <dd data-testid="circle-waiting">{waitingText(c.waiting)}</dd>
      </dl>
      {status && (
        <p class="banner success" role="status">
          {status}
        </p>
      )}
      {c.cancelled && (
        <p class="banner error-banner" role="alert">
          {c.expert.name} is calling this group session off: it takes no more bookings, and every seat is being cancelled.
        </p>
      )}
      <ErrorBanner error={err} />
      {c.me ? (
        <MyStanding c={c} me={c.me} zone={zone} onChanged={after} onError={setErr} />
      ) : (
        <ExpertView c={c} zone={zone} onChanged={after} />
      )}
    </main>
  );
}

const seatsOff = (n: number) => (n === 0 ? 'no seat to cancel' : `${n} ${n === 1 ? 'seat is' : 'seats are'} cancelled`);

/** bookHref opens the expert's page on this circle's session type and week. */
const bookHref = (c: Circle, zone: string) =>
  `/experts/${encodeURIComponent(c.expert.id)}?type=${encodeURIComponent(c.sessionType.id)}&week=${inZone(c.start, zone).toISODate() ?? ''}`;

function MyStanding(p: { c: Circle; me: CircleMember; zone: string; onChanged: (status: string) => void; onError: (e: unknown) => void }) {
  const { c, me } = p;
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<'decline' | 'cancel' | null>(null);
  const s = standing(me, p.zone);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    p.onError(null);
    try {
      await action();
      p.onChanged(done);
    } catch (e) {
      p.onError(e);
    }
    setBusy(false);
  };
  const bookingId = me.bookingId ?? '';
  const summary = `${c.sessionType.name} with ${c.expert.name}, ${formatWhen(c.start, c.end, p.zone)}`;
  return (
    <section class={`card standing standing-${me.state}`} aria-labelledby="standing-h" data-state={me.state}>
      <h2 id="standing-h">{s.title}</h2>
      <p>{s.text}</p>
      <div class="actions">
        {me.state === 'offered' && (
          <>
            <button type="button" disabled={busy} onClick={() => run(() => api.confirm(bookingId), 'Your seat is confirmed.')}>
              Confirm my seat
            </button>
            <button type="button" class="danger" disabled={busy} onClick={() => setDialog('decline')}>
              Decline the seat
            </button>
          </>
        )}
        {me.state === 'waiting' && (
          <button type="button" class="danger" disabled={busy} onClick={() => run(() => api.leaveWaitlist(c.id), 'You left the waitlist.')}>
            Leave the waitlist
          </button>
        )}
        {me.state === 'seat' && (
          <>
            <Link class="button secondary" href="/sessions">
              My sessions
            </Link>
            <button type="button" class="danger" disabled={busy} onClick={() => setDialog('cancel')}>
              Give up my seat
            </button>
          </>
        )}
        {(me.state === 'none' || me.state === 'skipped') && !c.cancelled && (
          <Link class="button" href={bookHref(c, p.zone)}>
            {c.seatsLeft > 0 ? 'Book a seat' : 'Join the waitlist'}
          </Link>
        )}
      </div>
      {dialog && (
        <ReasonDialog
          title={dialog === 'decline' ? 'Decline this seat?' : 'Give up your seat?'}
          summary={`${summary}. ${dialog === 'decline' ? 'The seat goes to the next person in line.' : 'If anyone is waiting, the seat is offered to the first in line.'}`}
          confirmLabel={dialog === 'decline' ? 'Decline the seat' : 'Give up my seat'}
          keepLabel="Go back"
          run={(reason): Promise<Booking> => (dialog === 'decline' ? api.decline(bookingId, reason) : api.cancel(bookingId, reason))}
          onDone={(b) => {
            setDialog(null);
            if (b) p.onChanged(dialog === 'decline' ? 'You declined the seat.' : 'You gave up your seat.');
          }}
        />
      )}
    </section>
  );
}

/**
 * ExpertView is the circle's expert's: who holds the seats (and open offers) and who waits, in
 * order, and calling the whole session off (every seat cancelled, the waitlist told).
 */
function ExpertView({ c, zone, onChanged }: { c: Circle; zone: string; onChanged: (status: string) => void }) {
  const roster = c.roster ?? [];
  const waitlist = c.waitlist ?? [];
  const [calling, setCalling] = useState(false);
  return (
    <>
      <section aria-labelledby="roster-h">
        <h2 id="roster-h">Seats ({roster.length})</h2>
        {roster.length === 0 ? (
          <p class="empty">Nobody holds a seat right now.</p>
        ) : (
          <div class="table-scroll">
            <table class="data" aria-labelledby="roster-h">
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Department</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {roster.map((s) => (
                  <tr key={s.bookingId} data-booking={s.bookingId}>
                    <th scope="row">{s.learner.name}</th>
                    <td>{s.learner.department}</td>
                    <td>
                      <StatusBadge status={s.status} offer={s.status === 'pending'} />
                      {s.status === 'pending' && <span class="muted"> from the waitlist, to confirm</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="waitlist-h">
        <h2 id="waitlist-h">Waitlist ({waitlist.length})</h2>
        {waitlist.length === 0 ? (
          <p class="empty">Nobody is waiting.</p>
        ) : (
          <ol class="waitlist" aria-labelledby="waitlist-h">
            {waitlist.map((w) => (
              <li key={w.learner.id} data-position={w.position}>
                <strong>#{w.position}</strong> {w.learner.name} <span class="muted">({w.learner.department}) · joined {formatInstant(w.joinedAt, zone)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <div class="actions call-off">
        <button type="button" class="danger" onClick={() => setCalling(true)}>
          {c.cancelled ? 'Finish calling it off' : 'Call off this group session'}
        </button>
      </div>
      {calling && (
        <ReasonDialog
          title="Call off this group session?"
          summary={`${c.sessionType.name}, ${formatWhen(c.start, c.end, zone)}: ${seatsOff(roster.length)}${c.waiting > 0 ? `, and ${c.waiting === 1 ? 'the person waiting is' : `the ${c.waiting} people waiting are`} told` : ''}. Your time is free again afterwards.`}
          confirmLabel="Call it off"
          keepLabel="Go back"
          run={(reason) => api.cancelCircle(c.id, reason)}
          onDone={(r) => {
            setCalling(false);
            if (r) onChanged(`Called off: ${r.cancelledSeats} ${r.cancelledSeats === 1 ? 'seat' : 'seats'} cancelled.`);
          }}
        />
      )}
    </>
  );
}
