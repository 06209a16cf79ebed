import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Agreement, Mentorship } from '../../api';
import { checkAgreement, failureText, healthText, needsAnswer, nextSession, windowFor } from './agreement';

const ok: Agreement = {
  goals: [{ title: 'Lead a design review', measure: 'Two reviews led' }],
  cadence: 'biweekly',
  months: 3,
  sessions: 0,
  sessionType: 'intro',
  weekday: 'tue',
  window: { start: '15:00', end: '17:00' },
  timezone: 'Europe/London',
};
const fields = (a: Partial<Agreement>, dur?: number) => checkAgreement({ ...ok, ...a }, dur).map((f) => f.field);

describe('checkAgreement mirrors the API with its field names', () => {
  it('accepts a good agreement', () => expect(fields({}, 30)).toEqual([]));
  it('names each goal part', () => {
    expect(fields({ goals: [{ title: '', measure: 'x' }, { title: 'y', measure: ' ' }] })).toEqual(['agreement.goals[0].title', 'agreement.goals[1].measure']);
    expect(fields({ goals: [] })).toEqual(['agreement.goals']);
    expect(fields({ goals: Array.from({ length: 6 }, () => ok.goals[0]!) })).toEqual(['agreement.goals']);
    expect(fields({ goals: [{ title: 'x'.repeat(201), measure: 'm' }] })).toEqual(['agreement.goals[0].title']);
  });
  it('checks months, sessions and the window', () => {
    expect(fields({ months: 0 })).toEqual(['agreement.months']);
    expect(fields({ months: 13 })).toEqual(['agreement.months']);
    expect(fields({ sessions: 61 })).toEqual(['agreement.sessions']);
    expect(fields({ window: { start: '17:00', end: '15:00' } })).toEqual(['agreement.window.end']);
    expect(fields({ window: { start: '9:00', end: '10:00' } })).toEqual(['agreement.window.start']);
    expect(fields({ window: { start: '15:00', end: '15:45' } }, 60)).toEqual(['agreement.window']);
    expect(fields({ window: { start: '15:00', end: '15:45' } }, 45)).toEqual([]);
    expect(fields({ sessionType: '' })).toEqual(['agreement.sessionType']);
  });
});

describe('windowFor', () => {
  it("says the learner's window on another clock, by the week's offsets", () => {
    const summer = DateTime.fromISO('2027-07-01T12:00:00Z');
    const winter = DateTime.fromISO('2027-12-01T12:00:00Z');
    expect(windowFor(ok, 'America/New_York', summer)).toBe('Tue 10:00–12:00');
    expect(windowFor(ok, 'America/New_York', winter)).toBe('Tue 10:00–12:00');
    expect(windowFor(ok, 'Asia/Tokyo', winter)).toBe('Wed 00:00–02:00');
    expect(windowFor(ok, 'Europe/London', winter)).toBeNull();
    expect(windowFor(ok, 'Europe/Lisbon', winter)).toBeNull();
  });
});

const m = (p: Partial<Mentorship>): Mentorship =>
  ({ status: 'active', accepted: ['l', 'e'], occurrences: [], agreement: ok, learner: { id: 'l' }, expert: { id: 'e' }, ...p }) as unknown as Mentorship;

describe('mentorship helpers', () => {
  it('needsAnswer: a proposal the viewer has not accepted', () => {
    expect(needsAnswer(m({ status: 'proposed', accepted: ['l'] }), 'e')).toBe(true);
    expect(needsAnswer(m({ status: 'proposed', accepted: ['l'] }), 'l')).toBe(false);
    expect(needsAnswer(m({ status: 'active' }), 'e')).toBe(false);
  });
  it('nextSession: the first booked one ahead, not cancelled', () => {
    const now = Date.parse('2027-03-10T12:00:00Z');
    const occ = [
      { index: 0, start: '2027-03-09T15:00:00Z', state: 'booked' as const },
      { index: 1, start: '2027-03-23T15:00:00Z', state: 'booked' as const, bookingStatus: 'cancelled' as const },
      { index: 2, start: '2027-04-20T14:00:00Z', state: 'booked' as const },
      { index: 3, start: '2027-04-06T14:00:00Z', state: 'failed' as const },
    ];
    expect(nextSession(m({ occurrences: occ }), now)?.index).toBe(2);
    expect(nextSession(m({ occurrences: occ.slice(0, 2) }), now)).toBeUndefined();
  });
  it('says health and failures in words', () => {
    expect(healthText(m({ health: { status: 'ok' } }))).toBe('');
    expect(healthText(m({ health: { status: 'stalled', reason: 'no_session', daysWithoutSession: 30 } }))).toBe('Stalled: 30 days without a session');
    expect(healthText(m({ health: { status: 'stalled', reason: 'cancellations' } }))).toMatch(/two sessions/);
    expect(failureText('expert_busy')).toBe('The expert is busy then.');
    expect(failureText('odd', 'As the API says.')).toBe('As the API says.');
  });
});
