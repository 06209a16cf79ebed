// The mentorship screens' pure parts (unit-tested in agreement.test.ts): the proposal form's
// checks, which mirror the API's (tandem.Agreement.Validate and the expert's session type) with
// the very field names its problem details use, so one error shows next to one field whichever
// side found it; the window as the other side's clock shows it; which session is next; the
// health and failure reasons in words; who answers a proposal.
import { DateTime } from 'luxon';
import type { Agreement, FieldError, Mentorship, Occurrence } from '../../api';

export const MAX_GOALS = 5;
export const MAX_MONTHS = 12;
export const MAX_SESSIONS = 60;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WEEKDAY_NAMES: Record<string, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
export const CADENCE_NAMES: Record<string, string> = { weekly: 'Every week', biweekly: 'Every two weeks', monthly: 'Every month (the same weekday of the month)' };

const clock = (s: string): number | null => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/**
 * checkAgreement is the form's check before sending: the API's rules with its field names
 * (agreement.goals[0].measure, agreement.window.end, …). durationMin is the chosen session
 * type's length (the window must hold one session); undefined skips that rule.
 */
export function checkAgreement(a: Agreement, durationMin?: number): FieldError[] {
  const out: FieldError[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  if (a.goals.length < 1 || a.goals.length > MAX_GOALS) add('agreement.goals', `must list 1-${MAX_GOALS} goals`);
  a.goals.slice(0, MAX_GOALS).forEach((g, i) => {
    const f = `agreement.goals[${i}]`;
    if (g.title.trim() === '') add(`${f}.title`, 'is required');
    else if ([...g.title].length > 200) add(`${f}.title`, 'must be at most 200 characters');
    if (g.measure.trim() === '') add(`${f}.measure`, 'is required: how progress will be judged');
    else if ([...g.measure].length > 500) add(`${f}.measure`, 'must be at most 500 characters');
  });
  if (!['weekly', 'biweekly', 'monthly'].includes(a.cadence)) add('agreement.cadence', 'Choose how often you meet.');
  if (!Number.isInteger(a.months) || a.months < 1 || a.months > MAX_MONTHS) add('agreement.months', `must be 1-${MAX_MONTHS} months`);
  const n = a.sessions ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > MAX_SESSIONS) add('agreement.sessions', `must be 0 (as many as fit) to ${MAX_SESSIONS}`);
  if (!a.sessionType) add('agreement.sessionType', 'Choose a session type.');
  if (!(WEEKDAYS as readonly string[]).includes(a.weekday)) add('agreement.weekday', 'Choose a day.');
  const s = clock(a.window.start);
  const e = clock(a.window.end);
  if (s === null) add('agreement.window.start', 'must be HH:MM');
  if (e === null) add('agreement.window.end', 'must be HH:MM');
  if (s !== null && e !== null) {
    if (e <= s) add('agreement.window.end', 'must be after the start');
    else if (durationMin !== undefined && e - s < durationMin) add('agreement.window', `must be at least the session's ${durationMin} minutes long`);
  }
  return out;
}

/**
 * windowFor says the agreed weekday and window, kept in the agreement's zone, on another
 * clock, for the week of at (offsets change with DST): "Tue 10:00–12:00". Null when the zones
 * show the same wall time that week.
 */
export function windowFor(a: Pick<Agreement, 'weekday' | 'window' | 'timezone'>, viewerZone: string, at: DateTime = DateTime.now()): string | null {
  const zone = a.timezone;
  if (!zone) return null;
  const s = clock(a.window.start);
  const e = clock(a.window.end);
  if (s === null || e === null) return null;
  const day = at.setZone(zone).startOf('week').plus({ days: WEEKDAYS.indexOf(a.weekday as (typeof WEEKDAYS)[number]) });
  const start = day.set({ hour: Math.floor(s / 60), minute: s % 60 });
  const end = day.set({ hour: Math.floor(e / 60), minute: e % 60 });
  const vs = start.setZone(viewerZone);
  const ve = end.setZone(viewerZone);
  if (vs.toFormat('ccc HH:mm') === start.toFormat('ccc HH:mm') && ve.toFormat('HH:mm') === end.toFormat('HH:mm')) return null;
  return `${vs.toFormat('ccc HH:mm')}–${ve.hasSame(vs, 'day') ? ve.toFormat('HH:mm') : ve.toFormat('ccc HH:mm')}`;
}

/** needsAnswer: a proposal waiting for this user's accept. */
export const needsAnswer = (m: Mentorship, me: string): boolean => m.status === 'proposed' && !m.accepted.includes(me);

/** nextSession is the first booked occurrence not yet started (a cancelled booking does not count). */
export function nextSession(m: Pick<Mentorship, 'occurrences'>, now: number = Date.now()): Occurrence | undefined {
  return [...m.occurrences]
    .filter((o) => o.state === 'booked' && Date.parse(o.start) > now && o.bookingStatus !== 'cancelled' && o.bookingStatus !== 'declined' && o.bookingStatus !== 'expired')
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0];
}

/** upcoming: the booked occurrences still ahead, in time order (agenda, skip and move apply to these). */
export function upcoming(m: Pick<Mentorship, 'occurrences'>, now: number = Date.now()): Occurrence[] {
  return m.occurrences.filter((o) => o.state === 'booked' && Date.parse(o.start) > now).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** healthText: the stall in words, with the days since the last session when known. */
export function healthText(m: Pick<Mentorship, 'health'>): string {
  const h = m.health;
  if (!h || h.status !== 'stalled') return '';
  if (h.reason === 'cancellations') return 'Stalled: the last two sessions did not happen';
  const days = h.daysWithoutSession;
  return `Stalled: ${days ? `${days} days` : '21 days or more'} without a session`;
}

const REASONS: Record<string, string> = {
  expert_busy: 'The expert is busy then.',
  learner_busy: 'The learner has another session then.',
  busy: 'That time is taken.',
  taken: 'That time is taken.',
  active: 'The learner has reached their limit of upcoming sessions.',
  day: 'The expert’s sessions for that day are full.',
  week: 'The expert’s sessions for that week are full.',
  budget_org: 'The organisation’s coaching budget is used up.',
  budget_department: 'The department’s coaching budget is used up.',
  too_far: 'It is further ahead than the expert takes bookings.',
  too_soon: 'It is too soon: the expert needs more notice.',
  unavailable: 'The expert is not available then.',
};

/** failureText: why an occurrence could not be booked, in words (the API's message otherwise). */
export const failureText = (reason: string | undefined, message = ''): string => (reason && REASONS[reason]) || message || 'It could not be booked.';

/** emptyGoal: a blank goal row of the form. */
export const emptyGoal = () => ({ title: '', measure: '' });
