// Move a booking to another free slot of the same expert and session type. A move into another
// budget period draws on that period's budget, which may be used up: that is said in words.
// A seat in a group session cannot be moved (the API answers 409 group_session): the page says
// so and points to cancelling instead.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { SlotPicker } from '../components/SlotPicker';
import { useLoad } from '../load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useApp } from '../state';
import { budgetRefusal } from '../refusal';
import { formatWhen, inZone, zoneLabel, type LocalSlot } from '../time';
import { Dialog, ErrorBanner, Loading, RefusalBanner, useTitle } from '../ui';

export function Reschedule({ id }: { id: string }) {
  useTitle('Reschedule');
  const { zone, setNotice } = useApp();
  const { path, query } = useLocation();
  const { data: booking, error: err } = useLoad((signal) => api.booking(id, signal), [id]);
  const [slot, setSlot] = useState<LocalSlot | null>(null);
  const [busy, setBusy] = useState(false);
  const [moveErr, setMoveErr] = useState<unknown>(null);

  const refusal = budgetRefusal(moveErr);
  const move = async () => {
    if (!booking || !slot) return;
    setBusy(true);
    setMoveErr(null);
    try {
      const b = await api.reschedule(booking.id, slot.start);
      setNotice(`Moved to ${formatWhen(b.start, b.end, zone)}.`, '/sessions');
      navigate('/sessions');
    } catch (e) {
      setMoveErr(e);
      setBusy(false);
    }
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Reschedule</h1>
      <p>
        <Link href="/sessions">← Back to my sessions</Link>
      </p>
      <ErrorBanner error={err} />
      {!booking && !err && <Loading what="Loading the session…" />}
      {booking?.circleId && (
        <p class="note" data-testid="no-reschedule">
          This is a seat in a group session, which cannot be moved to another time. Cancel the seat in <Link href="/sessions">My sessions</Link> and book
          another time instead, or see <Link href={`/circles/${encodeURIComponent(booking.circleId)}`}>the group session</Link>.
        </p>
      )}
      {booking && !booking.circleId && (
        <>
          <p>
            {booking.sessionType.name} with {booking.expert.name}, now <strong>{formatWhen(booking.start, booking.end, zone)}</strong>. Pick a new time
            (rescheduled {booking.reschedules} of 3 times).
          </p>
          <SlotPicker
            expertId={booking.expert.id}
            sessionType={booking.sessionType.id}
            zone={zone}
            date={query.get('date') ?? inZone(booking.start, zone).toISODate() ?? ''}
            onDate={(d) => navigate(withQuery(path, query, { date: d }), { replace: true })}
            avoidOwn
            ignoreBooking={booking.id}
            onPick={(s) => {
              setMoveErr(null);
              setSlot(s);
            }}
            pickLabel="Move to"
          />
        </>
      )}
      {booking && slot && (
        <Dialog
          open
          title="Move this session?"
          onClose={() => {
            setSlot(null);
            setMoveErr(null);
          }}
        >
          <dl class="facts">
            <dt>From</dt>
            <dd>{formatWhen(booking.start, booking.end, zone)}</dd>
            <dt>To</dt>
            <dd data-testid="reschedule-to">
              {formatWhen(slot.start, slot.end, zone)} <span class="muted">({zoneLabel(zone, slot.local)})</span>
            </dd>
          </dl>
          {refusal ? <RefusalBanner refusal={refusal} /> : <ErrorBanner error={moveErr} />}
          <div class="actions">
            <button type="button" onClick={move} disabled={busy || refusal !== null}>
              {busy ? 'Moving…' : 'Move session'}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setSlot(null);
                setMoveErr(null);
              }}
            >
              Keep the current time
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
