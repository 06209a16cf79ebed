// One of the learner's requests: its summary, the times experts offered (accept one to book
// it, POST /v1/requests/{id}/accept) and the ranked matches with the explanation of each
// score (GET /v1/requests/{id}/matches). While it is open the learner can close it (POST
// /v1/requests/{id}/close), after a confirmation: it leaves the board and stops counting
// toward the 5 open requests a learner may have.
import { useState } from 'preact/hooks';
import { api, ApiError, type Expert, type Offer, type SessionType } from '../../api';
import { BookDialog } from '../../components/BookDialog';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatDuration, formatWhen, localSlot, type LocalSlot } from '../../time';
import { ConfirmDialog, Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import { RequestBadge, RequestFacts, matchable } from '../../components/Requests';
import { MatchCard } from './Matches';

interface Accepting {
  expert: Expert;
  sessionType: SessionType;
  slot: LocalSlot;
}

export function RequestPage({ id }: { id: string }) {
  const { zone, notice, setNotice } = useApp();
  const request = useLoad((signal) => api.request(id, signal), [id]);
  const matchList = useLoad((signal) => api.matches(id, signal), [id]);
  const { data: req, error: err } = request;
  const { data: matches, error: matchErr } = matchList;
  const [accepting, setAccepting] = useState<Accepting | null>(null);
  const [closing, setClosing] = useState(false);
  useTitle(req ? `Request: ${req.topics.join(', ')}` : 'Request');

  // The offers name experts by id; their profiles give the session types, so the times can be
  // said on the viewer's clock. The offers show once those profiles are in (or failed).
  const offerKey = [...new Set((req?.offers ?? []).map((o) => o.expertId))].join(' ');
  const offerExperts = useLoad(async (signal) => {
    const list = await Promise.all((offerKey ? offerKey.split(' ') : []).map((x) => api.expert(x, signal).catch(() => null)));
    return { key: offerKey, byId: Object.fromEntries(list.filter((e): e is Expert => e !== null).map((e) => [e.id, e])) as Record<string, Expert> };
  }, [offerKey]);
  const experts = offerExperts.data?.byId ?? {};
  const offersReady = !offerExperts.loading && offerExperts.data?.key === offerKey;

  const bookingId = req?.bookingId;
  const booking = useLoad((signal) => (bookingId ? api.booking(bookingId, signal).catch(() => null) : Promise.resolve(null)), [bookingId]).data;

  if (err || !req) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Request</h1>
        {err ? <ErrorBanner error={err} /> : <Loading what="Loading your request…" />}
      </main>
    );
  }
  const open = matchable(req);
  const offers = req.offers ?? [];

  return (
    <main id="main" class="request-page">
      <p>
        <Link href="/requests">← My requests</Link>
      </p>
      <h1 tabIndex={-1}>{req.topics.map((t) => t.replace(/-/g, ' ')).join(', ')}</h1>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <p>
        <RequestBadge status={req.status} />
      </p>
      <p class="goal">{req.goal}</p>
      <RequestFacts r={req} zone={zone} mine />
      {req.status === 'booked' && (
        <p class="banner success" data-testid="request-booked">
          Booked{booking ? `: ${booking.sessionType.name} with ${booking.expert.name}, ${formatWhen(booking.start, booking.end, zone)}` : ''}. <Link href="/sessions">See it in My sessions</Link>.
        </p>
      )}
      {req.status === 'closed' && <p class="note">You closed this request. It is off the experts’ board and no longer counts toward your open requests.</p>}
      {open && (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setClosing(true)}>
            Close request
          </button>
        </div>
      )}
      {req.status === 'expired' && <p class="note">This request expired without a booking. Post a new one to get fresh matches.</p>}

      <section aria-labelledby="offers-h" class="offers">
        <h2 id="offers-h">Times offered by experts</h2>
        {offers.length === 0 ? (
          <p class="muted">{open ? 'No offers yet. Experts who share a topic see your request on their board.' : 'No offers.'}</p>
        ) : !offersReady ? (
          <Loading what="Loading the offers…" />
        ) : (
          <ul class="cards" aria-label="Offers">
            {offers.map((o) => (
              <OfferCard key={o.expertId} o={o} expert={experts[o.expertId]} zone={zone} open={open} onAccept={setAccepting} requestId={req.id} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="matches-h" class="matches">
        <h2 id="matches-h">Best matches</h2>
        <p class="muted">
          Each score adds up seven signals, each a fit from 0 to 100% times the weight your organisation gives it.
          {open ? ' Open an expert to book one of their free times for this request.' : ''}
        </p>
        {matchErr && !(matchErr instanceof ApiError && matchErr.code === 'not_found') ? <ErrorBanner error={matchErr} /> : null}
        {!matches && !matchErr && <Loading what="Finding experts…" />}
        {matches && matches.items.length === 0 && <Empty>No expert covers these topics yet. Try broader topics.</Empty>}
        {matches && matches.items.length > 0 && (
          <ol class="cards match-list" aria-label="Matches">
            {matches.items.map((m, i) => (
              <MatchCard key={m.expert.id} m={m} rank={i} requestId={req.id} canBook={open} />
            ))}
          </ol>
        )}
      </section>

      {closing && (
        <ConfirmDialog
          title="Close this request?"
          confirmLabel="Close request"
          busyLabel="Closing…"
          keepLabel="Keep it open"
          run={() => api.closeRequest(req.id)}
          onDone={(closed) => {
            setClosing(false);
            if (closed) {
              request.setData(closed);
              setNotice('Your request is closed.', `/requests/${closed.id}`);
            }
          }}
        >
          <p>Experts will no longer see it on their board, and any times they offered can no longer be accepted. It stops counting toward your open requests. This cannot be undone.</p>
        </ConfirmDialog>
      )}

      {accepting && (
        <BookDialog
          expert={accepting.expert}
          sessionType={accepting.sessionType}
          slot={accepting.slot}
          zone={zone}
          acceptOn={req.id}
          onClose={(booked) => {
            setAccepting(null);
            if (booked) {
              void request.reload();
              void matchList.reload();
            }
          }}
        />
      )}
    </main>
  );
}

function OfferCard({ o, expert, zone, open, onAccept, requestId }: { o: Offer; expert: Expert | undefined; zone: string; open: boolean; onAccept: (a: Accepting) => void; requestId: string }) {
  const st = expert?.sessionTypes.find((t) => t.id === o.sessionType);
  return (
    <li class="card offer" data-offer={o.expertId}>
      <h3>
        <Link href={`/experts/${encodeURIComponent(o.expertId)}`}>{o.expertName}</Link>
      </h3>
      <p class="muted">
        {st ? `${st.name} (${formatDuration(st.durationMin)})` : o.sessionType}
        {expert?.bookingMode === 'approval' ? ' · confirms each booking' : ''}
      </p>
      <ul class="offer-times">
        {o.starts.map((s) => (
          <li key={s}>
            <span class="when">{st ? formatWhen(s, localSlot(s, st.durationMin, zone).end, zone) : s}</span>{' '}
            {open && expert && st && (
              <button type="button" class="small" data-start={s} aria-label={`Accept ${formatWhen(s, localSlot(s, st.durationMin, zone).end, zone)} with ${o.expertName}`} onClick={() => onAccept({ expert, sessionType: st, slot: localSlot(s, st.durationMin, zone) })}>
                Accept
              </button>
            )}
          </li>
        ))}
      </ul>
      {open && (
        <p class="mentor-ask">
          <Link class="button secondary small" href={`/mentorships/new?expert=${encodeURIComponent(o.expertId)}&request=${encodeURIComponent(requestId)}`}>
            Propose a mentorship with {o.expertName}
          </Link>
        </p>
      )}
    </li>
  );
}
