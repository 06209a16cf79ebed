// Programs and cohorts in words, pure so it can be tested and shared by the learner screens
// (main chunk) and HR's cohort builder (lazy HR chunk): a cohort's explanation as a sentence,
// a program's cadence, its session times in the viewer's zone, the interests offered when
// enrolling and a member's cohort from either shape the cohorts endpoint answers with.
import { DateTime } from 'luxon';
import type { Cadence, Cohort, CohortExplanation, CohortPlan, MyCohort, Program, ProgramStatus } from './api';
import { formatDuration, formatWhen } from './time';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** topicLabel: "engineering-management" → "engineering management". */
export const topicLabel = (slug: string): string => slug.replace(/-/g, ' ');

/** hoursText: 1 → "1 h", 3.5 → "3 h 30 min", 0.75 → "45 min" (offsets are whole quarter hours). */
export const hoursText = (h: number): string => (h <= 0 ? '0 h' : formatDuration(Math.round(h * 60)));

/** spreadText: how far apart the members' clocks are ("1 h apart", "same time zone"). */
export function spreadText(hours: number): string {
  return hours <= 0 ? 'all on the same clock' : `${hoursText(hours)} apart`;
}

/** pairsText: "5 of 6 pairs meet for the first time", with the all/none/one-pair cases said plainly. */
export function pairsText(pairs: number, newPairs: number): string {
  if (pairs <= 0) return 'no pairs yet';
  if (pairs === 1) return newPairs > 0 ? 'the pair meets for the first time' : 'the pair has met before';
  if (newPairs >= pairs) return `all ${pairs} pairs meet for the first time`;
  if (newPairs <= 0) return `all ${pairs} pairs have met before`;
  return `${newPairs} of ${pairs} pairs ${newPairs === 1 ? 'meets' : 'meet'} for the first time`;
}

/**
 * explanationText is a cohort's explanation in one line:
 * "4 people from 3 departments; 5 of 6 pairs meet for the first time; 1 h apart".
 */
export function explanationText(size: number, x: CohortExplanation): string {
  const depts = x.departments.length;
  const from = depts === 1 ? `all from ${x.departments[0] ?? 'one department'}` : `from ${plural(depts, 'department', 'departments')}`;
  return `${plural(size, 'person', 'people')} ${from}; ${pairsText(x.pairs, x.newPairs)}; ${spreadText(x.spreadHours)}`;
}

/** crossText: "6 of 6 pairs work in different departments". */
export function crossText(pairs: number, crossPairs: number): string {
  if (pairs <= 0) return '';
  if (pairs === 1) return crossPairs > 0 ? 'the pair works in different departments' : 'the pair works in the same department';
  return `${crossPairs} of ${pairs} pairs work in different departments`;
}

const signed = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });

/** eiText: an E-I index as "+0.89" / "−0.33" / "0.00" (1: every pair crosses departments). */
export const eiText = (ei: number): string => signed.format(ei).replace('-', '−');

const cadenceWords: Record<Cadence, string> = { weekly: 'Weekly', biweekly: 'Every two weeks', monthly: 'Monthly' };

/** cadenceText: "Weekly, 6 sessions of 1 h". */
export function cadenceText(p: Pick<Program, 'cadence' | 'sessions' | 'sessionMin'>): string {
  return `${cadenceWords[p.cadence] ?? p.cadence}, ${plural(p.sessions, 'session', 'sessions')} of ${formatDuration(p.sessionMin)}`;
}

export const statusText: Record<ProgramStatus, string> = { enrolling: 'Enrolling', published: 'Cohorts published', archived: 'Archived' };

/** sessionLines: each session as "Mon 5 Apr, 17:00–18:00" in zone (instants from the API, in UTC). */
export function sessionLines(p: Pick<Program, 'sessionTimes' | 'sessionMin'>, zone: string): string[] {
  return p.sessionTimes.map((start) => {
    const end = DateTime.fromISO(start, { zone: 'utc' }).plus({ minutes: p.sessionMin }).toISO() ?? start;
    return formatWhen(start, end, zone);
  });
}

/**
 * addMonths steps months as the API does (Go's AddDate): the same day number, overflowing into
 * the next month when it is too short (31 January + 1 month = 2 or 3 March), wall time kept.
 * Luxon's plus({months}) would clamp to 28/29 February instead.
 */
function addMonths(d: DateTime, n: number): DateTime {
  return d.startOf('month').plus({ months: n }).plus({ days: d.day - 1 }).set({ hour: d.hour, minute: d.minute, second: d.second });
}

/**
 * previewTimes are the session starts HR's form will create, as the API computes them: the
 * first at local (a datetime-local value) in zone, then every cadence step at the same
 * wall-clock time there (calendar arithmetic, so DST changes keep 17:00 at 17:00). Empty
 * when local is not a valid time.
 */
export function previewTimes(local: string, zone: string, cadence: Cadence, sessions: number): string[] {
  const first = DateTime.fromISO(local, { zone });
  if (!local || !first.isValid) return [];
  const n = Math.max(0, Math.min(Math.floor(sessions) || 0, 52));
  return Array.from({ length: n }, (_, i) => {
    const t = cadence === 'monthly' ? addMonths(first, i) : first.plus({ weeks: cadence === 'biweekly' ? 2 * i : i });
    return t.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
  });
}

/** slugify reads "Public speaking" as "public-speaking" (what the API normalises topics to). */
export const slugify = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-');

/**
 * interestChoices are the chips offered when enrolling: the program's topic first, then the
 * topics of the org's other programs and the ones the learner typed, without repeats.
 */
export function interestChoices(program: Pick<Program, 'topic'>, others: Pick<Program, 'topic'>[], typed: string[] = []): string[] {
  return [...new Set([program.topic, ...others.map((o) => o.topic), ...typed].map(slugify).filter(Boolean))];
}

/** isPlan tells HR's whole plan from a member's own cohort (the endpoint answers HR with the plan). */
export const isPlan = (r: MyCohort | CohortPlan): r is CohortPlan => Array.isArray((r as CohortPlan).cohorts);

/** cohortOf finds the user's own cohort in either answer; null when they are in none. */
export function cohortOf(r: MyCohort | CohortPlan, userId: string): Cohort | null {
  if (!isPlan(r)) return r.cohort;
  return r.cohorts.find((c) => c.members.some((m) => m.id === userId)) ?? null;
}

/** CohortSession is one session of a program cohort the viewer is in, n 1-based. */
export type CohortSession = { program: Program; n: number; start: string; end: string };

/** cohortSessions: the published, enrolled programs' sessions on the side of now that `when` asks for, soonest (upcoming) or latest (past) first. */
export function cohortSessions(programs: Program[], when: 'upcoming' | 'past', nowMs: number): CohortSession[] {
  const out: CohortSession[] = [];
  for (const p of programs) {
    if (p.status !== 'published' || !p.enrolledMe) continue;
    p.sessionTimes.forEach((start, i) => {
      const endMs = Date.parse(start) + p.sessionMin * 60_000;
      if (when === 'upcoming' ? endMs > nowMs : endMs <= nowMs) {
        out.push({ program: p, n: i + 1, start, end: new Date(endMs).toISOString() });
      }
    });
  }
  out.sort((a, b) => (when === 'upcoming' ? 1 : -1) * (Date.parse(a.start) - Date.parse(b.start)));
  return out;
}
