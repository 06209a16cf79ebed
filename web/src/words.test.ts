// Walks every field error the Go code can send (v.Check calls and FieldError literals under
// internal/) through the words the app shows: none may show a field path, a raw enum value
// (a quoted code), a format verb or API jargon.
import { describe, expect, it } from 'vitest';
import { fieldError, fieldLabel, fieldMessage, humanMinutes } from './words';

// Every Go source file of the API (not its tests), as text, through Vite's glob import.
const goSources = import.meta.glob<string>(['../../internal/**/*.go', '!../../internal/**/*_test.go'], { query: '?raw', import: 'default', eager: true });

const lit = String.raw`("(?:[^"\\]|\\.)*"|\x60[^\x60]*\x60)`;
const patterns = [new RegExp(String.raw`\.Check\([^\n]*?,\s*"([^"]+)",\s*` + lit, 'g'), new RegExp(String.raw`Field:\s*"([^"]+)",\s*Message:\s*` + lit, 'g')];
const unquote = (s: string) => (s.startsWith('"') ? (JSON.parse(s) as string) : s.slice(1, -1));

const messages: [string, string][] = [];
for (const src of Object.values(goSources)) {
  for (const re of patterns) for (const m of src.matchAll(re)) messages.push([m[1]!, unquote(m[2]!).replace(/%d/g, '3').replace(/%[sqv]/g, 'x')]);
}

describe('field errors in words', () => {
  it('finds the Go messages', () => {
    expect(messages.length).toBeGreaterThan(60);
    expect(messages.some(([, m]) => m.includes('"good", "unsure" or "poor"'))).toBe(true);
  });
  it('never shows a field path, an enum value, a format verb or jargon', () => {
    const paths = ['sessionTypes[0].durationMin', 'preferredTimes[2].startHour', 'weights.topicFit', 'members', 'limits.minNoticeMin'];
    const bad: string[] = [];
    for (const [field, msg] of messages) {
      for (const path of [field, ...paths]) {
        const out = fieldError(path, msg);
        if (/"|\[\d+\]|%[a-z]|\b[a-z]+[A-Z][a-zA-Z]*\b|RFC|IANA|\w\.\w/.test(out)) bad.push(`${field}: ${msg} → ${out}`);
      }
    }
    expect([...new Set(bad)]).toEqual([]);
  });
  it('reads like a person wrote it', () => {
    expect(fieldMessage('match', 'must be "good", "unsure" or "poor"')).toBe('Say how good a match it was.');
    expect(fieldMessage('urgency', 'must be "low", "normal" or "high"')).toBe('Choose one of the options.');
    expect(fieldMessage('members', 'must number at least the cohort size (3), got 0')).toBe('At least 3 people must enrol before cohorts can be built (0 so far).');
    expect(fieldMessage('limits.minNoticeMin', 'must be 0-43200 minutes (30 days)')).toBe('Must be from 0 to 30 days.');
    expect(fieldMessage('end', 'must be after start')).toBe('Must be after start.');
    expect(fieldLabel('sessionTypes[0].durationMin')).toBe('Session type 1, length');
    expect(fieldLabel('headline')).toBe('Headline');
    expect(humanMinutes(90)).toBe('1 h 30 min');
    expect(humanMinutes(720)).toBe('12 hours');
  });
});
