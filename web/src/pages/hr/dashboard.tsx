// The HR dashboard (lazy chunk, with Chart.js): headline figures for a range of months, the
// coaching budget used against allotted, the monthly trend, breakdowns by department and by expert with small groups hidden, the
// department connection graph and the CSV download (GET /v1/reports/utilization and
// /v1/reports/connections). The org settings form, the programs and the cohort builder live
// in this chunk too.
import { useState } from 'preact/hooks';
import { api, type ConnectionsReport, type GroupBy, type ReportRow, type UtilizationReport } from '../../api';
import { useLoad } from '../../load';
import { navigate, useLocation, withQuery } from '../../router';
import { ErrorBanner, Loading, Select, TextField, errorOf, saveBlob } from '../../ui';
import { BudgetCard } from './BudgetCard';
import { TrendCharts, chartVersion } from './charts';
import { figure, monthsBetween, type MetricKey } from './format';
import { ConnectionGraph } from './Graph';

export { Settings } from './Settings';
export { ProgramList } from './ProgramList';
export { NewProgram } from './NewProgram';
export { CohortBuilder } from './CohortBuilder';
export { Mentorships } from './Mentorships';
export { chartVersion };

interface Reports {
  month: UtilizationReport;
  department: UtilizationReport;
  expert: UtilizationReport;
  connections: ConnectionsReport;
}

export function Dashboard() {
  const { path, query } = useLocation();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const [form, setForm] = useState({ from, to });
  const [csvBy, setCsvBy] = useState<GroupBy>('department');
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvErr, setCsvErr] = useState<unknown>(null);

  // The last range's reports stay until the next range's arrive.
  const { data, error: err } = useLoad(
    async (signal): Promise<Reports> => {
      const q = { from, to };
      const [month, department, expert, connections] = await Promise.all([
        api.utilization({ ...q, groupBy: 'month' }, signal),
        api.utilization({ ...q, groupBy: 'department' }, signal),
        api.utilization({ ...q, groupBy: 'expert' }, signal),
        api.connections(q, signal),
      ]);
      if (!signal.aborted) setForm({ from: month.from, to: month.to }); // the server's default range when none was asked
      return { month, department, expert, connections };
    },
    [from, to],
    { keep: true },
  );

  const download = async () => {
    if (!data) return;
    setCsvBusy(true);
    setCsvErr(null);
    try {
      const f = await api.utilizationCsv({ from: data.month.from, to: data.month.to, groupBy: csvBy });
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setCsvErr(e);
    }
    setCsvBusy(false);
  };

  return (
    <div class="dashboard">
      <form
        class="card period"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withQuery(path, query, { from: form.from, to: form.to }));
        }}
      >
        <TextField label="From month" type="month" value={form.from} onValue={(v) => setForm({ ...form, from: v })} error={errorOf(err, 'from')} />
        <TextField label="To month" type="month" value={form.to} onValue={(v) => setForm({ ...form, to: v })} error={errorOf(err, 'to')} />
        <div class="period-actions">
          <button type="submit">Show</button>
        </div>
        <div class="csv">
          <Select label="CSV rows" value={csvBy} onValue={(v) => setCsvBy(v as GroupBy)} options={[{ value: 'month', label: 'by month' }, { value: 'department', label: 'by department' }, { value: 'expert', label: 'by expert' }]} />
          <button type="button" class="secondary" onClick={download} disabled={!data || csvBusy}>
            {csvBusy ? 'Preparing…' : 'Download CSV'}
          </button>
        </div>
      </form>
      <ErrorBanner error={err} shown={['from', 'to']} />
      <ErrorBanner error={csvErr} />
      {!data && !err && <Loading what="Loading the reports…" />}
      {data && (
        <>
          <Headline total={data.month.total} months={monthsBetween(data.month.from, data.month.to).length} />
          <BudgetCard budget={data.month.budget ?? null} />
          <TrendCharts rows={data.month.rows} months={monthsBetween(data.month.from, data.month.to)} />
          <Breakdown title="By department" report={data.department} kind="Department" testid="by-department" columns={departmentColumns} note="Departments are the learners’. Utilization is per expert (offered hours belong to experts), so it is not shown here." />
          <Breakdown title="By expert" report={data.expert} kind="Expert" testid="by-expert" columns={columns} />
          <ConnectionGraph report={data.connections} />
        </>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------- headline

interface Kpi {
  key: MetricKey;
  label: string;
  hint: (t: ReportRow) => string;
}

const sessions = (n: number) => `${n} session${n === 1 ? '' : 's'}`;

const kpis: Kpi[] = [
  { key: 'utilizationBooked', label: 'Utilization (booked)', hint: (t) => `${t.metrics.hoursBooked} h booked of ${t.metrics.hoursOffered} h offered` },
  { key: 'utilizationDelivered', label: 'Utilization (delivered)', hint: (t) => `${t.metrics.hoursDelivered} h delivered` },
  { key: 'completionRate', label: 'Completion', hint: (t) => `${t.metrics.completed} completed of the sessions that have started` },
  { key: 'noShowRateHost', label: 'No-show, expert', hint: (t) => sessions(t.metrics.noShowHost) },
  { key: 'noShowRateGuest', label: 'No-show, learner', hint: (t) => sessions(t.metrics.noShowGuest) },
  { key: 'csat', label: 'CSAT', hint: () => 'share of ratings of 4 or 5' },
  { key: 'nps', label: 'NPS', hint: () => '% promoters (9–10) − % detractors (0–6)' },
  { key: 'activeLearners', label: 'Active learners', hint: () => 'with at least one completed session' },
  { key: 'timeToMatchMedianHours', label: 'Time to match', hint: (t) => `median, request to first booking; ${t.metrics.matched} of ${t.metrics.requests} requests matched` },
  { key: 'crossFunctionalReach', label: 'Cross-functional reach', hint: () => 'completed sessions across departments' },
];

function Headline({ total, months }: { total: ReportRow; months: number }) {
  return (
    <section aria-labelledby="kpi-h">
      <h2 id="kpi-h">Headline figures</h2>
      <dl class="kpis">
        {kpis.map((k) => {
          const f = figure(total, k.key);
          return (
            <div class="kpi" key={k.key} data-metric={k.key}>
              <dt>{k.label}</dt>
              <dd class={`kpi-value${f.missing ? ' missing' : ''}`}>{f.text}</dd>
              <dd class="hint">
                {f.missing === 'withheld' ? 'withheld: fewer than 3 answers' : f.missing === 'none' ? 'no data in this period' : k.hint(total)}
                {k.key === 'activeLearners' && months > 1 ? ' (added up month by month)' : ''}
              </dd>
            </div>
          );
        })}
      </dl>
      <p class="muted small-text">
        {total.metrics.booked} sessions booked, {total.metrics.completed} completed, {total.metrics.cancelled} cancelled ({total.metrics.lateCancelled} late).
      </p>
    </section>
  );
}

// ---------------------------------------------------------------------------------- breakdowns

const columns: { key: MetricKey; label: string }[] = [
  { key: 'booked', label: 'Booked' },
  { key: 'completed', label: 'Completed' },
  { key: 'hoursDelivered', label: 'Hours delivered' },
  { key: 'utilizationBooked', label: 'Utilization' },
  { key: 'completionRate', label: 'Completion' },
  { key: 'noShowRateHost', label: 'No-show expert' },
  { key: 'noShowRateGuest', label: 'No-show learner' },
  { key: 'csat', label: 'CSAT' },
  { key: 'nps', label: 'NPS' },
  { key: 'activeLearners', label: 'Active learners' },
  { key: 'crossFunctionalReach', label: 'Cross-functional' },
];

const departmentColumns = columns.filter((c) => c.key !== 'utilizationBooked');

function Breakdown(p: { title: string; report: UtilizationReport; kind: string; testid: string; columns: typeof columns; note?: string }) {
  const { title, report, kind, testid, columns } = p;
  const id = `${testid}-h`;
  return (
    <section class="card breakdown" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {p.note && <p class="muted small-text">{p.note}</p>}
      {report.rows.length === 0 ? (
        <p class="muted">No data in this period.</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={id}>
          <table class="data" data-testid={testid}>
            <thead>
              <tr>
                <th scope="col">{kind}</th>
                {columns.map((c) => (
                  <th scope="col" class="num" key={c.key}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.group.key} data-key={r.group.key} class={r.suppressed ? 'suppressed' : ''}>
                  <th scope="row">{r.group.name || r.group.key}</th>
                  {r.suppressed ? (
                    <td colSpan={columns.length} class="suppressed-note" title={r.suppressedReason}>
                      hidden: fewer than 3 people
                    </td>
                  ) : (
                    columns.map((c) => {
                      const f = figure(r, c.key);
                      return (
                        <td class={`num${f.missing ? ' missing' : ''}`} key={c.key} title={f.missing === 'withheld' ? 'withheld: fewer than 3 answers' : undefined}>
                          {f.text}
                        </td>
                      );
                    })
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
