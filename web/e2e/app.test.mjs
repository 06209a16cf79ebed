// @ts-check
// End-to-end: the built web app served by `tandem dev -now $E2E_NOW` over a freshly seeded
// DynamoDB Local (infra/web-test.sh sets it up). The tests run in order and build on each
// other (book → the expert sees it → cancel, rebook, reschedule → availability edit), and
// create every booking they look at: the seed's own demo bookings are never relied on.
//
// Dates: with the default E2E_NOW (Wed 10 March 2027) the booking week is 22–28 March, when
// New York is on daylight time (since 14 March) and London is not yet (28 March): 4 hours
// apart. The edited Saturday, 13 March, is still 5 hours apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { ARTIFACTS, axe, launch, newPage, shot, signIn } from './lib.mjs';

/**
 * Regression (#19): "saved" appeared ~2,000 px below the Save button. The note must sit beside
 * the button that saved, both in view together.
 * @param {import('playwright-core').Page} page
 * @param {string} button
 * @param {string} note
 */
async function assertSavedBesideButton(page, button, note) {
  const b = await page.getByRole('button', { name: button }).boundingBox();
  const n = await page.getByText(note).boundingBox();
  assert.ok(b && n, `${button} and its note are laid out`);
  const gap = Math.max(0, n.y - (b.y + b.height), b.y - (n.y + n.height));
  assert.ok(gap <= 48, `"${note}" is ${Math.round(gap)} px from "${button}", want beside it`);
}


const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const BOOK_WEEK = NOW.setZone('Europe/London').startOf('week').plus({ weeks: 2 }); // Mon 22 Mar
const EDIT_DAY = NOW.setZone('America/New_York').startOf('week').plus({ days: 5 }); // Sat 13 Mar
const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';

/** @type {import('playwright-core').Browser} */
let browser;
/** The booking the learner made, as the API returned it. */
const booked = { id: '', start: '', londonLabel: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * A signed-in page for one test; fails the test on console errors or accessibility problems.
 * @param {string} name
 * @param {string} email
 * @param {{width?: number, height?: number}} [opts]
 */
async function as(name, email, opts) {
  const s = await newPage(browser, opts);
  await signIn(s.page, name, email);
  return s;
}

/**
 * Closes the context and fails on console errors. Chromium logs every 4xx answer as a console
 * error; a test that provokes one on purpose names its status in allowStatus.
 * @param {{errors: string[], context: import('playwright-core').BrowserContext}} s
 * @param {number[]} [allowStatus]
 */
async function done(s, allowStatus = []) {
  await s.context.close();
  const expected = (/** @type {string} */ e) => allowStatus.some((n) => e.includes(`Failed to load resource: the server responded with a status of ${n} `));
  assert.deepEqual(s.errors.filter((e) => !expected(e)), [], 'no console errors');
}

/** @param {import('playwright-core').Page} page */
async function assertAccessible(page) {
  assert.deepEqual(await axe(page), [], `axe finds no serious problems on ${page.url()}`);
}

/** The London wall time of an instant, as the week view labels it. */
const hhmm = (/** @type {string} */ iso, /** @type {string} */ zone) => DateTime.fromISO(iso).setZone(zone).toFormat('HH:mm');

/**
 * Opens Maya's page from a search and picks the Monday of the booking week in the month calendar.
 * @param {import('playwright-core').Page} page
 */
async function openMayaBookingWeek(page) {
  await page.getByRole('link', { name: 'Find experts' }).click();
  await page.getByLabel('Topic', { exact: true }).fill('go');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/topic=go/);
  await page.getByRole('link', { name: 'Maya Okafor' }).click();
  await page.getByRole('heading', { level: 1, name: 'Maya Okafor' }).waitFor();
  const day = page.locator(`.cal-day[data-date="${BOOK_WEEK.toISODate()}"]`);
  while ((await day.count()) === 0) {
    await page.locator('.cal-day').first().waitFor();
    if ((await day.count()) > 0) break;
    await page.getByRole('button', { name: 'Next month' }).click();
    await page.waitForURL(/date=/);
  }
  await day.click();
  await page.locator(`.day-times[data-date="${BOOK_WEEK.toISODate()}"]`).waitFor();
}

test('sign-in lists the demo users by organisation and role', async () => {
  const s = await newPage(browser);
  await s.page.goto('/');
  await s.page.getByRole('heading', { name: 'Sign in to Tandem' }).waitFor();
  for (const h of ['Organisation: acme', 'Organisation: globex']) await s.page.getByRole('heading', { name: h }).waitFor();
  const acme = s.page.locator('section.org', { has: s.page.getByRole('heading', { name: 'Organisation: acme' }) });
  assert.match(await acme.locator('section', { has: s.page.getByRole('heading', { name: 'HR' }) }).innerText(), /Hana Novak/);
  assert.match(await acme.locator('section', { has: s.page.getByRole('heading', { name: 'Experts' }) }).innerText(), /Maya Okafor/);
  assert.match(await acme.locator('section', { has: s.page.getByRole('heading', { name: 'Learners' }) }).innerText(), /Ben Carter/);
  await shot(s.page, '01-sign-in');
  await assertAccessible(s.page);
  await done(s);
});

test('a learner cannot open the HR pages; HR can, and only HR loads the chart chunk', async () => {
  const ben = await as('Ben Carter', 'ben@acme.example');
  assert.equal(await ben.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).count(), 0, 'no HR link for a learner');
  await ben.page.goto('/hr');
  await ben.page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
  assert.ok(!ben.requests.some((u) => /dashboard-.*\.js/.test(u)), 'the HR chunk is never fetched for a learner');
  await shot(ben.page, '02-hr-not-allowed');
  await assertAccessible(ben.page);
  // The expert screens are guarded the same way.
  await ben.page.goto('/expert/availability');
  await ben.page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
  await done(ben);

  const hana = await as('Hana Novak', 'hana@acme.example');
  await hana.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).click();
  await hana.page.getByRole('heading', { level: 2, name: 'Headline figures' }).waitFor();
  assert.ok(hana.requests.some((u) => /dashboard-.*\.js/.test(u)), 'the HR chunk is loaded lazily');
  assert.match((await hana.page.locator('[data-chart-version]').getAttribute('data-chart-version')) ?? '', /^4\./);
  await shot(hana.page, '03-hr-dashboard-first-view');
  await done(hana);
});

test('a learner in London books an expert in New York and sees London time', async () => {
  const s = await as('Ben Carter', 'ben@acme.example');
  const { page } = s;
  // The zone comes from the profile (Europe/London), not the device (Tokyo).
  assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), LONDON);
  await openMayaBookingWeek(page);
  assert.match(await page.locator('.zone-note').first().innerText(), /Europe\/London \(GMT\)/);
  await assertAccessible(page);

  const monday = page.locator(`.day-times[data-date="${BOOK_WEEK.toISODate()}"]`);
  const slot = monday.locator('button.slot').first();
  const start = (await slot.getAttribute('data-start')) ?? '';
  const label = (await slot.innerText()).trim();
  assert.equal(label, hhmm(start, LONDON), 'the label is the London wall time of the slot');
  const ny = DateTime.fromISO(start).setZone(NEW_YORK);
  assert.ok(ny.hour >= 9 && ny.hour < 17, `Maya's slot is in her New York working hours (${ny.toFormat('HH:mm')})`);
  assert.equal(DateTime.fromISO(start).setZone(LONDON).diff(ny.setZone(LONDON, { keepLocalTime: true }), 'hours').hours, 4, 'London is 4 h ahead of New York that week');
  await shot(page, '04-expert-week-london');

  // Keyboard: Enter on a focused slot opens the confirmation, Escape closes it and gives
  // focus back to the slot.
  await slot.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Book this session?' });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-start')), start, 'focus returns to the slot');
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  assert.match(await dialog.getByTestId('booking-when').innerText(), new RegExp(`^${BOOK_WEEK.toFormat('ccc d LLL')}, ${label}–`));
  await dialog.getByLabel('Note for the expert (optional)').fill('Where do I start with Go?');
  const [req, res] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/v1/bookings') && r.method() === 'POST'),
    page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Confirm booking' }).click(),
  ]);
  assert.match(req.headers()['idempotency-key'] ?? '', /^[0-9a-f-]{36}$/, 'an Idempotency-Key per confirmation');
  assert.equal(res.status(), 201);
  const body = await res.json();
  Object.assign(booked, { id: body.id, start: body.start, londonLabel: label });
  assert.equal(Date.parse(body.start), Date.parse(start));
  await page.getByRole('dialog', { name: 'Session booked' }).waitFor();
  await shot(page, '05-booked-dialog');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download calendar invite (.ics)' }).click()]);
  assert.equal(download.suggestedFilename(), `tandem-${booked.id}.ics`);
  await download.saveAs(`${ARTIFACTS}invite.ics`);
  const ics = readFileSync(`${ARTIFACTS}invite.ics`, 'utf8');
  assert.match(ics, /BEGIN:VCALENDAR/);
  assert.match(ics, new RegExp(`DTSTART:${DateTime.fromISO(start).toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'")}`));

  await page.getByRole('button', { name: 'Close' }).click();
  await page.locator(`button.slot[data-start="${start}"]`).waitFor({ state: 'detached' });

  await page.getByRole('link', { name: 'My sessions' }).click();
  const card = page.locator(`[data-booking="${booked.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`${BOOK_WEEK.toFormat('ccc d LLL')}, ${label}–`));
  assert.match(await card.innerText(), /Maya Okafor/);
  await shot(page, '06-my-sessions-london');
  await assertAccessible(page);
  await done(s);
});

test('the expert sees the booking in New York time', async () => {
  const s = await as('Maya Okafor', 'maya@acme.example');
  const { page } = s;
  assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), NEW_YORK);
  await page.getByRole('link', { name: 'Schedule' }).click();
  const card = page.locator(`[data-booking="${booked.id}"]`);
  await card.waitFor();
  const text = await card.innerText();
  assert.match(text, /Ben Carter/);
  const nyLabel = hhmm(booked.start, NEW_YORK);
  assert.match(text, new RegExp(`${BOOK_WEEK.toFormat('ccc d LLL')}, ${nyLabel}–`));
  assert.equal(Number(booked.londonLabel.slice(0, 2)) - Number(nyLabel.slice(0, 2)), 4);
  await shot(page, '07-expert-schedule-new-york');
  await assertAccessible(page);
  await done(s);
});

test('the learner cancels, books the same time again, then reschedules', async () => {
  const s = await as('Ben Carter', 'ben@acme.example');
  const { page } = s;
  await page.getByRole('link', { name: 'My sessions' }).click();
  const card = page.locator(`[data-booking="${booked.id}"]`);
  await card.getByRole('button', { name: 'Cancel session' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this session?' });
  await dialog.getByLabel('Reason (optional)').fill('A clash came up');
  await dialog.getByRole('button', { name: 'Cancel session' }).click();
  await card.getByText('Cancelled', { exact: true }).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Cancel session' }).count(), 0);

  // The freed time is offered again; book it again.
  await openMayaBookingWeek(page);
  const slot = page.locator(`button.slot[data-start="${booked.start.replace('Z', '+00:00')}"], button.slot[data-start="${booked.start}"]`).first();
  await slot.click();
  const confirm = page.getByRole('dialog', { name: 'Book this session?' });
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    confirm.getByRole('button', { name: 'Confirm booking' }).click(),
  ]);
  assert.equal(res.status(), 201);
  const again = await res.json();
  assert.notEqual(again.id, booked.id);
  await page.getByRole('dialog', { name: 'Session booked' }).getByRole('link', { name: 'Go to my sessions' }).click();

  // Reschedule into another free slot: the first one on the Tuesday.
  const card2 = page.locator(`[data-booking="${again.id}"]`);
  await card2.getByRole('link', { name: 'Reschedule' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reschedule' }).waitFor();
  // The picker opens on the session's day; choose the Tuesday in the month.
  await page.locator(`.cal-day[data-date="${BOOK_WEEK.plus({ days: 1 }).toISODate()}"]`).click();
  const tuesday = page.locator(`.day-times[data-date="${BOOK_WEEK.plus({ days: 1 }).toISODate()}"]`);
  const target = tuesday.locator('button.slot').first();
  const to = (await target.getAttribute('data-start')) ?? '';
  await target.click();
  const move = page.getByRole('dialog', { name: 'Move this session?' });
  assert.match(await move.getByTestId('reschedule-to').innerText(), new RegExp(`${BOOK_WEEK.plus({ days: 1 }).toFormat('ccc d LLL')}, ${hhmm(to, LONDON)}–`));
  await shot(page, '08-reschedule');
  await move.getByRole('button', { name: 'Move session' }).click();
  await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
  await page.getByRole('status').filter({ hasText: `Moved to ${BOOK_WEEK.plus({ days: 1 }).toFormat('ccc d LLL')}, ${hhmm(to, LONDON)}` }).waitFor();
  assert.match(await card2.innerText(), new RegExp(`${BOOK_WEEK.plus({ days: 1 }).toFormat('ccc d LLL')}, ${hhmm(to, LONDON)}–`));
  await shot(page, '09-my-sessions-after-reschedule');
  await done(s);
});

test('the expert edits availability and the learner sees the change', async () => {
  // Before: Maya works Monday to Friday, so the Saturday shows nothing to Ben.
  const ben = await as('Ben Carter', 'ben@acme.example');
  const dayCell = (/** @type {import('playwright-core').Page} */ p) => p.locator(`.day-times[data-date="${EDIT_DAY.toISODate()}"]`);
  await ben.page.goto(`/experts/acme-maya?date=${EDIT_DAY.toISODate()}`);
  await dayCell(ben.page).waitFor();
  assert.equal(await dayCell(ben.page).locator('button.slot').count(), 0);

  const maya = await as('Maya Okafor', 'maya@acme.example');
  const { page } = maya;
  await page.getByRole('link', { name: 'Availability' }).click();
  await page.getByRole('heading', { level: 1, name: 'My availability' }).waitFor();
  const previewDay = page.locator(`.preview-days li[data-date="${EDIT_DAY.toISODate()}"]`);
  await previewDay.waitFor();
  assert.match(await previewDay.innerText(), /none/);

  // A wrong interval first: the API's field error appears next to that field.
  await page.getByRole('button', { name: 'Add a date override' }).click();
  const override = page.locator('[data-override="0"]');
  await override.getByLabel('Date', { exact: true }).fill(EDIT_DAY.toISODate() ?? '');
  await override.getByRole('button', { name: /^Add hours/ }).click();
  await override.getByLabel('From', { exact: true }).fill('12:00');
  await override.getByLabel('To', { exact: true }).fill('10:00');
  await page.getByRole('button', { name: 'Save availability' }).click();
  const err = override.locator('.field.has-error', { has: page.getByLabel('To', { exact: true }) });
  await err.getByText('must be after start').waitFor();
  assert.equal(await override.getByLabel('To', { exact: true }).getAttribute('aria-invalid'), 'true');
  await shot(page, '10-availability-field-error');

  await override.getByLabel('From', { exact: true }).fill('10:00');
  await override.getByLabel('To', { exact: true }).fill('12:00');
  await page.getByRole('button', { name: 'Save availability' }).click();
  await page.getByText('Availability saved.').waitFor();
  await assertSavedBesideButton(page, 'Save availability', 'Availability saved.');
  await previewDay.getByText(/^10:00/).waitFor();
  assert.match(await previewDay.innerText(), /10:00 · 10:30 · 11:00 · 11:30/);
  await shot(page, '11-availability-saved-preview');
  await assertAccessible(page);
  await done(maya, [400]); // the invalid interval, on purpose

  // After: Ben sees Saturday slots, at London time (5 hours ahead before the US change).
  await ben.page.reload();
  await dayCell(ben.page).locator('button.slot').first().waitFor();
  const labels = await dayCell(ben.page).locator('button.slot').allInnerTexts();
  assert.deepEqual(labels, ['15:00', '15:30', '16:00', '16:30']);
  // Switching the zone (without saving) re-renders the week in that zone.
  await ben.page.getByLabel('Time zone', { exact: true }).selectOption(NEW_YORK);
  await ben.page.locator('.zone-note').filter({ hasText: 'America/New York' }).waitFor();
  await dayCell(ben.page).locator('button.slot').filter({ hasText: '10:00' }).waitFor();
  assert.deepEqual(await dayCell(ben.page).locator('button.slot').allInnerTexts(), ['10:00', '10:30', '11:00', '11:30']);
  await shot(ben.page, '12-learner-sees-saturday-in-new-york-zone');
  await done(ben);
});

test('approval mode: a request waits until the expert confirms it', async () => {
  const ben = await as('Ben Carter', 'ben@acme.example');
  await ben.page.goto(`/experts/acme-lukas?date=${BOOK_WEEK.plus({ days: 2 }).toISODate()}`);
  await ben.page.getByText('confirms each request').waitFor();
  const slot = ben.page.locator(`.day-times[data-date="${BOOK_WEEK.plus({ days: 2 }).toISODate()}"] button.slot`).first();
  const start = (await slot.getAttribute('data-start')) ?? '';
  await slot.click();
  const [res] = await Promise.all([
    ben.page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    ben.page.getByRole('dialog', { name: 'Book this session?' }).getByRole('button', { name: 'Confirm booking' }).click(),
  ]);
  const request = await res.json();
  assert.equal(request.status, 'pending');
  await ben.page.getByRole('dialog', { name: 'Request sent' }).waitFor();
  await done(ben);

  // Lukas works in Berlin and lands on his home, where the request is pinned with its
  // deadline; he approves it there.
  const lukas = await as('Lukas Becker', 'lukas@acme.example');
  const pinned = lukas.page.getByRole('region', { name: /Waiting for your approval/ });
  const card = pinned.locator(`[data-booking="${request.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`, ${hhmm(start, 'Europe/Berlin')}–`));
  assert.match(await card.innerText(), /Answer by /);
  await shot(lukas.page, '13a-expert-home-pinned-approval');
  await assertAccessible(lukas.page);
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.waitFor({ state: 'detached' });
  await lukas.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  const confirmed = lukas.page.locator(`[data-booking="${request.id}"]`);
  await confirmed.getByText('Confirmed', { exact: true }).waitFor();
  assert.equal(await confirmed.getByRole('button', { name: 'Confirm' }).count(), 0);
  await shot(lukas.page, '13-expert-confirmed-request');
  await done(lukas);
});

test('the expert edits the profile; field errors appear next to their fields', async () => {
  const s = await as('Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('heading', { level: 1, name: 'My expert profile' }).waitFor();
  const first = page.getByRole('group', { name: 'Session type 1' });
  const minutes = first.getByLabel('Minutes', { exact: true });
  await minutes.waitFor();
  const before = await minutes.inputValue();
  await minutes.fill('7');
  await page.getByLabel('Headline', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await first.locator('.field.has-error', { has: page.getByLabel('Minutes', { exact: true }) }).getByText('must be 10-240 minutes in steps of 5').waitFor();
  await page.locator('.field.has-error', { has: page.getByLabel('Headline', { exact: true }) }).getByText('is required').waitFor();
  // Focus moves to the first invalid field.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
  assert.ok(await page.getByLabel('Headline', { exact: true }).evaluate((el) => el === document.activeElement));
  await shot(page, '14-profile-field-errors');

  await minutes.fill(before);
  await page.getByLabel('Headline', { exact: true }).fill('Principal engineer: Go, distributed systems and technical leadership');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByText('Profile saved.').waitFor();
  await assertSavedBesideButton(page, 'Save profile', 'Profile saved.');
  assert.equal(await page.locator('.field.has-error').count(), 0);
  await assertAccessible(page);
  await done(s, [400]); // the invalid profile, on purpose
});

test('phone width: the week view stacks and nothing scrolls sideways', async () => {
  const s = await as('Ben Carter', 'ben@acme.example', { width: 390, height: 844 });
  const { page } = s;
  await page.goto(`/experts/acme-maya?date=${BOOK_WEEK.toISODate()}`);
  await page.locator('button.slot').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
  await shot(page, '15-phone-expert-week');
  await assertAccessible(page);
  // A compact header with a menu button (issue 19: it took 177-216 px).
  const header = await page.locator('header.header').boundingBox();
  assert.ok(header && header.height <= 64, `the phone header is at most 64 px high (${header?.height})`);
  assert.equal(await page.getByRole('link', { name: 'My sessions' }).isVisible(), false, 'the navigation is folded into the menu');
  await page.getByRole('button', { name: 'Menu' }).click();
  await shot(page, '15a-phone-menu-open', { fullPage: false });
  await page.getByRole('link', { name: 'My sessions' }).click();
  assert.equal(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false', 'the menu closes after navigating');
  await page.locator('[data-booking]').first().waitFor();
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0);
  await shot(page, '16-phone-my-sessions');
  await done(s);
});
