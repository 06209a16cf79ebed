import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime, Settings } from 'luxon';
import { parseProblem, type CalendarConnection } from './api';
import { bookingRefusal } from './refusal';
import { ago, feedLinks, health, syncSummary } from './calendars';

const conn = (patch: Partial<CalendarConnection> = {}): CalendarConnection => ({
  id: 'c1',
  kind: 'ics',
  name: 'Work',
  host: 'calendar.google.com',
  writeBack: false,
  status: 'ok',
  failures: 0,
  events: 12,
  ...patch,
});
beforeAll(() => {
  Settings.defaultLocale = 'en-GB';
});

const NOW = DateTime.fromISO('2027-03-10T12:00:00Z', { zone: 'Europe/London' });

describe('feedLinks', () => {
  it('makes the relative feed path absolute, webcal and the calendar apps’ subscribe links', () => {
    const l = feedLinks('/v1/calendar/tok123/feed.ics', 'https://tandem.example.com');
    expect(l.https).toBe('https://tandem.example.com/v1/calendar/tok123/feed.ics');
    expect(l.webcal).toBe('webcal://tandem.example.com/v1/calendar/tok123/feed.ics');
    expect(l.google).toBe('https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftandem.example.com%2Fv1%2Fcalendar%2Ftok123%2Ffeed.ics');
    expect(new URL(l.outlook).searchParams.get('url')).toBe(l.https);
    expect(new URL(l.outlook).host).toBe('outlook.office.com');
    expect(new URL(l.outlookCom).host).toBe('outlook.live.com');
    expect(new URL(l.outlookCom).searchParams.get('name')).toBe('Tandem sessions');
  });

  it('takes only the path of an absolute URL (the list answers one): the app and the API share its origin', () => {
    const l = feedLinks('http://127.0.0.1/v1/calendar/t/feed.ics', 'http://127.0.0.1:4780');
    expect(l.https).toBe('http://127.0.0.1:4780/v1/calendar/t/feed.ics');
    expect(l.webcal).toBe('webcal://127.0.0.1:4780/v1/calendar/t/feed.ics');
  });
});

describe('health', () => {
  it('a healthy calendar: last sync with how long ago, busy times read, next sync, in the zone', () => {
    const h = health(conn({ lastSyncAt: '2027-03-10T11:55:00Z', nextSyncAt: '2027-03-10T12:05:00Z' }), 'Europe/London', NOW);
    expect(h.state).toBe('ok');
    expect(h.badge).toBe('Syncing');
    expect(h.lines).toEqual(['Last synced Wed 10 Mar, 11:55 (5 minutes ago): 12 busy times read.', 'Next sync Wed 10 Mar, 12:05.']);
  });

  it('a failing calendar says why, how often, and until when its old busy times still block', () => {
    const h = health(
      conn({ status: 'error', lastSyncAt: '2027-03-10T08:00:00Z', lastError: 'The server refused the user name or password (401).', failures: 3, staleSince: '2027-03-10T08:10:00Z', busyKeptUntil: '2027-03-12T08:00:00Z', events: 1 }),
      'America/New_York',
      NOW,
    );
    expect(h.state).toBe('error');
    expect(h.badge).toBe('Not syncing');
    expect(h.lines).toContain('The last sync failed (3 times in a row): The server refused the user name or password (401).');
    expect(h.lines).toContain('Busy times from the last good sync still block your slots until Fri 12 Mar, 03:00.');
    expect(h.lines[0]).toBe('Last synced Wed 10 Mar, 03:00 (4 hours ago): 1 busy time read.');
  });

  it('past the kept window it says the busy times no longer block; never read: it blocks nothing', () => {
    const past = health(conn({ status: 'error', lastSyncAt: '2027-03-01T08:00:00Z', failures: 9, lastError: 'Not found (404).', busyKeptUntil: '2027-03-03T08:00:00Z' }), 'UTC', NOW);
    expect(past.lines.join(' ')).toMatch(/no longer block your slots \(kept until Wed 3 Mar, 08:00\)/);
    const never = health(conn({ status: 'error', failures: 1, lastError: 'Could not connect.', busyKeptUntil: '2027-03-12T08:00:00Z', events: 0 }), 'UTC', NOW);
    expect(never.lines).toEqual(['The last sync failed: Could not connect.', 'Nothing has been read from it yet; it blocks nothing.']);
  });

  it('pending before its first sync; write-back is said', () => {
    const h = health(conn({ status: 'pending', kind: 'caldav', writeBack: true }), 'UTC', NOW);
    expect(h.state).toBe('pending');
    expect(h.lines).toEqual(['Not read yet: the first sync is under way.', 'Your confirmed Tandem sessions are written into this calendar.']);
  });
});

describe('ago and syncSummary', () => {
  it('under a minute is just now', () => {
    expect(ago('2027-03-10T11:59:30Z', NOW)).toBe('just now');
    expect(ago('2027-03-09T12:00:00Z', NOW)).toBe('1 day ago');
    expect(ago('2027-06-09T12:00:00Z', NOW)).toBe('');
    expect(health(conn({ lastSyncAt: '2027-06-09T12:00:00Z' }), 'UTC', NOW).lines[0]).toBe('Last synced Wed 9 Jun, 12:00: 12 busy times read.');
  });
  it('counts calendars and names the failing ones', () => {
    expect(syncSummary([])).toBe('');
    expect(syncSummary([conn(), conn({ id: 'c2' })])).toBe('Busy times from 2 connected calendars are up to date.');
    expect(syncSummary([conn(), conn({ id: 'c2', name: 'Home', status: 'error' })])).toBe('One calendar could not be read (“Home”).');
  });
});

describe('a booking refused because of the expert’s own calendar', () => {
  it('is final, titled, and keeps the API’s plain reason', () => {
    const err = parseProblem(409, 'application/problem+json', JSON.stringify({ status: 409, code: 'expert_calendar_busy', title: 'Conflict', detail: 'Maya Okafor has another appointment at that time (from a connected calendar).', extra: { conflict: 'expert_calendar_busy' } }));
    const r = bookingRefusal(err);
    expect(r?.kind).toBe('calendar_busy');
    expect(r?.title).toBe('The expert is busy then');
    expect(r?.message).toBe('Maya Okafor has another appointment at that time (from a connected calendar).');
  });
});
