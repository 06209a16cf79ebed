import { describe, expect, it } from 'vitest';
import { ApiError, type CohortMeasures, type CohortMember, type CohortPlan } from '../../api';
import { adjustBody, changed, cohortErrors, comparison, conflictOf, draftOf, isDirty, moveMember } from './builder';
import { emptyProgramForm, programBody } from './programForm';

const m = (id: string): CohortMember => ({ id, name: id.toUpperCase(), department: 'D', timezone: 'UTC' });
const measures = (p: Partial<CohortMeasures>): CohortMeasures => ({ eiIndex: 1, newPairs: 12, crossPairs: 12, pairs: 12, maxSpreadHours: 3, violations: 0, ...p });
const explanation = { departments: [], pairs: 0, crossPairs: 0, newPairs: 0, spreadHours: 0, sharedInterests: [], eiIndex: 0 };
const plan = (groups: string[][], unplaced: string[] = []): CohortPlan => ({
  status: 'draft', seed: 7, adjusted: false, version: 3, builtAt: '2027-03-10T12:00:00Z',
  cohorts: groups.map((g, i) => ({ number: i + 1, members: g.map(m), explanation })),
  unplaced: unplaced.map(m), withdrawn: [], measures: measures({}), baseline: measures({}),
});
const idsOf = (d: { cohorts: CohortMember[][] }) => d.cohorts.map((c) => c.map((x) => x.id));

describe('moving members', () => {
  const p = plan([['a', 'b', 'c'], ['d', 'e', 'f']], ['z']);

  it('moves a member to the end of another cohort and marks both cohorts changed', () => {
    const d = moveMember(draftOf(p), 'b', 1);
    expect(idsOf(d)).toEqual([['a', 'c'], ['d', 'e', 'f', 'b']]);
    expect([...changed(p, d)]).toEqual([0, 1]);
    expect(isDirty(p, d)).toBe(true);
    expect(idsOf(draftOf(p))).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]); // the plan is untouched
  });

  it('moving back is not a change; order within a cohort does not matter', () => {
    const d = moveMember(moveMember(draftOf(p), 'b', 1), 'b', 0);
    expect(idsOf(d)).toEqual([['a', 'c', 'b'], ['d', 'e', 'f']]);
    expect(isDirty(p, d)).toBe(false);
  });

  it('places an unplaced member, opens a new cohort, and ignores impossible moves', () => {
    const placed = moveMember(draftOf(p), 'z', 0);
    expect(idsOf(placed)[0]).toEqual(['a', 'b', 'c', 'z']);
    expect(placed.unplaced).toEqual([]);
    const fresh = moveMember(draftOf(p), 'a', 'new');
    expect(idsOf(fresh)).toEqual([['b', 'c'], ['d', 'e', 'f'], ['a']]);
    const d = draftOf(p);
    expect(moveMember(d, 'a', 0)).toBe(d);
    expect(moveMember(d, 'nobody', 1)).toBe(d);
    expect(moveMember(d, 'a', 5)).toBe(d);
  });
});

describe('the PUT body', () => {
  it('sends the version read and every non-empty cohort, with the index back to the cards', () => {
    const p = plan([['a', 'b'], ['c', 'd'], ['e', 'f']]);
    let d = moveMember(draftOf(p), 'c', 0);
    d = moveMember(d, 'd', 2);
    const { body, index } = adjustBody(p.version, d);
    expect(body).toEqual({ version: 3, cohorts: [['a', 'b', 'c'], ['e', 'f', 'd']] });
    expect(index).toEqual([0, 2]);
    // The API's "cohorts[1]" is the draft's third card; "cohorts" (someone missing) is general.
    const err = new ApiError({ status: 400, code: 'invalid', title: 't', detail: 'd', fields: [
      { field: 'cohorts[1]', message: '"x" is in more than one cohort' },
      { field: 'cohorts', message: '"z" (Z) is in no cohort' },
      { field: 'version', message: 'ignored here' },
    ] });
    const errs = cohortErrors(err, index);
    expect(errs.get(2)).toEqual(['"x" is in more than one cohort']);
    expect(errs.get(-1)).toEqual(['"z" (Z) is in no cohort']);
    expect(errs.size).toBe(2);
    expect(cohortErrors(new Error('x'), index).size).toBe(0);
  });

  it('reads the kind of a 409', () => {
    const c = (extra: Record<string, unknown>) => new ApiError({ status: 409, code: 'conflict', title: 'Conflict', detail: '', extra });
    expect(conflictOf(c({ conflict: 'plan_changed' }))).toBe('plan_changed');
    expect(conflictOf(c({ conflict: 'unplaced' }))).toBe('unplaced');
    expect(conflictOf(c({ status: 'published' }))).toBe('other');
    expect(conflictOf(new ApiError({ status: 400, code: 'invalid', title: '', detail: '' }))).toBe('');
  });
});

describe('comparison with random assignment', () => {
  it('puts each measure side by side with a verdict in words', () => {
    const rows = comparison(measures({}), measures({ eiIndex: 0.8888, crossPairs: 11, newPairs: 12, maxSpreadHours: 10.5, violations: 1 }), 6);
    expect(rows.map((r) => [r.label, r.ours, r.random, r.verdict])).toEqual([
      ['Department mix (E-I index)', '+1.00', '+0.89', 'better'],
      ['Pairs meeting for the first time', '12 of 12', '12 of 12', 'same'],
      ['Pairs across departments', '12 of 12', '11 of 12', 'better'],
      ['Cohorts over the 6 h time-zone limit', '0', '1', 'better'],
      ['Widest time-zone spread in a cohort', '3 h', '10 h 30 min', 'better'],
    ]);
    expect(comparison(measures({ violations: 2 }), measures({ violations: 0 }), 4)[3]!.verdict).toBe('worse');
  });
});

describe('new program form', () => {
  it('reads the first session on the program’s clock and sends a slug topic', () => {
    const f = { ...emptyProgramForm('Europe/Berlin'), title: ' Leading ', topic: 'Public Speaking', start: '2027-04-05T17:00', facilitators: ['acme-lukas'] };
    expect(programBody(f)).toEqual({
      body: { title: 'Leading', topic: 'public-speaking', description: '', cohortSize: 4, start: '2027-04-05T15:00:00Z', timezone: 'Europe/Berlin', cadence: 'weekly', sessions: 6, sessionMin: 60, facilitators: ['acme-lukas'], maxSpreadHours: 4 },
      errors: [],
    });
  });

  it('says what JSON cannot carry: blank numbers, no first session', () => {
    const { errors } = programBody({ ...emptyProgramForm('UTC'), cohortSize: '', sessions: 'x' });
    expect(errors).toEqual([
      { field: 'cohortSize', message: 'must be a number' },
      { field: 'sessions', message: 'must be a number' },
      { field: 'start', message: 'is required: the date and time of the first session' },
    ]);
    // Ranges are the API's to judge: 1 goes out as typed.
    expect(programBody({ ...emptyProgramForm('UTC'), cohortSize: '1', start: '2027-04-05T17:00' }).body.cohortSize).toBe(1);
  });
});
