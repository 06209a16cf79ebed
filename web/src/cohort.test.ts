import { Settings } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CohortExplanation, CohortPlan, MyCohort, Program } from './api';
import { cadenceText, cohortOf, cohortSessions, crossText, eiText, explanationText, interestChoices, isPlan, pairsText, previewTimes, sessionLines, slugify, spreadText } from './cohort';

beforeAll(() => {
  Settings.defaultLocale = 'en-GB';
});

const x = (p: Partial<CohortExplanation>): CohortExplanation => ({
  departments: ['Engineering', 'Finance', 'Sales'], pairs: 6, crossPairs: 5, newPairs: 5, spreadHours: 1, sharedInterests: [], eiIndex: 0.67, ...p,
});

describe('explanation wording', () => {
  it('says a cohort in one line', () => {
    expect(explanationText(4, x({}))).toBe('4 people from 3 departments; 5 of 6 pairs meet for the first time; 1 h apart');
  });

  it('handles all, none, one pair, one department, half hours and one clock', () => {
    expect(explanationText(4, x({ newPairs: 6, spreadHours: 3.5 }))).toBe('4 people from 3 departments; all 6 pairs meet for the first time; 3 h 30 min apart');
    expect(explanationText(2, x({ departments: ['Sales'], pairs: 1, newPairs: 0, spreadHours: 0 }))).toBe('2 people all from Sales; the pair has met before; all on the same clock');
    expect(pairsText(1, 1)).toBe('the pair meets for the first time');
    expect(pairsText(6, 0)).toBe('all 6 pairs have met before');
    expect(pairsText(6, 1)).toBe('1 of 6 pairs meets for the first time');
    expect(pairsText(0, 0)).toBe('no pairs yet');
    expect(spreadText(0.75)).toBe('45 min apart');
    expect(crossText(6, 6)).toBe('6 of 6 pairs work in different departments');
    expect(crossText(1, 0)).toBe('the pair works in the same department');
  });

  it('signs the E-I index with a real minus', () => {
    expect(eiText(1)).toBe('+1.00');
    expect(eiText(0.888888)).toBe('+0.89');
    expect(eiText(-1 / 3)).toBe('−0.33');
    expect(eiText(0)).toBe('0.00');
  });
});

const program: Pick<Program, 'cadence' | 'sessions' | 'sessionMin' | 'sessionTimes' | 'topic'> = {
  cadence: 'weekly', sessions: 3, sessionMin: 60, topic: 'leadership',
  // Weekly at 17:00 London across the UK change on 28 March 2027: 17:00 GMT, then 16:00 UTC.
  sessionTimes: ['2027-03-22T17:00:00Z', '2027-03-29T16:00:00Z', '2027-04-05T16:00:00Z'],
};

describe('programs', () => {
  it('says the cadence', () => {
    expect(cadenceText(program)).toBe('Weekly, 3 sessions of 1 h');
    expect(cadenceText({ cadence: 'biweekly', sessions: 1, sessionMin: 90 })).toBe('Every two weeks, 1 session of 1 h 30 min');
  });

  it('shows the session instants in the viewer’s zone, across a DST change', () => {
    expect(sessionLines(program, 'Europe/London')).toEqual(['Mon 22 Mar, 17:00–18:00', 'Mon 29 Mar, 17:00–18:00', 'Mon 5 Apr, 17:00–18:00']);
    // New York moved on 14 March: 13:00 then 12:00 there.
    expect(sessionLines(program, 'America/New_York')).toEqual(['Mon 22 Mar, 13:00–14:00', 'Mon 29 Mar, 12:00–13:00', 'Mon 5 Apr, 12:00–13:00']);
    expect(sessionLines({ sessionTimes: ['2027-03-22T23:30:00Z'], sessionMin: 60 }, 'Europe/London')).toEqual(['Mon 22 Mar, 23:30–Tue 23 Mar, 00:30']);
  });

  it('previews the sessions HR creates: same wall-clock time in the program’s zone', () => {
    expect(previewTimes('2027-03-22T17:00', 'Europe/London', 'weekly', 3)).toEqual(program.sessionTimes);
    // Monthly steps overflow as the API's do (it answered exactly these for a 31 January start).
    expect(previewTimes('2028-01-31T09:00', 'Europe/Berlin', 'monthly', 4)).toEqual(['2028-01-31T08:00:00Z', '2028-03-02T08:00:00Z', '2028-03-31T07:00:00Z', '2028-05-01T07:00:00Z']);
    expect(previewTimes('2027-01-15T09:00', 'Europe/Berlin', 'monthly', 3)).toEqual(['2027-01-15T08:00:00Z', '2027-02-15T08:00:00Z', '2027-03-15T08:00:00Z']);
    expect(previewTimes('2027-03-01T09:00', 'UTC', 'biweekly', 2)).toEqual(['2027-03-01T09:00:00Z', '2027-03-15T09:00:00Z']);
    expect(previewTimes('', 'UTC', 'weekly', 3)).toEqual([]);
    expect(previewTimes('2027-03-01T09:00', 'UTC', 'weekly', 0)).toEqual([]);
  });

  it('offers the program’s topic first, then other programs’ and typed interests, once each', () => {
    expect(slugify('  Public   Speaking ')).toBe('public-speaking');
    expect(interestChoices(program, [{ topic: 'negotiation' }, { topic: 'leadership' }], ['Public speaking', 'negotiation'])).toEqual(['leadership', 'negotiation', 'public-speaking']);
  });
});

describe('my cohort', () => {
  const cohort = (n: number, ids: string[]) => ({ number: n, members: ids.map((id) => ({ id, name: id, department: 'd', timezone: 'UTC' })), explanation: x({}) });
  it('reads a member’s answer and finds the user in HR’s whole plan', () => {
    const mine: MyCohort = { program: {} as Program, cohort: cohort(2, ['a', 'b']) };
    expect(isPlan(mine)).toBe(false);
    expect(cohortOf(mine, 'a')?.number).toBe(2);
    const plan = { cohorts: [cohort(1, ['a', 'b']), cohort(2, ['hana', 'c'])] } as unknown as CohortPlan;
    expect(isPlan(plan)).toBe(true);
    expect(cohortOf(plan, 'hana')?.number).toBe(2);
    expect(cohortOf(plan, 'zed')).toBeNull();
  });
});

describe('cohortSessions', () => {
  const times = ['2027-03-22T17:00:00Z', '2027-03-29T16:00:00Z', '2027-04-05T16:00:00Z'];
  const p = (id: string, o: Partial<Program>): Program => ({ id, title: id, status: 'published', enrolledMe: true, sessionMin: 60, sessionTimes: times, ...o }) as Program;
  const progs = [p('a', {}), p('draft', { status: 'enrolling' }), p('other', { enrolledMe: false }), p('b', { sessionTimes: ['2027-03-30T09:00:00Z'] })];
  const now = Date.parse('2027-03-29T16:30:00Z'); // during a's second session

  it('lists the enrolled, published programs\' sessions not yet ended, soonest first, numbered from 1', () => {
    const got = cohortSessions(progs, 'upcoming', now).map((s) => `${s.program.id}${s.n} ${s.end}`);
    expect(got).toEqual(['a2 2027-03-29T17:00:00.000Z', 'b1 2027-03-30T10:00:00.000Z', 'a3 2027-04-05T17:00:00.000Z']);
  });
  it('lists the ended ones as past, latest first', () => {
    expect(cohortSessions(progs, 'past', now).map((s) => `${s.program.id}${s.n}`)).toEqual(['a1']);
  });
});
