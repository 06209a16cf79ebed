// My mentorships (GET /v1/mentorships): the caller's, as learner and as expert, each with the
// other side, its state and health, linking to its page.
import { api, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatDate } from '../../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';

export function healthText(m: Mentorship): string {
  if (!m.health || m.health.status !== 'stalled') return '';
  return m.health.reason === 'cancellations' ? 'stalled: two cancellations in a row' : 'stalled: 21 days without a session';
}

export function Mentorships() {
  useTitle('My mentorships');
  const { me, zone } = useApp();
  const { data, error: err } = useLoad((signal) => api.mentorships(signal), []);
  const items = data?.items ?? [];
  return (
    <main id="main">
      <h1 tabIndex={-1}>My mentorships</h1>
      <p class="muted">A mentorship is an agreement with goals and a rhythm of sessions. Propose one from an expert's page or accept one you were offered.</p>
      <ErrorBanner error={err} />
      {!data && !err && <Loading what="Loading your mentorships…" />}
      {data && items.length === 0 && <Empty>No mentorships yet.</Empty>}
      <ul class="cards" aria-label="My mentorships">
        {items.map((m) => {
          const other = m.learner.id === me.id ? m.expert : m.learner;
          const stalled = healthText(m);
          return (
            <li class="card" key={m.id} data-mentorship={m.id}>
              <p class="when">
                <span class="badge">{m.status}</span> <span class="muted">since {formatDate(m.createdAt, zone)}</span>
                {stalled && <span class="badge warn"> {stalled}</span>}
              </p>
              <h2>
                <Link href={`/mentorships/${encodeURIComponent(m.id)}`}>
                  {m.learner.id === me.id ? 'With ' : 'Mentoring '}
                  {other.name}
                </Link>
              </h2>
              <p class="goal">{m.agreement.goals.map((g) => g.title).join(' · ')}</p>
            </li>
          );
        })}
      </ul>
    </main>
  );
}
