// @ts-check
// End-to-end: HR archives a program, and a learner at the open-requests cap closes a request,
// against the same `tandem dev -now $E2E_NOW` and seed as the other files (this one sorts
// last, and touches nothing the others read).
//
//   archive: Hana (HR) creates a program of her own through the API, archives it from the
//   Programs page after confirming in a dialog (focus moves into it), sees it leave the list
//   and finds it under the Archived tab.
//
//   close: Nina (learner, no seeded requests) posts 5 requests through the API; a sixth from
//   the New request page is refused and said in words (close one you no longer need); she
//   closes one from its page after confirming, and it shows as closed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { apiAs, done, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const TAG = Date.now().toString(36);
const TITLE = `Archive me ${TAG}`;
const NINA = 'nina@acme.example';

/** @type {import('playwright-core').Browser} */
let browser;
/** Nina's requests made here, closed again in `after`. */
const mine = /** @type {string[]} */ ([]);

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    const nina = await apiAs(NINA);
    for (const id of mine) {
      const r = await nina('POST', `/v1/requests/${id}/close`);
      assert.equal(r.status, 200, `nina's ${id} is closed again: ${r.text}`);
    }
  } finally {
    await browser?.close();
  }
});

test('HR archives a program after confirming, and finds it under Archived', async () => {
  const hana = await apiAs('hana@acme.example');
  const made = await hana('POST', '/v1/programs', {
    title: TITLE,
    topic: 'leadership',
    description: 'A program to archive.',
    cohortSize: 3,
    start: NOW.plus({ weeks: 4 }).set({ hour: 16, minute: 0, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true }),
    timezone: 'Europe/Prague',
    cadence: 'weekly',
    sessions: 4,
    sessionMin: 60,
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;

  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
  await page.getByRole('heading', { level: 1, name: 'Programs' }).waitFor();
  const card = page.locator(`[data-program="${id}"]`);
  await card.getByRole('heading', { name: TITLE }).waitFor();

  // Keeping it changes nothing.
  await card.getByRole('button', { name: `Archive ${TITLE}` }).click();
  let dialog = page.getByRole('dialog', { name: `Archive “${TITLE}”?` });
  await dialog.getByText('This cannot be undone.', { exact: false }).waitFor();
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await card.getByRole('heading', { name: TITLE }).waitFor();

  await card.getByRole('button', { name: `Archive ${TITLE}` }).click();
  dialog = page.getByRole('dialog', { name: `Archive “${TITLE}”?` });
  await dialog.waitFor();
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]')), 'focus is inside the dialog');
  await shot(page, '60-archive-program-dialog', { fullPage: false });
  await dialog.getByRole('button', { name: 'Archive program' }).click();
  await page.getByRole('status').getByText(`${TITLE} is archived.`).waitFor();
  await card.waitFor({ state: 'detached' });

  const list = await hana('GET', '/v1/programs');
  assert.ok(!list.json.items.some((/** @type {{id: string}} */ p) => p.id === id), 'off the default list');

  await page.getByRole('navigation', { name: 'Which programs' }).getByRole('link', { name: 'Archived' }).click();
  const archived = page.getByRole('list', { name: 'Archived programs' }).locator(`[data-program="${id}"]`);
  await archived.getByRole('heading', { name: TITLE }).waitFor();
  await archived.getByText('Archived', { exact: true }).waitFor();
  assert.equal(await archived.getByRole('button', { name: `Archive ${TITLE}` }).count(), 0, 'no archive button on an archived program');
  await shot(page, '61-archived-programs');
  await done(s);
});

test('a learner at the open-requests cap is told so, and closes a request after confirming', async () => {
  const nina = await apiAs(NINA);
  for (let i = 0; i < 5; i++) {
    const r = await nina('POST', '/v1/requests', {
      topics: [`e2e-cap-${TAG}-${i}`],
      goal: `Request ${i + 1} of five, to reach the cap.`,
      durationMin: 30,
      preferredTimes: [],
      language: '',
      urgency: 'low',
      timezone: 'Europe/Zagreb',
    });
    assert.equal(r.status, 201, r.text);
    mine.push(r.json.id);
  }

  const s = await signedIn(browser, 'Nina Horvat', NINA);
  const { page } = s;
  await page.goto('/requests/new');
  await page.getByRole('heading', { level: 1, name: 'New learning request' }).waitFor();
  await page.getByLabel('Topics', { exact: true }).fill('negotiation');
  await page.getByLabel('What do you want to get out of it?').fill('A sixth request, one too many.');
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/requests') && r.request().method() === 'POST' && r.status() === 429),
    page.getByRole('button', { name: 'Post request and see matches' }).click(),
  ]);
  const refusal = page.locator('[data-refusal="open_requests"]');
  await refusal.getByText(/^You have 5 open requests/).waitFor();
  await refusal.getByText(/Close one you no longer need/).waitFor();
  await shot(page, '62-open-requests-cap');

  // Close the first from its page.
  const id = mine[0];
  await page.goto(`/requests/${encodeURIComponent(id)}`);
  await page.getByText('Looking for an expert', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Close request' }).click();
  const dialog = page.getByRole('dialog', { name: 'Close this request?' });
  await dialog.waitFor();
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]')), 'focus is inside the dialog');
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/requests/${id}/close`) && r.status() === 200),
    dialog.getByRole('button', { name: 'Close request' }).click(),
  ]);
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('Closed', { exact: true }).waitFor();
  await page.getByText('You closed this request.', { exact: false }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Close request' }).count(), 0, 'no close button on a closed request');
  assert.equal((await nina('GET', `/v1/requests/${id}`)).json.status, 'closed');
  await done(s, [429]);
});
