import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Booking } from './api';
import { byDay, entries, seatCount, split } from './schedule';

const bk = (id: string, status: Booking['status'], start: string, extra: Partial<Booking> = {}): Booking =>
  ({ id, status, start, end: start, expert: { id: 'e', name: 'E', department: 'D' }, learner: { id: id, name: id, department: 'D' }, sessionType: { id: 't', name: 'T', durationMin: 30 }, reschedules: 0, createdAt: start, updatedAt: start, ...extra }) as unknown as Booking;

describe('split', () => {
  it('pins approvals (soonest deadline first) and keeps cancelled, declined and expired apart', () => {
    const list = [
      bk('c', 'confirmed', '2027-03-22T10:00:00Z'),
      bk('x', 'cancelled', '2027-03-21T10:00:00Z'),
      bk('p2', 'pending', '2027-03-20T10:00:00Z', { holdUntil: '2027-03-12T10:00:00Z' }),
      bk('p1', 'pending', '2027-03-25T10:00:00Z', { holdUntil: '2027-03-11T10:00:00Z' }),
      bk('o', 'pending', '2027-03-23T10:00:00Z', { offer: true }),
      bk('d', 'declined', '2027-03-24T10:00:00Z'),
      bk('e', 'expired', '2027-03-24T11:00:00Z'),
    ];
    const s = split(list);
    expect(s.approve.map((b) => b.id)).toEqual(['p1', 'p2']);
    expect(s.live.map((b) => b.id)).toEqual(['c', 'o']);
    expect(s.gone.map((b) => b.id)).toEqual(['x', 'd', 'e']);
  });
});

describe('entries', () => {
  it('shows a group session as one entry with its seats', () => {
    const list = [1, 2, 3, 4, 5, 6].map((i) => bk(`s${i}`, i === 6 ? 'cancelled' : 'confirmed', '2027-04-14T14:00:00Z', { circleId: 'c1' }));
    const e = entries([bk('a', 'confirmed', '2027-04-13T10:00:00Z'), ...list]);
    expect(e.map((x) => x.kind)).toEqual(['single', 'group']);
    const g = e[1]!;
    expect(g.kind === 'group' && g.seats.length).toBe(6);
    expect(g.kind === 'group' && seatCount(g.seats, 6)).toBe('5 of 6 seats taken');
    expect(seatCount([bk('a', 'confirmed', '')])).toBe('1 seat taken');
  });
});

describe('byDay', () => {
  it('groups by local day in the zone', () => {
    const from = DateTime.fromISO('2027-03-22', { zone: 'America/New_York' });
    const days = byDay([bk('a', 'confirmed', '2027-03-23T03:30:00Z'), bk('b', 'confirmed', '2027-03-23T14:00:00Z')], 'America/New_York', from, 7);
    expect(days[0]!.items.map((b) => b.id)).toEqual(['a']); // 23:30 on Monday in New York
    expect(days[1]!.items.map((b) => b.id)).toEqual(['b']);
  });
});
