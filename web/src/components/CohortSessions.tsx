// Program cohort sessions in My sessions: the sessions of every published program the viewer
// is enrolled in (publishing places everyone enrolled in a cohort), from the one programs
// list the Programs page also reads, upcoming or past like the bookings above them, in the
// viewer's zone, each with a link to the cohort page and its own invite (.ics). Archived
// programs are off the list and so off this page.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { cohortSessions, type CohortSession } from '../cohort';
import { useLoad } from '../load';
import { Link } from '../router';
import { serverNow } from '../state';
import { formatWhen } from '../time';
import { ErrorBanner, saveBlob } from '../ui';
import type { When } from './Bookings';

export function CohortSessions({ when, zone }: { when: When; zone: string }) {
  const { data, error } = useLoad((signal) => api.programs(signal), []);
  const [err, setErr] = useState<unknown>(null);
  const list = data ? cohortSessions(data.items, when, serverNow('utc').toMillis()) : [];
  if (error) return <ErrorBanner error={error} />;
  if (list.length === 0) return null;

  const invite = async (s: CohortSession) => {
    setErr(null);
    try {
      const f = await api.cohortInvite(s.program.id, s.n);
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setErr(e);
    }
  };
  return (
    <section aria-labelledby="cohort-sessions-h">
      <h2 id="cohort-sessions-h">Program cohort sessions</h2>
      <ErrorBanner error={err} />
      <ul class="cards" aria-label={when === 'upcoming' ? 'Upcoming program cohort sessions' : 'Past program cohort sessions'}>
        {list.map((s) => (
          <li class="card session cohort-session" key={`${s.program.id}-${s.n}`} data-cohort-session={`${s.program.id}-${s.n}`}>
            <p class="when">
              <strong>{formatWhen(s.start, s.end, zone)}</strong> <span class="badge">Program cohort</span>
            </p>
            <p>
              {s.program.title}: session {s.n} of {s.program.sessionTimes.length}
            </p>
            <div class="actions">
              <Link class="button secondary small" href={`/programs/${encodeURIComponent(s.program.id)}/cohort`}>
                My cohort
              </Link>
              <button type="button" class="secondary small" onClick={() => invite(s)}>
                Add to calendar
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
