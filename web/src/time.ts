// Time-zone work for the screens, all through Luxon (never hand-rolled offset math). Slot and
// booking instants arrive as RFC 3339 strings; they are shown in the viewer's chosen zone,
// grouped into that zone's calendar days, weeks starting on Monday (ISO).
import { DateTime, IANAZone } from 'luxon';
import type { Slot } from './api';

export const isZone = (z: string): boolean => z !== '' && IANAZone.isValidZone(z);

/** browserZone is the device's IANA zone, or UTC if the browser reports none we know. */
export function browserZone(): string {
  const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return z && isZone(z) ? z : 'UTC';
}

/** allZones lists the IANA zones the browser knows, plus any extra (e.g. a saved zone), sorted. */
export function allZones(extra: string[] = []): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const known = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set([...known, ...extra.filter(isZone), 'UTC'])].sort();
}

/** Week is one ISO week in a zone: Monday 00:00 to the next Monday 00:00, local time. */
export interface Week {
  zone: string;
  start: DateTime;
  end: DateTime;
  days: DateTime[]; // the seven local midnights
}

/** weekOf returns the week containing date (an ISO date or instant, or a DateTime) in zone. */
export function weekOf(date: string | DateTime, zone: string): Week {
  const d = typeof date === 'string' ? DateTime.fromISO(date, { zone }) : date.setZone(zone);
  if (!d.isValid) throw new Error(`invalid date ${String(date)}`);
  const start = d.startOf('week');
  // plus({days}) is calendar arithmetic: midnight stays midnight across a DST change, so a
  // week that contains one is 167 or 169 hours long.
  const days = Array.from({ length: 7 }, (_, i) => start.plus({ days: i }));
  return { zone, start, end: start.plus({ weeks: 1 }), days };
}

/** LocalSlot is a slot as shown: its instant in the viewer's zone and the label to show. */
export interface LocalSlot extends Slot {
  local: DateTime;
  label: string; // "13:00"; with the zone abbreviation when the same wall time occurs twice
  ambiguous: boolean;
}

export interface DaySlots {
  date: string; // YYYY-MM-DD in the zone
  day: DateTime; // local midnight
  slots: LocalSlot[];
}

/**
 * groupByDay puts slots into the week's seven local days (empty days included), sorted by
 * instant. At a fall-back change the repeated hour appears twice with distinct labels
 * ("01:00 EDT", "01:00 EST"); slots outside the week are dropped.
 */
export function groupByDay(slots: Slot[], week: Week): DaySlots[] {
  const byDate = new Map<string, LocalSlot[]>();
  for (const d of week.days) byDate.set(d.toISODate() ?? '', []);
  const sorted = [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (const s of sorted) {
    const local = DateTime.fromISO(s.start, { zone: week.zone });
    const list = byDate.get(local.toISODate() ?? '');
    if (!list || !local.isValid) continue;
    list.push({ ...s, local, label: formatTime(local), ambiguous: false });
  }
  for (const list of byDate.values()) {
    const seen = new Map<string, LocalSlot[]>();
    for (const s of list) seen.set(s.label, [...(seen.get(s.label) ?? []), s]);
    for (const same of seen.values()) {
      if (same.length < 2) continue;
      for (const s of same) {
        s.ambiguous = true;
        s.label = `${s.label} ${s.local.offsetNameShort ?? s.local.toFormat('ZZ')}`;
      }
    }
  }
  return week.days.map((day) => ({ date: day.toISODate() ?? '', day, slots: byDate.get(day.toISODate() ?? '') ?? [] }));
}

/** rangeQuery is the from/to pair for the slots API: RFC 3339 instants with the zone's offset. */
export function rangeQuery(start: DateTime, end: DateTime): { from: string; to: string } {
  const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) ?? '';
  return { from: iso(start), to: iso(end) };
}

// ---------------------------------------------------------------------------------- formatting

export const inZone = (iso: string, zone: string): DateTime => DateTime.fromISO(iso, { zone });

export const formatTime = (d: DateTime): string => d.toLocaleString(DateTime.TIME_24_SIMPLE);
export const formatDay = (d: DateTime): string => d.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' });
export const formatLongDay = (d: DateTime): string =>
  d.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** formatWhen: "Mon 22 Mar, 13:00–13:30" in zone. */
export function formatWhen(startIso: string, endIso: string, zone: string): string {
  const s = inZone(startIso, zone);
  const e = inZone(endIso, zone);
  const endPart = e.hasSame(s, 'day') ? formatTime(e) : `${formatDay(e)}, ${formatTime(e)}`;
  return `${formatDay(s)}, ${formatTime(s)}–${endPart}`;
}

/** formatInstant: "Mon 22 Mar, 13:00" in zone (a deadline, a moment rather than a span). */
export function formatInstant(iso: string, zone: string): string {
  const d = inZone(iso, zone);
  return `${formatDay(d)}, ${formatTime(d)}`;
}

/** zoneLabel: "Europe/London (GMT)" at the given instant (abbreviations change with DST). */
export function zoneLabel(zone: string, at: DateTime = DateTime.now()): string {
  const d = at.setZone(zone);
  return `${zone.replace(/_/g, ' ')} (${d.offsetNameShort ?? d.toFormat('ZZ')})`;
}

export function formatDuration(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

/** toLocalInput renders an instant for <input type="datetime-local"> in zone. */
export const toLocalInput = (iso: string, zone: string): string => inZone(iso, zone).toFormat("yyyy-LL-dd'T'HH:mm");

/** fromLocalInput reads a datetime-local value as wall time in zone; null when invalid. */
export function fromLocalInput(value: string, zone: string): string | null {
  const d = DateTime.fromISO(value, { zone });
  return d.isValid ? d.toUTC().toISO({ suppressMilliseconds: true }) : null;
}

/** localSlot turns an instant and a length into a LocalSlot as the week view would show it. */
export function localSlot(startIso: string, durationMin: number, zone: string): LocalSlot {
  const local = inZone(startIso, zone);
  return { start: startIso, end: local.plus({ minutes: durationMin }).toUTC().toISO({ suppressMilliseconds: true }) ?? '', local, label: formatTime(local), ambiguous: false };
}

const isoWeekday: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * windowLabel describes a weekly window given on the learner's clock ("tue", 9, 18 in
 * Europe/London) as "Tue 09:00–18:00", and, when the viewer is in another zone, what it is
 * on the viewer's clock in the week of anchor (offsets change with DST, so it depends on the
 * week): "Tue 04:00–13:00". Windows that end at 24 end at the next midnight.
 */
export function windowLabel(
  w: { weekday: string; startHour: number; endHour: number },
  learnerZone: string,
  viewerZone: string,
  anchor: DateTime,
): { own: string; viewer: string | null } {
  const day = anchor.setZone(learnerZone).startOf('week').plus({ days: (isoWeekday[w.weekday] ?? 1) - 1 });
  const start = day.set({ hour: w.startHour });
  const end = w.endHour >= 24 ? day.plus({ days: 1 }) : day.set({ hour: w.endHour });
  const own = `${start.toFormat('ccc')} ${hh(w.startHour)}–${hh(w.endHour === 24 ? 24 : w.endHour)}`;
  if (learnerZone === viewerZone) return { own, viewer: null };
  const s = start.setZone(viewerZone);
  const e = end.setZone(viewerZone);
  const endText = e.hasSame(s, 'day') ? formatTime(e) : e.equals(s.plus({ days: 1 }).startOf('day')) ? '24:00' : `${e.toFormat('ccc')} ${formatTime(e)}`;
  return { own, viewer: `${s.toFormat('ccc')} ${formatTime(s)}–${endText}` };
}

/** formatDate: "Wed 24 Mar 2027" in zone. */
export const formatDate = (iso: string, zone: string): string => inZone(iso, zone).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
