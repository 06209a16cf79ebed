// The cohort builder's state, pure so it can be tested: HR's draft (cohorts and unplaced
// enrollees as loaded, then moved around), moving a member, which cohorts changed, the PUT
// body (empty cohorts dropped, with the index map that puts the API's "cohorts[i]" errors
// back on the right card) and the comparison with random assignment in words.
import type { AdjustInput, CohortMeasures, CohortMember, CohortPlan } from '../../api';
import { ApiError } from '../../api';
import { eiText, hoursText } from '../../cohort';

/** Draft is the plan as HR is arranging it: members by cohort (position = cohort number − 1). */
export interface Draft {
  cohorts: CohortMember[][];
  unplaced: CohortMember[];
}

/** draftOf starts a draft from the plan as loaded. */
export function draftOf(plan: CohortPlan): Draft {
  return { cohorts: plan.cohorts.map((c) => [...c.members]), unplaced: [...plan.unplaced] };
}

/** Target is where a member goes: a cohort's index, or a new cohort at the end. */
export type Target = number | 'new';

/**
 * moveMember moves one member (from a cohort or from the unplaced list) to the target cohort,
 * appended at its end. A cohort that becomes empty stays (as an empty card, so the numbers
 * do not shift while HR works) and is dropped from the PUT body. Moving to where the member
 * already is, or an unknown member or cohort, returns the draft unchanged.
 */
export function moveMember(d: Draft, memberId: string, to: Target): Draft {
  const from = d.cohorts.findIndex((c) => c.some((m) => m.id === memberId));
  const member = from >= 0 ? d.cohorts[from]!.find((m) => m.id === memberId) : d.unplaced.find((m) => m.id === memberId);
  if (!member || to === from) return d;
  if (to !== 'new' && (to < 0 || to >= d.cohorts.length)) return d;
  const cohorts = d.cohorts.map((c, i) => (i === from ? c.filter((m) => m.id !== memberId) : c));
  const unplaced = from >= 0 ? d.unplaced : d.unplaced.filter((m) => m.id !== memberId);
  if (to === 'new') cohorts.push([member]);
  else cohorts[to] = [...cohorts[to]!, member];
  return { cohorts, unplaced };
}

const ids = (ms: CohortMember[]): string => ms.map((m) => m.id).sort().join(',');

/** changed lists the draft's cohorts (by index) whose members differ from the plan's. */
export function changed(plan: CohortPlan, d: Draft): Set<number> {
  const out = new Set<number>();
  d.cohorts.forEach((c, i) => {
    if (ids(c) !== ids(plan.cohorts[i]?.members ?? [])) out.add(i);
  });
  return out;
}

/** isDirty: the draft has moves that are not saved. */
export function isDirty(plan: CohortPlan, d: Draft): boolean {
  return changed(plan, d).size > 0 || d.cohorts.length !== plan.cohorts.length || ids(d.unplaced) !== ids(plan.unplaced);
}

/**
 * adjustBody is the PUT body for the draft: the version read and each non-empty cohort's
 * member ids (unplaced people are left out: the API names them if anyone is still missing).
 * index[i] is the draft cohort that body cohort i came from.
 */
export function adjustBody(version: number, d: Draft): { body: AdjustInput; index: number[] } {
  const index: number[] = [];
  const cohorts: string[][] = [];
  d.cohorts.forEach((c, i) => {
    if (c.length === 0) return;
    index.push(i);
    cohorts.push(c.map((m) => m.id));
  });
  return { body: { version, cohorts }, index };
}

/**
 * cohortErrors puts the API's field errors back on the draft's cards: "cohorts[i]" (body
 * index) under the draft cohort it came from; "cohorts" (someone missing) under -1.
 */
export function cohortErrors(err: unknown, index: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!(err instanceof ApiError)) return out;
  for (const f of err.fields) {
    const m = /^cohorts\[(\d+)\]/.exec(f.field);
    const at = m ? (index[Number(m[1])] ?? -1) : f.field === 'cohorts' ? -1 : null;
    if (at === null) continue;
    out.set(at, [...(out.get(at) ?? []), f.message]);
  }
  return out;
}

/** conflictOf reads a 409's kind: "plan_changed", "unplaced", or "" for anything else. */
export function conflictOf(err: unknown): string {
  if (!(err instanceof ApiError) || err.code !== 'conflict') return '';
  const c = err.extra.conflict;
  return typeof c === 'string' ? c : 'other';
}

export type Verdict = 'better' | 'worse' | 'same';

export interface ComparisonRow {
  label: string;
  hint: string;
  ours: string;
  random: string;
  verdict: Verdict;
}

const judge = (ours: number, random: number, higherIsBetter: boolean): Verdict => {
  if (Math.abs(ours - random) < 1e-9) return 'same';
  return ours > random === higherIsBetter ? 'better' : 'worse';
};

/**
 * comparison is the panel "these cohorts vs random assignment" (random: the same people
 * shuffled into cohorts of the program's size with the same seed; after HR's moves the pair
 * counts can differ, so pairs are judged as shares): the E-I index, new pairs,
 * cross-department pairs, cohorts over the time-zone limit and the widest spread, each with
 * a verdict in words.
 */
export function comparison(ours: CohortMeasures, random: CohortMeasures, maxSpreadHours: number): ComparisonRow[] {
  const of = (n: number, pairs: number) => `${n} of ${pairs}`;
  return [
    { label: 'Department mix (E-I index)', hint: '+1: every pair crosses departments; −1: all within one', ours: eiText(ours.eiIndex), random: eiText(random.eiIndex), verdict: judge(ours.eiIndex, random.eiIndex, true) },
    { label: 'Pairs meeting for the first time', hint: 'more is better', ours: of(ours.newPairs, ours.pairs), random: of(random.newPairs, random.pairs), verdict: judge(ours.pairs ? ours.newPairs / ours.pairs : 0, random.pairs ? random.newPairs / random.pairs : 0, true) },
    { label: 'Pairs across departments', hint: 'more is better', ours: of(ours.crossPairs, ours.pairs), random: of(random.crossPairs, random.pairs), verdict: judge(ours.pairs ? ours.crossPairs / ours.pairs : 0, random.pairs ? random.crossPairs / random.pairs : 0, true) },
    { label: `Cohorts over the ${hoursText(maxSpreadHours)} time-zone limit`, hint: 'fewer is better', ours: String(ours.violations), random: String(random.violations), verdict: judge(ours.violations, random.violations, false) },
    { label: 'Widest time-zone spread in a cohort', hint: 'smaller is easier to schedule', ours: hoursText(ours.maxSpreadHours), random: hoursText(random.maxSpreadHours), verdict: judge(ours.maxSpreadHours, random.maxSpreadHours, false) },
  ];
}

export const verdictText: Record<Verdict, string> = { better: 'Better than random', worse: 'Worse than random', same: 'Same as random' };
