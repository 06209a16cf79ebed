// @ts-check
// End-to-end: circles (group sessions with seats and a waitlist), against the same
// `tandem dev -now $E2E_NOW` and seed as the other files (this one sorts after app.test.mjs).
//
//   full: six learners take the six seats of Maya's "Go circle" through the API (a seventh
//   without asking for the waitlist is refused 409 circle_full). Emma (Stockholm) sees the
//   time as full on Maya's page, joins the waitlist from the dialog (202) and finds herself
//   #1 in line on the circle page; Kwame joins after her through the API; Emma trying again
//   is told she is waiting already.
//
//   expert: Maya sees who holds the seats and the waitlist in order, and the seats on her
//   schedule link to the circle.
//
//   offer: Tom gives up his seat in My sessions (a seat has no Reschedule); the seat is
//   offered to Emma at once, who sees "A seat opened up — confirm by …" in My sessions and on
//   the circle page (Maya cannot confirm it for her: 403), confirms it, and has a seat; Kwame
//   is now first in line.
//
//   call off: Maya calls the whole circle off from its page; every seat is cancelled by the
//   expert, the circle is gone and the time is bookable again.
//
// Date: Wednesday five weeks after E2E_NOW (14 April 2027 by default), 10:00 in New York:
// within Maya's 45-day horizon and away from the weeks the other files book in. `after` calls
// the circle off if a failed step left it standing, so Maya's time is free again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { apiAs, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const NEW_YORK = 'America/New_York';
const STOCKHOLM = 'Europe/Stockholm';
const DAY = NOW.setZone(NEW_YORK).startOf('week').plus({ weeks: 5, days: 2 });
const START = DAY.set({ hour: 10 });
const START_UTC = START.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
const CIRCLE = 'go-circle';
const TITLE = 'Go circle (group, up to 6)';
/** The six who take the seats through the API; Tom later gives his up in the UI. */
const SEATED = ['tom', 'aisha', 'li', 'raj', 'olga', 'marco'];

/** @type {import('playwright-core').Browser} */
let browser;
/**
 * What the tests pass on to each other: the circle, each seated learner's booking id, Emma's offered seat.
 * @type {{circleId: string, seats: Record<string, string>, offerId: string}}
 */
const flow = { circleId: '', seats: {}, offerId: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    // Whatever step the tests reached, Maya calls the circle off: every seat is cancelled, the
    // waitlist is told and her time is free again.
    if (flow.circleId) {
      const maya = await apiAs('maya@acme.example');
      if ((await maya('GET', `/v1/circles/${flow.circleId}`)).status === 200) {
        const r = await maya('POST', `/v1/circles/${flow.circleId}/cancel`, { reason: 'e2e clean-up' });
        assert.equal(r.status, 200, `the circle is called off: ${r.text}`);
      }
      assert.equal((await maya('GET', `/v1/circles/${flow.circleId}`)).status, 404, 'the circle is gone');
    }
  } finally {
    await browser?.close();
  }
});


/** "Wed 14 Apr, 16:00" as the app writes an instant in zone. */
const instant = (/** @type {string} */ iso, /** @type {string} */ zone) => DateTime.fromISO(iso).setZone(zone).toFormat('ccc d LLL, HH:mm');
const key = () => `e2e-circle-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
const booking = (/** @type {boolean} */ waitlist = false) => ({ expertId: 'acme-maya', sessionType: CIRCLE, start: START_UTC, note: '', ...(waitlist ? { waitlist } : {}) });

test('learners fill a circle; another sees it full, joins the waitlist and sees her place in line', async () => {
  for (const who of SEATED) {
    const api = await apiAs(`${who}@acme.example`);
    const r = await api('POST', '/v1/bookings', booking(), { 'Idempotency-Key': key() });
    assert.equal(r.status, 201, `${who} takes a seat: ${r.text}`);
    assert.equal(r.json.status, 'confirmed', 'a seat is confirmed at once');
    assert.ok(r.json.circleId, 'a seat names its circle');
    flow.circleId ||= r.json.circleId;
    assert.equal(r.json.circleId, flow.circleId, 'every seat is in the same circle');
    flow.seats[who] = r.json.id;
  }
  const kwame = await apiAs('kwame@acme.example');
  const refused = await kwame('POST', '/v1/bookings', booking(), { 'Idempotency-Key': key() });
  assert.equal(refused.status, 409, refused.text);
  assert.deepEqual(
    { conflict: refused.json.extra?.conflict, circleId: refused.json.extra?.circleId, waiting: refused.json.extra?.waiting },
    { conflict: 'circle_full', circleId: flow.circleId, waiting: 0 },
  );

  const s = await signedIn(browser, 'Emma Johansson', 'emma@acme.example');
  const { page } = s;
  await page.goto(`/experts/acme-maya?type=${CIRCLE}&date=${DAY.toISODate()}`);
  await page.getByRole('heading', { level: 1, name: 'Maya Okafor' }).waitFor();
  assert.ok(await page.getByRole('radio', { name: new RegExp(TITLE.replace(/[()]/g, '\\$&')) }).isChecked(), 'the group session type is chosen');
  await page.getByTestId('group-note').getByText(/up to 6 people/).waitFor();
  const day = page.locator(`.day-times[data-date="${DAY.toISODate()}"]`);
  const label = START.setZone(STOCKHOLM).toFormat('HH:mm'); // 16:00 on Emma's clock
  const longDay = `${DAY.toFormat('cccc')},? ${DAY.toFormat('d LLLL yyyy')}`; // a pattern: ICU versions differ on the comma
  const full = day.getByRole('button', { name: new RegExp(`^${longDay} at ${label}\\s*,\\s*Full · join waitlist$`) });
  await full.waitFor();
  assert.equal(await full.locator('.seats').innerText(), 'Full · join waitlist');
  assert.equal(await full.getAttribute('data-seats-left'), '0');
  // Other times of that day are open, with all six seats.
  await day.locator('button.slot:not(.full)').first().getByText('6 of 6 seats left').waitFor();
  await assertAccessible(page);
  await shot(page, '50-circle-full-slot');

  await full.click();
  const dialog = page.getByRole('dialog', { name: 'Join the waitlist?' });
  await dialog.waitFor();
  assert.equal(await dialog.getByTestId('booking-seats').innerText(), 'Full · join waitlist');
  await dialog.getByTestId('waitlist-note').getByText(/offered to the first person in line/).waitFor();
  await dialog.getByLabel('Note for the expert (optional)').fill('Hoping to learn generics with others.');
  await assertAccessible(page);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Join the waitlist' }).click(),
  ]);
  assert.equal(res.status(), 202);
  const sent = res.request().postDataJSON();
  assert.deepEqual(sent, { ...booking(true), start: sent.start, note: 'Hoping to learn generics with others.' }, 'a full slot asks for the waitlist');
  assert.equal(Date.parse(sent.start), Date.parse(START_UTC));
  assert.deepEqual(await res.json(), { circleId: flow.circleId, status: 'waitlisted' });
  const joined = page.getByRole('dialog', { name: 'You are on the waitlist' });
  await joined.getByRole('status').getByText(/You are on the waitlist/).waitFor();
  await shot(page, '51-circle-waitlisted-dialog', { fullPage: false });
  await joined.getByRole('link', { name: 'See your place in line' }).click();

  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/circles/${flow.circleId}`);
  await page.getByRole('heading', { level: 2, name: 'You are #1 in line' }).waitFor();
  const end = START.plus({ hours: 1 }).setZone(STOCKHOLM).toFormat('HH:mm');
  assert.ok((await page.getByTestId('circle-when').innerText()).startsWith(`${instant(START_UTC, STOCKHOLM)}–${end} (Europe/Stockholm `), 'on Emma’s clock');
  assert.equal(await page.getByTestId('circle-seats').innerText(), '6 of 6 seats taken · full');
  assert.equal(await page.getByTestId('circle-waiting').innerText(), '1 person waiting');
  await page.getByRole('button', { name: 'Leave the waitlist' }).waitFor();
  await assertAccessible(page);
  await shot(page, '52-circle-waiting');

  // Kwame joins after her: Emma stays first, two wait.
  const wait = await kwame('POST', '/v1/bookings', booking(true), { 'Idempotency-Key': key() });
  assert.equal(wait.status, 202, wait.text);
  assert.equal(wait.headers.get('location'), `/v1/circles/${flow.circleId}`);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'You are #1 in line' }).waitFor();
  assert.equal(await page.getByTestId('circle-waiting').innerText(), '2 people waiting');
  const mine = await kwame('GET', `/v1/circles/${flow.circleId}`);
  assert.deepEqual(mine.json.me, { state: 'waiting', position: 2 });

  // Asking again: the full slot now says how many wait, and the dialog says she waits already.
  await page.getByRole('link', { name: 'Maya Okafor' }).click();
  await page.getByRole('heading', { level: 1, name: 'Maya Okafor' }).waitFor();
  const again = page.locator(`.day-times[data-date="${DAY.toISODate()}"]`).getByRole('button', { name: new RegExp(`^${longDay} at ${label}\\s*,\\s*Full · join waitlist \\(2 waiting\\)$`) });
  assert.equal(await again.locator('.seats').innerText(), 'Full · join waitlist (2 waiting)');
  await again.click();
  const retry = page.getByRole('dialog', { name: 'Join the waitlist?' });
  await retry.getByRole('button', { name: 'Join the waitlist' }).click();
  const banner = retry.locator('[data-refusal="already_waiting"]');
  await banner.getByText('You are already on the waitlist').waitFor();
  assert.ok(await retry.getByRole('button', { name: 'Join the waitlist' }).isDisabled(), 'no retry: she is waiting already');
  await assertAccessible(page);
  await banner.getByRole('link', { name: 'See the group session' }).click();
  await page.getByRole('heading', { level: 2, name: 'You are #1 in line' }).waitFor();
  await done(s, [409]); // the already_waiting refusal, on purpose
});

test('the expert sees who holds the seats and who waits, in order', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.goto(`/circles/${flow.circleId}`);
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  assert.ok((await page.getByTestId('circle-when').innerText()).startsWith(`${instant(START_UTC, NEW_YORK)}–11:00 (America/New York `), 'on Maya’s clock');
  const roster = page.getByRole('table', { name: 'Seats (6)' });
  await roster.waitFor();
  const names = await roster.locator('tbody th').allInnerTexts();
  assert.deepEqual([...names].sort(), ['Aisha Bello', 'Li Wei', 'Marco Rossi', 'Olga Ivanova', 'Raj Patel', 'Tom Fischer']);
  const waitlist = page.getByRole('list', { name: 'Waitlist (2)' });
  const lines = await waitlist.getByRole('listitem').allInnerTexts();
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^#1 Emma Johansson \(Product\) · joined /);
  assert.match(lines[1] ?? '', /^#2 Kwame Mensah \(Engineering\) · joined /);
  assert.equal(await page.getByRole('heading', { name: /in line|You have a seat/ }).count(), 0, 'the expert has no standing of her own');
  await assertAccessible(page);
  await shot(page, '53-circle-expert');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  // The six seats are one card with its seat count (issue 19), not six cards.
  const seat = page.locator(`[data-circle="${flow.circleId}"]`);
  await seat.getByRole('link', { name: 'Group session' }).waitFor();
  assert.equal(await seat.count(), 1);
  assert.match(await seat.innerText(), /6 seats taken/);
  assert.equal(await seat.getByRole('link', { name: 'Group session' }).getAttribute('href'), `/circles/${flow.circleId}`);
  await done(s);
});

test('a seated learner cancels; the first in line sees the offer and confirms it', async () => {
  const tom = await signedIn(browser, 'Tom Fischer', 'tom@acme.example');
  await tom.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My sessions' }).click();
  const card = tom.page.locator(`[data-booking="${flow.seats.tom}"]`);
  await card.getByRole('link', { name: 'Group session' }).waitFor();
  assert.equal(await card.getByRole('link', { name: 'Reschedule' }).count(), 0, 'a seat cannot be rescheduled');
  await assertAccessible(tom.page);
  await card.getByRole('button', { name: 'Cancel my seat' }).click();
  const dialog = tom.page.getByRole('dialog', { name: 'Cancel your seat?' });
  await dialog.getByText(/your seat is offered to the first in line/).waitFor();
  const [res] = await Promise.all([
    tom.page.waitForResponse((r) => r.url().endsWith(`/v1/bookings/${flow.seats.tom}/cancel`)),
    dialog.getByRole('button', { name: 'Cancel my seat' }).click(),
  ]);
  assert.equal(res.status(), 200);
  await card.getByText('Cancelled', { exact: true }).waitFor();
  await done(tom);

  // The seat went to Emma, the first in line, as an offer she (not Maya) answers.
  const emmaApi = await apiAs('emma@acme.example');
  const list = (await emmaApi('GET', '/v1/bookings?as=learner&when=upcoming')).json;
  // (A circle's id is its expert and start: a re-run finds its earlier, cancelled seats too.)
  const offer = list.items.find((/** @type {any} */ b) => b.circleId === flow.circleId && b.status !== 'cancelled');
  assert.ok(offer, 'Emma has the offered seat');
  assert.equal(offer.status, 'pending');
  assert.equal(offer.offer, true);
  flow.offerId = offer.id;
  const maya = await apiAs('maya@acme.example');
  assert.equal((await maya('POST', `/v1/bookings/${offer.id}/confirm`, {})).status, 403, 'the expert cannot confirm an offer');

  const s = await signedIn(browser, 'Emma Johansson', 'emma@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My sessions' }).click();
  const mine = page.locator(`[data-booking="${offer.id}"]`);
  await mine.getByText('Seat offered', { exact: true }).waitFor();
  const deadline = instant(offer.holdUntil, STOCKHOLM);
  const box = mine.getByRole('group', { name: 'Seat offered from the waitlist' });
  await box.getByText(`A seat opened up — confirm by ${deadline}`).waitFor();
  assert.equal(await mine.getByRole('link', { name: 'Reschedule' }).count(), 0);
  assert.equal(await mine.getByRole('button', { name: 'Cancel my seat' }).count(), 0, 'an offer is confirmed or declined, not cancelled');
  await assertAccessible(page);
  await shot(page, '54-circle-offer-sessions');

  // The circle page says the same, with the deadline.
  await mine.getByRole('link', { name: 'Group session' }).click();
  await page.getByRole('heading', { level: 2, name: 'A seat opened up for you' }).waitFor();
  await page.getByText(`Confirm it by ${deadline}; after that it goes to the next person in line.`).waitFor();
  await page.getByRole('button', { name: 'Confirm my seat' }).waitFor();
  await page.getByRole('button', { name: 'Decline the seat' }).waitFor();
  assert.equal(await page.getByTestId('circle-waiting').innerText(), '1 person waiting');
  await assertAccessible(page);
  await shot(page, '55-circle-offered');

  await page.goBack();
  const [confirmed] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/bookings/${offer.id}/confirm`)),
    box.getByRole('button', { name: 'Confirm seat' }).click(),
  ]);
  assert.equal(confirmed.status(), 200);
  await mine.getByText('Confirmed', { exact: true }).waitFor();
  assert.equal(await box.count(), 0, 'the offer is answered');
  await mine.getByRole('button', { name: 'Cancel my seat' }).waitFor();

  await mine.getByRole('link', { name: 'Group session' }).click();
  await page.getByRole('heading', { level: 2, name: 'You have a seat' }).waitFor();
  assert.equal(await page.getByTestId('circle-seats').innerText(), '6 of 6 seats taken · full');
  await shot(page, '56-circle-seat');
  const kwame = await apiAs('kwame@acme.example');
  assert.deepEqual((await kwame('GET', `/v1/circles/${flow.circleId}`)).json.me, { state: 'waiting', position: 1 }, 'Kwame is first in line now');
  await done(s);
});

test('the expert calls the circle off: every seat is cancelled and the time is free again', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  await page.goto(`/circles/${flow.circleId}`);
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await page.getByRole('button', { name: 'Call off this group session' }).click();
  const dialog = page.getByRole('dialog', { name: 'Call off this group session?' });
  await dialog.getByText(/6 seats are cancelled, and the person waiting is told\. Your time is free again afterwards\./).waitFor();
  await dialog.getByLabel('Reason (optional)').fill('A conference that week, sorry.');
  await assertAccessible(page);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/circles/${flow.circleId}/cancel`)),
    dialog.getByRole('button', { name: 'Call it off' }).click(),
  ]);
  assert.equal(res.status(), 200);
  assert.deepEqual(res.request().postDataJSON(), { reason: 'A conference that week, sorry.' });
  assert.deepEqual(await res.json(), { circleId: flow.circleId, cancelledSeats: 6 });
  await page.getByRole('status').getByText('Called off: 6 seats cancelled.').waitFor();
  await page.getByText(/This group session no longer exists/).waitFor();
  await assertAccessible(page);
  await shot(page, '57-circle-called-off');

  const emma = await apiAs('emma@acme.example');
  const seat = (await emma('GET', `/v1/bookings/${flow.offerId}`)).json;
  assert.deepEqual({ status: seat.status, cancelledBy: seat.cancelledBy }, { status: 'cancelled', cancelledBy: 'expert' });
  assert.equal((await emma('GET', `/v1/circles/${flow.circleId}`)).status, 404);
  const from = DAY.startOf('day');
  const q = new URLSearchParams({ from: from.toISO() ?? '', to: from.plus({ days: 1 }).toISO() ?? '', sessionType: CIRCLE, tz: NEW_YORK });
  const { slots } = (await emma('GET', `/v1/experts/acme-maya/slots?${q}`)).json;
  const again = slots.find((/** @type {any} */ x) => Date.parse(x.start) === Date.parse(START_UTC));
  assert.deepEqual(again && { seatsLeft: again.seatsLeft, circleId: again.circleId }, { seatsLeft: 6, circleId: undefined }, 'the time is free again, all seats open');
  await done(s, [404]); // the circle, read again once it is gone
});
