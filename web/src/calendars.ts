// Calendars in words, pure: the outgoing feed's links for calendar apps (copy, webcal, "Add to
// Google / Outlook / Apple") and a connected calendar's health (last sync, next sync, the last
// error, busy times kept while it cannot be read), for the Calendars page and Availability.
import { DateTime } from 'luxon';
import type { CalendarConnection, CalendarKind } from './api';
import { formatInstant } from './time';

export const FEED_NAME = 'Tandem sessions';

/** FeedLinks: every way to subscribe to the caller's feed. */
export interface FeedLinks {
  /** The absolute https (or, locally, http) URL: what "Copy link" copies. */
  https: string;
  /** The same as webcal://, which Apple Calendar (and most desktop apps) open as a subscription. */
  webcal: string;
  google: string;
  /** Outlook on the web for work or school accounts (Microsoft 365). */
  outlook: string;
  /** Outlook.com for personal Microsoft accounts. */
  outlookCom: string;
}

/**
 * feedLinks builds the subscription links from the feed's URL, relative or absolute, on the
 * app's origin: the web app and the API share one origin (CloudFront in AWS, tandem dev
 * locally), so only the path is taken from the API's answer.
 */
export function feedLinks(url: string, origin: string): FeedLinks {
  const https = new URL(new URL(url, origin).pathname, origin).href;
  const webcal = https.replace(/^https?:/, 'webcal:');
  const q = (u: string) => `?url=${encodeURIComponent(u)}&name=${encodeURIComponent(FEED_NAME)}`;
  return {
    https,
    webcal,
    google: `https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`,
    outlook: `https://outlook.office.com/calendar/0/addfromweb${q(https)}`,
    outlookCom: `https://outlook.live.com/calendar/0/addfromweb${q(https)}`,
  };
}

export const kindLabel: Record<CalendarKind, string> = {
  ics: 'Calendar subscription (iCalendar URL)',
  caldav: 'CalDAV calendar',
};

/** Health of one connection as the page shows it: a short state and sentences in order. */
export interface Health {
  /** ok: read on its last sync; pending: never read yet; error: the last sync failed. */
  state: 'ok' | 'pending' | 'error';
  /** The badge text. */
  badge: string;
  lines: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * ago: "5 minutes ago", "just now" (under a minute), from base; '' for a time after base (the
 * device's clock, standing in for the server's, may differ from it: then say nothing).
 */
export function ago(iso: string, base: DateTime): string {
  const t = DateTime.fromISO(iso);
  if (!t.isValid) return '';
  const s = base.diff(t).as('seconds');
  if (s < -60) return '';
  if (s < 60) return 'just now';
  return t.toRelative({ base, locale: 'en' }) ?? '';
}

/**
 * health says how a connection stands: when it was last read, when it is read next, what went
 * wrong last in the words the server gave, and whether its busy times still block the slots
 * (a calendar that cannot be read keeps its last known busy times for a while, never silently
 * dropping them).
 */
export function health(c: CalendarConnection, zone: string, now: DateTime): Health {
  const lines: string[] = [];
  const when = (iso: string) => {
    const rel = ago(iso, now);
    return rel ? `${formatInstant(iso, zone)} (${rel})` : formatInstant(iso, zone);
  };
  if (c.status === 'pending' && !c.lastSyncAt) lines.push('Not read yet: the first sync is under way.');
  if (c.lastSyncAt) lines.push(`Last synced ${when(c.lastSyncAt)}: ${plural(c.events, 'busy time')} read.`);
  if (c.status === 'error') {
    lines.push(`The last sync failed${c.failures > 1 ? ` (${c.failures} times in a row)` : ''}: ${c.lastError?.trim() || 'no reason was given.'}`);
    if (c.busyKeptUntil && DateTime.fromISO(c.busyKeptUntil) > now) {
      lines.push(
        c.lastSyncAt
          ? `Busy times from the last good sync still block your slots until ${formatInstant(c.busyKeptUntil, zone)}.`
          : `Nothing has been read from it yet; it blocks nothing.`,
      );
    } else if (c.lastSyncAt) {
      lines.push(`Its busy times no longer block your slots${c.busyKeptUntil ? ` (kept until ${formatInstant(c.busyKeptUntil, zone)})` : ''}: fix the connection or remove it.`);
    }
  } else if (c.staleSince) {
    lines.push(`Not read since ${formatInstant(c.staleSince, zone)}.`);
  }
  if (c.nextSyncAt) lines.push(`Next sync ${formatInstant(c.nextSyncAt, zone)}.`);
  if (c.writeBack) lines.push('Your confirmed Tandem sessions are written into this calendar.');
  const state = c.status === 'error' ? 'error' : c.status === 'pending' && !c.lastSyncAt ? 'pending' : 'ok';
  const badge = state === 'error' ? 'Not syncing' : state === 'pending' ? 'Waiting for first sync' : 'Syncing';
  return { state, badge, lines };
}

/** syncSummary: one line for the Availability page about every connected calendar. */
export function syncSummary(items: CalendarConnection[]): string {
  if (items.length === 0) return '';
  const failing = items.filter((c) => c.status === 'error');
  if (failing.length === 0) return `Busy times from ${plural(items.length, 'connected calendar')} are up to date.`;
  const names = failing.map((c) => `“${c.name}”`).join(', ');
  return `${failing.length === 1 ? 'One calendar' : `${failing.length} calendars`} could not be read (${names}).`;
}
