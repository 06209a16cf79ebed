import { Settings } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatInstant, formatWhen, fromLocalInput, groupByDay, toLocalInput, weekOf } from './time';

beforeAll(() => {
  Settings.defaultLocale = 'en-GB';
});

const slot = (start: string, min = 30) => ({ start, end: new Date(Date.parse(start) + min * 60_000).toISOString() });

describe('weekOf', () => {
  it('starts on Monday midnight in the zone', () => {
    const w = weekOf('2027-03-24', 'Europe/London');
    expect(w.start.toISO()).toBe('2027-03-22T00:00:00.000+00:00');
    expect(w.end.toISO()).toBe('2027-03-29T00:00:00.000+01:00'); // BST began on the 28th
    expect(w.end.diff(w.start, 'hours').hours).toBe(167);
    expect(w.days.map((d) => d.toISODate())).toEqual([
      '2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-27', '2027-03-28',
    ]);
    expect(w.days.every((d) => d.hour === 0)).toBe(true);
  });

  it('is 169 hours long in a fall-back week', () => {
    const w = weekOf('2027-11-07T12:00:00Z', 'America/New_York');
    expect(w.start.toISODate()).toBe('2027-11-01');
    expect(w.end.diff(w.start, 'hours').hours).toBe(169);
  });
});

describe('groupByDay', () => {
  it('groups slots into the viewer\'s local days, not UTC days', () => {
    // Tokyo is UTC+9: 16:00Z on Monday is 01:00 on Tuesday there.
    const w = weekOf('2027-03-22', 'Asia/Tokyo');
    const days = groupByDay([slot('2027-03-22T16:00:00Z'), slot('2027-03-22T01:00:00Z')], w);
    expect(days).toHaveLength(7);
    expect(days[0]!.slots.map((s) => s.label)).toEqual(['10:00']);
    expect(days[1]!.slots.map((s) => s.label)).toEqual(['01:00']);
  });

  it('shows a New York morning at the right London time in the weeks when only the US has moved', () => {
    // US daylight time began on 14 March 2027, the UK's on 28 March: 4 hours apart, not 5.
    const w = weekOf('2027-03-22', 'Europe/London');
    const days = groupByDay([slot('2027-03-22T09:00:00-04:00')], w);
    expect(days[0]!.slots[0]!.label).toBe('13:00');
    expect(days[0]!.slots[0]!.start).toBe('2027-03-22T09:00:00-04:00'); // the instant is kept for booking
  });

  it('offers a repeated fall-back hour twice with distinct labels (DST week)', () => {
    const w = weekOf('2027-11-07', 'America/New_York');
    const days = groupByDay(
      [
        slot('2027-11-07T06:00:00Z'), // 01:00 EST (second time)
        slot('2027-11-07T05:00:00Z'), // 01:00 EDT (first time)
        slot('2027-11-07T05:30:00Z'), // 01:30 EDT
        slot('2027-11-07T14:00:00Z'), // 09:00 EST
        slot('2027-11-01T13:00:00Z'), // Monday 09:00 EDT
      ],
      w,
    );
    const sunday = days[6]!;
    expect(sunday.date).toBe('2027-11-07');
    expect(sunday.slots.map((s) => s.start)).toEqual([
      '2027-11-07T05:00:00Z', '2027-11-07T05:30:00Z', '2027-11-07T06:00:00Z', '2027-11-07T14:00:00Z',
    ]);
    // The abbreviation depends on the locale ("EDT" in en-US, "GMT-4" in en-GB).
    const labels = sunday.slots.map((s) => s.label);
    expect(labels[0]).toMatch(/^01:00 (EDT|GMT-4)$/);
    expect(labels[2]).toMatch(/^01:00 (EST|GMT-5)$/);
    expect(labels.slice(1, 2).concat(labels.slice(3))).toEqual(['01:30', '09:00']);
    expect(sunday.slots.filter((s) => s.ambiguous)).toHaveLength(2);
    expect(days[0]!.slots.map((s) => s.label)).toEqual(['09:00']);
  });

  it('handles a spring-forward week in London and drops slots outside the week', () => {
    const w = weekOf('2027-03-28', 'Europe/London');
    const days = groupByDay(
      [slot('2027-03-28T00:30:00Z'), slot('2027-03-28T01:00:00Z'), slot('2027-03-29T00:00:00+01:00'), slot('2027-03-21T23:59:00Z')],
      w,
    );
    const sunday = days[6]!;
    expect(sunday.slots.map((s) => s.label)).toEqual(['00:30', '02:00']); // 01:00–02:00 does not exist
    expect(days.flatMap((d) => d.slots)).toHaveLength(2);
  });
});

describe('formatting', () => {
  it('formats a session in the zone', () => {
    expect(formatWhen('2027-03-22T13:00:00Z', '2027-03-22T13:30:00Z', 'America/New_York')).toBe('Mon 22 Mar, 09:00–09:30');
    expect(formatWhen('2027-03-22T13:00:00Z', '2027-03-22T13:30:00Z', 'Asia/Kolkata')).toBe('Mon 22 Mar, 18:30–19:00');
  });

  it('converts datetime-local values through the zone', () => {
    expect(fromLocalInput('2027-03-22T09:00', 'America/New_York')).toBe('2027-03-22T13:00:00Z');
    expect(toLocalInput('2027-03-22T13:00:00Z', 'America/New_York')).toBe('2027-03-22T09:00');
    expect(fromLocalInput('nope', 'UTC')).toBeNull();
  });
});

describe('request windows and offered slots', () => {
  it('shows a weekly window on the learner’s clock and the viewer’s, by the week’s offsets', async () => {
    const { windowLabel, localSlot } = await import('./time');
    const { DateTime } = await import('luxon');
    const w = { weekday: 'tue', startHour: 9, endHour: 18 };
    // 16 March 2027: New York is on daylight time, London not yet: 4 hours apart.
    const between = DateTime.fromISO('2027-03-17T12:00:00Z');
    expect(windowLabel(w, 'Europe/London', 'America/New_York', between)).toEqual({ own: 'Tue 09:00–18:00', viewer: 'Tue 05:00–14:00' });
    // 6 April: both on summer time, 5 hours apart again.
    expect(windowLabel(w, 'Europe/London', 'America/New_York', DateTime.fromISO('2027-04-07T12:00:00Z')).viewer).toBe('Tue 04:00–13:00');
    expect(windowLabel(w, 'Europe/London', 'Europe/London', between)).toEqual({ own: 'Tue 09:00–18:00', viewer: null });
    // Into the next day for the viewer, and a window to midnight.
    expect(windowLabel({ weekday: 'fri', startHour: 20, endHour: 24 }, 'America/New_York', 'Asia/Tokyo', between)).toEqual({ own: 'Fri 20:00–24:00', viewer: 'Sat 09:00–13:00' });
    expect(windowLabel({ weekday: 'sun', startHour: 18, endHour: 24 }, 'UTC', 'Europe/Berlin', between).viewer).toBe('Sun 19:00–Mon 01:00');
    const s = localSlot('2027-03-22T13:00:00Z', 45, 'Europe/London');
    expect(s.label).toBe('13:00');
    expect(Date.parse(s.end)).toBe(Date.parse('2027-03-22T13:45:00Z'));
  });
});

describe('formatInstant', () => {
  it('shows a moment on the viewer\'s clock', () => {
    expect(formatInstant('2027-04-13T13:00:00Z', 'Europe/London')).toBe('Tue 13 Apr, 14:00');
    expect(formatInstant('2027-04-13T13:00:00Z', 'Asia/Tokyo')).toBe('Tue 13 Apr, 22:00');
  });
});
