// The coaching budget, pure so it can be tested: the settings form's rows to and from the
// API's Budget (with the checks JSON cannot carry: blank boxes, whole hours, a department
// named twice), where each field error belongs, and the dashboard's lines as text.
import type { Budget, BudgetLine, BudgetPeriod, FieldError } from '../../api';
import { number, percent } from './format';

/** DepartmentRow is one department's cap as typed; id keeps rows apart while names change. */
export interface DepartmentRow {
  id: number;
  name: string;
  hours: string;
}

/** BudgetForm is the budget editor's state; period '' means no budget. */
export interface BudgetForm {
  period: BudgetPeriod | '';
  orgHours: string;
  rows: DepartmentRow[];
}

export const periodOptions: readonly { value: BudgetPeriod | ''; label: string }[] = [
  { value: '', label: 'No budget' },
  { value: 'month', label: 'Per month' },
  { value: 'quarter', label: 'Per quarter' },
  { value: 'year', label: 'Per year' },
];

const periodNoun: Record<BudgetPeriod, string> = { month: 'month', quarter: 'quarter', year: 'year' };

/** periodNounOf: "quarter" for the hints ("hours per quarter"); "period" without a budget. */
export const periodNounOf = (p: BudgetPeriod | ''): string => (p ? periodNoun[p] : 'period');

let lastId = 0;
/** newRow is an empty department row with a fresh id. */
export function newRow(name = '', hours = ''): DepartmentRow {
  lastId += 1;
  return { id: lastId, name, hours };
}

/** budgetForm fills the editor from the saved budget (departments in name order). */
export function budgetForm(b: Budget | null | undefined): BudgetForm {
  if (!b) return { period: '', orgHours: '', rows: [] };
  const rows = Object.entries(b.departmentHours ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, h]) => newRow(name, String(h)));
  return { period: b.period, orgHours: b.orgHours > 0 ? String(b.orgHours) : '', rows };
}

/** Field names of the editor's own checks: rows by position, since a name may be blank or repeated. */
export const rowField = (i: number, part: 'name' | 'hours'): string => `budget.rows[${i}].${part}`;

const wholeHours = /^\d+$/;

/**
 * readBudget turns the editor into the API's Budget (null for no budget), with field errors
 * for what the API cannot be told: an empty or fractional number, a blank or repeated
 * department name (names are case-sensitive, as in the directory). Names are trimmed; an
 * empty org-wide box means no org-wide cap (0).
 * A budget without any cap is said here too (in words for people, not field names); ranges
 * (at least 1 hour, at most a million) are left to the API, which names them.
 */
export function readBudget(f: BudgetForm): { budget: Budget | null; errors: FieldError[] } {
  if (f.period === '') return { budget: null, errors: [] };
  const errors: FieldError[] = [];
  const org = f.orgHours.trim();
  if (org !== '' && !wholeHours.test(org)) errors.push({ field: 'budget.orgHours', message: 'must be a whole number of hours (0 or empty: no org-wide cap)' });
  const departmentHours: Record<string, number> = {};
  const seen = new Set<string>();
  f.rows.forEach((r, i) => {
    const name = r.name.trim();
    const hours = r.hours.trim();
    if (name === '') errors.push({ field: rowField(i, 'name'), message: 'is required' });
    else if (seen.has(name)) errors.push({ field: rowField(i, 'name'), message: 'is listed twice' });
    seen.add(name);
    if (!wholeHours.test(hours)) errors.push({ field: rowField(i, 'hours'), message: 'must be a whole number of hours' });
    if (name !== '') departmentHours[name] = Number(hours);
  });
  const budget: Budget = { period: f.period, orgHours: org === '' ? 0 : Number(org) };
  if (f.rows.length > 0) budget.departmentHours = departmentHours;
  if (budget.orgHours === 0 && f.rows.length === 0) errors.push({ field: 'budget', message: 'set organisation-wide hours or a department cap, or choose “No budget”' });
  return { budget, errors };
}

/**
 * rowErrors are the messages for one department row: the editor's own (by position) and the
 * API's, which names the department ("budget.departmentHours.Sales").
 */
export function rowErrors(fields: readonly FieldError[], rows: readonly DepartmentRow[], i: number): { name?: string; hours?: string } {
  const name = rows[i]?.name.trim() ?? '';
  const join = (names: string[]) => fields.filter((f) => names.includes(f.field)).map((f) => f.message).join('; ') || undefined;
  const nameErr = join([rowField(i, 'name')]);
  const hoursErr = join(name === '' ? [rowField(i, 'hours')] : [rowField(i, 'hours'), `budget.departmentHours.${name}`]);
  return { ...(nameErr ? { name: nameErr } : {}), ...(hoursErr ? { hours: hoursErr } : {}) };
}

// ---------------------------------------------------------------------------------- dashboard

/** periodLabel: "2027-Q1" → "Q1 2027", "2027-03" → "Mar 2027", "2027" → "2027". */
export function periodLabel(p: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(p);
  if (q) return `Q${q[2]} ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  return p;
}

/** periodsText lists periods for a sentence: "Q4 2026 and Q1 2027". */
export function periodsText(periods: readonly string[]): string {
  const labels = periods.map(periodLabel);
  if (labels.length <= 1) return labels[0] ?? 'no period';
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

export type LineState = 'within' | 'over' | 'uncapped' | 'withheld';

/** BudgetLineView is one budget line as text (so nothing depends on colour or the bar). */
export interface BudgetLineView {
  name: string;
  state: LineState;
  allotted: string;
  used: string;
  share: string;
  status: string;
  /** fill is the bar's width, 0..1 (capped lines with used hours only). */
  fill: number | null;
}

const hours = (h: number) => `${number(h)} h`;

/** budgetLineView describes a line: used of allotted, not capped, withheld, or over. */
export function budgetLineView(line: BudgetLine, name: string): BudgetLineView {
  const capped = line.allottedHours !== null;
  const allotted = capped ? hours(line.allottedHours!) : 'not capped';
  if (line.usedHours === null) {
    return { name, state: 'withheld', allotted, used: 'withheld', share: 'withheld', status: 'used hours withheld: fewer than 3 people', fill: null };
  }
  const used = hours(line.usedHours);
  if (!capped) return { name, state: 'uncapped', allotted, used, share: '—', status: `not capped; ${used} used`, fill: null };
  const cap = line.allottedHours!;
  const share = line.usedShare ?? (cap > 0 ? line.usedHours / cap : 0);
  const left = Math.round((cap - line.usedHours) * 100) / 100;
  return {
    name,
    state: left < 0 ? 'over' : 'within',
    allotted,
    used,
    share: percent(share),
    status: left < 0 ? `over by ${hours(-left)}` : `${hours(left)} left`,
    fill: Math.min(1, Math.max(0, share)),
  };
}
