// The typed API client: the only module that calls fetch. Every response that is not 2xx
// becomes an ApiError parsed from RFC 9457 problem+json (code, detail, field errors), so
// screens never look at raw responses. The web app and the API share one origin, so every
// URL is relative (/v1/..., /dev/...).

/** One field-level problem, e.g. {field: "sessionTypes[0].durationMin", message: "..."}. */
export interface FieldError {
  field: string;
  message: string;
}

/** The stable error codes of the API, plus 'network' when no answer came at all. */
export type ErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unprocessable'
  | 'limit_exceeded'
  | 'internal'
  | 'network';

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
const knownCodes = new Set<string>([...Object.values(codeByStatus), 'internal']);

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

// ---------------------------------------------------------------------------------- shapes

export type Role = 'learner' | 'expert' | 'hr';

export interface Me {
  id: string;
  org: string;
  email: string;
  name: string;
  department: string;
  roles: Role[];
  timezone: string; // empty until the user saves one
}

export interface SessionType {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  seats: number;
}

export interface Limits {
  minNoticeMin: number;
  horizonDays: number;
  maxPerDay: number;
  maxPerWeek: number;
  startIncrementMin: number;
}

export type BookingMode = 'instant' | 'approval';

export interface Expert {
  id: string;
  name: string;
  department: string;
  headline: string;
  bio?: string;
  topics: string[];
  languages: string[];
  timezone: string;
  sessionTypes: SessionType[];
  meetingUrl?: string;
  bookingMode: BookingMode;
  limits: Limits;
  rating: { count: number; average: number; distribution: number[] };
  updatedAt: string;
}

export interface ExpertProfileInput {
  headline: string;
  bio: string;
  topics: string[];
  languages: string[];
  timezone: string;
  sessionTypes: SessionType[];
  meetingUrl: string;
  bookingMode: BookingMode;
  limits: Limits;
}

export interface Page<T> {
  items: T[];
  nextCursor: string;
}

export interface Slot {
  start: string; // RFC 3339 in the requested zone
  end: string;
  /** Group sessions only: seats a learner can book now (0: full, the waitlist is open). */
  seatsLeft?: number;
  /** Group sessions only: the circle already at this time (someone has booked a seat). */
  circleId?: string;
  /** Group sessions only: learners on that circle's waitlist (absent when none). */
  waiting?: number;
}

export interface SlotList {
  expertId: string;
  sessionType: string;
  durationMin: number;
  timezone: string;
  from: string;
  to: string;
  slots: Slot[];
  /** seats is the session type's capacity when it is a group session (absent for one-to-one). */
  seats?: number;
}

export interface LocalInterval {
  start: string; // "HH:MM"
  end: string; // "HH:MM", "24:00" = end of day
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const weekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface Schedule {
  timezone: string;
  weekly: Record<Weekday, LocalInterval[]>;
  overrides: { date: string; intervals: LocalInterval[] }[];
  timeOff: { start: string; end: string }[];
}

export type BookingStatus = 'pending' | 'confirmed' | 'declined' | 'expired' | 'cancelled' | 'completed' | 'no_show';

export interface Party {
  id: string;
  name: string;
  email?: string;
  department: string;
}

export interface Booking {
  id: string;
  status: BookingStatus;
  expert: Party;
  learner: Party;
  sessionType: SessionType;
  start: string;
  end: string;
  note?: string;
  meetingUrl?: string;
  requestId?: string; // set when the booking came from a learner's request
  holdUntil?: string;
  reschedules: number;
  cancelledBy?: string;
  cancelReason?: string;
  lateCancel?: boolean;
  noShow?: string;
  /** circleId: this booking is a seat in a group session (GET /v1/circles/{circleId}). */
  circleId?: string;
  /** offer: a seat offered from the waitlist; pending until the learner confirms it before holdUntil. */
  offer?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface BookInput {
  expertId: string;
  sessionType: string;
  start: string;
  note: string;
  requestId?: string;
  /** waitlist: for a group session that is full, join its waitlist (202) instead of a 409 circle_full. */
  waitlist?: boolean;
}

/**
 * BookOutcome is how a booking of a group session ended: a seat (a Booking, 201), or a place
 * on the full circle's waitlist (202 {circleId, status: "waitlisted"}).
 */
export type BookOutcome = { kind: 'booked'; booking: Booking } | { kind: 'waitlisted'; circleId: string };

// ---- circles (group sessions)

/** MemberState is where the caller stands with a circle. */
export type MemberState = 'none' | 'seat' | 'offered' | 'waiting' | 'skipped';

/** SkipReason: why a learner first in line could not be offered the freed seat (cancelled: the expert called the circle off). */
export type SkipReason = 'busy' | 'active_limit' | 'budget' | 'cancelled';

export interface CircleMember {
  state: MemberState;
  bookingId?: string; // seat or offered
  position?: number; // 1-based, while waiting
  holdUntil?: string; // offered: confirm before this
  skipReason?: SkipReason;
}

export interface CircleSeat {
  bookingId: string;
  learner: Party;
  status: BookingStatus; // confirmed, or pending for a seat offered from the waitlist
}

export interface CircleWaiter {
  position: number;
  learner: Party;
  joinedAt: string;
}

/**
 * Circle is one group session: an expert's session type with seats at one start. Everyone in
 * the org sees the counts and their own standing (me); only its expert sees the roster and
 * the waitlist (and has no me).
 */
export interface Circle {
  id: string;
  expert: Party;
  sessionType: SessionType;
  start: string;
  end: string;
  seats: number;
  taken: number; // confirmed seats and open offers
  seatsLeft: number; // 0 while anyone waits: a freed seat goes to the first in line
  waiting: number;
  /** cancelled: the expert is calling it off (no more seats or places); gone (404) once done. */
  cancelled?: boolean;
  me?: CircleMember;
  roster?: CircleSeat[];
  waitlist?: CircleWaiter[];
}

// ---- requests and matching

export type RequestStatus = 'open' | 'offered' | 'booked' | 'closed' | 'expired';
export type Urgency = 'low' | 'normal' | 'high';

/** PreferredTime is a weekly window on the learner's own clock (whole hours, end ≤ 24). */
export interface PreferredTime {
  weekday: Weekday;
  startHour: number;
  endHour: number;
}

export interface RequestInput {
  topics: string[];
  goal: string;
  durationMin: number;
  preferredTimes: PreferredTime[];
  language: string;
  urgency: Urgency;
  timezone: string;
}

/** Offer is an expert's proposal of up to three concrete starts for a request. */
export interface Offer {
  expertId: string;
  expertName: string;
  sessionType: string;
  starts: string[];
  createdAt: string;
}

export interface LearnerRequest {
  id: string;
  learnerName: string;
  learnerDepartment: string;
  topics: string[];
  goal: string;
  durationMin: number;
  preferredTimes: PreferredTime[];
  language?: string;
  urgency: Urgency;
  timezone: string;
  status: RequestStatus;
  createdAt: string;
  expiresAt: string;
  matchedAt?: string;
  bookingId?: string;
  offers?: Offer[]; // the owner's view only
}

export type SignalName = 'topic' | 'capacity' | 'language' | 'timezone' | 'rating' | 'load' | 'connection';

/** Signal is one line of a match's explanation: points = value × weight (4 decimals). */
export interface Signal {
  name: SignalName | string;
  value: number;
  weight: number;
  points: number;
  reason: string;
}

export interface Match {
  expert: Expert;
  score: number;
  signals: Signal[];
}

export type MatchingWeights = Record<SignalName, number>;

export interface MatchList {
  requestId: string;
  status: RequestStatus;
  weights: MatchingWeights;
  items: Match[];
}

// ---- feedback and reviews

export type MatchFit = 'good' | 'unsure' | 'poor';

export interface LearnerFeedbackInput {
  rating?: number;
  recommend?: number;
  matchFit?: MatchFit;
  comment: string;
  shareComment: boolean;
  progress?: number;
}

export interface ExpertFeedbackInput {
  notes: string;
  attended: boolean;
}

interface FeedbackTimes {
  createdAt: string;
  updatedAt: string;
  editableUntil: string;
}

export interface LearnerFeedback extends FeedbackTimes {
  rating: number;
  recommend: number;
  matchFit: MatchFit;
  comment: string;
  shareComment: boolean;
  progress: number;
}

export interface ExpertFeedback extends FeedbackTimes {
  notes: string;
  attended: boolean;
}

/** FeedbackView is what the caller may see: learners their own part, experts both. */
export interface FeedbackView {
  learner: LearnerFeedback | null;
  expert?: ExpertFeedback | null;
  /** rematchOffered: the learner marked the match poor and their request is open again. */
  rematchOffered?: boolean;
}

export interface RatingSummary {
  count: number;
  average: number;
  distribution: number[]; // counts of 1..5 stars
}

export interface Review {
  rating: number;
  comment?: string;
  createdAt: string;
}

export interface Reviews extends Page<Review> {
  summary: RatingSummary;
}

// ---- HR: settings and reports

export type BudgetPeriod = 'month' | 'quarter' | 'year';

/**
 * Budget caps the coaching hours an org's learners can book per period (UTC months, quarters
 * or years), org-wide and per learner department. A booking draws its session length from the
 * period its start falls in; over a cap the booking is refused (429 limit_exceeded with
 * extra.limit budget_org or budget_department).
 */
export interface Budget {
  period: BudgetPeriod;
  orgHours: number; // 0: no org-wide cap
  departmentHours?: Record<string, number>; // whole hours ≥ 1; absent when empty; an unlisted department is not capped
}

export interface OrgSettings {
  matching: MatchingWeights;
  lateCancelHours: number;
  requestExpiryDays: number;
  budget: Budget | null; // null: no budget (PUT replaces the whole document, so always send it)
  updatedAt?: string; // absent until HR first saves
}

export type OrgSettingsInput = Omit<OrgSettings, 'updatedAt'>;

export type GroupBy = 'month' | 'department' | 'expert';

export interface ReportGroup {
  kind: 'org' | 'department' | 'expert';
  key: string;
  name: string;
}

/** Metrics of one report row (DESIGN.md section 9); ratios are 0..1, null without data. */
export interface Metrics {
  booked: number;
  completed: number;
  cancelled: number;
  lateCancelled: number;
  noShowHost: number;
  noShowGuest: number;
  hoursBooked: number;
  hoursDelivered: number;
  hoursOffered: number;
  requests: number;
  matched: number;
  newTies: number;
  activeLearners: number;
  utilizationBooked: number | null;
  utilizationDelivered: number | null;
  completionRate: number | null;
  noShowRateHost: number | null;
  noShowRateGuest: number | null;
  lateCancelRate: number | null;
  csat: number | null;
  nps: number | null;
  averageRating: number | null;
  timeToMatchMedianHours: number | null;
  crossFunctionalReach: number | null;
  budgetHours: number | null;
  budgetUsedHours: number | null;
  budgetUsedShare: number | null;
}

export interface ReportRow {
  month?: string;
  group: ReportGroup;
  metrics: Metrics;
  suppressed: boolean;
  suppressedReason?: string;
  withheld?: string[];
}

/**
 * BudgetLine is allotted against used hours over a report's budget periods: allottedHours is
 * null when the line is not capped, usedHours (and usedShare) null when withheld for privacy.
 */
export interface BudgetLine {
  department?: string; // absent on the org's line
  allottedHours: number | null;
  usedHours: number | null;
  usedShare: number | null; // usedHours / allottedHours, 0..1 (above 1 when over)
  withheld?: boolean;
}

/** BudgetSummary is a utilization report's budget section: the whole periods the months touch. */
export interface BudgetSummary {
  period: BudgetPeriod;
  periods: string[]; // "2027-03", "2027-Q1" or "2027"
  org: BudgetLine;
  departments: BudgetLine[]; // every department with a cap or used hours
}

export interface UtilizationReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  total: ReportRow;
  rows: ReportRow[];
  budget: BudgetSummary | null; // null: the org has no budget
}

export interface GraphNode {
  department: string;
  sessions: number;
  suppressed: boolean;
}

export interface GraphEdge {
  from: string; // the learners' department
  to: string; // the experts' department
  sessions: number;
}

export interface ConnectionGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  eiIndex: number | null;
  density: number | null;
  internalSessions: number;
  externalSessions: number;
  newTies: number;
  cohorts: CohortTies;
}

/** CohortTies: the peer ties and scheduled sessions of published program cohorts in the range. */
export interface CohortTies {
  sessions: number; // scheduled cohort sessions (one per cohort and date)
  memberHours: number; // those sessions' hours times their members
  pairs: number;
  crossPairs: number;
  newPairs: number;
  eiIndex: number | null;
  edges: { a: string; b: string; pairs: number }[]; // department pairs (a < b) with ≥ 3 ties
}

export interface ConnectionsReport {
  from: string;
  to: string;
  graph: ConnectionGraph;
}

export type ReportQuery = {
  from?: string; // YYYY-MM
  to?: string;
};

// ---- programs and cohorts

export type Cadence = 'weekly' | 'biweekly' | 'monthly';
export const cadences: readonly Cadence[] = ['weekly', 'biweekly', 'monthly'];

/** ProgramStatus: enrolling until HR publishes the cohorts, then published (enrollment closed). */
export type ProgramStatus = 'enrolling' | 'published';

export interface ProgramInput {
  title: string;
  topic: string; // slug, e.g. "leadership"
  description: string;
  cohortSize: number; // 2..50
  start: string; // RFC 3339, the first session
  timezone: string; // IANA; later sessions keep the first one's wall-clock time there
  cadence: Cadence;
  sessions: number; // 1..52
  sessionMin: number; // 15..240, a multiple of 5
  facilitators: string[]; // expert ids
  maxSpreadHours: number; // 1..26; 0 means the default (4)
}

export interface Program extends ProgramInput {
  id: string;
  sessionTimes: string[]; // UTC instants of every session
  status: ProgramStatus;
  enrolled: number;
  /** enrolledMe: whether the caller is enrolled (null where the API does not say, e.g. on create). */
  enrolledMe: boolean | null;
  createdAt: string;
}

export interface EnrollInput {
  interests?: string[]; // topic slugs; default: the program's topic
  timezone?: string; // IANA; default: the caller's saved zone (400 field "timezone" when none)
}

export interface Enrollment {
  programId: string;
  userId: string;
  name: string;
  department: string;
  timezone: string;
  interests: string[];
  enrolledAt: string;
}

export interface CohortMember {
  id: string;
  name: string;
  department: string;
  timezone: string;
}

/** CohortExplanation: why a cohort is a good one, in numbers HR (and members) can check. */
export interface CohortExplanation {
  departments: string[]; // distinct, sorted
  pairs: number;
  crossPairs: number; // pairs from different departments
  newPairs: number; // pairs who have not met before
  spreadHours: number; // max − min UTC offset of the members at the program start
  sharedInterests: string[];
  eiIndex: number; // (cross − same) ÷ pairs, −1..1
}

export interface Cohort {
  number: number; // 1-based
  members: CohortMember[];
  explanation: CohortExplanation;
}

/** CohortMeasures summarise a whole plan (and the random baseline it is compared with). */
export interface CohortMeasures {
  eiIndex: number;
  newPairs: number;
  crossPairs: number;
  pairs: number;
  maxSpreadHours: number;
  violations: number; // cohorts whose spread exceeds the program's limit
}

export interface CohortPlan {
  status: 'draft' | 'published';
  seed: number;
  adjusted: boolean;
  version: number;
  cohorts: Cohort[];
  measures: CohortMeasures;
  baseline: CohortMeasures; // random assignment into the same sizes with the same seed
  unplaced: CohortMember[]; // enrolled after the build (HR's view)
  builtAt: string;
  publishedAt?: string;
}

/** AdjustInput is HR's arrangement: every enrollee in exactly one cohort, by id. */
export interface AdjustInput {
  version: number;
  cohorts: string[][];
}

/** MyCohort is what a member sees once the cohorts are published. */
export interface MyCohort {
  program: Program;
  cohort: Cohort;
}

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

const seg = encodeURIComponent;

export const api = {
  me: () => json<Me>('GET', '/v1/me'),
  putMe: (body: { name: string; timezone: string }) => json<Me>('PUT', '/v1/me', { body }),

  experts: (q: { topic?: string; language?: string; q?: string; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    json<Page<Expert>>('GET', '/v1/experts', { query: q, ...(signal ? { signal } : {}) }),
  expert: (id: string) => json<Expert>('GET', `/v1/experts/${seg(id)}`),
  myProfile: () => json<Expert>('GET', '/v1/experts/me'),
  putMyProfile: (body: ExpertProfileInput) => json<Expert>('PUT', '/v1/experts/me', { body }),
  myAvailability: () => json<Schedule>('GET', '/v1/experts/me/availability'),
  putMyAvailability: (body: Schedule) => json<Schedule>('PUT', '/v1/experts/me/availability', { body }),
  slots: (id: string, q: { from: string; to: string; sessionType?: string; tz: string }, signal?: AbortSignal) =>
    json<SlotList>('GET', `/v1/experts/${seg(id)}/slots`, { query: q, ...(signal ? { signal } : {}) }),

  book: (body: BookInput, idempotencyKey: string) => json<Booking>('POST', '/v1/bookings', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
  /**
   * bookSeat books a seat in a group session, or with waitlist: true joins its waitlist when it
   * is full (202). Refusals: 409 extra.conflict circle_full (extra.circleId, extra.waiting)
   * or already_waiting, and everything api.book can answer.
   */
  async bookSeat(body: BookInput, idempotencyKey: string): Promise<BookOutcome> {
    const res = await send('POST', '/v1/bookings', { body, headers: { 'Idempotency-Key': idempotencyKey } });
    const doc = (await res.json()) as unknown;
    if (res.status === 202 && isRecord(doc)) return { kind: 'waitlisted', circleId: str(doc.circleId) };
    return { kind: 'booked', booking: doc as Booking };
  },
  bookings: (q: { as: 'learner' | 'expert'; when: 'upcoming' | 'past'; cursor?: string }) =>
    json<Page<Booking>>('GET', '/v1/bookings', { query: q }),
  booking: (id: string) => json<Booking>('GET', `/v1/bookings/${seg(id)}`),
  cancel: (id: string, reason: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/cancel`, { body: { reason } }),
  reschedule: (id: string, start: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/reschedule`, { body: { start } }),
  confirm: (id: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/confirm`, { body: {} }),
  decline: (id: string, reason: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/decline`, { body: { reason } }),
  complete: (id: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/complete`, { body: {} }),
  noShow: (id: string) => json<Booking>('POST', `/v1/bookings/${seg(id)}/no-show`, { body: {} }),

  // Circles (group sessions): booked through bookSeat; seen and left here. An offered seat is
  // confirmed or declined by its learner with confirm/decline above.
  /** circle is one group session (404 once it dissolved: everyone left). */
  circle: (id: string) => json<Circle>('GET', `/v1/circles/${seg(id)}`),
  /** leaveWaitlist takes the caller off the circle's waitlist (204, also when not on it). */
  leaveWaitlist: (id: string) => json<void>('DELETE', `/v1/circles/${seg(id)}/waitlist`),
  /** cancelCircle: its expert calls the whole circle off (every seat cancelled, the waitlist told); 404 after. */
  cancelCircle: (id: string, reason: string) =>
    json<{ circleId: string; cancelledSeats: number }>('POST', `/v1/circles/${seg(id)}/cancel`, { body: { reason } }),

  /** invite downloads the booking's .ics with the caller's token (a plain link would carry none). */
  async invite(id: string): Promise<{ blob: Blob; filename: string }> {
    const res = await send('GET', `/v1/bookings/${seg(id)}/invite.ics`, { headers: { Accept: 'text/calendar' } });
    return { blob: await res.blob(), filename: filenameOf(res, `tandem-${id}.ics`) };
  },

  // Learners' requests, matching, the experts' board, offers.
  createRequest: (body: RequestInput) => json<LearnerRequest>('POST', '/v1/requests', { body }),
  requests: (cursor = '') => json<Page<LearnerRequest>>('GET', '/v1/requests', { query: { cursor } }),
  request: (id: string) => json<LearnerRequest>('GET', `/v1/requests/${seg(id)}`),
  matches: (id: string) => json<MatchList>('GET', `/v1/requests/${seg(id)}/matches`),
  board: () => json<{ items: LearnerRequest[] }>('GET', '/v1/requests/board'),
  offer: (id: string, body: { sessionType: string; starts: string[] }) => json<Offer>('POST', `/v1/requests/${seg(id)}/offers`, { body }),
  accept: (id: string, body: { expertId: string; start: string; note: string }, idempotencyKey: string) =>
    json<Booking>('POST', `/v1/requests/${seg(id)}/accept`, { body, headers: { 'Idempotency-Key': idempotencyKey } }),

  // Feedback after a session (POST once, PUT to edit within 7 days) and experts' reviews.
  feedback: (bookingId: string) => json<FeedbackView>('GET', `/v1/bookings/${seg(bookingId)}/feedback`),
  giveFeedback: (bookingId: string, body: LearnerFeedbackInput | ExpertFeedbackInput, edit: boolean) =>
    json<FeedbackView>(edit ? 'PUT' : 'POST', `/v1/bookings/${seg(bookingId)}/feedback`, { body }),
  reviews: (expertId: string, cursor = '') => json<Reviews>('GET', `/v1/experts/${seg(expertId)}/reviews`, { query: { cursor } }),

  // HR: org settings and reports.
  orgSettings: () => json<OrgSettings>('GET', '/v1/org/settings'),
  putOrgSettings: (body: OrgSettingsInput) => json<OrgSettings>('PUT', '/v1/org/settings', { body }),
  utilization: (q: ReportQuery & { groupBy: GroupBy }, signal?: AbortSignal) =>
    json<UtilizationReport>('GET', '/v1/reports/utilization', { query: q, ...(signal ? { signal } : {}) }),
  connections: (q: ReportQuery, signal?: AbortSignal) =>
    json<ConnectionsReport>('GET', '/v1/reports/connections', { query: q, ...(signal ? { signal } : {}) }),
  /** utilizationCsv downloads the report as CSV with the caller's token (a plain link would carry none). */
  async utilizationCsv(q: ReportQuery & { groupBy: GroupBy }): Promise<{ blob: Blob; filename: string }> {
    const res = await send('GET', '/v1/reports/utilization', { query: { ...q, format: 'csv' }, headers: { Accept: 'text/csv' } });
    return { blob: await res.blob(), filename: filenameOf(res, `tandem-utilization-${q.groupBy}.csv`) };
  },

  // Programs and cohorts: HR creates programs, learners enroll, HR builds, adjusts and
  // publishes cohorts; members then see their own cohort.
  programs: () => json<{ items: Program[] }>('GET', '/v1/programs'),
  program: (id: string) => json<Program>('GET', `/v1/programs/${seg(id)}`),
  createProgram: (body: ProgramInput) => json<Program>('POST', '/v1/programs', { body }),
  enroll: (id: string, body: EnrollInput) => json<Enrollment>('POST', `/v1/programs/${seg(id)}/enroll`, { body }),
  withdraw: (id: string) => json<void>('DELETE', `/v1/programs/${seg(id)}/enroll`),
  /** cohortPlan is HR's view of the plan (404 until built). */
  cohortPlan: (id: string) => json<CohortPlan>('GET', `/v1/programs/${seg(id)}/cohorts`),
  /** myCohort is a member's own cohort (404 until published); HR gets the whole plan instead. */
  myCohort: (id: string) => json<MyCohort | CohortPlan>('GET', `/v1/programs/${seg(id)}/cohorts`),
  buildCohorts: (id: string, body: { seed?: number }) => json<CohortPlan>('POST', `/v1/programs/${seg(id)}/cohorts/build`, { body }),
  /** adjustCohorts replaces the plan with HR's arrangement (409 extra.conflict plan_changed on a stale version). */
  adjustCohorts: (id: string, body: AdjustInput) => json<CohortPlan>('PUT', `/v1/programs/${seg(id)}/cohorts`, { body }),
  /** publishCohorts fixes the plan and closes enrollment (409 extra.conflict unplaced or plan_changed). */
  publishCohorts: (id: string, version: number) => json<CohortPlan>('POST', `/v1/programs/${seg(id)}/cohorts/publish`, { body: { version } }),

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
