// The expert's request board (GET /v1/requests/board): open requests that share a topic with
// the expert in fair order (every learner's first open request before anyone's second, and
// within that the longest-waiting first), a page at a time with "Load more", and the page to offer times on one (POST /v1/requests/{id}/offers
// with up to three of the expert's own free slots for one session type).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Expert } from '../api';
import { WeekView } from '../components/WeekView';
import { useLoad, usePages } from '../load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useApp } from '../state';
import { formatDate, formatDuration, formatWhen, localSlot, rangeQuery, inZone } from '../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../ui';
import { RequestBadge, RequestFacts, matchable, urgencyText } from '../components/Requests';

export const MAX_OFFER = 3;

export function Board() {
  useTitle('Request board');
  const { zone, notice } = useApp();
  const board = usePages((cursor, signal) => api.board(cursor, signal), []);
  const { error: err, cursor } = board;
  // Nothing until the first page answers; a later page's failure keeps what is on screen.
  const items = board.data ? board.items : undefined;
  // The expert's own topics stand out on the cards; without a profile, none do.
  const topics = useLoad((signal) => api.myProfile(signal).then((e) => e.topics, (): string[] => []), []).data ?? [];

  return (
    <main id="main">
      <h1 tabIndex={-1}>Request board</h1>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <p class="muted">Learners’ requests that share a topic with you, longest waiting first (each learner’s first request before anyone’s second). Offer up to {MAX_OFFER} of your free times; the learner picks one and it is booked like any session.</p>
      <ErrorBanner error={err} />
      {!items && !err && <Loading what="Loading requests…" />}
      {items && items.length === 0 && <Empty>No open requests on your topics right now.</Empty>}
      {items && items.length > 0 && (
        <ul class="cards" aria-label="Open requests">
          {items.map((r) => (
            <li class="card request-card" key={r.id} data-request={r.id}>
              <p class="when">
                <strong>{r.learnerName}</strong> <span class="muted">({r.learnerDepartment})</span> <RequestBadge status={r.status} />
                {r.urgency === 'high' && <span class="badge badge-urgent">{urgencyText.high}</span>}
              </p>
              <ul class="chips" aria-label="Topics">
                {r.topics.map((t) => (
                  <li key={t}>
                    <span class={`chip${topics.includes(t) ? ' chip-strong' : ''}`}>
                      {t.replace(/-/g, ' ')}
                      {topics.includes(t) && <span class="visually-hidden"> (one of your topics)</span>}
                    </span>
                  </li>
                ))}
              </ul>
              <p class="goal">{r.goal}</p>
              <p class="muted">
                {formatDuration(r.durationMin)} · {r.language ? `in ${r.language} · ` : ''}open until {formatDate(r.expiresAt, zone)}
              </p>
              <div class="actions">
                <Link class="button small" href={`/expert/board/${encodeURIComponent(r.id)}`} aria-label={`Offer times to ${r.learnerName}`}>
                  Offer times
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      {items && cursor && (
        <button type="button" class="secondary" disabled={board.loading} onClick={() => void board.more()}>
          {board.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </main>
  );
}

/** closestType is the session type nearest in length to the request (as the matcher picks). */
function closestType(e: Expert, minutes: number) {
  return [...e.sessionTypes].sort((a, b) => Math.abs(a.durationMin - minutes) - Math.abs(b.durationMin - minutes))[0];
}

export function OfferTimes({ id }: { id: string }) {
  useTitle('Offer times');
  const { zone, me, setNotice } = useApp();
  const { path, query } = useLocation();
  const loaded = useLoad((signal) => Promise.all([api.request(id, signal), api.myProfile(signal)]), [id]);
  const [req, profile] = loaded.data ?? [];
  const loadErr = loaded.error;
  // The session type nearest in length to the request until the expert picks another.
  const [typeChoice, setTypeId] = useState('');
  const typeId = typeChoice || (req && profile ? (closestType(profile, req.durationMin)?.id ?? '') : '');
  useEffect(() => setTypeId(''), [id]);
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [taken, setTaken] = useState<string[]>([]);
  const [refresh, setRefresh] = useState(0);
  const [limitHit, setLimitHit] = useState(false);

  const st = profile?.sessionTypes.find((t) => t.id === typeId);
  if (loadErr || !req || !profile || !st) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Offer times</h1>
        <p>
          <Link href="/expert/board">← Request board</Link>
        </p>
        {loadErr ? <ErrorBanner error={loadErr} /> : profile && !st ? <Empty>Add a session type to your profile first.</Empty> : <Loading what="Loading the request…" />}
      </main>
    );
  }
  const first = req.learnerName.split(' ')[0] ?? req.learnerName;
  const toggle = (start: string) => {
    setErr(null);
    setTaken([]);
    const has = picked.some((p) => Date.parse(p) === Date.parse(start));
    if (has) {
      setPicked(picked.filter((p) => Date.parse(p) !== Date.parse(start)));
      setLimitHit(false);
    } else if (picked.length >= MAX_OFFER) setLimitHit(true);
    else setPicked([...picked, start].sort((a, b) => Date.parse(a) - Date.parse(b)));
  };

  /** After a 409 slot_taken: ask for the free slots again and drop the picked ones that are gone. */
  const dropTaken = async () => {
    const times = picked.map((p) => inZone(p, zone));
    const from = times.reduce((a, b) => (a < b ? a : b));
    const to = times.reduce((a, b) => (a > b ? a : b)).plus({ minutes: st.durationMin });
    const list = await api.slots(me.id, { ...rangeQuery(from, to), sessionType: st.id, tz: zone });
    const free = new Set(list.slots.map((s) => Date.parse(s.start)));
    const gone = picked.filter((p) => !free.has(Date.parse(p)));
    setTaken(gone);
    setPicked(picked.filter((p) => free.has(Date.parse(p))));
    setRefresh((n) => n + 1);
  };

  const send = async () => {
    setBusy(true);
    setErr(null);
    setTaken([]);
    try {
      await api.offer(req.id, { sessionType: st.id, starts: picked });
      setNotice(`Offered ${picked.length} time${picked.length > 1 ? 's' : ''} to ${req.learnerName}: ${picked.map((p) => formatWhen(p, localSlot(p, st.durationMin, zone).end, zone)).join('; ')}.`, '/expert/board');
      navigate('/expert/board');
      return;
    } catch (e) {
      setErr(e);
      if (e instanceof ApiError && e.code === 'conflict' && e.extra.conflict === 'slot_taken') await dropTaken().catch(() => undefined);
    }
    setBusy(false);
  };
  const conflict = err instanceof ApiError && err.code === 'conflict' ? String(err.extra.conflict ?? '') : '';
  const closed = conflict === 'request_closed' || !matchable(req);

  return (
    <main id="main" class="offer-page">
      <p>
        <Link href="/expert/board">← Request board</Link>
      </p>
      <h1 tabIndex={-1}>Offer times to {req.learnerName}</h1>
      <p class="goal">{req.goal}</p>
      <RequestFacts r={req} zone={zone} mine={false} />

      <fieldset class="session-types">
        <legend>Session type</legend>
        {profile.sessionTypes.map((t) => (
          <label class="radio-card" key={t.id}>
            <input
              type="radio"
              name="sessionType"
              value={t.id}
              checked={t.id === st.id}
              onChange={() => {
                setTypeId(t.id);
                setPicked([]);
                setErr(null);
                setTaken([]);
              }}
            />
            <span>
              <strong>{t.name}</strong> <span class="muted">{formatDuration(t.durationMin)}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <WeekView
        expertId={me.id}
        sessionType={st.id}
        zone={zone}
        weekStart={query.get('week') ?? ''}
        onWeek={(w) => navigate(withQuery(path, query, { week: w }), { replace: true })}
        onPick={(s) => toggle(s.start)}
        selected={picked}
        pickLabel="Offer"
        refresh={refresh}
      />

      <section class="card offer-summary" aria-labelledby="picked-h">
        <h2 id="picked-h">
          Your offer ({picked.length} of up to {MAX_OFFER})
        </h2>
        <p class="visually-hidden" role="status">
          {picked.length} time{picked.length === 1 ? '' : 's'} picked.
        </p>
        {picked.length === 0 ? (
          <p class="muted">Pick up to {MAX_OFFER} of your free times above. Each is checked again when you send the offer.</p>
        ) : (
          <ol class="picked" aria-label="Picked times">
            {picked.map((p, i) => (
              <li key={p} data-start={p}>
                <span>
                  {formatWhen(p, localSlot(p, st.durationMin, zone).end, zone)}{' '}
                  {req.timezone !== zone && <span class="muted small-text">({first}: {inZone(p, req.timezone).toFormat('ccc HH:mm')})</span>}
                </span>
                <button type="button" class="secondary small" onClick={() => toggle(p)} aria-label={`Remove ${formatWhen(p, localSlot(p, st.durationMin, zone).end, zone)}`}>
                  Remove
                </button>
                {err instanceof ApiError && err.field(`starts[${i}]`) && <p class="error">{err.field(`starts[${i}]`)}</p>}
              </li>
            ))}
          </ol>
        )}
        {limitHit && <p class="note">You can offer at most {MAX_OFFER} times. Remove one to pick another.</p>}
        {conflict === 'slot_taken' ? (
          <div class="banner error-banner" role="alert" data-testid="slot-taken">
            <p>
              {taken.length > 0
                ? `Someone just booked you at ${taken.map((t) => formatWhen(t, localSlot(t, st.durationMin, zone).end, zone)).join(' and ')}, so ${taken.length > 1 ? 'those times were' : 'that time was'} taken off your offer.`
                : 'One of these times was just booked by someone else.'}{' '}
              Pick {taken.length > 1 ? 'other times' : 'another time'} and send again.
            </p>
          </div>
        ) : closed ? (
          <div class="banner error-banner" role="alert">
            <p>This request is no longer looking for an expert{req.status !== 'open' && req.status !== 'offered' ? ` (${req.status})` : ''}.</p>
          </div>
        ) : (
          <ErrorBanner error={err} shown={['starts']} />
        )}
        <div class="actions">
          <button type="button" onClick={send} disabled={busy || picked.length === 0 || closed}>
            {busy ? 'Sending…' : `Send offer${picked.length > 1 ? ` (${picked.length} times)` : ''}`}
          </button>
        </div>
      </section>
    </main>
  );
}
