// One booking (/bookings/:id): what notifications link to, and where an e-mail's action link
// lands (/bookings/:id?do=confirm|decline|reschedule|cancel&t=…). The page shows the booking
// and asks before doing what the link asked; the action is the ordinary signed-in API call, so
// the caller's rights are checked as anywhere else (the link's token is not needed here and is
// dropped from the address bar at once, so it is not left in the history or a referrer).
import { useEffect, useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import { api } from '../../api';
import { InviteButton } from '../../components/InviteButton';
import { useLoad } from '../../load';
import { cannot, isVerb, verbText } from '../../notifications';
import { Link, navigate, useLocation } from '../../router';
import { serverNow, useApp } from '../../state';
import { formatInstant, formatWhen, zoneLabel } from '../../time';
import { ErrorBanner, GroupSessionLink, Loading, StatusBadge, TextArea, errorOf, useTitle } from '../../ui';
import '../../feat.css';

export function BookingPage({ id }: { id: string }) {
  useTitle('Session');
  const { zone, me } = useApp();
  const { query } = useLocation();
  const asked = query.get('do');
  const verb = isVerb(asked) ? asked : null;
  const loaded = useLoad((signal) => api.booking(id, signal), [id]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [done, setDone] = useState('');

  // The link's token has done its job once the page is open: keep it out of the history.
  useEffect(() => {
    if (query.has('t')) {
      const q = new URLSearchParams(query);
      q.delete('t');
      const s = q.toString();
      history.replaceState(history.state, '', `${location.pathname}${s ? `?${s}` : ''}`);
    }
  }, []);

  const b = loaded.data;
  const title = b ? `${b.sessionType.name} with ${b.expert.id === me.id ? b.learner.name : b.expert.name}` : 'Session';
  if (!b) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Session</h1>
        {loaded.error ? <ErrorBanner error={loaded.error} /> : <Loading what="Loading the session…" />}
      </main>
    );
  }
  const expert = b.expert.id === me.id;
  const now = serverNow(zone);
  const why = verb ? cannot(verb, b, me.id, now) : '';
  const t = verb ? verbText[verb] : null;
  const act = async () => {
    if (!verb || !t) return;
    if (verb === 'reschedule') {
      navigate(`/sessions/${encodeURIComponent(b.id)}/reschedule`);
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      const next = verb === 'confirm' ? await api.confirm(b.id) : verb === 'decline' ? await api.decline(b.id, reason) : await api.cancel(b.id, reason);
      loaded.setData(next);
      setDone(t.done);
      navigate(location.pathname, { replace: true });
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  const other = expert ? b.learner : b.expert;

  return (
    <main id="main">
      <h1 tabIndex={-1}>{title}</h1>
      {done && (
        <p class="banner success" role="status">
          {done}
        </p>
      )}
      {verb && t && !done && (
        <section class="card action-ask" aria-labelledby="ask-h">
          <h2 id="ask-h">{t.question}</h2>
          {why ? (
            <p data-testid="cannot">{why}</p>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act();
              }}
            >
              <p>
                {b.sessionType.name} with {other.name}: {formatWhen(b.start, b.end, zone)}, {zoneLabel(zone, DateTime.fromISO(b.start))}.
              </p>
              {t.reason && <TextArea label={`Reason (optional, ${other.name.split(' ')[0]} sees it)`} value={reason} onValue={setReason} maxLength={500} error={errorOf(err, 'reason')} />}
              <ErrorBanner error={err} shown={['reason']} />
              <div class="actions">
                <button type="submit" class={verb === 'decline' || verb === 'cancel' ? 'danger' : ''} disabled={busy}>
                  {busy ? 'Working…' : t.button}
                </button>
                <button type="button" class="secondary" onClick={() => navigate(location.pathname, { replace: true })}>
                  Not now
                </button>
              </div>
            </form>
          )}
        </section>
      )}
      <section class="card" aria-labelledby="session-h">
        <h2 id="session-h" class="when">
          {formatWhen(b.start, b.end, zone)} <StatusBadge status={b.status} offer={b.offer} />
        </h2>
        <p class="zone-note">Times in {zoneLabel(zone, DateTime.fromISO(b.start))}</p>
        <dl class="facts">
          <dt>Session</dt>
          <dd>
            {b.sessionType.name} ({b.sessionType.durationMin} min)
          </dd>
          <dt>Expert</dt>
          <dd>
            <Link href={`/experts/${encodeURIComponent(b.expert.id)}`}>{b.expert.name}</Link> <span class="muted">({b.expert.department})</span>
          </dd>
          <dt>Learner</dt>
          <dd>
            {b.learner.name} <span class="muted">({b.learner.department})</span>
          </dd>
          {b.status === 'pending' && b.holdUntil && (
            <>
              <dt>Answer by</dt>
              <dd>{formatInstant(b.holdUntil, zone)}</dd>
            </>
          )}
          {b.meetingUrl && (
            <>
              <dt>Meeting</dt>
              <dd>
                <a href={b.meetingUrl} rel="noopener noreferrer" target="_blank">
                  {b.meetingUrl}
                </a>
              </dd>
            </>
          )}
          {b.cancelledBy && (
            <>
              <dt>Cancelled by</dt>
              <dd>
                the {b.cancelledBy}
                {b.lateCancel ? ' (late)' : ''}
                {b.cancelReason ? `: “${b.cancelReason}”` : ''}
              </dd>
            </>
          )}
        </dl>
        {b.note && <p class="muted note-text">“{b.note}”</p>}
        {b.circleId && <GroupSessionLink circleId={b.circleId} />}
        <div class="actions">
          <InviteButton id={b.id} />
          <Link class="button secondary small" href={expert ? '/expert/schedule' : '/sessions'}>
            {expert ? 'My schedule' : 'My sessions'}
          </Link>
        </div>
      </section>
    </main>
  );
}
