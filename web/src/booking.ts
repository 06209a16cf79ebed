// The date-first booking flow in pure functions (so they are unit-tested): a month of local
// days with the free times on each, the times of a day grouped morning / afternoon / evening,
// the learner's own sessions taken out of what is offered, keyboard moves in the month grid
// and the "add to calendar" links for Google and Outlook.
import { DateTime } from 'luxon';
import type { Booking, Slot } from './api';
import { groupByDay, type DaySlots, type LocalSlot, type Week } from './time';

/** monthOf is the local month containing date in zone, shaped like a Week (days = every day of the month). */
export function monthOf(date: string | DateTime, zone: string): Week {
  const d = typeof date === 'string' ? DateTime.fromISO(date, { zone }) : date.setZone(zone);
  if (!d.isValid) throw new Error(`invalid date ${String(date)}`);
  const start = d.startOf('month');
  const days = Array.from({ length: start.daysInMonth ?? 31 }, (_, i) => start.plus({ days: i }));
  return { zone, start, end: start.plus({ months: 1 }), days };
}

/** monthDays groups slots by local day over the month (every day present, empty ones too). */
export const monthDays = (slots: Slot[], month: Week): DaySlots[] => groupByDay(slots, month);

/** weeksOfMonth lays the month out in rows Monday..Sunday; days outside the month are null. */
export function weeksOfMonth<T extends { day: DateTime }>(days: T[]): (T | null)[][] {
  if (days.length === 0) return [];
  const lead = days[0]!.day.weekday - 1; // Monday = 1
  const cells: (T | null)[] = [...Array.from({ length: lead }, () => null), ...days];
  while (cells.length % 7 !== 0) cells.push(null);
  const rows: (T | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7));
  return rows;
}

export type DayPart = 'morning' | 'afternoon' | 'evening';
export const dayPartName: Record<DayPart, string> = { morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening' };

/** dayPart: before 12:00 morning, before 17:00 afternoon, else evening (local wall time). */
export const dayPart = (local: DateTime): DayPart => (local.hour < 12 ? 'morning' : local.hour < 17 ? 'afternoon' : 'evening');

/** byDayPart groups one day's slots into the parts of the day that have any, in order. */
export function byDayPart(slots: LocalSlot[]): { part: DayPart; slots: LocalSlot[] }[] {
  const parts: DayPart[] = ['morning', 'afternoon', 'evening'];
  return parts.map((part) => ({ part, slots: slots.filter((s) => dayPart(s.local) === part) })).filter((g) => g.slots.length > 0);
}

/** busyOf: the learner's own sessions that still hold their time (pending or confirmed). */
export const busyOf = (bookings: Pick<Booking, 'start' | 'end' | 'status'>[]): { start: number; end: number }[] =>
  bookings.filter((b) => b.status === 'pending' || b.status === 'confirmed').map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));

/**
 * withoutBusy drops slots that overlap one of the learner's own sessions (they would be
 * refused at confirm with "you already have a session at this time") and slots known to be
 * gone (taken meanwhile), by instant.
 */
export function withoutBusy<S extends Pick<Slot, 'start' | 'end'>>(slots: S[], busy: { start: number; end: number }[], gone: ReadonlySet<number> = new Set()): S[] {
  return slots.filter((s) => {
    const a = Date.parse(s.start);
    const b = Date.parse(s.end);
    if (gone.has(a)) return false;
    return !busy.some((x) => a < x.end && x.start < b);
  });
}

/**
 * moveDay is where an arrow key takes the focus in a month grid (ISO dates): ←/→ a day, ↑/↓ a
 * week, Home/End the start/end of the week, PageUp/PageDown a month. null for other keys.
 */
export function moveDay(date: DateTime, key: string): DateTime | null {
  switch (key) {
    case 'ArrowLeft':
      return date.minus({ days: 1 });
    case 'ArrowRight':
      return date.plus({ days: 1 });
    case 'ArrowUp':
      return date.minus({ weeks: 1 });
    case 'ArrowDown':
      return date.plus({ weeks: 1 });
    case 'Home':
      return date.startOf('week');
    case 'End':
      return date.endOf('week').startOf('day');
    case 'PageUp':
      return date.minus({ months: 1 });
    case 'PageDown':
      return date.plus({ months: 1 });
  }
  return null;
}

/** moveIndex is the roving focus in a flat list (the day's times): arrows step, Home/End jump. */
export function moveIndex(i: number, n: number, key: string): number | null {
  if (n === 0) return null;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowUp':
      return Math.max(0, i - 1);
    case 'ArrowRight':
    case 'ArrowDown':
      return Math.min(n - 1, i + 1);
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
  }
  return null;
}

export interface CalendarEvent {
  title: string;
  details: string;
  start: string; // RFC 3339
  end: string;
  location?: string;
}

const compact = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toFormat("yyyyLLdd'T'HHmmss'Z'");

/** googleLink opens Google Calendar's "new event" form filled in (UTC times). */
export function googleLink(e: CalendarEvent): string {
  const q = new URLSearchParams({ action: 'TEMPLATE', text: e.title, dates: `${compact(e.start)}/${compact(e.end)}`, details: e.details });
  if (e.location) q.set('location', e.location);
  return `https://calendar.google.com/calendar/render?${q.toString()}`;
}

/** outlookLink opens Outlook on the web's compose form filled in (UTC times). */
export function outlookLink(e: CalendarEvent): string {
  const iso = (s: string) => DateTime.fromISO(s, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? s;
  const q = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: e.title, startdt: iso(e.start), enddt: iso(e.end), body: e.details });
  if (e.location) q.set('location', e.location);
  return `https://outlook.live.com/calendar/0/deeplink/compose?${q.toString()}`;
}

/** calendarEvent describes a booking for a calendar: "Intro chat with Maya Okafor". */
export function calendarEvent(b: Pick<Booking, 'start' | 'end' | 'meetingUrl' | 'note'> & { sessionType: { name: string }; expert: { name: string } }, origin: string): CalendarEvent {
  const lines = [`Tandem session: ${b.sessionType.name} with ${b.expert.name}.`];
  if (b.meetingUrl) lines.push(`Join: ${b.meetingUrl}`);
  lines.push(`Manage it: ${origin}/sessions`);
  return { title: `${b.sessionType.name} with ${b.expert.name}`, details: lines.join('\n'), start: b.start, end: b.end, ...(b.meetingUrl ? { location: b.meetingUrl } : {}) };
}
