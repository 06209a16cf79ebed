// API field errors in words a person would write: no field paths ("sessionTypes[0].durationMin"
// reads "Session type 1, length"), no raw enum values ('must be "good", "unsure" or "poor"'
// reads "Choose one of the options."), long minute ranges in hours or days. Pure; a unit test
// runs every field message the Go code can send through it (words.test.ts).

const LEAF: Record<string, string> = {
  durationMin: 'length',
  minNoticeMin: 'minimum notice',
  horizonDays: 'how far ahead',
  maxPerDay: 'sessions per day',
  maxPerWeek: 'sessions per week',
  startIncrementMin: 'start times every',
  bufferBeforeMin: 'break before',
  bufferAfterMin: 'break after',
  lateCancelHours: 'late-cancel window',
  lateCancelMin: 'late-cancel window',
  requestExpiryDays: 'request expiry',
  startHour: 'from',
  endHour: 'to',
  sessionType: 'session type',
  sessionTypes: 'session type',
  preferredTimes: 'time',
  timezone: 'time zone',
  tz: 'time zone',
  match: 'how good a match it was',
  wouldRecommend: 'would you recommend',
  rating: 'rating',
  cohortSize: 'cohort size',
  members: 'people enrolled',
  weekday: 'day',
  weights: 'weight',
  meetingUrl: 'meeting link',
  bookingMode: 'booking mode',
  durationHours: 'length',
  headline: 'headline',
  languages: 'language',
  topics: 'topic',
  start: 'start',
  end: 'end',
  from: 'from',
  to: 'to',
};

const words = (key: string): string =>
  LEAF[key] ??
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/\b(Min|Hours|Days)\b$/i, '')
    .trim()
    .toLowerCase();

/** fieldLabel: "sessionTypes[0].durationMin" → "Session type 1, length"; "headline" → "Headline". */
export function fieldLabel(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('.')) {
    const m = /^([A-Za-z_][\w-]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) {
      parts.push(words(seg.replace(/[[\]]/g, ' ')));
      continue;
    }
    const idx = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]) + 1);
    parts.push([words(m[1]!), ...idx].join(' '));
  }
  const s = parts.filter(Boolean).join(', ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** duration: 90 → "1 h 30 min", 2880 → "2 days", 527040 → "366 days". */
export function humanMinutes(min: number): string {
  if (min === 0) return '0';
  if (min % 1440 === 0) return `${min / 1440} ${min === 1440 ? 'day' : 'days'}`;
  if (min % 60 === 0) return `${min / 60} ${min === 60 ? 'hour' : 'hours'}`;
  if (min < 60) return `${min} ${min === 1 ? 'minute' : 'minutes'}`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/**
 * fieldMessage rewrites one field error for people: choices instead of enum lists, long
 * minute ranges in hours or days, no format jargon or references to other fields' paths.
 */
export function fieldMessage(field: string, message: string): string {
  let m = message;
  // A list of allowed values: say what to do instead of listing codes.
  if (/^must be "[^"]+"(, "[^"]+")*( or "[^"]+")?$/.test(m)) return field === 'match' || field === 'matchFit' ? 'Say how good a match it was.' : 'Choose one of the options.';
  const cohort = /must number at least the cohort size \((\d+)\), got (\d+)/.exec(m);
  if (cohort) return `At least ${cohort[1]} people must enrol before cohorts can be built (${cohort[2]} so far).`;
  m = m.replace(/must be (\d+)-(\d+) minutes(?: \([^)]*\))?/, (all, a: string, b: string) => (Number(b) >= 600 ? `must be from ${humanMinutes(Number(a))} to ${humanMinutes(Number(b))}` : all));
  m = m
    .replace(/\bRFC 3339(, e\.g\. [^)]+)?/g, 'a date and time')
    .replace(/\(a date and time\)/g, '')
    .replace(/an IANA time zone(, e\.g\. [\w/]+)?/g, 'a time zone from the list')
    .replace(/\bIANA /g, '')
    .replace(/YYYY-MM-DD/g, 'a date')
    .replace(/YYYY-MM/g, 'a month')
    .replace(/\b0 ≤ startHour < endHour ≤ 24\b/, 'the start before the end, within the day')
    .replace(/\b[a-z]+[A-Z]\w*(\[\d+\])?(\.\w+)*/g, (p) => fieldLabel(p).toLowerCase())
    .replace(/\b\w+\[\d+\](\.\w+)*/g, (p) => fieldLabel(p).toLowerCase())
    .replace(/"([^"]*)"/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?)]$/.test(m) ? '' : '.');
}

/** fieldError: one field's error as a sentence that names the field ("Headline is required."). */
export const fieldError = (field: string, message: string): string => `${fieldLabel(field)}: ${fieldMessage(field, message).replace(/^./, (c) => c.toLowerCase())}`;
