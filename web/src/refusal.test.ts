import { describe, expect, it } from 'vitest';
import { ApiError, parseProblem } from './api';
import { bookingRefusal, budgetRefusal, requestRefusal } from './refusal';

const problem = (status: number, doc: Record<string, unknown>) => parseProblem(status, 'application/problem+json', JSON.stringify({ status, ...doc }));

describe('budgetRefusal', () => {
  it('explains a department budget used up, with the API’s words and what to do', () => {
    const err = problem(429, {
      code: 'limit_exceeded',
      title: 'Too Many Requests',
      detail: "Your department's coaching budget for this period does not cover this session.",
      extra: { limit: 'budget_department' },
    });
    const r = budgetRefusal(err);
    expect(r?.kind).toBe('budget_department');
    expect(r?.title).toBe('Not enough coaching budget');
    expect(r?.message).toBe("Your department's coaching budget for this period does not cover this session.");
    expect(r?.advice).toMatch(/shorter session type or a time in a later period/);
    expect(r?.advice).toMatch(/HR team/);
  });

  it('names the organisation’s budget, and has its own words when the API gave none', () => {
    const r = budgetRefusal(new ApiError({ status: 429, code: 'limit_exceeded', title: 'x', detail: '', extra: { limit: 'budget_org' } }));
    expect(r?.kind).toBe('budget_org');
    expect(r?.message).toBe('Your organisation’s coaching budget for this period does not cover this session.');
  });

  it('leaves other limits and errors alone', () => {
    expect(budgetRefusal(problem(429, { code: 'limit_exceeded', detail: 'The expert takes no more sessions that day.', extra: { limit: 'day' } }))).toBeNull();
    expect(budgetRefusal(problem(429, { code: 'limit_exceeded', detail: 'x' }))).toBeNull();
    expect(budgetRefusal(problem(409, { code: 'conflict', extra: { limit: 'budget_org' } }))).toBeNull();
    expect(budgetRefusal(new Error('boom'))).toBeNull();
    expect(budgetRefusal(null)).toBeNull();
  });
});

describe('bookingRefusal', () => {
  it('tells a taken time from a closed request and other clashes', () => {
    expect(bookingRefusal(problem(409, { code: 'conflict', detail: 'The expert is no longer free at this time.', extra: { conflict: 'expert_busy' } }))?.kind).toBe('taken');
    expect(bookingRefusal(problem(409, { code: 'conflict', detail: 'x' }))?.kind).toBe('taken');
    expect(bookingRefusal(problem(409, { code: 'conflict', extra: { conflict: 'request_closed' } }))?.message).toMatch(/no longer open/);
    const own = bookingRefusal(problem(409, { code: 'conflict', detail: 'You already have a session at this time.', extra: { conflict: 'learner_busy' } }));
    expect(own).toEqual({ kind: 'conflict', message: 'You already have a session at this time.' });
  });

  it('includes budget refusals and nothing that a retry might fix', () => {
    expect(bookingRefusal(problem(429, { code: 'limit_exceeded', detail: 'd', extra: { limit: 'budget_org' } }))?.kind).toBe('budget_org');
    expect(bookingRefusal(problem(500, { code: 'internal', detail: 'Server error' }))).toBeNull();
    expect(bookingRefusal(problem(400, { code: 'invalid', errors: [{ field: 'note', message: 'too long' }] }))).toBeNull();
  });
});

describe('group session refusals', () => {
  it('says a circle filled up, how many wait, and points to the waitlist', () => {
    const r = bookingRefusal(problem(409, { code: 'conflict', detail: 'This group session is full.', extra: { conflict: 'circle_full', circleId: 'c1', waiting: 2 } }));
    expect(r).toMatchObject({ kind: 'circle_full', title: 'This group session is full', circleId: 'c1' });
    expect(r?.message).toBe('The last seat was just taken. 2 people are waiting.');
    expect(r?.advice).toMatch(/Join the waitlist/);
    expect(bookingRefusal(problem(409, { code: 'conflict', extra: { conflict: 'circle_full', circleId: 'c1', waiting: 1 } }))?.message).toMatch(/1 person is waiting/);
    expect(bookingRefusal(problem(409, { code: 'conflict', extra: { conflict: 'circle_full', circleId: 'c1' } }))?.message).toMatch(/Nobody is waiting yet/);
  });

  it('says the learner is on the waitlist already, linking the circle', () => {
    const r = bookingRefusal(problem(409, { code: 'conflict', detail: 'x', extra: { conflict: 'already_waiting', circleId: 'c 1' } }));
    expect(r).toMatchObject({ kind: 'already_waiting', circleId: 'c 1' });
    expect(r?.message).toMatch(/place in line/);
  });

  it('explains a cancelled circle and a seat that cannot be moved', () => {
    expect(bookingRefusal(problem(409, { code: 'conflict', detail: 'The expert cancelled this group session.', extra: { conflict: 'circle_cancelled' } }))).toMatchObject({
      kind: 'circle_cancelled',
      message: 'The expert cancelled this group session.',
    });
    expect(bookingRefusal(problem(409, { code: 'conflict', extra: { conflict: 'group_session' } }))?.kind).toBe('group_session');
    expect(bookingRefusal(problem(409, { code: 'conflict', extra: { conflict: 'circle_full', circleId: 7 } }))?.circleId).toBeUndefined();
  });
});

describe('requestRefusal', () => {
  it('explains the open-requests cap in words and says to close one', () => {
    const r = requestRefusal(problem(429, { code: 'limit_exceeded', detail: 'You have too many open requests.', extra: { limit: 'open_requests' } }));
    expect(r?.kind).toBe('open_requests');
    expect(r?.title).toBe('Too many open requests');
    expect(r?.message).toMatch(/^You have 5 open requests/);
    expect(r?.advice).toMatch(/Close one you no longer need/);
  });

  it('leaves other limits and errors alone', () => {
    expect(requestRefusal(problem(429, { code: 'limit_exceeded', extra: { limit: 'budget_org' } }))).toBeNull();
    expect(requestRefusal(problem(409, { code: 'conflict', extra: { limit: 'open_requests' } }))).toBeNull();
    expect(requestRefusal(new Error('boom'))).toBeNull();
    expect(requestRefusal(null)).toBeNull();
  });
});
