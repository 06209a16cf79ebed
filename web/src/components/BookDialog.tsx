// Confirm a booking: one Idempotency-Key per opening of the dialog, so retrying after a lost
// answer can never book twice; on success it offers the calendar invite. The same dialog
// accepts a time an expert offered on the learner's request (POST /v1/requests/{id}/accept),
// and books for a request when the learner picks a match's slot (requestId on the booking).
// A refusal that a retry cannot fix (time taken, request closed, budget used up) is said in
// words and the confirm button stays disabled.
import { useState } from 'preact/hooks';
import { api, type Booking, type Expert, type SessionType } from '../api';
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
}

export function BookDialog({ expert, sessionType, slot, zone, requestId, acceptOn, onClose, onBooked }: Props) {
  const [key] = useState(newIdempotencyKey);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [booking, setBooking] = useState<Booking | null>(null);

  const confirm = async () => {
    setBusy(true);
    setErr(null);
    try {
      const b = acceptOn
        ? await api.accept(acceptOn, { expertId: expert.id, start: slot.start, note }, key)
        : await api.book({ expertId: expert.id, sessionType: sessionType.id, start: slot.start, note, ...(requestId ? { requestId } : {}) }, key);
      setBooking(b);
      onBooked?.(b);
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
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
  const theirs = inZone(slot.start, expert.timezone);

  return (
    <Dialog
      open
      title={booking ? (booking.status === 'pending' ? 'Request sent' : 'Session booked') : acceptOn ? 'Accept this time?' : 'Book this session?'}
      onClose={() => onClose(!!booking)}
    >
      <dl class="facts">
        <dt>With</dt>
        <dd>{expert.name}</dd>
        <dt>Session</dt>
        <dd>
          {sessionType.name} ({formatDuration(sessionType.durationMin)})
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
      </dl>
      {booking ? (
        <>
          <p role="status" class="success">
            {booking.status === 'pending'
              ? `${expert.name} will confirm or decline your request; it holds the time until then.`
              : 'You are booked. The session is in My sessions.'}
          </p>
          <div class="actions">
            <button type="button" onClick={invite}>
              Download calendar invite (.ics)
            </button>
            <Link class="button secondary" href="/sessions">
              Go to my sessions
            </Link>
            <button type="button" class="secondary" onClick={() => onClose(true)}>
              Close
            </button>
          </div>
          <ErrorBanner error={err} />
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <TextArea label="Note for the expert (optional)" value={note} onValue={setNote} maxLength={1000} error={errorOf(err, 'note')} hint="What would you like to talk about?" />
          {refusal ? <RefusalBanner refusal={refusal} /> : <ErrorBanner error={err} shown={['note']} />}
          <div class="actions">
            <button type="submit" disabled={busy || refusal !== null}>
              {busy ? 'Booking…' : acceptOn ? 'Accept and book' : 'Confirm booking'}
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
