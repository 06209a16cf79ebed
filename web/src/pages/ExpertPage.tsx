// An expert's page: profile, session types and the date-first picker of free times in the viewer's zone. A
// group session type shows each time's seats left, or that it is full (booking it then joins
// the waitlist).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { BookDialog } from '../components/BookDialog';
import { Reviews } from '../components/Reviews';
import { SlotPicker } from '../components/SlotPicker';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useApp } from '../state';
import { formatDuration, zoneLabel, type LocalSlot } from '../time';
import { useLoad } from '../load';
import { ErrorBanner, Loading, useTitle } from '../ui';
import { Rating } from '../components/Rating';

export function ExpertPage({ id }: { id: string }) {
  const { zone, me } = useApp();
  const { path, query } = useLocation();
  const { data: expert, error: err } = useLoad((signal) => api.expert(id, signal), [id]);
  const [slot, setSlot] = useState<LocalSlot | null>(null);
  const [refresh, setRefresh] = useState(0);
  // Times refused as taken meanwhile: hidden at once, before the fresh list arrives.
  const [gone, setGone] = useState<ReadonlySet<number>>(() => new Set());
  useTitle(expert?.name ?? 'Expert');

  const typeId = query.get('type') || expert?.sessionTypes[0]?.id || '';
  const sessionType = expert?.sessionTypes.find((t) => t.id === typeId) ?? expert?.sessionTypes[0];
  const setQuery = (set: Record<string, string>) => navigate(withQuery(path, query, set), { replace: true });

  if (err) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Expert</h1>
        <ErrorBanner error={err} />
      </main>
    );
  }
  if (!expert || !sessionType) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Expert</h1>
        {expert ? <p class="empty">This expert offers no sessions yet.</p> : <Loading what="Loading the expert…" />}
      </main>
    );
  }
  const self = expert.id === me.id;
  // Opened from a request's matches: a booking made here is linked to that request.
  const requestId = query.get('request') ?? '';
  return (
    <main id="main" class="expert-page">
      <header class="profile">
        <h1 tabIndex={-1}>{expert.name}</h1>
        <p class="headline">{expert.headline}</p>
        <p class="meta">
          {expert.department} · <Rating e={expert} /> · speaks {expert.languages.join(', ')} · works in {zoneLabel(expert.timezone)}
        </p>
        {expert.bio && <p class="bio">{expert.bio}</p>}
        <ul class="chips" aria-label="Topics">
          {expert.topics.map((t) => (
            <li key={t}>
              <span class="chip">{t.replace(/-/g, ' ')}</span>
            </li>
          ))}
        </ul>
        {expert.bookingMode === 'approval' && <p class="note">{expert.name.split(' ')[0]} confirms each request; your time is held until then.</p>}
      </header>

      <fieldset class="session-types">
        <legend>Session type</legend>
        {expert.sessionTypes.map((t) => (
          <label class="radio-card" key={t.id}>
            <input type="radio" name="sessionType" value={t.id} checked={t.id === sessionType.id} onChange={() => setQuery({ type: t.id })} />
            <span>
              <strong>{t.name}</strong> <span class="muted">{formatDuration(t.durationMin)}{t.seats > 1 ? ` · up to ${t.seats} people` : ''}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {sessionType.seats > 1 && (
        <p class="note" data-testid="group-note">
          A group session for up to {sessionType.seats} people. A seat is yours at once
          {expert.bookingMode === 'approval' ? `, without waiting for ${expert.name.split(' ')[0]} to confirm` : ''}; when every seat is taken, you can join the
          waitlist and are offered a seat if one frees up.
        </p>
      )}
      {requestId && !self && (
        <p class="note" data-testid="for-request">
          Booking for <Link href={`/requests/${encodeURIComponent(requestId)}`}>your request</Link>: the session you book here fulfils it.
        </p>
      )}
      {self && <p class="note">This is your own profile: you cannot book yourself, but this is what learners see.</p>}
      {!self && expert.sessionTypes.some((t) => t.seats <= 1) && (
        <p class="mentor-ask">
          <Link class="button secondary" href={`/mentorships/new?expert=${encodeURIComponent(expert.id)}${requestId ? `&request=${encodeURIComponent(requestId)}` : ''}`}>
            Ask {expert.name.split(' ')[0]} to mentor you
          </Link>{' '}
          <span class="muted small-text">A series of sessions towards goals you agree on.</span>
        </p>
      )}
      <SlotPicker
        expertId={expert.id}
        sessionType={sessionType.id}
        zone={zone}
        date={query.get('date') ?? query.get('week') ?? ''}
        onDate={(d) => setQuery({ date: d, week: '' })}
        onPick={(s) => !self && setSlot(s)}
        avoidOwn={!self}
        gone={gone}
        refresh={refresh}
      />
      {slot && (
        <BookDialog
          expert={expert}
          sessionType={sessionType}
          slot={slot}
          zone={zone}
          {...(requestId && !self ? { requestId } : {})}
          onTaken={(start) => {
            setGone((g) => new Set([...g, Date.parse(start)]));
            setRefresh((n) => n + 1);
          }}
          onClose={(booked) => {
            setSlot(null);
            if (booked) setRefresh((n) => n + 1);
            if (booked && requestId) setQuery({ request: '' }); // the request is booked now
          }}
        />
      )}
      <Reviews expertId={expert.id} name={expert.name.split(' ')[0] ?? expert.name} />
    </main>
  );
}
