// Notifications in words, pure: the bell's label and badge, where a notification leads (app
// paths only), reminder lead times, and the actions an e-mail link asks to confirm.
import { DateTime } from 'luxon';
import type { Booking } from './api';

/** badgeText: the number on the bell ("99+" past 99); empty when nothing is unread. */
export const badgeText = (n: number): string => (n <= 0 ? '' : n > 99 ? '99+' : String(n));

/** bellLabel: the bell link's accessible name. */
export const bellLabel = (n: number): string => (n <= 0 ? 'Notifications, none unread' : `Notifications, ${n} unread`);

/**
 * appPath: where a notification leads, only ever inside the app: a path starting with one
 * "/" (never "//host" or "https://…"), else the inbox.
 */
export function appPath(path: string | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/notifications';
  return path;
}

/** Lead times offered for reminders, in minutes (the API takes 15..10080). */
export const leadPresets: readonly number[] = [15, 30, 60, 120, 240, 1440, 2880, 10080];
export const LEAD_MIN = 15;
export const LEAD_MAX = 10080;

/** leadLabel: "15 minutes", "1 hour", "1 hour 30 minutes", "1 day", "1 week" before. */
export function leadLabel(min: number): string {
  const parts: string[] = [];
  const unit = (n: number, one: string) => (n ? parts.push(`${n} ${one}${n === 1 ? '' : 's'}`) : 0);
  if (min % 10080 === 0) unit(min / 10080, 'week');
  else {
    unit(Math.floor(min / 1440), 'day');
    unit(Math.floor((min % 1440) / 60), 'hour');
    unit(min % 60, 'minute');
  }
  return parts.join(' ') || '0 minutes';
}

/** leadOptions: the presets plus any value already saved that is not one of them, in order. */
export function leadOptions(saved: readonly number[]): number[] {
  return [...new Set([...leadPresets, ...saved.filter((m) => m >= LEAD_MIN && m <= LEAD_MAX)])].sort((a, b) => a - b);
}

/** leadMinutes: what the two reminder pickers send (0 = none), without repeats, longest first. */
export function leadMinutes(first: number, second: number): number[] {
  return [...new Set([first, second].filter((m) => m > 0))].sort((a, b) => b - a);
}

/** The verbs an e-mail's action link can carry (?do=). */
export type Verb = 'confirm' | 'decline' | 'reschedule' | 'cancel';
export const isVerb = (v: string | null): v is Verb => v === 'confirm' || v === 'decline' || v === 'reschedule' || v === 'cancel';

/** What the booking page asks before doing what an e-mail link asked for. */
export interface VerbText {
  question: string;
  button: string;
  /** A reason can go with it (shown to the other person). */
  reason: boolean;
  done: string;
}

export const verbText: Record<Verb, VerbText> = {
  confirm: { question: 'Confirm this session?', button: 'Confirm session', reason: false, done: 'Confirmed. Both of you have it in your calendars once you add the invite.' },
  decline: { question: 'Decline this request?', button: 'Decline request', reason: true, done: 'Declined. The learner has been told.' },
  cancel: { question: 'Cancel this session?', button: 'Cancel session', reason: true, done: 'Cancelled. The other person has been told.' },
  reschedule: { question: 'Move this session to another time?', button: 'Choose a new time', reason: false, done: '' },
};

/** why a verb cannot be done on this booking by this user now, or '' when it can. */
export function cannot(verb: Verb, b: Booking, me: string, now: DateTime): string {
  const expert = b.expert.id === me;
  const started = DateTime.fromISO(b.start) <= now;
  switch (verb) {
    case 'confirm':
    case 'decline':
      if (b.status !== 'pending') return `This session is ${b.status.replace('_', ' ')} already: there is nothing to ${verb}.`;
      if (b.offer ? b.learner.id !== me : !expert) return b.offer ? 'Only the learner offered this seat can answer the offer.' : 'Only the expert of this session can answer this request.';
      return '';
    case 'cancel':
      if (b.status !== 'pending' && b.status !== 'confirmed') return `This session is ${b.status.replace('_', ' ')} already.`;
      if (started) return 'This session has started: it can no longer be cancelled.';
      return '';
    case 'reschedule':
      if (b.status !== 'pending' && b.status !== 'confirmed') return `This session is ${b.status.replace('_', ' ')}: it cannot be moved.`;
      if (b.circleId) return 'A seat in a group session cannot be moved; cancel it instead if you cannot come.';
      if (started) return 'This session has started: it can no longer be moved.';
      return '';
  }
}
