// @ts-check
// End-to-end: calendars (#17) and the booking page e-mails link to (#16), against the same
// `tandem dev -now $E2E_NOW` and seed as the other files.
//
//   feed: Maya makes her feed link on Calendars, copies it (the clipboard holds it), sees the
//   "Add to Google / Outlook / Apple" links (webcal), and the link serves her sessions as
//   iCalendar without sign-in; she makes a new link: the old one stops working at once.
//
//   invite: Nina books Maya through the API; Maya downloads the session's invite (.ics) from
//   her schedule.
//
//   action link: Nina opens the link an e-mail would carry (/bookings/{id}?do=cancel&t=…): she
//   signs in, the token leaves the address bar, the page shows the session and asks before
//   cancelling; a confirm link on the now cancelled session says there is nothing to confirm.
//
// Date: the Thursday four weeks after E2E_NOW (8 April 2027 by default), Maya's first free
// intro slot that day: away from the weeks and times the other files book. `after` cancels
// the booking if a failed step left it standing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { ARTIFACTS, BASE, apiAs, assertAccessible, done, launch, shot, signIn, signedIn, newPage } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const NEW_YORK = 'America/New_York';
const DAY = NOW.setZone(NEW_YORK).startOf('week').plus({ weeks: 4, days: 3 });

/** @type {import('playwright-core').Browser} */
let browser;
const flow = { bookingId: '', start: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    if (flow.bookingId) {
      const nina = await apiAs('nina@acme.example');
      const b = await nina('GET', `/v1/bookings/${flow.bookingId}`);
      if (b.json?.status === 'confirmed' || b.json?.status === 'pending') await nina('POST', `/v1/bookings/${flow.bookingId}/cancel`, { reason: 'e2e clean-up' });
    }
  } finally {
    await browser?.close();
  }
});

/** GETs a URL without sign-in. */
const fetchFeed = async (/** @type {string} */ url) => {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('Content-Type') ?? '', text: await r.text() };
};

test('the feed: make the link, copy it, add it to a calendar app, make a new one', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page, context } = s;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.getByRole('button', { name: 'More' }).click(); // Calendars is under More
  await page.getByRole('link', { name: 'Calendars' }).click();
  await page.getByRole('heading', { level: 1, name: 'Calendars' }).waitFor();
  const feed = page.locator('section.feed');
  const input = page.getByLabel('Feed link');
  if (!(await input.isVisible())) await feed.getByRole('button', { name: 'Make my feed link' }).click();
  await input.waitFor();
  const first = await input.inputValue();
  assert.match(first, new RegExp(`^${BASE.replace(/[.]/g, '\\.')}/v1/calendar/[^/]+/feed\\.ics$`), 'an absolute feed URL');

  await feed.getByRole('button', { name: 'Copy link' }).click();
  await feed.getByRole('status').filter({ hasText: 'Link copied.' }).waitFor({ state: 'attached' });
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the clipboard holds the link');

  const apple = await feed.getByRole('link', { name: 'Add to Apple Calendar' }).getAttribute('href');
  assert.equal(apple, first.replace(/^https?:/, 'webcal:'));
  const google = await feed.getByRole('link', { name: 'Add to Google Calendar' }).getAttribute('href');
  assert.equal(google, `https://calendar.google.com/calendar/render?cid=${encodeURIComponent(apple ?? '')}`);
  const outlook = new URL((await feed.getByRole('link', { name: 'Add to Outlook (work or school)' }).getAttribute('href')) ?? '');
  assert.equal(outlook.searchParams.get('url'), first);

  const served = await fetchFeed(first);
  assert.equal(served.status, 200, 'the feed needs no sign-in');
  assert.match(served.type, /text\/calendar/);
  assert.match(served.text, /BEGIN:VCALENDAR/);
  await assertAccessible(page);
  await shot(page, 'calendars-feed');

  await feed.getByRole('button', { name: 'Make a new link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make a new feed link?' });
  await dialog.getByRole('button', { name: 'Make a new link' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction((old) => /** @type {HTMLInputElement} */ (document.getElementById('feed-url'))?.value !== old, first);
  const second = await input.inputValue();
  assert.notEqual(second, first);
  assert.equal((await fetchFeed(first)).status, 404, 'the old link stops working');
  assert.equal((await fetchFeed(second)).status, 200, 'the new link works');
  await page.reload();
  await input.waitFor();
  assert.equal(await input.inputValue(), second, 'the link is shown again after a reload (from the list)');
  await done(s);
});

test('the expert downloads a session’s invite from her schedule', async () => {
  const nina = await apiAs('nina@acme.example');
  const from = DAY.toUTC().toISO({ suppressMilliseconds: true });
  const to = DAY.plus({ days: 1 }).toUTC().toISO({ suppressMilliseconds: true });
  const slots = await nina('GET', `/v1/experts/acme-maya/slots?from=${encodeURIComponent(from ?? '')}&to=${encodeURIComponent(to ?? '')}&sessionType=intro&tz=${NEW_YORK}`);
  assert.equal(slots.status, 200, slots.text);
  const slot = slots.json.slots.find((/** @type {{start: string, seatsLeft?: number}} */ x) => x.seatsLeft === undefined || x.seatsLeft > 0);
  assert.ok(slot, `Maya has a free intro on ${DAY.toISODate()}`);
  const r = await nina('POST', '/v1/bookings', { expertId: 'acme-maya', sessionType: 'intro', start: slot.start, note: 'e2e: invite from the schedule' }, { 'Idempotency-Key': `e2e-cal-${Date.now()}` });
  assert.equal(r.status, 201, r.text);
  flow.bookingId = r.json.id;
  flow.start = r.json.start;

  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.getByRole('link', { name: 'Schedule' }).click();
  const card = page.locator(`[data-booking="${flow.bookingId}"]`);
  for (let i = 0; i < 6 && !(await card.isVisible()); i++) {
    const more = page.getByRole('button', { name: 'Show more' });
    if (!(await more.isVisible())) break;
    await more.click();
  }
  await card.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Calendar invite' }).click()]);
  assert.equal(download.suggestedFilename(), `tandem-${flow.bookingId}.ics`);
  await download.saveAs(`${ARTIFACTS}schedule-invite.ics`);
  const ics = readFileSync(`${ARTIFACTS}schedule-invite.ics`, 'utf8');
  assert.match(ics, /METHOD:REQUEST/);
  assert.match(ics, new RegExp(`UID:[^\\r\\n]*${flow.bookingId}`));
  await shot(page, 'schedule-invite');
  await done(s);
});

test('an e-mail’s action link: sign in, the token leaves the address bar, asked before cancelling', async () => {
  assert.ok(flow.bookingId, 'the previous test booked');
  const s = await newPage(browser);
  const { page } = s;
  await signIn(page, 'Nina Horvat', 'nina@acme.example', `/bookings/${flow.bookingId}?do=cancel&t=e2e-not-a-real-token`);
  const ask = page.getByRole('region', { name: 'Cancel this session?' });
  await ask.waitFor();
  assert.equal(new URL(page.url()).search, '?do=cancel', 'the token is dropped from the address');
  await page.getByRole('heading', { level: 1, name: 'Intro chat with Maya Okafor' }).waitFor();
  await assertAccessible(page);
  await shot(page, 'booking-action-cancel');
  await ask.getByLabel(/Reason/).fill('Something came up');
  await ask.getByRole('button', { name: 'Cancel session' }).click();
  await page.getByRole('status').filter({ hasText: 'Cancelled.' }).waitFor();
  await page.locator('.badge', { hasText: 'Cancelled' }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the action is not asked again');

  await page.goto(`/bookings/${flow.bookingId}?do=confirm&t=x`);
  await page.getByTestId('cannot').filter({ hasText: 'cancelled already' }).waitFor();
  await done(s);
});
