// @ts-check
// End-to-end: calendar connections in the web app (#17), against the same `tandem dev -now
// $E2E_NOW` and seed as the other files. The subscription URLs are served by this file from
// a small HTTP server on loopback: a calendar with one busy hour, and one that answers 401.
//
//   connect: Maya connects her "Work" calendar by its secret address; the first sync runs at
//   once and the card says when it was read and how many busy times; the 10:00 hour (New
//   York) of that day is no longer offered. "Sync now" reads it again.
//
//   broken: a calendar whose address answers 401 shows the error in plain words, and the rest
//   of the page works.
//
//   availability: opening Availability syncs her calendars and says so.
//
//   caldav: Maya connects a CalDAV calendar on a real Radicale (infra/radicale.sh, started and
//   stopped by this file) with user and password and write-back; an event put into it over
//   CalDAV at 14:00 blocks that hour; the password is never shown again.
//
//   remove: all are removed after a confirmation; the hours are free again.
//
// Date: the Tuesday six weeks after E2E_NOW (20 April 2027 by default), away from the other
// files' days. `after` removes whatever a failed step left connected.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { apiAs, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const NEW_YORK = 'America/New_York';
const DAY = NOW.setZone(NEW_YORK).startOf('week').plus({ weeks: 6, days: 1 });
const BUSY = DAY.set({ hour: 10 });
const DAV_BUSY = DAY.set({ hour: 14 });
const RADICALE = new URL('../../infra/radicale.sh', import.meta.url).pathname;
const RADICALE_STATE = new URL('../../.local/radicale-web-e2e', import.meta.url).pathname;
const DAV_USER = 'maya-e2e';
const DAV_PASSWORD = 'e2e-Radicale-pw-1';
let dav = '';
const ics = (/** @type {DateTime} */ start, uid = 'e2e-busy-1@tandem.test') => {
  const f = (/** @type {DateTime} */ d) => d.toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'");
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Tandem e2e//EN',
    'BEGIN:VEVENT', `UID:${uid}`, `DTSTAMP:${f(NOW)}`, `DTSTART:${f(start)}`, `DTEND:${f(start.plus({ hours: 1 }))}`, 'SUMMARY:Board meeting', 'END:VEVENT',
    'END:VCALENDAR', '',
  ].join('\r\n');
};

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('node:http').Server} */
let server;
let origin = '';

before(async () => {
  browser = await launch();
  server = createServer((req, res) => {
    if (req.url === '/work/basic.ics') {
      res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8' });
      res.end(ics(BUSY));
    } else if (req.url === '/locked/basic.ics') {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="calendar"' });
      res.end('Unauthorized');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(async () => {
  try {
    const maya = await apiAs('maya@acme.example');
    const l = await maya('GET', '/v1/me/calendars');
    for (const c of l.json?.items ?? []) await maya('DELETE', `/v1/me/calendars/${c.id}`);
  } finally {
    server?.close();
    await browser?.close();
  }
});

/** Whether Maya offers an intro at `at` (as learners see it). */
async function offered(at = BUSY) {
  const ben = await apiAs('ben@acme.example');
  const q = new URLSearchParams({ from: DAY.toUTC().toISO() ?? '', to: DAY.plus({ days: 1 }).toUTC().toISO() ?? '', sessionType: 'intro', tz: NEW_YORK });
  const r = await ben('GET', `/v1/experts/acme-maya/slots?${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json.slots.some((/** @type {{start: string}} */ s) => DateTime.fromISO(s.start).toMillis() === at.toMillis());
}

test('connect a calendar by its secret address: status, busy hour hidden, sync now', async () => {
  assert.ok(await offered(), 'Maya offers 10:00 before');
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.getByRole('button', { name: 'More' }).click(); // Calendars is under More
  await page.getByRole('link', { name: 'Calendars' }).click();
  await page.getByRole('heading', { level: 1, name: 'Calendars' }).waitFor();
  await page.getByText('No calendars connected yet.').waitFor();
  const form = page.locator('form.connect-form');
  await form.getByRole('button', { name: 'Connect' }).click();
  await form.locator('[aria-invalid="true"]').first().waitFor();
  assert.ok(await form.locator('.error').count() > 0, 'field errors in place');

  await form.getByLabel('Name', { exact: true }).fill('Work');
  await form.getByLabel('Secret address in iCal format').fill(`${origin}/work/basic.ics`);
  await form.getByRole('button', { name: 'Connect' }).click();
  const card = page.locator('li.calendar-card').filter({ hasText: 'Work' });
  await card.waitFor();
  await page.waitForFunction(() => document.activeElement?.closest('li.calendar-card') !== null);
  assert.equal(await card.getAttribute('data-status'), 'ok', await card.innerText());
  await card.getByText(/Last synced .*: 1 busy time read\./).waitFor();
  await card.getByText(/^Next sync /).waitFor();
  await card.getByText('at 127.0.0.1', { exact: false }).waitFor();
  assert.doesNotMatch(await card.innerText(), /basic\.ics/, 'the secret address is never shown');
  assert.ok(!(await offered()), 'the busy hour is no longer offered');

  await card.getByRole('button', { name: 'Sync now' }).click();
  await card.getByRole('status').filter({ hasText: '“Work” synced: 1 busy times.' }).waitFor({ state: 'attached' });
  await assertAccessible(page);
  await shot(page, 'calendars-connected');
  await done(s, [400, 422]);
});

test('a calendar that answers 401 shows why in plain words; the page keeps working', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.goto('/calendars');
  const form = page.locator('form.connect-form');
  await form.getByLabel('Name', { exact: true }).fill('Locked');
  await form.getByLabel('Secret address in iCal format').fill(`${origin}/locked/basic.ics`);
  await form.getByRole('button', { name: 'Connect' }).click();
  const card = page.locator('li.calendar-card').filter({ hasText: 'Locked' });
  await card.waitFor();
  assert.equal(await card.getAttribute('data-status'), 'error');
  await card.locator('.badge', { hasText: 'Not syncing' }).waitFor();
  await card.getByText(/^The last sync failed: /).waitFor();
  const text = await card.innerText();
  assert.doesNotMatch(text, /locked\/basic\.ics/, 'the error never quotes the secret address');
  await page.locator('li.calendar-card').filter({ hasText: 'Work' }).getByRole('button', { name: 'Sync now' }).click();
  await assertAccessible(page);
  await shot(page, 'calendars-broken');
  await done(s);
});

test('opening Availability syncs the connected calendars and says so', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  const synced = page.waitForRequest((r) => r.method() === 'POST' && /\/v1\/me\/calendars\/[^/]+\/sync$/.test(r.url()));
  await page.getByRole('link', { name: 'Availability' }).click();
  await synced;
  await page.getByTestId('calendar-sync').filter({ hasText: /One calendar could not be read \(“Locked”\)\. See why on Calendars/ }).waitFor();
  await shot(page, 'availability-sync', { fullPage: false });
  await done(s);
});

test('connect a CalDAV calendar (a real Radicale) with user, password and write-back', async () => {
  dav = execFileSync(RADICALE, ['start', '--state-dir', RADICALE_STATE, '--user', `${DAV_USER}:${DAV_PASSWORD}`, '--fresh'], { encoding: 'utf8' }).trim();
  const auth = { Authorization: `Basic ${Buffer.from(`${DAV_USER}:${DAV_PASSWORD}`).toString('base64')}` };
  const collection = `${dav}/${DAV_USER}/work/`;
  await fetch(collection, { method: 'DELETE', headers: auth }); // a calendar left by an earlier run
  const mk = await fetch(collection, { method: 'MKCALENDAR', headers: auth });
  assert.equal(mk.status, 201, `MKCALENDAR: ${mk.status} ${await mk.text()}`);
  const put = await fetch(`${collection}e2e-dav-busy.ics`, { method: 'PUT', headers: { ...auth, 'Content-Type': 'text/calendar; charset=utf-8' }, body: ics(DAV_BUSY, 'e2e-dav-busy@tandem.test') });
  assert.ok(put.status === 201 || put.status === 204, `PUT: ${put.status}`);
  assert.ok(await offered(DAV_BUSY), 'Maya offers 14:00 before');

  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.goto('/calendars');
  const form = page.locator('form.connect-form');
  await form.getByText('CalDAV (iCloud, Fastmail, Nextcloud, company server)').click();
  await form.getByLabel('Name', { exact: true }).fill('Team');
  await form.getByLabel('CalDAV calendar URL').fill(collection);
  await form.getByLabel('User name').fill(DAV_USER);
  await form.getByLabel('Password').fill(DAV_PASSWORD);
  await form.getByLabel('Also put my confirmed Tandem sessions into this calendar').check();
  await assertAccessible(page);
  await form.getByRole('button', { name: 'Connect' }).click();
  const card = page.locator('li.calendar-card').filter({ hasText: 'Team' });
  await card.waitFor();
  assert.equal(await card.getAttribute('data-status'), 'ok', await card.innerText());
  await card.getByText(/Last synced .*: 1 busy time read\./).waitFor();
  await card.getByText('Your confirmed Tandem sessions are written into this calendar.').waitFor();
  assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), '', 'the form is cleared');
  assert.ok(!(await page.content()).includes(DAV_PASSWORD), 'the password is nowhere on the page');
  assert.ok(!(await offered(DAV_BUSY)), 'the CalDAV event blocks 14:00');
  await shot(page, 'calendars-caldav');
  await done(s);
});

test('remove every calendar after confirming; the hours are offered again', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.goto('/calendars');
  for (const name of ['Team', 'Locked', 'Work']) {
    const card = page.locator('li.calendar-card').filter({ hasText: name });
    await card.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: `Remove “${name}”?` });
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: `Removed “${name}”.` }).waitFor({ state: 'attached' });
  }
  await page.getByText('No calendars connected yet.').waitFor();
  assert.ok(await offered(), 'the hour is offered again');
  assert.ok(await offered(DAV_BUSY), 'the CalDAV hour too');
  await done(s);
});
