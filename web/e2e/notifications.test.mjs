// @ts-check
// End-to-end: notifications in the web app (#16), against the same `tandem dev -now $E2E_NOW`
// (whose stream consumer turns bookings into notifications and e-mails to the SES emulator,
// SES_ENDPOINT) and seed as the other files.
//
//   bell: Maya is signed in; Ben books her through the API; the bell in her header shows the
//   new unread count (it polls on focus, which the test gives it, and every 60 s), names it
//   for screen readers and announces the rise.
//
//   inbox: from the bell, Maya opens the notification about Ben's booking: it leads to the
//   booking's page and is read; "Mark all as read" empties the unread list and the bell.
//
//   settings: Ben turns e-mail off for one kind and chooses one reminder a day before; it is
//   saved and kept after a reload.
//
//   unsubscribe: the link in Ben's e-mail (read from the SES emulator) opens without signing
//   in, says what it unsubscribes from and does it in one click, twice without harm.
//
// Date: the Friday four weeks after E2E_NOW (9 April 2027 by default), Maya's first free intro
// slot: away from the weeks and times the other files book. `after` cancels the booking and
// puts Ben's settings back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { BASE, apiAs, assertAccessible, done, launch, newPage, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const NEW_YORK = 'America/New_York';
const DAY = NOW.setZone(NEW_YORK).startOf('week').plus({ weeks: 4, days: 4 });
const SES = process.env.SES_ENDPOINT ?? '';

/** @type {import('playwright-core').Browser} */
let browser;
const flow = { bookingId: '', settings: /** @type {any} */ (null) };

before(async () => {
  browser = await launch();
  const ben = await apiAs('ben@acme.example');
  const s = await ben('GET', '/v1/me/notification-settings');
  assert.equal(s.status, 200, s.text);
  flow.settings = s.json;
});
after(async () => {
  try {
    const ben = await apiAs('ben@acme.example');
    if (flow.settings) await ben('PUT', '/v1/me/notification-settings', flow.settings);
    if (flow.bookingId) {
      const b = await ben('GET', `/v1/bookings/${flow.bookingId}`);
      if (b.json?.status === 'confirmed' || b.json?.status === 'pending') await ben('POST', `/v1/bookings/${flow.bookingId}/cancel`, { reason: 'e2e clean-up' });
    }
  } finally {
    await browser?.close();
  }
});

/** Ben books Maya's first free intro on DAY through the API. */
async function benBooksMaya() {
  const ben = await apiAs('ben@acme.example');
  const q = new URLSearchParams({ from: DAY.toUTC().toISO() ?? '', to: DAY.plus({ days: 1 }).toUTC().toISO() ?? '', sessionType: 'intro', tz: NEW_YORK });
  const slots = await ben('GET', `/v1/experts/acme-maya/slots?${q}`);
  assert.equal(slots.status, 200, slots.text);
  const slot = slots.json.slots[0];
  assert.ok(slot, `Maya has a free intro on ${DAY.toISODate()}`);
  const r = await ben('POST', '/v1/bookings', { expertId: 'acme-maya', sessionType: 'intro', start: slot.start, note: 'e2e: notifications' }, { 'Idempotency-Key': `e2e-notify-${Date.now()}` });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

/**
 * Gives the page focus events (the bell asks for the count on focus) until the bell's count
 * passes want, or 30 s.
 * @param {import('playwright-core').Page} page
 * @param {(n: number) => boolean} ok
 */
async function bellUntil(page, ok) {
  const bell = page.locator('a.bell');
  for (let i = 0; i < 60; i++) {
    const n = Number(await bell.getAttribute('data-unread'));
    if (ok(n)) return n;
    await page.evaluate(() => dispatchEvent(new Event('focus')));
    await page.waitForTimeout(500);
  }
  throw new Error(`the bell's count stayed at ${await bell.getAttribute('data-unread')}`);
}

test('the bell shows the unread count after Ben books Maya', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  const maya = await apiAs('maya@acme.example');
  const before = (await maya('GET', '/v1/notifications/unread-count')).json.unread;
  await page.waitForFunction((n) => document.querySelector('a.bell')?.getAttribute('data-unread') === String(n), before);
  flow.bookingId = await benBooksMaya();
  const n = await bellUntil(page, (x) => x > before);
  const bell = page.locator('a.bell');
  assert.equal(await bell.getAttribute('aria-label'), `Notifications, ${n} unread`);
  assert.equal((await bell.locator('.bell-count').textContent())?.trim(), n > 99 ? '99+' : String(n));
  await page.locator('.bell-wrap [role="status"]').filter({ hasText: `You have ${n} unread notification` }).waitFor({ state: 'attached' });
  await assertAccessible(page);
  await shot(page, 'notifications-bell', { fullPage: false });
  await done(s);
});

test('the inbox: a notification leads to its booking and is then read; mark all as read', async () => {
  assert.ok(flow.bookingId, 'the previous test booked');
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.locator('a.bell').click();
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  const item = page.locator('li[data-notification]').filter({ has: page.locator(`a[href="/bookings/${flow.bookingId}"]`) }).first();
  await item.waitFor();
  assert.match((await item.getAttribute('class')) ?? '', /unread/);
  await assertAccessible(page);
  await shot(page, 'notifications-inbox');
  await item.locator(`a[href="/bookings/${flow.bookingId}"]`).click();
  await page.waitForURL(new RegExp(`/bookings/${flow.bookingId}$`));
  await page.getByRole('heading', { level: 1, name: 'Intro chat with Ben Carter' }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  const again = page.locator('li[data-notification]').filter({ has: page.locator(`a[href="/bookings/${flow.bookingId}"]`) }).first();
  await again.waitFor();
  assert.doesNotMatch((await again.getAttribute('class')) ?? '', /unread/, 'opened is read');

  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await page.getByTestId('unread').filter({ hasText: 'Nothing unread' }).waitFor();
  await page.waitForFunction(() => document.querySelector('a.bell')?.getAttribute('aria-label') === 'Notifications, none unread');
  const maya = await apiAs('maya@acme.example');
  assert.equal((await maya('GET', '/v1/notifications/unread-count')).json.unread, 0);
  await page.getByRole('link', { name: 'Unread', exact: true }).click();
  await page.getByText('Nothing unread.').waitFor();
  await done(s);
});

test('notification settings: e-mail per kind and reminders are saved and kept', async () => {
  const kinds = flow.settings.kinds;
  assert.ok(kinds.length > 0, 'the settings list kinds');
  const k = kinds[0];
  const s = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  const { page } = s;
  await page.locator('a.bell').click();
  await page.getByRole('link', { name: 'Notification settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Notification settings' }).waitFor();
  const box = page.getByRole('checkbox', { name: k.label, exact: true });
  assert.equal(await box.isChecked(), k.email);
  await box.setChecked(!k.email);
  await page.getByLabel('First reminder').selectOption({ label: '1 day before' });
  await page.getByLabel('Second reminder').selectOption({ label: 'None' });
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
  await shot(page, 'notifications-settings');

  const ben = await apiAs('ben@acme.example');
  const saved = (await ben('GET', '/v1/me/notification-settings')).json;
  assert.deepEqual(saved.reminders.leadMinutes, [1440]);
  assert.equal(saved.kinds.find((/** @type {any} */ x) => x.kind === k.kind).email, !k.email);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Notification settings' }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: k.label, exact: true }).isChecked(), !k.email, 'kept after a reload');
  assert.equal(await page.getByLabel('First reminder').inputValue(), '1440');
  assert.equal(await page.getByLabel('Second reminder').inputValue(), '0');
  await done(s);
});

test('the unsubscribe link from an e-mail works without signing in, twice', async (t) => {
  if (!SES) {
    t.skip('SES_ENDPOINT is not set: no mailbox to read the link from');
    return;
  }
  assert.ok(flow.bookingId, 'the first test booked');
  // Ben's e-mail about the booking (the stream consumer sends it within seconds).
  /** @type {string} */
  let link = '';
  for (let i = 0; i < 60 && !link; i++) {
    const store = await (await fetch(`${SES.replace(/\/$/, '')}/store`)).json();
    for (const m of store.emails ?? []) {
      if (!(m.destination?.to ?? []).some((/** @type {string} */ a) => a.includes('ben@acme.example'))) continue;
      const found = /\/unsubscribe\?t=[A-Za-z0-9_\-.~%]+/.exec(m.body?.text ?? '');
      if (found) link = found[0];
    }
    if (!link) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(link, 'Ben got an e-mail with an unsubscribe link');
  const s = await newPage(browser);
  const { page } = s;
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Unsubscribe' }).waitFor();
  await page.getByText(/Stop e-mails about .+ to ben@acme\.example\?/).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0, 'not signed in');
  await assertAccessible(page);
  await shot(page, 'unsubscribe');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.getByRole('status').filter({ hasText: /Done: no more e-mails about/ }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.getByRole('status').filter({ hasText: /Done: no more e-mails about/ }).waitFor();
  await done(s);
  assert.equal(new URL(BASE + link).pathname, '/unsubscribe');
});
