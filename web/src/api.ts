// The typed API client: the only module that calls fetch. Every response that is not 2xx
// becomes an ApiError parsed from RFC 9457 problem+json (code, detail, field errors), so
// screens never look at raw responses. The web app and the API share one origin, so every
// URL is relative (/v1/..., /dev/...).
//
// The shapes come from the OpenAPI document (internal/httpapi/openapi.yaml) through the
// generated ./api.gen.ts: each endpoint below names its route and method, and its query, body
// and answer are typed from that operation, so a change to the document that the client does
// not follow fails the type check. Regenerate with `npm --prefix web run gen:api`.
import type { components, paths } from './api.gen';

type Schemas = components['schemas'];

/** One field-level problem, e.g. {field: "sessionTypes[0].durationMin", message: "..."}. */
export type FieldError = Schemas['FieldError'];

/** A stable error code of the API (a problem document's code). */
export type ProblemCode = Schemas['Problem']['code'];

/** The stable error codes of the API, plus 'network' when no answer came at all. */
export type ErrorCode = ProblemCode | 'network';

/** ApiError is every failed call: a problem document, or a synthesised one for non-JSON answers. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly title: string;
  readonly detail: string;
  readonly fields: FieldError[];
  readonly extra: Record<string, unknown>;
  readonly requestId: string;

  constructor(p: {
    status: number;
    code: ErrorCode;
    title: string;
    detail: string;
    fields?: FieldError[];
    extra?: Record<string, unknown>;
    requestId?: string;
  }) {
    super(p.detail || p.title);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code;
    this.title = p.title;
    this.detail = p.detail;
    this.fields = p.fields ?? [];
    this.extra = p.extra ?? {};
    this.requestId = p.requestId ?? '';
  }

  /** The message for exactly this field, if any. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }

  /** Messages for this field and its children ("topics" matches "topics[1]" and "topics.x"). */
  fieldsUnder(prefix: string): FieldError[] {
    return this.fields.filter(
      (f) => f.field === prefix || f.field.startsWith(prefix + '[') || f.field.startsWith(prefix + '.'),
    );
  }
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'invalid',
  422: 'unprocessable',
  429: 'limit_exceeded',
};
// Every code the document lists: a code the client does not know falls back to the status's.
// A Record, so the type check fails here when openapi.yaml gains or drops a code.
const problemCodes: Record<ProblemCode, true> = {
  invalid: true,
  unauthenticated: true,
  forbidden: true,
  not_found: true,
  method_not_allowed: true,
  conflict: true,
  unprocessable: true,
  limit_exceeded: true,
  internal: true,
  expert_calendar_busy: true,
};
const knownCodes = new Set<string>(Object.keys(problemCodes));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, def = ''): string => (typeof v === 'string' ? v : def);

/**
 * parseProblem turns a failed response's status, content type and body text into an ApiError.
 * It accepts problem+json (and plain JSON that looks like it) and falls back to a generic
 * error derived from the status for anything else (an HTML error page, an empty body).
 */
export function parseProblem(status: number, contentType: string, text: string): ApiError {
  const fallbackCode = codeByStatus[status] ?? 'internal';
  let doc: unknown;
  if (/json/i.test(contentType) && text.trim() !== '') {
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
  }
  if (!isRecord(doc)) {
    return new ApiError({
      status,
      code: fallbackCode,
      title: status >= 500 ? 'Server error' : 'Request failed',
      detail: `The server answered ${status}${status >= 500 ? '; please try again' : ''}.`,
    });
  }
  const rawCode = str(doc.code);
  const fields: FieldError[] = Array.isArray(doc.errors)
    ? doc.errors.filter(isRecord).map((e) => ({ field: str(e.field), message: str(e.message) }))
    : [];
  return new ApiError({
    status: typeof doc.status === 'number' ? doc.status : status,
    code: (knownCodes.has(rawCode) ? rawCode : fallbackCode) as ErrorCode,
    title: str(doc.title, 'Request failed'),
    // API Gateway's own 401 is {"message":"Unauthorized"}.
    detail: str(doc.detail) || str(doc.message) || str(doc.title, 'Request failed'),
    fields,
    extra: isRecord(doc.extra) ? doc.extra : {},
    requestId: str(doc.requestId),
  });
}

// ---------------------------------------------------------------------------------- transport

type TokenSource = () => string | null;
let tokenSource: TokenSource = () => null;
let onUnauthenticated: () => void = () => {};

/** configure tells the client where the bearer token comes from and what to do on a 401. */
export function configure(opts: { token: TokenSource; onUnauthenticated?: () => void }): void {
  tokenSource = opts.token;
  onUnauthenticated = opts.onUnauthenticated ?? (() => {});
}

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  auth?: boolean; // send the bearer token (default true)
  form?: string; // an application/x-www-form-urlencoded body instead of JSON
  signal?: AbortSignal;
}

/** url builds a relative URL, dropping empty query values. */
export function url(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function send(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
  if (o.auth !== false) {
    const t = tokenSource();
    if (t) headers.Authorization = `Bearer ${t}`;
  }
  let body: string | undefined;
  if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(o.body);
  } else if (o.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = o.form;
  }
  let res: Response;
  try {
    res = await fetch(url(path, o.query), { method, headers, body, signal: o.signal ?? null });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, code: 'network', title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' });
  }
  if (!res.ok) {
    const err = parseProblem(res.status, res.headers.get('Content-Type') ?? '', await res.text());
    if (err.status === 401 && o.auth !== false) onUnauthenticated();
    throw err;
  }
  return res;
}

async function json<T>(method: string, path: string, o?: RequestOptions): Promise<T> {
  const res = await send(method, path, o);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// ------------------------------------------------------------------- typed routes (api.gen.ts)

type Route = keyof paths;
type Method = 'get' | 'put' | 'post' | 'delete';
/** The methods the document declares for a route. */
type MethodOf<R extends Route> = { [M in Method]: [NonNullable<paths[R][M]>] extends [never] ? never : M }[Method];
/** The operation at a route and method. */
type Op<R extends Route, M extends Method> = NonNullable<paths[R][M]>;
/** A response's JSON body; void for one without (204). */
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : void;
/** The JSON answer of an operation's success (200, 201 or 204; a 202 is read by hand). */
type Answer<O> = O extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 204>]> : never;
type BodyOf<O> = O extends { requestBody?: infer B } ? (B extends { content: { 'application/json': infer J } } ? J : never) : never;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathOf<O> = O extends { parameters: { path?: infer P } } ? NonNullable<P> : never;

/** The JSON body an endpoint takes, from the document. */
export type Body<R extends Route, M extends MethodOf<R>> = BodyOf<Op<R, M>>;
/** The query parameters an endpoint takes, from the document. */
export type QueryParams<R extends Route, M extends MethodOf<R>> = QueryOf<Op<R, M>>;
/** What an endpoint answers on success, from the document. */
export type Answered<R extends Route, M extends MethodOf<R>> = Answer<Op<R, M>>;

type CallOptions<O> = ([PathOf<O>] extends [never] ? { path?: undefined } : { path: PathOf<O> }) & {
  query?: QueryOf<O> | undefined;
  body?: BodyOf<O>;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
};

/** route fills a route's {parameters} with encoded values ("/v1/circles/{circleId}" → "/v1/circles/c%2F1"). */
export function route(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`route ${template}: no value for {${k}}`);
    return encodeURIComponent(v);
  });
}

/** call sends a request to a route of the document; its query, body and answer are the operation's. */
function call<R extends Route, M extends MethodOf<R>>(method: M, path: R, o: CallOptions<Op<R, M>>): Promise<Answer<Op<R, M>>> {
  const { path: params, query, ...rest } = o as { path?: Record<string, string>; query?: Query } & RequestOptions;
  return json<Answer<Op<R, M>>>(method.toUpperCase(), route(path, params), { ...rest, ...(query ? { query } : {}) });
}

/** raw is call for the answers read by hand (a 202, a file): the Response itself. */
function raw<R extends Route, M extends MethodOf<R>>(method: M, path: R, o: CallOptions<Op<R, M>>): Promise<Response> {
  const { path: params, query, ...rest } = o as { path?: Record<string, string>; query?: Query } & RequestOptions;
  return send(method.toUpperCase(), route(path, params), { ...rest, ...(query ? { query } : {}) });
}

// ---------------------------------------------------------------------------------- shapes
// Named after the document's schemas; the parts it declares inline are picked out of their
// parents. Comments on the fields are in api.gen.ts (from the document's descriptions).

export type Role = Schemas['Role'];
export type Me = Schemas['Me'];
export type MeInput = Schemas['MeInput'];

// ---- experts, availability, slots

export type SessionType = Schemas['SessionType'];
export type Limits = Schemas['Limits'];
export type BookingMode = Schemas['BookingMode'];
export type RatingSummary = Schemas['RatingSummary'];
export type Expert = Schemas['Expert'];
export type ExpertProfileInput = Schemas['ExpertProfileInput'];
export type ExpertQuery = QueryParams<'/v1/experts', 'get'>;

export type Slot = Schemas['Slot'];
export type SlotList = Schemas['SlotList'];
export type SlotQuery = QueryParams<'/v1/experts/{expertId}/slots', 'get'>;

export type LocalInterval = Schemas['LocalInterval'];
export type Weekday = keyof Schemas['WeeklyComplete'];
export const weekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export type Schedule = Schemas['Schedule'];
export type ScheduleInput = Schemas['ScheduleInput'];

// ---- bookings

export type BookingStatus = Schemas['BookingStatus'];
export type Party = Schemas['Party'];
export type Booking = Schemas['Booking'];
export type BookInput = Schemas['BookingInput'];
export type BookingQuery = QueryParams<'/v1/bookings', 'get'>;

/** The 202 answer to a booking of a full group session with waitlist: true. */
type Waitlisted = NonNullable<paths['/v1/bookings']['post']>['responses'][202]['content']['application/json'];

/**
 * BookOutcome is how a booking of a group session ended: a seat (a Booking, 201), or a place
 * on the full circle's waitlist (202 {circleId, status: "waitlisted"}).
 */
export type BookOutcome = { kind: 'booked'; booking: Booking } | { kind: 'waitlisted'; circleId: Waitlisted['circleId'] };

// ---- circles (group sessions)

/**
 * Circle is one group session: an expert's session type with seats at one start. Everyone in
 * the org sees the counts and their own standing (me); only its expert sees the roster and
 * the waitlist (and has no me).
 */
export type Mentorship = Schemas['Mentorship'];
export type Agreement = Schemas['Agreement'];
export type Goal = Schemas['Goal'];
export type Occurrence = Schemas['Occurrence'];
export type OccurrenceFailure = Schemas['OccurrenceFailure'];
export type ProposeMentorshipInput = Schemas['ProposeMentorshipInput'];
export type Agenda = Schemas['Agenda'];
export type ActionItem = Schemas['ActionItem'];
export type ActionItemInput = Schemas['ActionItemInput'];
export type PrivateNote = Schemas['PrivateNote'];
export type GoalTrend = Schemas['GoalTrend'];
export type ReflectionInput = Body<'/v1/mentorships/{mentorshipId}/reflection', 'post'>;
export type MentorshipsReport = Schemas['MentorshipsReport'];
/** Flash mentoring (pages/flash): the org's round, HR's view of it, a member's proposals. */
export type FlashGroup = Schemas['FlashGroup'];
export type FlashRound = Schemas['FlashRound'];
export type FlashProposal = Schemas['FlashProposal'];
export type MentorshipFigures = Schemas['MentorshipFigures'];
export type Circle = Schemas['Circle'];
/** Where the caller stands with a circle. */
export type CircleMember = NonNullable<Circle['me']>;
export type MemberState = CircleMember['state'];
/** Why a learner first in line could not be offered the freed seat (cancelled: the expert called the circle off). */
export type SkipReason = NonNullable<CircleMember['skipReason']>;
export type CircleSeat = NonNullable<Circle['roster']>[number];
export type CircleWaiter = NonNullable<Circle['waitlist']>[number];

// ---- requests and matching

export type RequestStatus = Schemas['RequestStatus'];
export type Urgency = Schemas['Urgency'];
/** PreferredTime is a weekly window on the learner's own clock (whole hours, end ≤ 24). */
export type PreferredTime = Schemas['PreferredTime'];
export type RequestInput = Schemas['RequestInput'];
/** Offer is an expert's proposal of up to three concrete starts for a request. */
export type Offer = Schemas['Offer'];
export type OfferInput = Schemas['OfferInput'];
export type AcceptInput = Schemas['AcceptInput'];
export type LearnerRequest = Schemas['LearnerRequest'];
/** Signal is one line of a match's explanation: points = value × weight (4 decimals). */
export type Signal = Schemas['Signal'];
export type SignalName = Signal['name'];
export type Match = Schemas['Match'];
export type MatchingWeights = Schemas['MatchingWeights'];
export type MatchList = Schemas['MatchList'];

// ---- feedback and reviews

export type MatchFit = Schemas['MatchFit'];
/**
 * The learner's feedback as the form sends it: rating, recommend and matchFit may still be
 * unpicked, and the server's field errors then say so next to each (the document requires them).
 */
export type LearnerFeedbackInput = Partial<Schemas['LearnerFeedbackInput']>;
export type ExpertFeedbackInput = Schemas['ExpertFeedbackInput'];
export type LearnerFeedback = Schemas['LearnerFeedback'];
export type ExpertFeedback = Schemas['ExpertFeedback'];
/** FeedbackView is what the caller may see: learners their own part, experts both. */
export type FeedbackView = Schemas['FeedbackView'];
export type Review = Schemas['Review'];
export type Reviews = Schemas['Reviews'];

// ---- HR: settings and reports

export type BudgetPeriod = Schemas['BudgetPeriod'];
/**
 * Budget caps the coaching hours an org's learners can book per period (UTC months, quarters
 * or years), org-wide and per learner department. A booking draws its session length from the
 * period its start falls in; over a cap the booking is refused (429 limit_exceeded with
 * extra.limit budget_org or budget_department).
 */
export type Budget = Schemas['Budget'];
export type OrgSettings = Schemas['OrgSettings'];
export type OrgSettingsInput = Schemas['OrgSettingsInput'];

export type GroupBy = Schemas['UtilizationReport']['groupBy'];
export type ReportGroup = Schemas['ReportGroup'];
/** Metrics of one report row; ratios are 0..1, null without data. */
export type Metrics = Schemas['Metrics'];
export type ReportRow = Schemas['ReportRow'];
/**
 * BudgetLine is allotted against used hours over a report's budget periods: allottedHours is
 * null when the line is not capped, usedHours (and usedShare) null when withheld for privacy.
 */
export type BudgetLine = Schemas['BudgetLine'];
/** BudgetSummary is a utilization report's budget section: the whole periods the months touch. */
export type BudgetSummary = Schemas['BudgetSummary'];
export type UtilizationReport = Schemas['UtilizationReport'];
export type ConnectionGraph = Schemas['ConnectionGraph'];
export type GraphNode = ConnectionGraph['nodes'][number];
export type GraphEdge = ConnectionGraph['edges'][number];
/** CohortTies: the peer ties and scheduled sessions of published program cohorts in the range. */
export type CohortTies = ConnectionGraph['cohorts'];
export type ConnectionsReport = Answered<'/v1/reports/connections', 'get'>;
/** A report's range of months (YYYY-MM). */
export type ReportQuery = QueryParams<'/v1/reports/connections', 'get'>;

// ---- programs and cohorts

export type Cadence = Schemas['Cadence'];
export const cadences: readonly Cadence[] = ['weekly', 'biweekly', 'monthly'];
/** ProgramStatus: enrolling until HR publishes the cohorts, then published (enrollment closed); archived by HR. */
export type ProgramStatus = Program['status'];
export type ProgramInput = Schemas['ProgramInput'];
export type Program = Schemas['Program'];
export type EnrollInput = Schemas['EnrollInput'];
export type Enrollment = Schemas['Enrollment'];
export type CohortMember = Schemas['CohortMember'];
/** CohortExplanation: why a cohort is a good one, in numbers HR (and members) can check. */
export type CohortExplanation = Schemas['Cohort']['explanation'];
export type Cohort = Schemas['Cohort'];
/** CohortMeasures summarise a whole plan (and the random baseline it is compared with). */
export type CohortMeasures = Schemas['CohortMeasures'];
export type CohortPlan = Schemas['CohortPlan'];
/** AdjustInput is HR's arrangement: every enrollee in exactly one cohort, by id. */
export type AdjustInput = Body<'/v1/programs/{programId}/cohorts', 'put'>;
/** MyCohort is what a member sees once the cohorts are published. */
export type MyCohort = Schemas['MyCohort'];

// ---- notifications (#16) and calendar connections (#17)

/** Notification is one entry of the in-app inbox; path is the app page it is about. */
export type Notification = Schemas['Notification'];
/** A page of the inbox; nextCursor is '' on the last page (the document may leave it out). */
export type NotificationPage = Omit<Schemas['NotificationPage'], 'nextCursor'> & { nextCursor: string };
/** NotificationSettings: e-mail on/off overall and per kind (in-app is always on); 0-2 reminder lead times (15..10080 min). */
export type NotificationSettings = Schemas['NotificationSettings'];
export type NotificationKindSetting = NotificationSettings['kinds'][number];
/** What a one-click unsubscribe link is about (GET /v1/unsubscribe/{token}, no sign-in). */
export type Unsubscription = Schemas['Unsubscribe'];
/** CalendarConnection is a busy source: never its password, never its secret URL (only the host). */
export type CalendarConnection = Schemas['CalendarConnection'];
export type CalendarKind = CalendarConnection['kind'];
export type CalendarStatus = CalendarConnection['status'];
export type CalendarConnectionInput = Schemas['CalendarConnectionInput'];
/** The caller's connections and, once they made a feed token, the feed's addresses (absolute). */
export type CalendarList = Schemas['CalendarConnections'];
export type CalendarFeed = NonNullable<CalendarList['feed']>;
export type CalendarToken = Schemas['CalendarToken'];

// ---- not in the document: tandem dev's sign-in, the deploy-time config, Cognito's token endpoint

export interface DevUser {
  id: string;
  email: string;
  name: string;
  org: string;
  department: string;
  roles: string[];
}

/** RuntimeConfig is /config.json, written at deploy time next to the app (Cognito mode). */
export interface RuntimeConfig {
  cognito?: {
    domain: string; // https://<prefix>.auth.<region>.amazoncognito.com
    clientId: string;
    redirectUri?: string; // default: <origin>/auth/callback
    logoutUri?: string; // default: <origin>/
    scopes?: string[];
  };
}

export interface TokenSet {
  id_token: string;
  access_token: string;
  expires_in: number;
  token_type: string;
  refresh_token?: string;
}

// ---------------------------------------------------------------------------------- endpoints
// Every GET takes an optional AbortSignal last (useLoad passes one).

type Abort = AbortSignal | undefined;

export const api = {
  me: (signal?: Abort) => call('get', '/v1/me', { signal }),
  putMe: (body: MeInput) => call('put', '/v1/me', { body }),

  experts: (q: ExpertQuery, signal?: Abort) => call('get', '/v1/experts', { query: q, signal }),
  expert: (id: string, signal?: Abort) => call('get', '/v1/experts/{expertId}', { path: { expertId: id }, signal }),
  myProfile: (signal?: Abort) => call('get', '/v1/experts/me', { signal }),
  putMyProfile: (body: ExpertProfileInput) => call('put', '/v1/experts/me', { body }),
  myAvailability: (signal?: Abort) => call('get', '/v1/experts/me/availability', { signal }),
  putMyAvailability: (body: ScheduleInput) => call('put', '/v1/experts/me/availability', { body }),
  slots: (id: string, q: SlotQuery, signal?: Abort) => call('get', '/v1/experts/{expertId}/slots', { path: { expertId: id }, query: q, signal }),

  book: (body: BookInput, idempotencyKey: string) => call('post', '/v1/bookings', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
  /**
   * bookSeat books a seat in a group session, or with waitlist: true joins its waitlist when it
   * is full (202). Refusals: 409 extra.conflict circle_full (extra.circleId, extra.waiting)
   * or already_waiting, and everything api.book can answer.
   */
  async bookSeat(body: BookInput, idempotencyKey: string): Promise<BookOutcome> {
    const res = await raw('post', '/v1/bookings', { body, headers: { 'Idempotency-Key': idempotencyKey } });
    const doc = (await res.json()) as unknown;
    if (res.status === 202 && isRecord(doc)) return { kind: 'waitlisted', circleId: str(doc.circleId) };
    return { kind: 'booked', booking: doc as Booking };
  },
  bookings: (q: BookingQuery, signal?: Abort) => call('get', '/v1/bookings', { query: q, signal }),
  booking: (id: string, signal?: Abort) => call('get', '/v1/bookings/{bookingId}', { path: { bookingId: id }, signal }),
  cancel: (id: string, reason: string) => call('post', '/v1/bookings/{bookingId}/cancel', { path: { bookingId: id }, body: { reason } }),
  reschedule: (id: string, start: string) => call('post', '/v1/bookings/{bookingId}/reschedule', { path: { bookingId: id }, body: { start } }),
  confirm: (id: string) => call('post', '/v1/bookings/{bookingId}/confirm', { path: { bookingId: id }, body: {} }),
  decline: (id: string, reason: string) => call('post', '/v1/bookings/{bookingId}/decline', { path: { bookingId: id }, body: { reason } }),
  complete: (id: string) => call('post', '/v1/bookings/{bookingId}/complete', { path: { bookingId: id }, body: {} }),
  noShow: (id: string) => call('post', '/v1/bookings/{bookingId}/no-show', { path: { bookingId: id }, body: {} }),

  // Circles (group sessions): booked through bookSeat; seen and left here. An offered seat is
  // confirmed or declined by its learner with confirm/decline above.
  /** circle is one group session (404 once it dissolved: everyone left). */
  circle: (id: string, signal?: Abort) => call('get', '/v1/circles/{circleId}', { path: { circleId: id }, signal }),
  /** leaveWaitlist takes the caller off the circle's waitlist (204, also when not on it). */
  leaveWaitlist: (id: string) => call('delete', '/v1/circles/{circleId}/waitlist', { path: { circleId: id } }),
  /** cancelCircle: its expert calls the whole circle off (every seat cancelled, the waitlist told); 404 after. */
  cancelCircle: (id: string, reason: string) => call('post', '/v1/circles/{circleId}/cancel', { path: { circleId: id }, body: { reason } }),

  /** invite downloads the booking's .ics with the caller's token (a plain link would carry none). */
  async invite(id: string): Promise<{ blob: Blob; filename: string }> {
    const res = await raw('get', '/v1/bookings/{bookingId}/invite.ics', { path: { bookingId: id }, headers: { Accept: 'text/calendar' } });
    return { blob: await res.blob(), filename: filenameOf(res, `tandem-${id}.ics`) };
  },

  /** cohortInvite downloads session n (1-based) of the caller's own program cohort as .ics (404 for non-members). */
  async cohortInvite(programId: string, n: number): Promise<{ blob: Blob; filename: string }> {
    const res = await raw('get', '/v1/programs/{programId}/cohort/sessions/{session}/invite.ics', {
      path: { programId, session: String(n) },
      headers: { Accept: 'text/calendar' },
    });
    return { blob: await res.blob(), filename: filenameOf(res, `tandem-${programId}-${n}.ics`) };
  },

  // Learners' requests, matching, the experts' board, offers.
  createRequest: (body: RequestInput) => call('post', '/v1/requests', { body }),
  requests: (cursor = '', signal?: Abort) => call('get', '/v1/requests', { query: { cursor }, signal }),
  request: (id: string, signal?: Abort) => call('get', '/v1/requests/{requestId}', { path: { requestId: id }, signal }),
  matches: (id: string, signal?: Abort) => call('get', '/v1/requests/{requestId}/matches', { path: { requestId: id }, signal }),
  /** board: the experts' board, fair order (each learner's first open request first, longest-waiting first), paged. */
  board: (cursor = '', signal?: Abort) => call('get', '/v1/requests/board', { query: { cursor }, signal }),
  /** closeRequest: the learner closes their own open (or offered) request (409 once booked or expired). */
  closeRequest: (id: string) => call('post', '/v1/requests/{requestId}/close', { path: { requestId: id } }),
  offer: (id: string, body: OfferInput) => call('post', '/v1/requests/{requestId}/offers', { path: { requestId: id }, body }),
  accept: (id: string, body: AcceptInput, idempotencyKey: string) =>
    call('post', '/v1/requests/{requestId}/accept', { path: { requestId: id }, body, headers: { 'Idempotency-Key': idempotencyKey } }),

  // Feedback after a session (POST once, PUT to edit within 7 days) and experts' reviews.
  feedback: (bookingId: string, signal?: Abort) => call('get', '/v1/bookings/{bookingId}/feedback', { path: { bookingId }, signal }),
  giveFeedback: (bookingId: string, body: LearnerFeedbackInput | ExpertFeedbackInput, edit: boolean) =>
    // The learner's part may go out incomplete (see LearnerFeedbackInput): the server names what is missing.
    call(edit ? 'put' : 'post', '/v1/bookings/{bookingId}/feedback', { path: { bookingId }, body: body as Body<'/v1/bookings/{bookingId}/feedback', 'post'> }),
  reviews: (expertId: string, cursor = '', signal?: Abort) =>
    call('get', '/v1/experts/{expertId}/reviews', { path: { expertId }, query: { cursor }, signal }),

  // HR: org settings and reports.
  orgSettings: (signal?: Abort) => call('get', '/v1/org/settings', { signal }),
  putOrgSettings: (body: OrgSettingsInput) => call('put', '/v1/org/settings', { body }),
  utilization: (q: ReportQuery & { groupBy: GroupBy }, signal?: Abort) => call('get', '/v1/reports/utilization', { query: q, signal }),
  connections: (q: ReportQuery, signal?: Abort) => call('get', '/v1/reports/connections', { query: q, signal }),
  /** utilizationCsv downloads the report as CSV with the caller's token (a plain link would carry none). */
  async utilizationCsv(q: ReportQuery & { groupBy: GroupBy }): Promise<{ blob: Blob; filename: string }> {
    const res = await raw('get', '/v1/reports/utilization', { query: { ...q, format: 'csv' }, headers: { Accept: 'text/csv' } });
    return { blob: await res.blob(), filename: filenameOf(res, `tandem-utilization-${q.groupBy}.csv`) };
  },

  // Mentorships (pages/mentorships): the two parties; HR has the report only.
  mentorships: (signal?: Abort) => call('get', '/v1/mentorships', { signal }),
  mentorship: (id: string, signal?: Abort) => call('get', '/v1/mentorships/{mentorshipId}', { path: { mentorshipId: id }, signal }),
  mentorshipAct: (id: string, action: 'accept' | 'pause' | 'resume' | 'close') => {
    const o = { path: { mentorshipId: id } };
    if (action === 'accept') return call('post', '/v1/mentorships/{mentorshipId}/accept', o);
    if (action === 'pause') return call('post', '/v1/mentorships/{mentorshipId}/pause', o);
    if (action === 'resume') return call('post', '/v1/mentorships/{mentorshipId}/resume', o);
    return call('post', '/v1/mentorships/{mentorshipId}/close', o);
  },
  scheduleMentorship: (id: string, body: Body<'/v1/mentorships/{mentorshipId}/schedule', 'post'>) =>
    call('post', '/v1/mentorships/{mentorshipId}/schedule', { path: { mentorshipId: id }, body }),
  mentorshipProgress: (id: string, signal?: Abort) => call('get', '/v1/mentorships/{mentorshipId}/checkins', { path: { mentorshipId: id }, signal }),
  addCheckIn: (id: string, body: Body<'/v1/mentorships/{mentorshipId}/checkins', 'post'>) =>
    call('post', '/v1/mentorships/{mentorshipId}/checkins', { path: { mentorshipId: id }, body }),
  mentorshipsReport: (signal?: Abort) => call('get', '/v1/reports/mentorships', { signal }),
  /** proposeMentorship: expertId (the caller is the learner) or learnerId (the caller is an expert); 201 proposed. */
  proposeMentorship: (body: ProposeMentorshipInput) => call('post', '/v1/mentorships', { body }),
  skipOccurrence: (id: string, n: number) =>
    call('post', '/v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/skip', { path: { mentorshipId: id, occurrenceId: String(n) } }),
  /** moveOccurrence: a booked occurrence to another bookable start (refusals as api.reschedule's). */
  moveOccurrence: (id: string, n: number, start: string) =>
    call('post', '/v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/move', { path: { mentorshipId: id, occurrenceId: String(n) }, body: { start } }),
  /** bookOccurrence books a failed occurrence at another start, e.g. one of its alternatives (409 occurrence_state when it is booked). */
  bookOccurrence: (id: string, n: number, start: string) =>
    call('post', '/v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/book', { path: { mentorshipId: id, occurrenceId: String(n) }, body: { start } }),
  agendas: (id: string, signal?: Abort) => call('get', '/v1/mentorships/{mentorshipId}/agendas', { path: { mentorshipId: id }, signal }),
  /** setAgenda replaces one session's agenda over the version read (409 extra.conflict changed when someone saved meanwhile). */
  setAgenda: (id: string, n: number, items: string[], version: number) =>
    call('put', '/v1/mentorships/{mentorshipId}/occurrences/{occurrenceId}/agenda', { path: { mentorshipId: id, occurrenceId: String(n) }, body: { items, version } }),
  actionItems: (id: string, signal?: Abort) => call('get', '/v1/mentorships/{mentorshipId}/actions', { path: { mentorshipId: id }, signal }),
  addActionItem: (id: string, body: ActionItemInput) => call('post', '/v1/mentorships/{mentorshipId}/actions', { path: { mentorshipId: id }, body }),
  updateActionItem: (id: string, actionId: string, body: ActionItemInput) =>
    call('put', '/v1/mentorships/{mentorshipId}/actions/{actionId}', { path: { mentorshipId: id, actionId }, body }),
  /** notes: the caller's own private notes (the other side and HR never see them). */
  notes: (id: string, signal?: Abort) => call('get', '/v1/mentorships/{mentorshipId}/notes', { path: { mentorshipId: id }, signal }),
  addNote: (id: string, note: string) => call('post', '/v1/mentorships/{mentorshipId}/notes', { path: { mentorshipId: id }, body: { note } }),
  /** reflect: each side's final reflection, once, after closing; rematchOffered when the learner's request reopened. */
  reflect: (id: string, body: ReflectionInput) => call('post', '/v1/mentorships/{mentorshipId}/reflection', { path: { mentorshipId: id }, body }),

  // Flash mentoring (pages/flash): HR sets the round up and runs it; members opt in and answer.
  flash: (signal?: Abort) => call('get', '/v1/flash', { signal }),
  putFlash: (body: Body<'/v1/flash', 'put'>) => call('put', '/v1/flash', { body }),
  joinFlash: (timezone: string) => call('put', '/v1/flash/membership', { body: { timezone } }),
  leaveFlash: () => call('delete', '/v1/flash/membership', {}),
  runFlashRound: () => call('post', '/v1/flash/rounds', {}),
  flashProposals: (signal?: Abort) => call('get', '/v1/flash/proposals', { signal }),
  answerFlash: (id: string, answer: 'accept' | 'decline') =>
    answer === 'accept'
      ? call('post', '/v1/flash/proposals/{proposalId}/accept', { path: { proposalId: id } })
      : call('post', '/v1/flash/proposals/{proposalId}/decline', { path: { proposalId: id } }),
  /** mentorshipsCsv downloads HR's mentorship figures as CSV with the caller's token. */
  async mentorshipsCsv(): Promise<{ blob: Blob; filename: string }> {
    const res = await raw('get', '/v1/reports/mentorships', { query: { format: 'csv' }, headers: { Accept: 'text/csv' } });
    return { blob: await res.blob(), filename: filenameOf(res, 'tandem-mentorships.csv') };
  },

  // Programs and cohorts: HR creates programs, learners enroll, HR builds, adjusts and
  // publishes cohorts; members then see their own cohort.
  /** programs: without status every program not archived; status 'archived' is HR only. */
  programs: (signal?: Abort, status?: ProgramStatus) => call('get', '/v1/programs', { query: { status }, signal }),
  program: (id: string, signal?: Abort) => call('get', '/v1/programs/{programId}', { path: { programId: id }, signal }),
  createProgram: (body: ProgramInput) => call('post', '/v1/programs', { body }),
  enroll: (id: string, body: EnrollInput) => call('post', '/v1/programs/{programId}/enroll', { path: { programId: id }, body }),
  /** archiveProgram (HR): the program, archived: off default lists, no more enrolling or cohorts. */
  archiveProgram: (id: string) => call('post', '/v1/programs/{programId}/archive', { path: { programId: id } }),
  withdraw: (id: string) => call('delete', '/v1/programs/{programId}/enroll', { path: { programId: id } }),
  /** cohortPlan is HR's view of the plan (404 until built). */
  cohortPlan: (id: string, signal?: Abort) =>
    call('get', '/v1/programs/{programId}/cohorts', { path: { programId: id }, signal }) as Promise<CohortPlan>,
  /** myCohort is a member's own cohort (404 until published); HR gets the whole plan instead. */
  myCohort: (id: string, signal?: Abort) => call('get', '/v1/programs/{programId}/cohorts', { path: { programId: id }, signal }),
  buildCohorts: (id: string, body: Body<'/v1/programs/{programId}/cohorts/build', 'post'>) =>
    call('post', '/v1/programs/{programId}/cohorts/build', { path: { programId: id }, body }),
  /** adjustCohorts replaces the plan with HR's arrangement (409 extra.conflict plan_changed on a stale version). */
  adjustCohorts: (id: string, body: AdjustInput) => call('put', '/v1/programs/{programId}/cohorts', { path: { programId: id }, body }),
  /** publishCohorts fixes the plan and closes enrollment (409 extra.conflict unplaced or plan_changed). */
  publishCohorts: (id: string, version: number) =>
    call('post', '/v1/programs/{programId}/cohorts/publish', { path: { programId: id }, body: { version } }),

  // The calendar feed: a secret URL calendar apps subscribe to (no sign-in there).
  /** newCalendarToken makes a new feed URL (relative, /v1/calendar/{token}/feed.ics); the previous one stops working. */
  newCalendarToken: () => call('post', '/v1/me/calendar-token', {}),
  /** revokeCalendarToken: the feed URL stops working. */
  revokeCalendarToken: () => call('delete', '/v1/me/calendar-token', {}),

  // Notifications (#16): the inbox, the unread count the bell polls, settings, unsubscribe.
  notifications: async (cursor = '', unread = false, signal?: Abort): Promise<NotificationPage> => {
    const p = await call('get', '/v1/notifications', { query: { cursor, ...(unread ? { unread: 'true' as const } : {}) }, signal });
    return { ...p, nextCursor: p.nextCursor ?? '' };
  },
  unreadCount: (signal?: Abort) => call('get', '/v1/notifications/unread-count', { signal }),
  markRead: (id: string) => call('post', '/v1/notifications/{notificationId}/read', { path: { notificationId: id } }),
  markAllRead: () => call('post', '/v1/notifications/read-all', {}),
  notificationSettings: (signal?: Abort) => call('get', '/v1/me/notification-settings', { signal }),
  putNotificationSettings: (body: NotificationSettings) => call('put', '/v1/me/notification-settings', { body }),
  /** unsubscription says what a link from an e-mail unsubscribes from (no sign-in). */
  unsubscription: (token: string, signal?: Abort) => json<Unsubscription>('GET', route('/v1/unsubscribe/{linkToken}', { linkToken: token }), { auth: false, signal }),
  /** unsubscribe is the RFC 8058 one-click POST an e-mail client makes too (no sign-in; idempotent). */
  unsubscribe: (token: string) => json<void>('POST', route('/v1/unsubscribe/{linkToken}', { linkToken: token }), { auth: false, form: 'List-Unsubscribe=One-Click' }),

  // Calendar connections (#17): busy sources per user; the feed comes with the list.
  calendars: (signal?: Abort) => call('get', '/v1/me/calendars', { signal }),
  /** connectCalendar: 201 with the connection after its first sync (its result is in the status). */
  connectCalendar: (body: CalendarConnectionInput) => call('post', '/v1/me/calendars', { body }),
  syncCalendar: (id: string, signal?: Abort) => call('post', '/v1/me/calendars/{calendarId}/sync', { path: { calendarId: id }, signal }),
  removeCalendar: (id: string) => call('delete', '/v1/me/calendars/{calendarId}', { path: { calendarId: id } }),

  // Dev sign-in (tandem dev only) and runtime config; no bearer token on these.
  devUsers: async (): Promise<DevUser[]> => {
    const res = await send('GET', '/dev/users', { auth: false });
    // In AWS /dev/users does not exist; a static host may answer index.html with 200.
    if (!/json/i.test(res.headers.get('Content-Type') ?? '')) throw notDev();
    const body: unknown = await res.json();
    if (!isRecord(body) || !Array.isArray(body.users)) throw notDev();
    return body.users as DevUser[];
  },
  devToken: (email: string) => json<{ token: string; expiresAt: string }>('POST', '/dev/token', { body: { email }, auth: false }),
  runtimeConfig: () => json<RuntimeConfig>('GET', '/config.json', { auth: false }),

  /** cognitoToken posts to the hosted UI's token endpoint (form-encoded, public client, no secret). */
  async cognitoToken(domain: string, form: Record<string, string>): Promise<TokenSet> {
    let res: Response;
    try {
      res = await fetch(`${domain.replace(/\/$/, '')}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
      });
    } catch {
      throw new ApiError({ status: 0, code: 'network', title: 'Network error', detail: 'Could not reach the sign-in service.' });
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok || !isRecord(body) || typeof body.id_token !== 'string') {
      const reason = isRecord(body) ? str(body.error_description) || str(body.error) : '';
      throw new ApiError({ status: res.status || 400, code: 'unauthenticated', title: 'Sign-in failed', detail: reason || 'The sign-in service refused the code.' });
    }
    return body as unknown as TokenSet;
  },
};

/** filenameOf reads the file name from Content-Disposition, else the fallback. */
function filenameOf(res: Response, fallback: string): string {
  return /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallback;
}

function notDev(): ApiError {
  return new ApiError({ status: 404, code: 'not_found', title: 'Not found', detail: 'Dev sign-in is not available.' });
}
