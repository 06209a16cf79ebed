import { Settings } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFull, isOffer, offerText, seatText, seatsSummary, skipReasonText, slotNamePrefix, standing, waitingText } from './circles';

beforeAll(() => {
  Settings.defaultLocale = 'en-GB';
});

describe('seatText and slotNamePrefix', () => {
  it('counts the seats left of a group slot', () => {
    expect(seatText({ seatsLeft: 6 }, 6)).toBe('6 of 6 seats left');
    expect(seatText({ seatsLeft: 1 }, 6)).toBe('1 of 6 seats left');
    expect(slotNamePrefix('Book', 'Wednesday 14 April 2027', { seatsLeft: 4 })).toBe('Book Wednesday 14 April 2027 at');
    expect(isFull({ seatsLeft: 4 })).toBe(false);
  });

  it('says a full slot opens the waitlist, with how many wait', () => {
    expect(seatText({ seatsLeft: 0, waiting: 2 }, 6)).toBe('Full · join waitlist (2 waiting)');
    expect(seatText({ seatsLeft: 0 }, 6)).toBe('Full · join waitlist');
    expect(isFull({ seatsLeft: 0 })).toBe(true);
    // The seat text says what picking a full slot does, so the hidden prefix is only the date.
    expect(slotNamePrefix('Book', 'Wednesday 14 April 2027', { seatsLeft: 0 })).toBe('Wednesday 14 April 2027 at');
  });

  it('says nothing about seats for a one-to-one slot', () => {
    expect(seatText({}, undefined)).toBeNull();
    expect(seatText({ seatsLeft: 0 }, 1)).toBeNull();
    expect(isFull({})).toBe(false);
  });
});

describe('circle counts', () => {
  it('summarises seats taken and left', () => {
    expect(seatsSummary({ seats: 6, taken: 4, seatsLeft: 2, waiting: 0 })).toBe('4 of 6 seats taken · 2 left');
    expect(seatsSummary({ seats: 6, taken: 6, seatsLeft: 0, waiting: 3 })).toBe('6 of 6 seats taken · full');
    // Given up while people wait: the seat is the first waiter's, not anyone's to book.
    expect(seatsSummary({ seats: 6, taken: 5, seatsLeft: 0, waiting: 1 })).toBe('5 of 6 seats taken · the free seat goes to the first person on the waitlist');
  });

  it('counts people waiting in words', () => {
    expect(waitingText(0)).toBe('Nobody is waiting');
    expect(waitingText(1)).toBe('1 person waiting');
    expect(waitingText(3)).toBe('3 people waiting');
  });
});

describe('standing', () => {
  const zone = 'Europe/London';

  it('gives a waiting learner their place in line', () => {
    const s = standing({ state: 'waiting', position: 2 }, zone);
    expect(s.title).toBe('You are #2 in line');
    expect(s.text).toMatch(/12 hours to confirm/);
  });

  it('gives an offered seat its deadline on the learner’s clock', () => {
    // 13:00 UTC is 14:00 in London once BST has begun (28 March 2027).
    const s = standing({ state: 'offered', bookingId: 'b1', holdUntil: '2027-04-13T13:00:00Z' }, zone);
    expect(s.title).toBe('A seat opened up for you');
    expect(s.text).toBe('Confirm it by Tue 13 Apr, 14:00; after that it goes to the next person in line.');
    expect(standing({ state: 'offered', holdUntil: '2027-04-13T13:00:00Z' }, 'America/New_York').text).toMatch(/Tue 13 Apr, 09:00/);
  });

  it('explains a skip in plain words', () => {
    expect(standing({ state: 'skipped', skipReason: 'busy' }, zone).text).toMatch(/^You were first in line, but you already had another session at that time, so the seat went to the next person/);
    expect(skipReasonText('active_limit')).toBe('you already had as many upcoming sessions as one person may hold at once');
    expect(skipReasonText('budget')).toBe('the coaching budget for that period did not cover the session');
    expect(skipReasonText(undefined)).toBe('it could not be booked for you');
  });

  it('names a seat and no standing at all', () => {
    expect(standing({ state: 'seat', bookingId: 'b1' }, zone).title).toBe('You have a seat');
    expect(standing({ state: 'none' }, zone).title).toBe('You are not in this group session');
  });
});

describe('offers', () => {
  it('tells an offered seat from an approval request and other seats', () => {
    expect(isOffer({ offer: true, status: 'pending' })).toBe(true);
    expect(isOffer({ offer: true, status: 'confirmed' })).toBe(false);
    expect(isOffer({ status: 'pending' })).toBe(false);
  });

  it('says by when to confirm, in the viewer’s zone', () => {
    expect(offerText({ holdUntil: '2027-04-13T13:00:00Z' }, 'Asia/Tokyo')).toBe('A seat opened up — confirm by Tue 13 Apr, 22:00');
    expect(offerText({}, 'UTC')).toBe('A seat opened up — confirm it soon');
  });
});

describe('a circle called off', () => {
  it('tells a waiting learner the expert called it off, not that they were skipped in line', () => {
    const s = standing({ state: 'skipped', skipReason: 'cancelled' }, 'UTC');
    expect(s.title).toBe('This group session was called off');
    expect(s.text).not.toMatch(/first in line/);
    expect(skipReasonText('cancelled')).toBe('the expert called the group session off');
  });
});
