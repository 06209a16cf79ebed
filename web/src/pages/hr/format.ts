// Formatting of report figures, pure so it can be tested: ratios as percentages, NPS as a
// signed score, hours; a null figure says why (no data, or withheld for privacy).
import type { Metrics, ReportRow } from '../../api';

export type MetricKey = keyof Metrics;

/** Figure is one formatted value: text to show and, when it has no value, why. */
export interface Figure {
  text: string;
  missing?: 'none' | 'withheld';
}

const pctFmt = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const numFmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export const percent = (x: number): string => pctFmt.format(x);
export const number = (x: number): string => numFmt.format(x);
export const signed = (x: number): string => (x > 0 ? `+${numFmt.format(x)}` : numFmt.format(x));

/** hours: "30.5 h"; under an hour in minutes ("2 min", never "0 h"), a little more than none as "< 1 min". */
export function hours(h: number): string {
  if (h <= 0) return '0 h';
  if (h < 1) {
    const m = Math.round(h * 60);
    return m < 1 ? '< 1 min' : `${m} min`;
  }
  return `${number(h)} h`;
}

type Kind = 'ratio' | 'nps' | 'hours' | 'count' | 'rating';

/** kinds says how each metric is shown. */
export const kinds: Partial<Record<MetricKey, Kind>> = {
  utilizationBooked: 'ratio',
  utilizationDelivered: 'ratio',
  completionRate: 'ratio',
  noShowRateHost: 'ratio',
  noShowRateGuest: 'ratio',
  lateCancelRate: 'ratio',
  csat: 'ratio',
  crossFunctionalReach: 'ratio',
  budgetUsedShare: 'ratio',
  nps: 'nps',
  averageRating: 'rating',
  timeToMatchMedianHours: 'hours',
  hoursBooked: 'hours',
  hoursDelivered: 'hours',
  hoursOffered: 'hours',
  budgetHours: 'hours',
  budgetUsedHours: 'hours',
};

/** figure formats one metric of a row; withheld figures (privacy) and no-data figures differ. */
export function figure(row: Pick<ReportRow, 'metrics' | 'withheld'>, key: MetricKey): Figure {
  const v = row.metrics[key];
  if (v === null || v === undefined) {
    return (row.withheld as readonly string[] | undefined)?.includes(key) ? { text: 'withheld', missing: 'withheld' } : { text: '—', missing: 'none' };
  }
  switch (kinds[key] ?? 'count') {
    case 'ratio':
      return { text: percent(v) };
    case 'nps':
      return { text: signed(v) };
    case 'hours':
      return { text: hours(v) };
    case 'rating':
      return { text: `${number(v)} / 5` };
    default:
      return { text: number(v) };
  }
}

/** monthsBetween lists YYYY-MM months from from to to, inclusive (empty if to < from). */
export function monthsBetween(from: string, to: string): string[] {
  const [fy = 0, fm = 1] = from.split('-').map(Number);
  const [ty = 0, tm = 1] = to.split('-').map(Number);
  const out: string[] = [];
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (out.length > 120) break;
  }
  return out;
}

/** monthLabel: "2027-03" → "Mar 2027". */
export function monthLabel(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** series lines report rows up with every month of the range; months without a row are null. */
export function series(rows: readonly ReportRow[], months: readonly string[], key: MetricKey): (number | null)[] {
  const byMonth = new Map(rows.map((r) => [r.month ?? '', r]));
  return months.map((m) => {
    const v = byMonth.get(m)?.metrics[key];
    return v === undefined ? null : v;
  });
}

/** parseCsv reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
