// My mentorships (GET /v1/mentorships): the caller's, as learner and as expert. Proposals waiting
// for the caller's answer come first, then the running ones with their next session, then the
// closed ones. Learners start one from an expert's page or a match; experts invite a learner
// they have had sessions with.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { hasRole, learnServerNow, serverClockKnown, serverNow, useApp } from '../../state';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import { needsAnswer } from './agreement';
import { MentorshipSummary } from './Summary';
import './mentorships.css';

export function Mentorships() {
  useTitle('My mentorships');
  const { me, zone } = useApp();
  const { data, error: err } = useLoad((signal) => api.mentorships(signal), []);
  const [, setClock] = useState(serverClockKnown());
  const anyExpert = data?.items[0]?.expert.id;
  useEffect(() => {
    if (serverClockKnown() || !anyExpert) return;
    void api.slots(anyExpert, { from: '', to: '' }).then((l) => learnServerNow(l.from), () => undefined).finally(() => setClock(true));
  }, [anyExpert]);
  const now = serverNow('UTC').toMillis();
  const items = data?.items ?? [];
  const waiting = items.filter((m) => needsAnswer(m, me.id));
  const running = items.filter((m) => !needsAnswer(m, me.id) && m.status !== 'closed');
  const closed = items.filter((m) => m.status === 'closed');
  const isExpert = hasRole(me, 'expert');
  return (
    <main id="main" class="mentorships">
      <h1 tabIndex={-1}>My mentorships</h1>
      <p class="muted">
        A mentorship is an agreement on goals and a rhythm of sessions.{' '}
        {isExpert ? 'Invite a learner you have met below, or accept a proposal.' : <>Propose one from an <Link href="/experts">expert’s page</Link> or a match of your request.</>}
      </p>
      <ErrorBanner error={err} />
      {!data && !err && <Loading what="Loading your mentorships…" />}
      {data && items.length === 0 && <Empty>No mentorships yet.</Empty>}
      {waiting.length > 0 && (
        <section aria-labelledby="waiting-h">
          <h2 id="waiting-h">Waiting for your answer ({waiting.length})</h2>
          <ul class="cards" aria-labelledby="waiting-h">
            {waiting.map((m) => (
              <MentorshipSummary key={m.id} m={m} me={me.id} zone={zone} now={now} />
            ))}
          </ul>
        </section>
      )}
      {running.length > 0 && (
        <section aria-labelledby="running-h">
          <h2 id="running-h">Current</h2>
          <ul class="cards" aria-labelledby="running-h">
            {running.map((m) => (
              <MentorshipSummary key={m.id} m={m} me={me.id} zone={zone} now={now} />
            ))}
          </ul>
        </section>
      )}
      {closed.length > 0 && (
        <section aria-labelledby="closed-h">
          <h2 id="closed-h">Closed</h2>
          <ul class="cards" aria-labelledby="closed-h">
            {closed.map((m) => (
              <MentorshipSummary key={m.id} m={m} me={me.id} zone={zone} now={now} />
            ))}
          </ul>
        </section>
      )}
      {isExpert && <InviteLearners mentoring={new Set(items.filter((m) => m.status !== 'closed' && m.expert.id === me.id).map((m) => m.learner.id))} />}
    </main>
  );
}

/** InviteLearners: the learners the expert has had sessions with, each a link to invite them. */
function InviteLearners({ mentoring }: { mentoring: Set<string> }) {
  const list = useLoad(async (signal) => {
    const [past, ahead] = await Promise.all([api.bookings({ as: 'expert', when: 'past', limit: 50 }, signal), api.bookings({ as: 'expert', when: 'upcoming', limit: 50 }, signal)]);
    const seen = new Map<string, { id: string; name: string; department: string }>();
    for (const b of [...ahead.items, ...past.items]) if (!seen.has(b.learner.id)) seen.set(b.learner.id, { id: b.learner.id, name: b.learner.name, department: b.learner.department });
    return [...seen.values()];
  }, []);
  const learners = (list.data ?? []).filter((l) => !mentoring.has(l.id)).slice(0, 12);
  return (
    <section aria-labelledby="invite-h" class="panel">
      <h2 id="invite-h">Invite a learner</h2>
      <p class="muted">People you have had sessions with. An invitation proposes an agreement; they accept it.</p>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading what="Loading your learners…" />}
      {list.data && learners.length === 0 && <p class="muted">No learner to invite yet.</p>}
      <ul class="plain-list invite-list">
        {learners.map((l) => (
          <li key={l.id}>
            <Link class="button secondary small" href={`/mentorships/new?learner=${encodeURIComponent(l.id)}&name=${encodeURIComponent(l.name)}`}>
              Invite {l.name}
            </Link>{' '}
            <span class="muted small-text">{l.department}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
