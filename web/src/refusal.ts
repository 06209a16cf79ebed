// Why a booking was refused when trying the same time again cannot help, in words a learner
// can act on: the time was taken, the request closed, or a coaching budget is used up
// (429 limit_exceeded with extra.limit budget_org or budget_department). Pure, so it is tested.
import { ApiError } from './api';

export type RefusalKind = 'taken' | 'request_closed' | 'conflict' | 'budget_org' | 'budget_department';

/** Refusal is a final answer for this time: the dialog says it and stops offering to retry. */
export interface Refusal {
  kind: RefusalKind;
  title?: string;
  message: string;
  advice?: string;
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

/**
 * bookingRefusal explains a refused booking or accepted offer: a budget, or a conflict (the
 * time was taken, the request is no longer open, or another clash such as the learner's own
 * session, told by the API's detail). null for anything else, which may be worth a retry.
 */
export function bookingRefusal(err: unknown): Refusal | null {
  const budget = budgetRefusal(err);
  if (budget) return budget;
  if (!(err instanceof ApiError) || err.code !== 'conflict') return null;
  const conflict = String(err.extra.conflict ?? 'taken');
  if (conflict === 'request_closed') return { kind: 'request_closed', message: 'Your request is no longer open (it was booked or has expired), so this time cannot be accepted.' };
  if (conflict === 'taken' || conflict === 'expert_busy' || conflict === 'slot_taken') return { kind: 'taken', message: 'This time was just taken. Close this and pick another time.' };
  return { kind: 'conflict', message: err.detail || 'This time cannot be booked.' };
}
