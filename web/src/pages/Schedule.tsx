// The expert's schedule: requests to confirm or decline (approval mode), upcoming sessions to
// cancel, and ended sessions to mark completed or no-show. Seats of a group session link to
// its page (who holds the seats, who waits); a seat offered from the waitlist is its learner's
// to confirm, so it shows only its deadline here.
import { useState } from 'preact/hooks';
import { api, type Booking } from '../api';
import { isOffer } from '../circles';
import { ReasonDialog, WhenTabs, useBookings, type When } from '../components/Bookings';
import { ExpertFeedbackPanel, feedbackOpen } from '../components/Feedback';
import { InviteButton } from '../components/InviteButton';
import { useLocation } from '../router';
import { useApp } from '../state';
import { entries, isGone, isLive, seatCount, split, type Entry } from '../schedule';
import { formatInstant, formatWhen, inZone } from '../time';
import { Empty, ErrorBanner, GroupSessionLink, Loading, StatusBadge, useTitle } from '../ui';

export function Schedule() {
  useTitle('My schedule');
  const { zone } = useApp();
  const when: When = useLocation().query.get('when') === 'past' ? 'past' : 'upcoming';
  const list = useBookings('expert', when);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'decline' | 'cancel'; b: Booking } | null>(null);

  const act = async (b: Booking, run: () => Promise<Booking>) => {
    setBusy(b.id);
    setErr(null);
    try {
      list.replace(await run());
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };
  const card = (b: Booking) => (
    <li class="card session" key={b.id} data-booking={b.id}>
      <p class="when">
        <strong>{formatWhen(b.start, b.end, zone)}</strong> <StatusBadge status={b.status} offer={b.offer} />
      </p>
      <p>
        {b.sessionType.name} with <strong>{b.learner.name}</strong> <span class="muted">({b.learner.department})</span>
      </p>
      {b.circleId && <GroupSessionLink circleId={b.circleId} />}
      {b.note && <p class="muted note-text">“{b.note}”</p>}
      {isOffer(b) && b.holdUntil && <p class="muted">A seat offered from the waitlist: {b.learner.name.split(' ')[0]} has until {formatInstant(b.holdUntil, zone)} to confirm it.</p>}
      {b.status === 'pending' && !isOffer(b) && b.holdUntil && <p class="muted">Held for you to answer until {formatInstant(b.holdUntil, zone)}.</p>}
      {b.status === 'no_show' && <p class="muted">{b.noShow === 'guest' ? 'The learner did not come.' : 'Reported: the expert did not come.'}</p>}
      <div class="actions">
        {(b.status === 'pending' || b.status === 'confirmed') && <InviteButton id={b.id} />}
        {b.status === 'pending' && !isOffer(b) && (
          <>
            <button type="button" class="small" disabled={busy === b.id} onClick={() => act(b, () => api.confirm(b.id))}>
              Confirm
            </button>
            <button type="button" class="danger small" disabled={busy === b.id} onClick={() => setDialog({ kind: 'decline', b })}>
              Decline
            </button>
          </>
        )}
        {when === 'upcoming' && b.status === 'confirmed' && (
          <button type="button" class="danger small" disabled={busy === b.id} onClick={() => setDialog({ kind: 'cancel', b })}>
            Cancel session
          </button>
        )}
        {when === 'past' && b.status === 'confirmed' && (
          <>
            <button type="button" class="small" disabled={busy === b.id} onClick={() => act(b, () => api.complete(b.id))}>
              Mark completed
            </button>
            <button type="button" class="secondary small" disabled={busy === b.id} onClick={() => act(b, () => api.noShow(b.id))}>
              Learner didn’t come
            </button>
          </>
        )}
      </div>
      {when === 'past' && feedbackOpen(b) && <ExpertFeedbackPanel b={b} />}
    </li>
  );
  const groupCard = (e: Extract<Entry, { kind: 'group' }>) => {
    const live = e.seats.filter(isLive);
    return (
      <li class="card session group-card" key={e.circleId} data-circle={e.circleId} data-booking={e.b.id}>
        <p class="when">
          <strong>{formatWhen(e.b.start, e.b.end, zone)}</strong> <span class="badge">Group session</span>
        </p>
        <p>
          {e.b.sessionType.name} · <strong>{seatCount(e.seats)}</strong>
        </p>
        <p class="muted small-text">{live.length > 0 ? live.map((b) => b.learner.name).join(', ') : 'Nobody holds a seat.'}</p>
        <GroupSessionLink circleId={e.circleId} />
      </li>
    );
  };
  const parts = split(list.items);
  const pending = parts.approve.length;

  return (
    <main id="main">
      <h1 tabIndex={-1}>My schedule</h1>
      <WhenTabs base="/expert/schedule" when={when} />
      <p class="zone-note">
        Times in {zone.replace(/_/g, ' ')}
        {when === 'upcoming' && pending > 0 ? ` · ${pending} request${pending > 1 ? 's' : ''} waiting for you` : ''}
      </p>
      <ErrorBanner error={list.err ?? err} />
      {list.loading && list.items.length === 0 && <Loading what="Loading your schedule…" />}
      {!list.loading && !list.err && list.items.length === 0 && <Empty>{when === 'upcoming' ? 'Nothing booked yet.' : 'No past sessions yet.'}</Empty>}
      {when === 'upcoming' && parts.approve.length > 0 && (
        <section class="panel pinned" aria-labelledby="approve-h">
          <h2 id="approve-h">Waiting for your approval ({parts.approve.length})</h2>
          <ul class="cards" aria-label="Waiting for your approval">
            {parts.approve.map(card)}
          </ul>
        </section>
      )}
      <ul class="cards" aria-label={when === 'upcoming' ? 'Upcoming sessions' : 'Past sessions'}>
        {when === 'upcoming' ? entries(parts.live).map((e) => (e.kind === 'group' ? groupCard(e) : card(e.b))) : list.items.filter((b) => !isGone(b)).map(card)}
      </ul>
      {parts.gone.length > 0 && (
        <section aria-labelledby="gone-h">
          <h2 id="gone-h">Cancelled, declined or expired ({parts.gone.length})</h2>
          <ul class="cards gone" aria-label="Cancelled, declined or expired">
            {parts.gone.map(card)}
          </ul>
        </section>
      )}
      {list.cursor && (
        <button type="button" class="secondary" disabled={list.loading} onClick={list.more}>
          Show more
        </button>
      )}
      {dialog && (
        <ReasonDialog
          title={dialog.kind === 'decline' ? 'Decline this request?' : 'Cancel this session?'}
          summary={`${dialog.b.sessionType.name} with ${dialog.b.learner.name}, ${formatWhen(dialog.b.start, dialog.b.end, zone)} (${inZone(dialog.b.start, zone).offsetNameShort ?? ''})`}
          confirmLabel={dialog.kind === 'decline' ? 'Decline request' : 'Cancel session'}
          keepLabel="Go back"
          run={(reason) => (dialog.kind === 'decline' ? api.decline(dialog.b.id, reason) : api.cancel(dialog.b.id, reason))}
          onDone={(b) => {
            if (b) list.replace(b);
            setDialog(null);
          }}
        />
      )}
    </main>
  );
}
