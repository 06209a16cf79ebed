// Group sessions (circles) in words: the seats on a slot, a circle's counts, where a learner
// stands (seat, offered, waiting, skipped), an offered seat's deadline. Pure, so it is tested.
import type { Booking, Circle, CircleMember, SkipReason, Slot } from './api';
import { formatInstant } from './time';

/** OFFER_HOLD_HOURS: how long a learner offered a freed seat has to confirm it (never past the start); kept equal to tandem.OfferHold by a Go test. */
export const OFFER_HOLD_HOURS = 12;

/** isFull: a group slot with no seat a learner could book now (booking it joins the waitlist). */
export const isFull = (slot: Pick<Slot, 'seatsLeft'>): boolean => slot.seatsLeft === 0;

/** isOffer: a seat offered from a waitlist that its learner has still to confirm or decline. */
export const isOffer = (b: Pick<Booking, 'offer' | 'status'>): boolean => !!b.offer && b.status === 'pending';

const people = (n: number): string => `${n} ${n === 1 ? 'person' : 'people'}`;

/**
 * seatText is what a slot of a group session says under its time: "4 of 6 seats left", or
 * "Full · join waitlist (2 waiting)" ("Full · join waitlist" when nobody waits yet). null for
 * a one-to-one slot.
 */
export function seatText(slot: Pick<Slot, 'seatsLeft' | 'waiting'>, seats: number | undefined): string | null {
  if (slot.seatsLeft === undefined || !seats || seats < 2) return null;
  if (slot.seatsLeft > 0) return `${slot.seatsLeft} of ${seats} seats left`;
  const waiting = slot.waiting ?? 0;
  return `Full · join waitlist${waiting > 0 ? ` (${waiting} waiting)` : ''}`;
}

/**
 * slotNamePrefix is what a screen reader hears before a group slot's visible time and seats
 * (the button is named by its content, so the visible words are part of its name): "Book
 * Wednesday 14 April 2027 at" for a slot with seats, just the date for a full one, whose seat
 * text already says what picking it does ("…at 16:00, Full · join waitlist (2 waiting)").
 */
export function slotNamePrefix(pickLabel: string, longDay: string, slot: Pick<Slot, 'seatsLeft'>): string {
  return isFull(slot) ? `${longDay} at` : `${pickLabel} ${longDay} at`;
}

/** seatsSummary: "4 of 6 seats taken · 2 left", "6 of 6 seats taken · full". */
export function seatsSummary(c: Pick<Circle, 'seats' | 'taken' | 'seatsLeft' | 'waiting'>): string {
  const taken = `${c.taken} of ${c.seats} seats taken`;
  if (c.seatsLeft > 0) return `${taken} · ${c.seatsLeft} left`;
  // A seat given up while people wait is offered to the first in line (taken again at once).
  if (c.taken < c.seats) return `${taken} · the free seat goes to the first person on the waitlist`;
  return `${taken} · full`;
}

/** waitingText: "Nobody is waiting", "1 person waiting", "3 people waiting". */
export const waitingText = (n: number): string => (n > 0 ? `${people(n)} waiting` : 'Nobody is waiting');

/** skipReasonText says, in plain words, why a learner first in line could not be offered the seat. */
export function skipReasonText(reason: SkipReason | undefined): string {
  switch (reason) {
    case 'busy':
      return 'you already had another session at that time';
    case 'active_limit':
      return 'you already had as many upcoming sessions as one person may hold at once';
    case 'budget':
      return 'the coaching budget for that period did not cover the session';
    case 'cancelled':
      return 'the expert called the group session off';
    default:
      return 'it could not be booked for you';
  }
}

/** Standing is a learner's place in a circle, as the circle page shows it. */
export interface Standing {
  title: string;
  text: string;
}

/** standing puts the caller's membership in words; deadlines in zone. */
export function standing(me: CircleMember, zone: string): Standing {
  switch (me.state) {
    case 'seat':
      return { title: 'You have a seat', text: 'You are booked into this group session. It is in My sessions, with its calendar invite.' };
    case 'offered':
      return {
        title: 'A seat opened up for you',
        text: me.holdUntil
          ? `Confirm it by ${formatInstant(me.holdUntil, zone)}; after that it goes to the next person in line.`
          : 'Confirm it soon; otherwise it goes to the next person in line.',
      };
    case 'waiting':
      return {
        title: me.position ? `You are #${me.position} in line` : 'You are on the waitlist',
        text: `When a seat frees up it is offered to the first person in line, who then has ${OFFER_HOLD_HOURS} hours to confirm it. You are not booked until you confirm.`,
      };
    case 'skipped':
      if (me.skipReason === 'cancelled') {
        return { title: 'This group session was called off', text: 'The expert called it off, so you are no longer on its waitlist.' };
      }
      return {
        title: 'A seat opened up, but it could not be offered to you',
        text: `You were first in line, but ${skipReasonText(me.skipReason)}, so the seat went to the next person and you left the waitlist. You can join it again.`,
      };
    default:
      return { title: 'You are not in this group session', text: 'You have no seat and are not on the waitlist.' };
  }
}

/** offerText: "A seat opened up — confirm by Tue 13 Apr, 14:00" for an offered seat, in zone. */
export function offerText(b: Pick<Booking, 'holdUntil'>, zone: string): string {
  return b.holdUntil ? `A seat opened up — confirm by ${formatInstant(b.holdUntil, zone)}` : 'A seat opened up — confirm it soon';
}
