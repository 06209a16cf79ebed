// The monthly trend charts (Chart.js, in this lazy chunk only): rates as lines, sessions as
// bars. Each canvas is an image with a label, and the same numbers are a table below it.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { ReportRow } from '../../api';
import { figure, monthLabel, percent, series, type MetricKey } from './format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

/** chartVersion proves the chart library loaded with this chunk. */
export const chartVersion = Chart.version;

const rateLines: { key: MetricKey; label: string; color: string; dash?: number[] }[] = [
  { key: 'utilizationBooked', label: 'Utilization (booked)', color: '#1d4ed8' },
  { key: 'utilizationDelivered', label: 'Utilization (delivered)', color: '#0f766e' },
  { key: 'completionRate', label: 'Completion', color: '#7c3aed', dash: [6, 4] },
  { key: 'crossFunctionalReach', label: 'Cross-functional reach', color: '#c2410c', dash: [2, 3] },
];
const countBars: { key: MetricKey; label: string; color: string }[] = [
  { key: 'booked', label: 'Booked', color: '#93c5fd' },
  { key: 'completed', label: 'Completed', color: '#1d4ed8' },
  { key: 'cancelled', label: 'Cancelled', color: '#fca5a5' },
];

function ChartCanvas({ config, label, testid }: { config: ChartConfiguration; label: string; testid: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, config);
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  return (
    <div class="chart-box">
      <canvas ref={ref} role="img" aria-label={label} data-testid={testid} />
    </div>
  );
}

const baseOptions = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false as const,
  interaction: { mode: 'index' as const, intersect: false },
  plugins: { legend: { position: 'bottom' as const, labels: { boxWidth: 14 } } },
};

export function TrendCharts({ rows, months }: { rows: ReportRow[]; months: string[] }) {
  const labels = months.map(monthLabel);
  const rates: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels,
      datasets: rateLines.map((l) => ({
        label: l.label,
        data: series(rows, months, l.key),
        borderColor: l.color,
        backgroundColor: l.color,
        borderDash: l.dash ?? [],
        spanGaps: true,
        tension: 0.2,
      })),
    },
    options: {
      ...baseOptions,
      scales: { y: { min: 0, suggestedMax: 1, ticks: { callback: (v) => percent(Number(v)) } } },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', boxWidth: 28 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y === null ? '—' : percent(c.parsed.y)}` } } },
    },
  };
  const counts: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels, datasets: countBars.map((b) => ({ label: b.label, data: series(rows, months, b.key).map((v) => v ?? 0), backgroundColor: b.color })) },
    options: { ...baseOptions, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
  const byMonth = new Map(rows.map((r) => [r.month ?? '', r]));
  return (
    <section class="card trend" aria-labelledby="trend-h" data-chart-version={chartVersion}>
      <h2 id="trend-h">Trend by month</h2>
      <div class="charts">
        <figure>
          <figcaption>Rates</figcaption>
          <ChartCanvas config={rates as ChartConfiguration} label={`Line chart of utilization, completion and cross-functional reach by month, ${labels[0]} to ${labels[labels.length - 1]}`} testid="chart-rates" />
        </figure>
        <figure>
          <figcaption>Sessions</figcaption>
          <ChartCanvas config={counts as ChartConfiguration} label={`Bar chart of sessions booked, completed and cancelled by month, ${labels[0]} to ${labels[labels.length - 1]}`} testid="chart-sessions" />
        </figure>
      </div>
      <details>
        <summary>Trend as a table</summary>
        <table class="data">
          <caption class="visually-hidden">Monthly figures</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              {[...countBars, ...rateLines].map((c) => (
                <th scope="col" class="num" key={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {months.map((m) => {
              const r = byMonth.get(m);
              return (
                <tr key={m}>
                  <th scope="row">{monthLabel(m)}</th>
                  {[...countBars, ...rateLines].map((c) => (
                    <td class="num" key={c.key}>
                      {r ? figure(r, c.key).text : '—'}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </section>
  );
}
