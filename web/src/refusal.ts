// Why a booking was refused when trying the same time again cannot help, in words a learner
// can act on: the time was taken, the request closed, a coaching budget is used up (429
// limit_exceeded with extra.limit budget_org or budget_department), or a group session is
// full, already has the learner on its waitlist or was cancelled; and why a new learning
// request was refused (429 limit_exceeded, extra.limit open_requests: at most 5 open at once).
// Pure, so it is tested.
import { ApiError } from './api';

export type RefusalKind =
  | 'taken'
  | 'request_closed'
  | 'conflict'
  | 'budget_org'
  | 'budget_department'
  | 'circle_full'
  | 'already_waiting'
  | 'circle_cancelled'
  | 'group_session'
  | 'open_requests'
  | 'calendar_busy';

/** Refusal is a final answer for this time: the dialog says it and stops offering to retry. */
export interface Refusal {
  kind: RefusalKind;
  title?: string;
  message: string;
  advice?: string;
  /** circleId links the group session the refusal is about (its page shows the learner's place). */
  circleId?: string;
}

/** budgetRefusal explains a booking refused by the org's or the department's coaching budget. */
export function budgetRefusal(err: unknown): Refusal | null {
  if (!(err instanceof ApiError) || err.code !== 'limit_exceeded') return null;
  const kind = err.extra.limit;
  if (kind !== 'budget_org' && kind !== 'budget_department') return null;
  const whose = kind === 'budget_org' ? 'Your organisation’s' : 'Your department’s';
  return {
    kind,
    title: 'Not enough coaching budget',
    message: err.detail || `${whose} coaching budget for this period does not cover this session.`,
    advice: 'Budgets start afresh each period: a shorter session type or a time in a later period may still fit. Your HR team can tell you more.',
  };
}

/** The most requests a learner may have open (or offered) at once (openapi.yaml, createRequest). */
export const MAX_OPEN_REQUESTS = 5;

/**
 * requestRefusal explains a new request refused because the learner already has the most open
 * requests allowed (429 limit_exceeded, extra.limit open_requests): closing one they no longer
 * need makes room. null for anything else.
 */
export function requestRefusal(err: unknown): Refusal | null {
  if (!(err instanceof ApiError) || err.code !== 'limit_exceeded' || err.extra.limit !== 'open_requests') return null;
  const max = typeof err.extra.max === 'number' && err.extra.max > 0 ? err.extra.max : MAX_OPEN_REQUESTS;
  return {
    kind: 'open_requests',
    title: 'Too many open requests',
    message: `You have ${max} open requests, the most you can have at once, so this one was not posted.`,
    advice: 'Close one you no longer need on My requests, then post this one again. A request also stops counting once it is booked or expires.',
  };
}

/**
 * bookingRefusal explains a refused booking or accepted offer: a budget, or a conflict (the
 * time was taken, the request is no longer open, or another clash such as the learner's own
 * session, told by the API's detail). null for anything else, which may be worth a retry.
 */
export function bookingRefusal(err: unknown): Refusal | null {
  const budget = budgetRefusal(err);
  if (budget) return budget;
  if (err instanceof ApiError && err.code === 'expert_calendar_busy') {
    // Free in Tandem, but taken in a calendar the expert connected.
    return { kind: 'calendar_busy', title: 'The expert is busy then', message: err.detail || 'The expert has another appointment at this time.', advice: 'Close this and pick another time.' };
  }
  if (!(err instanceof ApiError) || err.code !== 'conflict') return null;
  const conflict = String(err.extra.conflict ?? 'taken');
  const circle = circleRefusal(err, conflict);
  if (circle) return circle;
  if (conflict === 'request_closed') return { kind: 'request_closed', message: 'Your request is no longer open (it was booked or has expired), so this time cannot be accepted.' };
  if (conflict === 'taken' || conflict === 'expert_busy' || conflict === 'slot_taken') return { kind: 'taken', message: 'This time was just taken. Close this and pick another time.' };
  return { kind: 'conflict', message: err.detail || 'This time cannot be booked.' };
}

/**
 * circleRefusal explains the group-session conflicts: full (a seat is gone; joining the
 * waitlist is the way on, so the dialog offers it), already waiting, cancelled by the expert,
 * or a seat that cannot be moved. null for other conflicts.
 */
function circleRefusal(err: ApiError, conflict: string): Refusal | null {
  const circleId = typeof err.extra.circleId === 'string' && err.extra.circleId ? { circleId: err.extra.circleId } : {};
  switch (conflict) {
    case 'circle_full': {
      const n = typeof err.extra.waiting === 'number' ? err.extra.waiting : 0;
      const waiting = n > 0 ? ` ${n} ${n === 1 ? 'person is' : 'people are'} waiting.` : ' Nobody is waiting yet.';
      return {
        kind: 'circle_full',
        title: 'This group session is full',
        message: `The last seat was just taken.${waiting}`,
        advice: 'Join the waitlist: when a seat frees up it is offered to the first person in line, who has 12 hours to confirm it.',
        ...circleId,
      };
    }
    case 'already_waiting':
      return { kind: 'already_waiting', title: 'You are already on the waitlist', message: 'You are on the waitlist of this group session already; the group session page shows your place in line.', ...circleId };
    case 'circle_cancelled':
      return { kind: 'circle_cancelled', message: err.detail || 'The expert cancelled this group session.', advice: 'Pick another time.', ...circleId };
    case 'group_session':
      return { kind: 'group_session', message: 'A seat in a group session cannot be moved. Cancel it and book another time instead.' };
  }
  return null;
}
