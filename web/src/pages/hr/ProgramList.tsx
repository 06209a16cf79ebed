// HR's programs (GET /v1/programs): each with its status, enrollment and first session, and a
// link to its cohort builder; a button to create a new one.
import { api } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { Empty, ErrorBanner, Loading } from '../../ui';
import { cadenceText, sessionLines, statusText, topicLabel } from '../../cohort';

export function ProgramList() {
  const { zone } = useApp();
  const { data: items, error: err } = useLoad((signal) => api.programs(signal).then((r) => r.items), []);
  return (
    <section class="hr-programs" aria-label="Programs">
      <div class="page-head">
        <p class="muted">Cohort programs: learners enroll, you build cohorts that mix departments and introduce new people, review them and publish.</p>
        <Link class="button" href="/hr/programs/new">
          New program
        </Link>
      </div>
      <ErrorBanner error={err} />
      {!items && !err && <Loading what="Loading programs…" />}
      {items && items.length === 0 && <Empty>No programs yet.</Empty>}
      {items && items.length > 0 && (
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Program</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Enrolled
                </th>
                <th scope="col">Schedule</th>
                <th scope="col">First session</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-program={p.id}>
                  <th scope="row">
                    <Link href={`/hr/programs/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                    <div class="muted small-text">{topicLabel(p.topic)}</div>
                  </th>
                  <td>{statusText[p.status]}</td>
                  <td class="num">{p.enrolled}</td>
                  <td>{cadenceText(p)}</td>
                  <td>{sessionLines(p, zone)[0] ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
