import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, configure, parseProblem, url } from './api';

describe('parseProblem', () => {
  it('reads a problem document with field errors and extra', () => {
    const body = JSON.stringify({
      type: 'urn:tandem:problem:invalid', title: 'Invalid request', status: 400,
      detail: 'The request has invalid fields.', code: 'invalid', requestId: 'r1',
      errors: [
        { field: 'sessionTypes[0].durationMin', message: 'must be 10-240 minutes in steps of 5' },
        { field: 'topics[1]', message: 'is listed twice' },
        { field: 'headline', message: 'is required' },
      ],
      extra: { reason: 'busy' },
    });
    const e = parseProblem(400, 'application/problem+json', body);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('invalid');
    expect(e.status).toBe(400);
    expect(e.message).toBe('The request has invalid fields.');
    expect(e.requestId).toBe('r1');
    expect(e.field('headline')).toBe('is required');
    expect(e.field('topics')).toBeUndefined();
    expect(e.fieldsUnder('topics').map((f) => f.field)).toEqual(['topics[1]']);
    expect(e.fieldsUnder('sessionTypes[0]').map((f) => f.field)).toEqual(['sessionTypes[0].durationMin']);
    expect(e.extra).toEqual({ reason: 'busy' });
  });

  it('falls back to the status for unknown codes and bodies that are not JSON', () => {
    expect(parseProblem(409, 'application/problem+json', '{"code":"weird","detail":"x"}').code).toBe('conflict');
    const html = parseProblem(502, 'text/html', '<html>bad gateway</html>');
    expect(html.code).toBe('internal');
    expect(html.fields).toEqual([]);
    expect(html.detail).toMatch(/502/);
    expect(parseProblem(404, 'application/json', '').code).toBe('not_found');
    expect(parseProblem(400, 'application/problem+json', '{not json').code).toBe('invalid');
  });

  it('reads API Gateway\'s own {"message"} 401', () => {
    const e = parseProblem(401, 'application/json', '{"message":"Unauthorized"}');
    expect(e.code).toBe('unauthenticated');
    expect(e.detail).toBe('Unauthorized');
  });

  it('ignores malformed field entries', () => {
    const e = parseProblem(400, 'application/problem+json', '{"code":"invalid","errors":[null,"x",{"field":"a","message":"b"}]}');
    expect(e.fields).toEqual([{ field: 'a', message: 'b' }]);
  });
});

describe('client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('builds relative URLs without empty parameters', () => {
    expect(url('/v1/experts', { topic: 'go', q: '', language: undefined })).toBe('/v1/experts?topic=go');
    expect(url('/v1/x', { from: '2027-03-22T00:00:00+00:00' })).toBe('/v1/x?from=2027-03-22T00%3A00%3A00%2B00%3A00');
  });

  it('sends the token and idempotency key and throws typed errors', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return new Response(JSON.stringify({ code: 'conflict', title: 'Conflict', status: 409, detail: 'The expert is busy then.', extra: { conflict: 'expert_busy' } }), {
        status: 409, headers: { 'Content-Type': 'application/problem+json' },
      });
    });
    let unauth = 0;
    configure({ token: () => 'tok', onUnauthenticated: () => unauth++ });
    const err = await api.book({ expertId: 'e', sessionType: 'intro', start: '2027-03-22T13:00:00Z', note: '' }, 'key-12345678').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('conflict');
    expect((err as ApiError).extra.conflict).toBe('expert_busy');
    const h = calls[0]!.init.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer tok');
    expect(h['Idempotency-Key']).toBe('key-12345678');
    expect(calls[0]!.init.method).toBe('POST');
    expect(unauth).toBe(0);
  });

  it('reports a 401 to the auth layer and a failed fetch as a network error', async () => {
    let unauth = 0;
    configure({ token: () => 'tok', onUnauthenticated: () => unauth++ });
    vi.stubGlobal('fetch', async () => new Response('{"code":"unauthenticated","detail":"expired"}', { status: 401, headers: { 'Content-Type': 'application/problem+json' } }));
    await expect(api.me()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(unauth).toBe(1);
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    await expect(api.me()).rejects.toMatchObject({ code: 'network', status: 0 });
  });

  it('downloads an invite as a blob with its file name', async () => {
    configure({ token: () => 'tok' });
    vi.stubGlobal('fetch', async () => new Response('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', {
      status: 200, headers: { 'Content-Type': 'text/calendar', 'Content-Disposition': 'attachment; filename="tandem-b1.ics"' },
    }));
    const { blob, filename } = await api.invite('b1');
    expect(filename).toBe('tandem-b1.ics');
    expect(await blob.text()).toContain('BEGIN:VCALENDAR');
  });

  it('downloads the utilization CSV with the token, the range and its file name', async () => {
    configure({ token: () => 'hr-tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return new Response('month,kind\r\n', {
        status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="tandem-utilization-2027-01-2027-03-expert.csv"' },
      });
    });
    const { blob, filename } = await api.utilizationCsv({ from: '2027-01', to: '2027-03', groupBy: 'expert' });
    expect(filename).toBe('tandem-utilization-2027-01-2027-03-expert.csv');
    expect(await blob.text()).toBe('month,kind\r\n');
    expect(calls[0]!.url).toBe('/v1/reports/utilization?from=2027-01&to=2027-03&groupBy=expert&format=csv');
    const h = calls[0]!.init.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer hr-tok');
    expect(h.Accept).toBe('text/csv');
  });

  it('accepts an offered time with an Idempotency-Key and edits feedback with PUT', async () => {
    configure({ token: () => 'tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    await api.accept('r 1', { expertId: 'e', start: '2027-03-22T13:00:00Z', note: '' }, 'key-1');
    await api.giveFeedback('b1', { notes: 'x', attended: true }, true);
    await api.giveFeedback('b1', { comment: '', shareComment: false, rating: 5 }, false);
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /v1/requests/r%201/accept',
      'PUT /v1/bookings/b1/feedback',
      'POST /v1/bookings/b1/feedback',
    ]);
    expect((calls[0]!.init.headers as Record<string, string>)['Idempotency-Key']).toBe('key-1');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ expertId: 'e', start: '2027-03-22T13:00:00Z', note: '' });
  });

  it('calls the program and cohort routes with their methods and bodies; a 204 withdraw resolves', async () => {
    configure({ token: () => 'tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      if (init.method === 'DELETE') return new Response(null, { status: 204 });
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    await api.programs();
    await api.enroll('p 1', { interests: ['leadership'], timezone: 'Europe/London' });
    await expect(api.withdraw('p 1')).resolves.toBeUndefined();
    await api.buildCohorts('p1', { seed: 7 });
    await api.adjustCohorts('p1', { version: 2, cohorts: [['a', 'b'], ['c', 'd']] });
    await api.publishCohorts('p1', 3);
    await api.cohortPlan('p1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /v1/programs',
      'POST /v1/programs/p%201/enroll',
      'DELETE /v1/programs/p%201/enroll',
      'POST /v1/programs/p1/cohorts/build',
      'PUT /v1/programs/p1/cohorts',
      'POST /v1/programs/p1/cohorts/publish',
      'GET /v1/programs/p1/cohorts',
    ]);
    expect(calls.map((c) => (c.init.body ? JSON.parse(String(c.init.body)) : null))).toEqual([
      null,
      { interests: ['leadership'], timezone: 'Europe/London' },
      null,
      { seed: 7 },
      { version: 2, cohorts: [['a', 'b'], ['c', 'd']] },
      { version: 3 },
      null,
    ]);
  });
  it('archives a program, lists archived programs, closes a request and pages the board', async () => {
    configure({ token: () => 'tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    await api.archiveProgram('p 1');
    await api.programs(undefined, 'archived');
    await api.closeRequest('r 1');
    await api.board();
    await api.board('c/2');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /v1/programs/p%201/archive',
      'GET /v1/programs?status=archived',
      'POST /v1/requests/r%201/close',
      'GET /v1/requests/board',
      'GET /v1/requests/board?cursor=c%2F2',
    ]);
    expect(calls.every((c) => c.init.body === undefined)).toBe(true);
  });
  it('books a seat (201), joins a full circle\'s waitlist (202), reads, leaves and calls off a circle', async () => {
    configure({ token: () => 'tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    const answers: Response[] = [
      new Response(JSON.stringify({ id: 'b1', status: 'confirmed', circleId: 'c1' }), { status: 201, headers: { 'Content-Type': 'application/json' } }),
      new Response('{"circleId":"c1","status":"waitlisted"}\n', { status: 202, headers: { 'Content-Type': 'application/json', Location: '/v1/circles/c1' } }),
      new Response(JSON.stringify({ id: 'c1', seats: 6, taken: 6, seatsLeft: 0, waiting: 1, me: { state: 'waiting', position: 1 } }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
      new Response(null, { status: 204 }),
      new Response('{"circleId":"c1","cancelledSeats":6}', { status: 200, headers: { 'Content-Type': 'application/json' } }),
      new Response(JSON.stringify({ code: 'conflict', detail: 'This group session is full.', extra: { conflict: 'circle_full', circleId: 'c1', waiting: 1 } }), {
        status: 409, headers: { 'Content-Type': 'application/problem+json' },
      }),
    ];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return answers.shift()!;
    });
    const body = { expertId: 'acme-maya', sessionType: 'go-circle', start: '2027-04-14T14:00:00Z', note: '' };
    const seat = await api.bookSeat(body, 'k1');
    expect(seat.kind).toBe('booked');
    expect(seat.kind === 'booked' && seat.booking.circleId).toBe('c1');
    expect(await api.bookSeat({ ...body, waitlist: true }, 'k2')).toEqual({ kind: 'waitlisted', circleId: 'c1' });
    expect((await api.circle('c1')).me).toEqual({ state: 'waiting', position: 1 });
    await expect(api.leaveWaitlist('c/1')).resolves.toBeUndefined();
    expect(await api.cancelCircle('c1', 'Ill')).toEqual({ circleId: 'c1', cancelledSeats: 6 });
    const full = await api.bookSeat(body, 'k3').catch((e: unknown) => e);
    expect(full).toBeInstanceOf(ApiError);
    expect((full as ApiError).extra).toEqual({ conflict: 'circle_full', circleId: 'c1', waiting: 1 });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /v1/bookings',
      'POST /v1/bookings',
      'GET /v1/circles/c1',
      'DELETE /v1/circles/c%2F1/waitlist',
      'POST /v1/circles/c1/cancel',
      'POST /v1/bookings',
    ]);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['Idempotency-Key'])).toEqual(['k1', 'k2', undefined, undefined, undefined, 'k3']);
    expect(JSON.parse(String(calls[4]!.init.body))).toEqual({ reason: 'Ill' });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(body);
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ ...body, waitlist: true });
  });
});
