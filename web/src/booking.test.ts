import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { busyOf, byDayPart, calendarEvent, dayPart, googleLink, monthDays, monthOf, moveDay, moveIndex, outlookLink, weeksOfMonth, withoutBusy } from './booking';

const slot = (start: string, min = 30) => ({ start, end: new Date(Date.parse(start) + min * 60_000).toISOString() });

describe('month', () => {
  it('lays out a month Monday first, with the free times of each local day', () => {
    const m = monthOf('2027-03-10', 'Europe/London');
    expect(m.days).toHaveLength(31);
    const days = monthDays([slot('2027-03-22T09:00:00Z'), slot('2027-03-28T23:30:00Z')], m);
    expect(days.find((d) => d.date === '2027-03-22')!.slots).toHaveLength(1);
    // 23:30 UTC on 28 March is 00:30 BST on the 29th in London (after the clock change).
    expect(days.find((d) => d.date === '2027-03-29')!.slots).toHaveLength(1);
    const rows = weeksOfMonth(days);
    expect(rows[0]!.slice(0, 1)).toEqual([days[0]]); // 1 March 2027 is a Monday
    expect(rows.every((r) => r.length === 7)).toBe(true);
    const april = weeksOfMonth(monthDays([], monthOf('2027-04-01', 'UTC')));
    expect(april[0]!.slice(0, 3)).toEqual([null, null, null]); // 1 April 2027 is a Thursday
  });
});

describe('day parts', () => {
  it('groups times morning, afternoon, evening by local hour', () => {
    const z = 'Asia/Tokyo';
    const local = (h: number) => DateTime.fromObject({ year: 2027, month: 3, day: 22, hour: h }, { zone: z });
    expect([9, 11, 12, 16, 17, 22].map((h) => dayPart(local(h)))).toEqual(['morning', 'morning', 'afternoon', 'afternoon', 'evening', 'evening']);
    const ls = [9, 13, 14].map((h) => ({ ...slot(local(h).toUTC().toISO()!), local: local(h), label: '', ambiguous: false }));
    expect(byDayPart(ls).map((g) => [g.part, g.slots.length])).toEqual([
      ['morning', 1],
      ['afternoon', 2],
    ]);
  });
});

describe('own sessions and taken times', () => {
  it('drops slots overlapping the learner’s live sessions and slots known gone', () => {
    const busy = busyOf([
      { start: '2027-03-22T10:00:00Z', end: '2027-03-22T11:00:00Z', status: 'confirmed' },
      { start: '2027-03-22T13:00:00Z', end: '2027-03-22T14:00:00Z', status: 'cancelled' },
    ]);
    const slots = ['09:30', '10:00', '10:30', '11:00', '13:00', '14:00'].map((t) => slot(`2027-03-22T${t}:00Z`));
    const left = withoutBusy(slots, busy, new Set([Date.parse('2027-03-22T14:00:00Z')])).map((s) => s.start.slice(11, 16));
    expect(left).toEqual(['09:30', '11:00', '13:00']); // 09:30–10:00 ends as the session starts
  });
});

describe('keyboard', () => {
  it('moves by day, week, month and within a row', () => {
    const d = DateTime.fromISO('2027-03-10', { zone: 'UTC' });
    expect(moveDay(d, 'ArrowRight')!.toISODate()).toBe('2027-03-11');
    expect(moveDay(d, 'ArrowUp')!.toISODate()).toBe('2027-03-03');
    expect(moveDay(d, 'Home')!.toISODate()).toBe('2027-03-08');
    expect(moveDay(d, 'End')!.toISODate()).toBe('2027-03-14');
    expect(moveDay(d, 'PageDown')!.toISODate()).toBe('2027-04-10');
    expect(moveDay(d, 'a')).toBeNull();
    expect(moveIndex(0, 3, 'ArrowLeft')).toBe(0);
    expect(moveIndex(1, 3, 'ArrowDown')).toBe(2);
    expect(moveIndex(2, 3, 'ArrowRight')).toBe(2);
    expect(moveIndex(1, 3, 'End')).toBe(2);
    expect(moveIndex(0, 0, 'End')).toBeNull();
  });
});

describe('calendar links', () => {
  it('fills in Google and Outlook with the session in UTC', () => {
    const e = calendarEvent({ start: '2027-03-22T13:00:00+00:00', end: '2027-03-22T13:30:00Z', meetingUrl: 'https://meet.example.com/go', sessionType: { name: 'Intro chat' }, expert: { name: 'Maya Okafor' } }, 'https://tandem.example');
    const g = new URL(googleLink(e));
    expect(g.searchParams.get('text')).toBe('Intro chat with Maya Okafor');
    expect(g.searchParams.get('dates')).toBe('20270322T130000Z/20270322T133000Z');
    expect(g.searchParams.get('details')).toContain('https://meet.example.com/go');
    const o = new URL(outlookLink(e));
    expect(o.searchParams.get('startdt')).toBe('2027-03-22T13:00:00Z');
    expect(o.searchParams.get('subject')).toBe('Intro chat with Maya Okafor');
  });
});
