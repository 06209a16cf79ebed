// HR's view of mentorships (GET /v1/reports/mentorships): the org's mentorships by status,
// the stalled pairs with the reason, and the stream-kept figures (sessions per pair, time to
// first session, goal progress, share across departments) for the org and each learner
// department. A figure covering fewer than 3 pairs comes back null and reads "fewer than 3";
// the CSV has the same figures.
import { useState } from 'preact/hooks';
import { api, type MentorshipFigures, type MentorshipsReport } from '../../api';
import { useLoad } from '../../load';
import { ErrorBanner, Loading, saveBlob } from '../../ui';

const reasons: Record<string, string> = {
  no_session: '21 days without a session',
  cancellations: 'the last two sessions were cancelled or missed',
};

const fewer = 'fewer than 3';

function pct(x: number | null | undefined): string {
  return x == null ? fewer : `${Math.round(x * 1000) / 10}%`;
}

function Distribution({ title, buckets, unit }: { title: string; buckets: { label: string; count: number }[]; unit: string }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return (
    <table class="distribution">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{unit}</th>
          <th scope="col">Count</th>
        </tr>
      </thead>
      <tbody>
        {buckets.map((b) => (
          <tr key={b.label} data-bucket={b.label}>
            <th scope="row">{b.label}</th>
            <td class="num">
              <span class="bar" style={{ width: `${(b.count / max) * 6}em` }} aria-hidden="true" /> {b.count}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OrgFigures({ f }: { f: MentorshipFigures }) {
  return (
    <section class="card" aria-labelledby="mf-h">
      <h2 id="mf-h">Figures</h2>
      <dl class="kpis" data-figures="org">
        <div class="kpi">
          <dt>Pairs that started</dt>
          <dd class="kpi-value" data-figure="pairs">{f.pairs}</dd>
        </div>
        <div class="kpi">
          <dt>Sessions held per pair</dt>
          <dd class={`kpi-value${f.sessionsPerPair ? '' : ' missing'}`} data-figure="sessionsPerPair">{f.sessionsPerPair ? `${f.sessionsPerPair.mean} (median ${f.sessionsPerPair.median})` : fewer}</dd>
        </div>
        <div class="kpi">
          <dt>Days to the first session</dt>
          <dd class={`kpi-value${f.timeToFirstSession ? '' : ' missing'}`} data-figure="timeToFirstSession">{f.timeToFirstSession ? `${f.timeToFirstSession.meanDays} on average` : fewer}</dd>
        </div>
        <div class="kpi">
          <dt>Goal progress, first to last check-in</dt>
          <dd class={`kpi-value${f.goalProgress ? '' : ' missing'}`} data-figure="goalProgress">{f.goalProgress ? `${f.goalProgress.meanChange >= 0 ? '+' : ''}${f.goalProgress.meanChange} over ${f.goalProgress.goals} goals` : fewer}</dd>
        </div>
        <div class="kpi">
          <dt>Pairs across departments</dt>
          <dd class={`kpi-value${f.crossDepartmentShare != null ? '' : ' missing'}`} data-figure="crossDepartmentShare">{pct(f.crossDepartmentShare)}</dd>
        </div>
      </dl>
      <div class="distributions">
        {f.sessionsPerPair && <Distribution title="Sessions held per pair" unit="Sessions" buckets={f.sessionsPerPair.distribution} />}
        {f.timeToFirstSession && <Distribution title="Time to the first session" unit="Days" buckets={f.timeToFirstSession.distribution} />}
        {f.goalProgress && <Distribution title="Change of each goal's rating" unit="Change" buckets={f.goalProgress.distribution} />}
      </div>
    </section>
  );
}

export function Mentorships() {
  const { data: rep, error: err } = useLoad((signal): Promise<MentorshipsReport> => api.mentorshipsReport(signal), []);
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvErr, setCsvErr] = useState<unknown>(null);
  const download = async () => {
    setCsvBusy(true);
    setCsvErr(null);
    try {
      const f = await api.mentorshipsCsv();
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setCsvErr(e);
    }
    setCsvBusy(false);
  };
  if (!rep) return err ? <ErrorBanner error={err} /> : <Loading what="Loading the mentorships report…" />;
  const fig = rep.figures;
  const c = rep.counts;
  return (
    <div class="dashboard hr-mentorships">
      <section class="card" aria-labelledby="ms-h">
        <h2 id="ms-h">Mentorships by status</h2>
        <dl class="kpis" data-counts>
          {(['active', 'stalled', 'paused', 'proposed', 'closed'] as const).map((k) => (
            <div class="kpi" key={k}>
              <dt>{k === 'closed' ? 'Completed (closed)' : k[0]!.toUpperCase() + k.slice(1)}</dt>
              <dd class="kpi-value" data-count={k}>{c[k]}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">
          Would recommend: {pct(rep.wouldRecommend)} of {rep.reflections} reflections.
        </p>
      </section>
      <section class="card" aria-labelledby="stalled-h">
        <h2 id="stalled-h">Stalled pairs</h2>
        {rep.stalled.length === 0 ? (
          <p>No stalled pairs.</p>
        ) : (
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="stalled-h">
            <table>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Expert</th>
                  <th scope="col">Why</th>
                  <th scope="col">Days without a session</th>
                </tr>
              </thead>
              <tbody>
                {rep.stalled.map((p) => (
                  <tr key={p.id} data-stalled={p.id}>
                    <td>
                      {p.learner.name} <span class="hint">({p.learner.department})</span>
                    </td>
                    <td>
                      {p.expert.name} <span class="hint">({p.expert.department})</span>
                    </td>
                    <td>{reasons[p.reason] ?? p.reason}</td>
                    <td class="num">{p.daysWithoutSession}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {fig && <OrgFigures f={fig.org} />}
      {fig && (
        <section class="card" aria-labelledby="md-h">
          <h2 id="md-h">By the learner's department</h2>
          <p class="hint">{fig.suppression}</p>
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="md-h">
            <table>
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Mentorships</th>
                  <th scope="col">Active</th>
                  <th scope="col">Stalled</th>
                  <th scope="col">Sessions per pair</th>
                  <th scope="col">Days to first session</th>
                  <th scope="col">Goal change</th>
                  <th scope="col">Across departments</th>
                </tr>
              </thead>
              <tbody>
                {fig.departments.map((d) => (
                  <tr key={d.group.key} data-department={d.group.key}>
                    <th scope="row">{d.group.name}</th>
                    <td class="num">{d.counts ? d.mentorships : fewer}</td>
                    <td class="num">{d.counts ? d.counts.active : fewer}</td>
                    <td class="num">{d.counts ? d.counts.stalled : fewer}</td>
                    <td class="num">{d.sessionsPerPair ? d.sessionsPerPair.mean : fewer}</td>
                    <td class="num">{d.timeToFirstSession ? d.timeToFirstSession.meanDays : fewer}</td>
                    <td class="num">{d.goalProgress ? d.goalProgress.meanChange : fewer}</td>
                    <td class="num">{pct(d.crossDepartmentShare)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <section class="card" aria-labelledby="mcsv-h">
        <h2 id="mcsv-h">Download</h2>
        <button type="button" class="btn" disabled={csvBusy} onClick={download}>
          Download CSV
        </button>
        <ErrorBanner error={csvErr} />
      </section>
    </div>
  );
}
