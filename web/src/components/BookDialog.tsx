// Confirm a booking: one Idempotency-Key per opening of the dialog, so retrying after a lost
// answer can never book twice; on success it offers the calendar invite. The same dialog
// accepts a time an expert offered on the learner's request (POST /v1/requests/{id}/accept),
// and books for a request when the learner picks a match's slot (requestId on the booking).
// A refusal that a retry cannot fix (time taken, request closed, budget used up) is said in
// words and the confirm button stays disabled.
//
// For a group session it books a seat, or, when the slot is full, joins the waitlist
// (waitlist: true, answered 202) and links to the group session's page. A slot that filled up
// meanwhile (409 circle_full) is said, and the dialog offers the waitlist instead, with a new
// Idempotency-Key (the body changes, and a key replayed with another body is refused).
import { useEffect, useState } from 'preact/hooks';
import { api, type Booking, type BookOutcome, type Expert, type SessionType } from '../api';
import { isFull, seatText, OFFER_HOLD_HOURS } from '../circles';
import { calendarEvent, googleLink, outlookLink } from '../booking';
import { bookingRefusal } from '../refusal';
import { Link } from '../router';
import { formatDuration, formatTime, formatWhen, inZone, zoneLabel } from '../time';
import { Dialog, ErrorBanner, RefusalBanner, TextArea, errorOf, newIdempotencyKey, saveBlob } from '../ui';
import type { LocalSlot } from '../time';

interface Props {
  expert: Pick<Expert, 'id' | 'name' | 'timezone'>;
  sessionType: SessionType;
  slot: LocalSlot;
  zone: string;
  /** requestId links a direct booking to the learner's request (it becomes booked). */
  requestId?: string;
  /** acceptOn accepts an offered time on this request instead of booking directly. */
  acceptOn?: string;
  onClose: (booked: boolean) => void;
  onBooked?: (b: Booking) => void;
  /** onTaken hears of a time refused as taken meanwhile, so the picker drops it at once. */
  onTaken?: (start: string) => void;
}

const circleHref = (id: string) => `/circles/${encodeURIComponent(id)}`;

export function BookDialog({ expert, sessionType, slot, zone, requestId, acceptOn, onClose, onBooked, onTaken }: Props) {
  const group = sessionType.seats > 1 && !acceptOn;
  const [key, setKey] = useState(newIdempotencyKey);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [booking, setBooking] = useState<Booking | null>(null);
  const [waitlisted, setWaitlisted] = useState<string | null>(null); // the circle's id
  const [waitlist, setWaitlist] = useState(group && isFull(slot));

  const confirm = async (wait = waitlist, idemKey = key) => {
    setBusy(true);
    setErr(null);
    try {
      const body = { expertId: expert.id, sessionType: sessionType.id, start: slot.start, note, ...(requestId ? { requestId } : {}) };
      let outcome: BookOutcome;
      if (acceptOn) outcome = { kind: 'booked', booking: await api.accept(acceptOn, { expertId: expert.id, start: slot.start, note }, idemKey) };
      else if (group) outcome = await api.bookSeat({ ...body, ...(wait ? { waitlist: true } : {}) }, idemKey);
      else outcome = { kind: 'booked', booking: await api.book(body, idemKey) };
      if (outcome.kind === 'waitlisted') {
        setWaitlisted(outcome.circleId);
      } else {
        setBooking(outcome.booking);
        onBooked?.(outcome.booking);
      }
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  // After a 409 circle_full: the same time, now asking for the waitlist (another body, so a fresh key).
  const joinWaitlist = () => {
    const k = newIdempotencyKey();
    setKey(k);
    setWaitlist(true);
    void confirm(true, k);
  };
  const invite = async () => {
    if (!booking) return;
    try {
      const f = await api.invite(booking.id);
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setErr(e);
    }
  };
  // Any conflict, or a used-up budget, means this time cannot be had (retrying will not help): say why.
  const refusal = bookingRefusal(err);
  useEffect(() => {
    if (refusal?.kind === 'taken') onTaken?.(slot.start);
  }, [refusal?.kind]);
  const [cancelState, setCancelState] = useState<'' | 'asking' | 'busy' | 'done'>('');
  const cancelBooking = async () => {
    if (!booking) return;
    setCancelState('busy');
    setErr(null);
    try {
      setBooking(await api.cancel(booking.id, ''));
      setCancelState('done');
    } catch (e) {
      setErr(e);
      setCancelState('asking');
    }
  };
  const full = refusal?.kind === 'circle_full';
  const theirs = inZone(slot.start, expert.timezone);
  const done = booking !== null || waitlisted !== null;
  const title = waitlisted
    ? 'You are on the waitlist'
    : booking
      ? booking.status === 'cancelled'
        ? 'Booking cancelled'
        : booking.status === 'pending'
        ? 'Request sent'
        : 'Session booked'
      : acceptOn
        ? 'Accept this time?'
        : waitlist
          ? 'Join the waitlist?'
          : 'Book this session?';
  const seats = group && !done ? seatText(slot, sessionType.seats) : null;

  return (
    <Dialog open title={title} onClose={() => onClose(done)}>
      <dl class="facts">
        <dt>With</dt>
        <dd>{expert.name}</dd>
        <dt>Session</dt>
        <dd>
          {sessionType.name} ({formatDuration(sessionType.durationMin)}){group && <span class="muted"> · group session, up to {sessionType.seats} people</span>}
        </dd>
        <dt>When</dt>
        <dd class="when" data-testid="booking-when">
          {formatWhen(booking?.start ?? slot.start, booking?.end ?? slot.end, zone)} <span class="muted">({zoneLabel(zone, slot.local)})</span>
        </dd>
        {expert.timezone !== zone && (
          <>
            <dt>For {expert.name.split(' ')[0]}</dt>
            <dd>
              {formatTime(theirs)} <span class="muted">({zoneLabel(expert.timezone, theirs)})</span>
            </dd>
          </>
        )}
        {seats && (
          <>
            <dt>Seats</dt>
            <dd data-testid="booking-seats">{seats}</dd>
          </>
        )}
      </dl>
      {waitlisted ? (
        <>
          <p role="status" class="success">
            You are on the waitlist. If a seat frees up and you are first in line, it is offered to you and you have {OFFER_HOLD_HOURS} hours to confirm it.
          </p>
          <div class="actions">
            <Link class="button" href={circleHref(waitlisted)}>
              See your place in line
            </Link>
            <button type="button" class="secondary" onClick={() => onClose(true)}>
              Close
            </button>
          </div>
        </>
      ) : booking ? (
        <>
          <p role="status" class="success">
            {booking.status === 'cancelled'
              ? 'This booking is cancelled.'
              : booking.status === 'pending'
              ? `${expert.name} will confirm or decline your request; it holds the time until then.`
              : booking.circleId
                ? 'You have a seat in this group session. It is in My sessions.'
                : 'You are booked. The session is in My sessions.'}
          </p>
          {cancelState === 'done' ? (
            <p role="status" class="banner">
              Cancelled. The time is free again.
            </p>
          ) : (
            <>
              <h3 class="sub">Add to your calendar</h3>
              <div class="actions calendar-links">
                <a class="button secondary small" href={googleLink(calendarEvent(booking, location.origin))} target="_blank" rel="noopener noreferrer">
                  Google Calendar
                </a>
                <a class="button secondary small" href={outlookLink(calendarEvent(booking, location.origin))} target="_blank" rel="noopener noreferrer">
                  Outlook
                </a>
                <button type="button" class="secondary small" onClick={invite}>
                  Apple Calendar
                </button>
                <button type="button" class="secondary small" onClick={invite}>
                  Download calendar invite (.ics)
                </button>
              </div>
            </>
          )}
          {cancelState === 'asking' || cancelState === 'busy' ? (
            <div class="banner" role="group" aria-label="Cancel this booking?">
              <p>Cancel this booking? The time is given back to {expert.name.split(' ')[0]}.</p>
              <div class="actions">
                <button type="button" class="danger small" disabled={cancelState === 'busy'} onClick={() => void cancelBooking()}>
                  {cancelState === 'busy' ? 'Cancelling…' : 'Yes, cancel it'}
                </button>
                <button type="button" class="secondary small" onClick={() => setCancelState('')}>
                  Keep it
                </button>
              </div>
            </div>
          ) : null}
          <div class="actions">
            {booking.circleId ? (
              <Link class="button secondary" href={circleHref(booking.circleId)}>
                See the group session
              </Link>
            ) : (
              <Link class="button secondary" href="/sessions">
                Go to my sessions
              </Link>
            )}
            {cancelState === '' && !booking.circleId && !acceptOn && (
              <Link class="button secondary" href={`/sessions/${encodeURIComponent(booking.id)}/reschedule`}>
                Reschedule
              </Link>
            )}
            {cancelState === '' && (
              <button type="button" class="secondary danger-text" onClick={() => setCancelState('asking')}>
                Cancel booking
              </button>
            )}
            <button type="button" onClick={() => onClose(true)}>
              Close
            </button>
          </div>
          <ErrorBanner error={err} />
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (full && !waitlist) joinWaitlist();
            else void confirm();
          }}
        >
          {waitlist && !full && (
            <p class="note" data-testid="waitlist-note">
              This group session is full. Join the waitlist: when a seat frees up it is offered to the first person in line, who has {OFFER_HOLD_HOURS} hours to
              confirm it. You are not booked until you confirm.
            </p>
          )}
          <TextArea label="Note for the expert (optional)" value={note} onValue={setNote} maxLength={1000} error={errorOf(err, 'note')} hint="What would you like to talk about?" />
          {refusal ? <RefusalBanner refusal={refusal} /> : <ErrorBanner error={err} shown={['note']} />}
          <div class="actions">
            <button type="submit" disabled={busy || (refusal !== null && !full)}>
              {busy ? (waitlist ? 'Joining…' : 'Booking…') : acceptOn ? 'Accept and book' : waitlist || full ? 'Join the waitlist' : 'Confirm booking'}
            </button>
            <button type="button" class="secondary" onClick={() => onClose(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
