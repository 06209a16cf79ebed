// One mentorship as a line of a list (My mentorships, the homes): the other side, its state,
// "Needs your answer" on a proposal waiting for the viewer, health, and the next session.
import { api, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { ErrorBanner } from '../../ui';
import { formatInstant } from '../../time';
import { healthText, needsAnswer, nextSession } from './agreement';
import './mentorships.css';

const STATUS: Record<Mentorship['status'], string> = { proposed: 'Proposed', active: 'Active', paused: 'Paused', closed: 'Closed' };

export function MentorshipSummary({ m, me, zone, now, heading = 'h3' }: { m: Mentorship; me: string; zone: string; now: number; heading?: 'h2' | 'h3' }) {
  const isLearner = m.learner.id === me;
  const other = isLearner ? m.expert : m.learner;
  const waiting = needsAnswer(m, me);
  const next = nextSession(m, now);
  const stalled = healthText(m);
  const H = heading;
  return (
    <li class={`card mentorship-summary${waiting ? ' pinned' : ''}`} key={m.id} data-mentorship={m.id}>
      <H class="summary-title">
        <Link href={`/mentorships/${encodeURIComponent(m.id)}`}>
          {isLearner ? 'With ' : 'Mentoring '}
          {other.name}
        </Link>
      </H>
      <p class="status-line">
        <span class={`badge badge-m-${m.status}`}>{STATUS[m.status]}</span>
        {waiting && (
          <strong class="badge badge-answer" data-testid="needs-answer">
            Needs your answer
          </strong>
        )}
        {m.status === 'proposed' && !waiting && <span class="muted small-text">waiting for {other.name.split(' ')[0]}</span>}
        {stalled && <span class="badge badge-stalled">{stalled}</span>}
      </p>
      <p class="goal">{m.agreement.goals.map((g) => g.title).join(' · ')}</p>
      {m.status !== 'closed' && m.status !== 'proposed' && (
        <p class="small-text" data-testid="summary-next">
          {next ? (
            <>
              Next session: <strong>{formatInstant(next.start, zone)}</strong>
            </>
          ) : m.occurrences.length === 0 ? (
            'No sessions booked yet.'
          ) : (
            'No session ahead.'
          )}
        </p>
      )}
    </li>
  );
}

/**
 * MentorshipsPanel: the home's list of the viewer's current mentorships (proposed, active,
 * paused), proposals waiting for their answer first, each with its next session. Nothing when
 * there is none.
 */
export function MentorshipsPanel({ me, zone, now }: { me: string; zone: string; now: number }) {
  const list = useLoad((signal) => api.mentorships(signal), []);
  const items = (list.data?.items ?? []).filter((m) => m.status !== 'closed').sort((a, b) => Number(needsAnswer(b, me)) - Number(needsAnswer(a, me)));
  if (!list.error && items.length === 0) return null;
  const waiting = items.filter((m) => needsAnswer(m, me)).length;
  return (
    <section class="panel" aria-labelledby="mentorships-h">
      <h2 id="mentorships-h">
        Your mentorships{waiting > 0 ? ` (${waiting} ${waiting === 1 ? 'needs' : 'need'} your answer)` : ''}
      </h2>
      <ErrorBanner error={list.error} />
      <ul class="cards" aria-labelledby="mentorships-h">
        {items.slice(0, 4).map((m) => (
          <MentorshipSummary key={m.id} m={m} me={me} zone={zone} now={now} />
        ))}
      </ul>
      <p>
        <Link href="/mentorships">All your mentorships</Link>
      </p>
    </section>
  );
}
