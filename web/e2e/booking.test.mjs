// @ts-check
// End-to-end: the date-first booking flow. A learner books in three clicks after opening an
// expert (date, time, confirm), and by keyboard alone (arrow keys in the month and in the
// times); the learner's own session is never offered at another expert; a time taken by
// someone else meanwhile disappears without a reload (at once on a refused confirm, and on
// the refetch when the window regains focus). After booking: add-to-calendar links,
// reschedule and cancel.
//
// People and dates no other file uses: Marco and Yuki (learners) book Amara (London) and Omar
// (Dubai) in the week of Monday 29 March 2027; Raj takes times through the API. `after`
// cancels everything booked here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { apiAs, assertAccessible, close, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const DAY = NOW.setZone('Europe/Rome').startOf('week').plus({ weeks: 2, days: 7 }); // Mon 29 Mar (Marco's clock)

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {{email: string, id: string}[]} */
const made = [];

before(async () => {
  browser = await launch();
});
after(async () => {
  for (const m of made) await (await apiAs(m.email))('POST', `/v1/bookings/${m.id}/cancel`, { reason: 'e2e clean-up' });
  await browser?.close();
});

/** @param {string} iso */
const ms = (iso) => Date.parse(iso);

test('a learner books in three clicks: date, time, confirm; then sees calendar links, reschedule and cancel', async () => {
  const s = await signedIn(browser, 'Marco Rossi', 'marco@acme.example');
  const { page } = s;
  await page.goto('/experts/acme-amara');
  await page.getByRole('heading', { level: 1, name: 'Amara Nwosu' }).waitFor();
  // The month marks days with free times; the first free day is chosen already.
  await page.locator('.cal-day.has-free').first().waitFor();
  await page.locator('.day-times button.slot').first().waitFor();
  await shot(page, '30-picker-month');
  await assertAccessible(page);

  let clicks = 0;
  await page.locator(`.cal-day[data-date="${DAY.toISODate()}"]`).click();
  clicks++;
  const times = page.locator(`.day-times[data-date="${DAY.toISODate()}"]`);
  await times.getByRole('group', { name: 'Morning' }).waitFor();
  const parts = await times.locator('.part h4').allInnerTexts();
  assert.ok(parts.length >= 2, `times grouped by part of the day (${parts.join(', ')})`);
  const slot = times.locator('button.slot').first();
  const start = (await slot.getAttribute('data-start')) ?? '';
  await slot.click();
  clicks++;
  const dialog = page.getByRole('dialog', { name: 'Book this session?' });
  assert.match(await dialog.getByTestId('booking-when').innerText(), new RegExp(`^${DAY.toFormat('ccc d LLL')}, `));
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Confirm booking' }).click(),
  ]);
  clicks++;
  assert.equal(res.status(), 201);
  assert.equal(clicks, 3);
  const b = await res.json();
  made.push({ email: 'marco@acme.example', id: b.id });
  const booked = page.getByRole('dialog', { name: 'Session booked' });
  const google = new URL((await booked.getByRole('link', { name: 'Google Calendar' }).getAttribute('href')) ?? '');
  assert.equal(google.hostname, 'calendar.google.com');
  assert.equal(google.searchParams.get('dates')?.split('/')[0], DateTime.fromISO(start).toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'"));
  const outlook = new URL((await booked.getByRole('link', { name: 'Outlook' }).getAttribute('href')) ?? '');
  assert.equal(Date.parse(outlook.searchParams.get('startdt') ?? ''), ms(start));
  await booked.getByRole('button', { name: 'Apple Calendar' }).waitFor();
  assert.equal(await booked.getByRole('link', { name: 'Reschedule' }).getAttribute('href'), `/sessions/${b.id}/reschedule`);
  await shot(page, '31-picker-booked', { fullPage: false });
  await booked.getByRole('button', { name: 'Close' }).click();
  await page.locator(`button.slot[data-start="${start}"]`).waitFor({ state: 'detached' });
  assert.deepEqual(await close(s), [], 'no console errors');
});

test('the learner’s own session is not offered at another expert', async () => {
  const marco = await apiAs('marco@acme.example');
  const mine = made[0];
  assert.ok(mine, 'the first test booked');
  const booking = (await marco('GET', `/v1/bookings/${mine.id}`)).json;
  // Another expert is free then too, as the API says (it does not know Marco's bookings).
  const from = DAY.toISODate();
  const to = DAY.plus({ days: 1 }).toISODate();
  /** @type {any[]} */
  let clash = [];
  let other = '';
  for (const id of ['acme-omar', 'acme-priya', 'acme-sofia', 'acme-grace', 'acme-kenji', 'acme-chloe']) {
    const list = (await marco('GET', `/v1/experts/${id}/slots?from=${from}&to=${to}&sessionType=intro&tz=Europe/Rome`)).json;
    clash = (list?.slots ?? []).filter((/** @type {any} */ x) => ms(x.start) < ms(booking.end) && ms(booking.start) < ms(x.end));
    if (clash.length > 0) {
      other = id;
      break;
    }
  }
  assert.ok(clash.length > 0, `another expert has free times overlapping Marco’s session (${booking.start})`);

  const s = await signedIn(browser, 'Marco Rossi', 'marco@acme.example');
  const { page } = s;
  await page.goto(`/experts/${other}?date=${DAY.toISODate()}`);
  const times = page.locator(`.day-times[data-date="${DAY.toISODate()}"] button.slot`);
  await times.first().waitFor();
  const shown = (await times.evaluateAll((els) => els.map((e) => e.getAttribute('data-start') ?? ''))).map(ms);
  assert.ok(shown.length > 0);
  for (const c of clash) assert.ok(!shown.includes(ms(c.start)), `${c.start} overlaps Marco’s own session and is not offered`);
  assert.deepEqual(await close(s), [], 'no console errors');
});

test('by keyboard alone: arrows in the month and the times, Enter to pick, confirm', async () => {
  const s = await signedIn(browser, 'Yuki Sato', 'yuki@acme.example', { width: 390, height: 844 });
  const { page } = s;
  await page.goto(`/experts/acme-omar?date=${DAY.toISODate()}`);
  await page.locator('.day-times button.slot').first().waitFor();
  const active = () => page.evaluate(() => ({ cls: document.activeElement?.className ?? '', date: document.activeElement?.getAttribute('data-date') ?? '', start: document.activeElement?.getAttribute('data-start') ?? '', text: document.activeElement?.textContent ?? '' }));
  // Tab to the month: it is one tab stop, on the chosen day.
  for (let i = 0; i < 60 && !(await active()).cls.includes('cal-day'); i++) await page.keyboard.press('Tab');
  assert.equal((await active()).date, DAY.toISODate());
  // Focus moves after the picker re-renders: wait for it (up to 2 s) before asserting.
  const settled = async (/** @type {(a: {date: string, start: string}) => boolean} */ ok) => {
    for (let i = 0; i < 20; i++) {
      const a = await active();
      if (ok(a)) return a;
      await page.waitForTimeout(100);
    }
    return active();
  };
  await page.keyboard.press('ArrowRight');
  assert.equal((await settled((a) => a.date === DAY.plus({ days: 1 }).toISODate())).date, DAY.plus({ days: 1 }).toISODate(), 'ArrowRight moves a day');
  await page.keyboard.press('ArrowUp');
  assert.equal((await settled((a) => a.date === DAY.plus({ days: -6 }).toISODate())).date, DAY.plus({ days: -6 }).toISODate(), 'ArrowUp moves a week');
  await page.keyboard.press('ArrowDown');
  // Enter only once focus is on the day ArrowDown moved to (under load the re-render lags).
  assert.equal((await settled((a) => a.date === DAY.plus({ days: 1 }).toISODate())).date, DAY.plus({ days: 1 }).toISODate(), 'ArrowDown moves a week');
  await page.keyboard.press('Enter');
  const day = DAY.plus({ days: 1 });
  await page.locator(`.day-times[data-date="${day.toISODate()}"] button.slot`).first().waitFor();
  // Tab into the times (one tab stop), arrows between them.
  for (let i = 0; i < 6 && !(await active()).cls.includes('slot'); i++) await page.keyboard.press('Tab');
  const first = (await active()).start;
  assert.ok(first);
  await page.keyboard.press('ArrowRight');
  const second = (await settled((a) => !!a.start && a.start !== first)).start;
  assert.ok(second && ms(second) > ms(first), 'ArrowRight moves to the next time');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Book this session?' });
  await dialog.waitFor();
  for (let i = 0; i < 8 && (await active()).text !== 'Confirm booking'; i++) await page.keyboard.press('Tab');
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'), page.keyboard.press('Enter')]);
  assert.equal(res.status(), 201);
  const b = await res.json();
  made.push({ email: 'yuki@acme.example', id: b.id });
  assert.equal(ms(b.start), ms(second));
  await page.getByRole('dialog', { name: 'Session booked' }).waitFor();
  await shot(page, '32-phone-booked', { fullPage: false });
  await page.keyboard.press('Escape');
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'no sideways scrolling on a phone');
  await shot(page, '33-phone-picker');
  await assertAccessible(page);
  assert.deepEqual(await close(s), [], 'no console errors');
});

test('a time taken by someone else meanwhile is gone without a reload', async () => {
  const s = await signedIn(browser, 'Marco Rossi', 'marco@acme.example');
  const { page } = s;
  const day = DAY.plus({ days: 2 });
  await page.goto(`/experts/acme-amara?date=${day.toISODate()}`);
  const times = page.locator(`.day-times[data-date="${day.toISODate()}"] button.slot`);
  await times.nth(3).waitFor();
  const [a, b] = [(await times.nth(1).getAttribute('data-start')) ?? '', (await times.nth(3).getAttribute('data-start')) ?? ''];
  const raj = await apiAs('raj@acme.example');
  for (const start of [a, b]) {
    const r = await raj('POST', '/v1/bookings', { expertId: 'acme-amara', sessionType: 'intro', start }, { 'Idempotency-Key': crypto.randomUUID() });
    assert.equal(r.status, 201, r.text);
    made.push({ email: 'raj@acme.example', id: r.json.id });
  }
  // Confirming the first: refused, said, and the time leaves the list behind the dialog at once.
  await page.locator(`button.slot[data-start="${a}"]`).click();
  const dialog = page.getByRole('dialog', { name: 'Book this session?' });
  await dialog.getByRole('button', { name: 'Confirm booking' }).click();
  await dialog.getByText('This time was just taken').waitFor();
  await page.locator(`button.slot[data-start="${a}"]`).waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // The other: gone when the window regains focus (the picker fetches again).
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await page.locator(`button.slot[data-start="${b}"]`).waitFor({ state: 'detached' });
  assert.deepEqual(await close(s, [409]), [], 'no console errors');
});
