// The new-program form, pure so it can be tested: what HR types to the API's ProgramInput,
// with field errors for what JSON cannot carry (a blank number, no first session: the API
// could only say "the body could not be read"). Ranges are the API's to judge; it names them.
import type { Cadence, FieldError, ProgramInput } from '../../api';
import { fromLocalInput } from '../../time';
import { slugify } from '../../cohort';

/** ProgramForm is the form as typed: numbers as strings, the first session as wall time in its zone. */
export interface ProgramForm {
  title: string;
  topic: string;
  description: string;
  cohortSize: string;
  start: string; // datetime-local value, on the program's clock
  timezone: string;
  cadence: Cadence;
  sessions: string;
  sessionMin: string;
  facilitators: string[];
  maxSpreadHours: string;
}

export function emptyProgramForm(zone: string): ProgramForm {
  return { title: '', topic: '', description: '', cohortSize: '4', start: '', timezone: zone, cadence: 'weekly', sessions: '6', sessionMin: '60', facilitators: [], maxSpreadHours: '4' };
}

/**
 * programBody turns the form into the POST body and the errors found before sending: numbers
 * that are blank or not numbers, a missing or impossible first session (the start is the wall
 * time read in the program's zone, sent as a UTC instant). Text is trimmed; the topic is sent
 * as a slug ("Public speaking" → "public-speaking").
 */
export function programBody(f: ProgramForm): { body: ProgramInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const num = (field: keyof ProgramForm, v: string): number => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n)) errors.push({ field, message: 'must be a number' });
    return Number.isFinite(n) ? n : 0;
  };
  const cohortSize = num('cohortSize', f.cohortSize);
  const sessions = num('sessions', f.sessions);
  const sessionMin = num('sessionMin', f.sessionMin);
  const maxSpreadHours = num('maxSpreadHours', f.maxSpreadHours);
  let start = '';
  if (!f.start) errors.push({ field: 'start', message: 'is required: the date and time of the first session' });
  else {
    start = fromLocalInput(f.start, f.timezone) ?? '';
    if (!start) errors.push({ field: 'start', message: 'is not a valid time in this time zone' });
  }
  const body: ProgramInput = {
    title: f.title.trim(),
    topic: slugify(f.topic),
    description: f.description.trim(),
    cohortSize,
    start,
    timezone: f.timezone,
    cadence: f.cadence,
    sessions,
    sessionMin,
    facilitators: f.facilitators,
    maxSpreadHours,
  };
  return { body, errors };
}
