// My sessions (learner): upcoming and past, with invite download, cancel and reschedule. A seat
// in a group session links to its page and cannot be rescheduled; a seat offered from a
// waitlist is confirmed or declined here before its hold passes. Below them, the sessions of
// the viewer's published program cohorts (components/CohortSessions), each with its invite.
import { useState } from 'preact/hooks';
import { api, type Booking } from '../api';
import { isOffer, offerText } from '../circles';
import { ReasonDialog, WhenTabs, useBookings, type When } from '../components/Bookings';
import { CohortSessions } from '../components/CohortSessions';
import { LearnerFeedbackPanel, feedbackOpen } from '../components/Feedback';
import { Link, useLocation } from '../router';
import { useApp } from '../state';
import { isGone } from '../schedule';
import { formatWhen } from '../time';
import { Empty, ErrorBanner, GroupSessionLink, Loading, saveBlob, StatusBadge, useTitle } from '../ui';

const live = (b: Booking) => b.status === 'pending' || b.status === 'confirmed';

export function Sessions() {
  useTitle('My sessions');
  const { zone, notice } = useApp();
  const when: When = useLocation().query.get('when') === 'past' ? 'past' : 'upcoming';
  const list = useBookings('learner', when);
  const [cancelling, setCancelling] = useState<Booking | null>(null);
  const [declining, setDeclining] = useState<Booking | null>(null);
  const [busy, setBusy] = useState('');
  const [err, setErr] = useState<unknown>(null);

  const confirmSeat = async (b: Booking) => {
    setBusy(b.id);
    setErr(null);
    try {
      list.replace(await api.confirm(b.id));
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };

  const invite = async (b: Booking) => {
    setErr(null);
    try {
      const f = await api.invite(b.id);
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setErr(e);
    }
  };

  // Cancelled, declined and expired sessions apart from what will (or did) happen.
  const shown = list.items.filter((b) => !isGone(b));
  const gone = list.items.filter(isGone);
  const card = (b: Booking) => (
    <li class="card session" key={b.id} data-booking={b.id}>
      <p class="when">
        <strong>{formatWhen(b.start, b.end, zone)}</strong> <StatusBadge status={b.status} offer={b.offer} />
      </p>
      <p>
        {b.sessionType.name} with <Link href={`/experts/${encodeURIComponent(b.expert.id)}`}>{b.expert.name}</Link>{' '}
        <span class="muted">({b.expert.department})</span>
      </p>
      {b.circleId && <GroupSessionLink circleId={b.circleId} />}
      {when === 'upcoming' && isOffer(b) && (
        <div class="offer" role="group" aria-label="Seat offered from the waitlist">
          <p>
            <strong>{offerText(b, zone)}</strong>
          </p>
          <p class="muted">You were first on the waitlist. If you do not confirm in time, the seat goes to the next person.</p>
          <div class="actions">
            <button type="button" class="small" disabled={busy === b.id} onClick={() => confirmSeat(b)}>
              Confirm seat
            </button>
            <button type="button" class="danger small" disabled={busy === b.id} onClick={() => setDeclining(b)}>
              Decline
            </button>
          </div>
        </div>
      )}
      {b.note && <p class="muted note-text">“{b.note}”</p>}
      {b.requestId && (
        <p class="small-text">
          <Link href={`/requests/${encodeURIComponent(b.requestId)}`}>From your request</Link>
        </p>
      )}
      {b.meetingUrl && (
        <p>
          <a href={b.meetingUrl} rel="noopener noreferrer" target="_blank">
            Meeting link
          </a>
        </p>
      )}
      {b.status === 'cancelled' && b.cancelledBy && <p class="muted">Cancelled by the {b.cancelledBy}{b.lateCancel ? ' (late)' : ''}.</p>}
      <div class="actions">
        <button type="button" class="secondary small" onClick={() => invite(b)}>
          Calendar invite
        </button>
        {when === 'upcoming' && live(b) && !isOffer(b) && (
          <>
            {!b.circleId && (
              <Link class="button secondary small" href={`/sessions/${encodeURIComponent(b.id)}/reschedule`}>
                Reschedule
              </Link>
            )}
            <button type="button" class="danger small" onClick={() => setCancelling(b)}>
              {b.circleId ? 'Cancel my seat' : 'Cancel session'}
            </button>
          </>
        )}
      </div>
      {when === 'past' && feedbackOpen(b) && <LearnerFeedbackPanel b={b} />}
    </li>
  );

  return (
    <main id="main">
      <h1 tabIndex={-1}>My sessions</h1>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <WhenTabs base="/sessions" when={when} />
      <p class="zone-note">Times in {zone.replace(/_/g, ' ')}</p>
      <ErrorBanner error={list.err ?? err} />
      {list.loading && list.items.length === 0 && <Loading what="Loading your sessions…" />}
      {!list.loading && !list.err && shown.length === 0 && (
        <Empty>
          {when === 'upcoming' ? (
            <>
              No upcoming sessions. <Link href="/experts">Find an expert</Link> to book one.
            </>
          ) : (
            'No past sessions yet.'
          )}
        </Empty>
      )}
      <ul class="cards" aria-label={when === 'upcoming' ? 'Upcoming sessions' : 'Past sessions'}>
        {shown.map(card)}
      </ul>
      {gone.length > 0 && (
        <section aria-labelledby="gone-h">
          <h2 id="gone-h">Cancelled, declined or expired ({gone.length})</h2>
          <ul class="cards gone" aria-label="Cancelled, declined or expired">
            {gone.map(card)}
          </ul>
        </section>
      )}
      {list.cursor && (
        <button type="button" class="secondary" disabled={list.loading} onClick={list.more}>
          Show more
        </button>
      )}
      <CohortSessions when={when} zone={zone} />
      {declining && (
        <ReasonDialog
          title="Decline this seat?"
          summary={`${declining.sessionType.name} with ${declining.expert.name}, ${formatWhen(declining.start, declining.end, zone)}. The seat goes to the next person in line.`}
          confirmLabel="Decline the seat"
          keepLabel="Keep the offer"
          run={(reason) => api.decline(declining.id, reason)}
          onDone={(b) => {
            if (b) list.replace(b);
            setDeclining(null);
          }}
        />
      )}
      {cancelling && (
        <ReasonDialog
          title={cancelling.circleId ? 'Cancel your seat?' : 'Cancel this session?'}
          summary={`${cancelling.sessionType.name} with ${cancelling.expert.name}, ${formatWhen(cancelling.start, cancelling.end, zone)}${cancelling.circleId ? '. If anyone is waiting, your seat is offered to the first in line.' : ''}`}
          confirmLabel={cancelling.circleId ? 'Cancel my seat' : 'Cancel session'}
          keepLabel="Keep it"
          run={(reason) => api.cancel(cancelling.id, reason)}
          onDone={(b) => {
            if (b) list.replace(b);
            setCancelling(null);
          }}
        />
      )}
    </main>
  );
}
