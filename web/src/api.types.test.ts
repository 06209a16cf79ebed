// The client's types come from the OpenAPI document (api.gen.ts). These checks run in the type
// check (tsc includes the tests): each @ts-expect-error must stay an error, so the client keeps
// refusing what the document does not allow.
import { describe, expect, it } from 'vitest';
import { api, route, type Answered, type Body, type BookInput, type QueryParams } from './api';

describe('types from the document', () => {
  it('fills a route template with encoded parameters', () => {
    expect(route('/v1/circles/{circleId}/waitlist', { circleId: 'c/1' })).toBe('/v1/circles/c%2F1/waitlist');
    expect(route('/v1/requests/{requestId}/accept', { requestId: 'r 1' })).toBe('/v1/requests/r%201/accept');
    expect(() => route('/v1/bookings/{bookingId}', {})).toThrow(/bookingId/);
  });

  it('refuses routes, methods, fields and answers the document does not have', () => {
    // @ts-expect-error: no such route
    type NoRoute = Body<'/v1/nope', 'get'>;
    // @ts-expect-error: /v1/me has no POST
    type NoMethod = Body<'/v1/me', 'post'>;
    // @ts-expect-error: BookingInput has no field "when"
    const extra: BookInput = { expertId: 'e', sessionType: 's', start: '2027-03-22T13:00:00Z', when: 1 };
    // @ts-expect-error: the experts search has no "topicz" parameter
    const query: QueryParams<'/v1/experts', 'get'> = { topicz: 'go' };
    // @ts-expect-error: a circle's seats are a number
    const seats: string = ({} as Answered<'/v1/circles/{circleId}', 'get'>).seats;
    // @ts-expect-error: leaving a waitlist answers 204, no body
    const left: { circleId: string } = ({} as Answered<'/v1/circles/{circleId}/waitlist', 'delete'>);
    const later = () => {
      // @ts-expect-error: api.putMe takes the document's MeInput
      void api.putMe({ name: 'A' });
    };
    expect([extra, query, seats, left, typeof later].length).toBe(5);
    const unused: [NoRoute?, NoMethod?] = [];
    expect(unused).toEqual([]);
  });
});
