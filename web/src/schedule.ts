// Lists of sessions as people read them, pure so they are tested: live (upcoming) sessions
// apart from cancelled, declined and expired ones; pending approvals first; the seats of one
// group session as one entry with its seat count; this week's sessions by local day.
import type { DateTime } from 'luxon';
import type { Booking } from './api';
import { isOffer } from './circles';
import { inZone } from './time';

/** live: still happening (confirmed, waiting for approval, or a seat offered). */
export const isLive = (b: Pick<Booking, 'status'>): boolean => b.status === 'pending' || b.status === 'confirmed';
/** isGone: called off one way or another (cancelled, declined, expired). */
export const isGone = (b: Pick<Booking, 'status'>): boolean => b.status === 'cancelled' || b.status === 'declined' || b.status === 'expired';
/** needsApproval: a request the expert has to confirm or decline (not a seat offered from a waitlist). */
export const needsApproval = (b: Pick<Booking, 'status' | 'offer'>): boolean => b.status === 'pending' && !isOffer(b);

/** Entry is one card: a one-to-one session, or a group session with its seats. */
export type Entry = { kind: 'single'; b: Booking } | { kind: 'group'; circleId: string; b: Booking; seats: Booking[] };

/** entries folds the seats of each group session into one entry (at its first seat's place). */
export function entries(list: readonly Booking[]): Entry[] {
  const out: Entry[] = [];
  const groups = new Map<string, Extract<Entry, { kind: 'group' }>>();
  for (const b of list) {
    if (!b.circleId) {
      out.push({ kind: 'single', b });
      continue;
    }
    const g = groups.get(b.circleId);
    if (g) g.seats.push(b);
    else {
      const e: Extract<Entry, { kind: 'group' }> = { kind: 'group', circleId: b.circleId, b, seats: [b] };
      groups.set(b.circleId, e);
      out.push(e);
    }
  }
  return out;
}

/** seatCount: "3 seats taken" (live seats only; a seat given up no longer counts). */
export function seatCount(seats: readonly Pick<Booking, 'status'>[], of?: number): string {
  const n = seats.filter(isLive).length;
  return of ? `${n} of ${of} seats taken` : `${n} ${n === 1 ? 'seat' : 'seats'} taken`;
}

/**
 * split puts upcoming bookings into: to approve (pinned first, soonest deadline first), live
 * (by start) and cancelled / declined / expired (apart, so they never mix with what will happen).
 */
export function split<B extends Pick<Booking, 'status' | 'offer' | 'start' | 'holdUntil'>>(list: readonly B[]): { approve: B[]; live: B[]; gone: B[] } {
  const by = (a: B, b: B) => Date.parse(a.start) - Date.parse(b.start);
  const deadline = (b: B) => Date.parse(b.holdUntil ?? b.start);
  return {
    approve: list.filter(needsApproval).sort((a, b) => deadline(a) - deadline(b)),
    live: list.filter((b) => isLive(b) && !needsApproval(b)).sort(by),
    gone: list.filter(isGone).sort(by),
  };
}

/** byDay groups bookings by their local day in zone, from `from` (a local midnight) for n days. */
export function byDay<B extends Pick<Booking, 'start'>>(list: readonly B[], zone: string, from: DateTime, n: number): { day: DateTime; items: B[] }[] {
  const days = Array.from({ length: n }, (_, i) => ({ day: from.plus({ days: i }), items: [] as B[] }));
  for (const b of list) {
    const d = inZone(b.start, zone).startOf('day');
    const slot = days.find((x) => +x.day === +d);
    if (slot) slot.items.push(b);
  }
  return days;
}
