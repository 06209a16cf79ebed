// My cohort (GET /v1/programs/{id}/cohorts as a member, once published): who is in it, from
// which departments and zones (with what the first session is on their clock), why it was put
// together (in words) and every session in the viewer's zone. Before publishing the API
// answers 404, said plainly. HR users get the whole plan from the same endpoint, so their own
// cohort is picked from it.
import { ApiError, api } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatTime, inZone, zoneLabel } from '../../time';
import { ErrorBanner, Loading, useTitle } from '../../ui';
import { cadenceText, cohortOf, crossText, explanationText, isPlan, sessionLines, topicLabel } from '../../cohort';

export function MyCohort({ id }: { id: string }) {
  useTitle('My cohort');
  const { me, zone } = useApp();
  const { data, error: err } = useLoad(async (signal) => {
    const r = await api.myCohort(id, signal);
    return { program: isPlan(r) ? await api.program(id, signal) : r.program, cohort: cohortOf(r, me.id) };
  }, [id, me.id]);

  const notYet = err instanceof ApiError && err.code === 'not_found';
  const back = <Link href="/programs">Back to programs</Link>;
  if (!data) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>My cohort</h1>
        {notYet ? (
          <p class="empty">
            {err.detail || 'Your cohort is not published yet.'} {back}
          </p>
        ) : (
          <>
            <ErrorBanner error={err} />
            {!err && <Loading what="Loading your cohort…" />}
          </>
        )}
      </main>
    );
  }
  const { program: p, cohort: c } = data;
  const first = p.sessionTimes[0] ?? p.start;
  return (
    <main id="main" class="my-cohort">
      <h1 tabIndex={-1}>My cohort</h1>
      <p>
        <strong>{p.title}</strong> · {topicLabel(p.topic)} · {cadenceText(p)}. {back}
      </p>
      {!c ? (
        <p class="empty">You are not in a cohort of this program.</p>
      ) : (
        <>
          <section class="card cohort-summary" aria-labelledby="why-h">
            <h2 id="why-h">Cohort {c.number}</h2>
            <p class="explanation">{explanationText(c.members.length, c.explanation)}.</p>
            <p class="muted">
              {crossText(c.explanation.pairs, c.explanation.crossPairs)}
              {c.explanation.sharedInterests.length > 0 && `; shared interests: ${c.explanation.sharedInterests.map(topicLabel).join(', ')}`}.
            </p>
          </section>
          <section aria-labelledby="members-h">
            <h2 id="members-h">Members</h2>
            <div class="table-scroll">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Department</th>
                    <th scope="col">Time zone</th>
                    <th scope="col">First session on their clock</th>
                  </tr>
                </thead>
                <tbody>
                  {c.members.map((m) => (
                    <tr key={m.id} data-member={m.id}>
                      <th scope="row">
                        {m.name}
                        {m.id === me.id && <span class="muted"> (you)</span>}
                      </th>
                      <td>{m.department}</td>
                      <td>{zoneLabel(m.timezone, inZone(first, m.timezone))}</td>
                      <td>{formatTime(inZone(first, m.timezone))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">Sessions</h2>
        <p class="muted">In your time zone, {zoneLabel(zone, inZone(first, zone))}.</p>
        <ol class="session-lines">
          {sessionLines(p, zone).map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}
