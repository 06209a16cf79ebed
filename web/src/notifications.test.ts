import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Booking } from './api';
import { appPath, badgeText, bellLabel, cannot, isVerb, leadLabel, leadMinutes, leadOptions } from './notifications';

describe('the bell', () => {
  it('shows the count, capped at 99+, and names it for screen readers', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(100)).toBe('99+');
    expect(bellLabel(0)).toBe('Notifications, none unread');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
  });
});

describe('appPath', () => {
  it('follows app paths only', () => {
    expect(appPath('/bookings/bk1')).toBe('/bookings/bk1');
    expect(appPath('/requests/r1?x=1')).toBe('/requests/r1?x=1');
    for (const bad of ['', undefined, '//evil.example/x', 'https://evil.example', 'javascript:alert(1)', '/\\evil.example']) expect(appPath(bad)).toBe('/notifications');
  });
});

describe('reminder lead times', () => {
  it('reads as words', () => {
    expect(leadLabel(15)).toBe('15 minutes');
    expect(leadLabel(60)).toBe('1 hour');
    expect(leadLabel(90)).toBe('1 hour 30 minutes');
    expect(leadLabel(1440)).toBe('1 day');
    expect(leadLabel(2880)).toBe('2 days');
    expect(leadLabel(10080)).toBe('1 week');
  });
  it('offers the presets plus a saved odd value, in order', () => {
    expect(leadOptions([1440, 60])).toEqual([15, 30, 60, 120, 240, 1440, 2880, 10080]);
    expect(leadOptions([45, 99999])).toEqual([15, 30, 45, 60, 120, 240, 1440, 2880, 10080]);
  });
  it('sends at most two distinct values, none for None', () => {
    expect(leadMinutes(60, 1440)).toEqual([1440, 60]);
    expect(leadMinutes(60, 60)).toEqual([60]);
    expect(leadMinutes(0, 0)).toEqual([]);
  });
});

describe('isVerb', () => {
  it('knows the e-mail actions only', () => {
    expect(['confirm', 'decline', 'reschedule', 'cancel'].every(isVerb)).toBe(true);
    expect(isVerb('complete')).toBe(false);
    expect(isVerb(null)).toBe(false);
  });
});

describe('cannot (what an e-mail action link may still do)', () => {
  const now = DateTime.fromISO('2027-03-10T12:00:00Z');
  const party = (id: string, name: string) => ({ id, name, department: 'x', email: `${id}@x`, timezone: 'UTC' });
  const b = (patch: Partial<Booking> = {}): Booking =>
    ({
      id: 'b1', status: 'pending', expert: party('maya', 'Maya'), learner: party('ben', 'Ben'),
      sessionType: { id: 'intro', name: 'Intro', durationMin: 30 }, start: '2027-03-12T14:00:00Z', end: '2027-03-12T14:30:00Z',
      reschedules: 0, createdAt: '2027-03-01T00:00:00Z', updatedAt: '2027-03-01T00:00:00Z', ...patch,
    }) as Booking;
  it('only the expert answers a request; only the offered learner answers a seat offer', () => {
    expect(cannot('confirm', b(), 'maya', now)).toBe('');
    expect(cannot('decline', b(), 'ben', now)).toMatch(/Only the expert/);
    expect(cannot('confirm', b({ offer: true }), 'ben', now)).toBe('');
    expect(cannot('confirm', b({ offer: true }), 'maya', now)).toMatch(/Only the learner/);
  });
  it('says when there is nothing left to do', () => {
    expect(cannot('confirm', b({ status: 'confirmed' }), 'maya', now)).toBe('This session is confirmed already: there is nothing to confirm.');
    expect(cannot('cancel', b({ status: 'no_show' }), 'ben', now)).toBe('This session is no show already.');
    expect(cannot('cancel', b({ status: 'confirmed', start: '2027-03-10T11:00:00Z' }), 'ben', now)).toMatch(/has started/);
    expect(cannot('reschedule', b({ status: 'confirmed', circleId: 'c1' }), 'ben', now)).toMatch(/group session cannot be moved/);
    expect(cannot('reschedule', b({ status: 'confirmed' }), 'maya', now)).toBe('');
  });
});
