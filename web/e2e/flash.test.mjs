// @ts-check
// End-to-end: flash mentoring. Hana (HR) sets up flash rounds; Sam (People, New York) and
// Kwame (Engineering, London) opt in on the Flash mentoring page; Hana runs the round now; each
// sees the proposal with the other's name and department and a time in their own zone, and
// accepts; both then see it confirmed. Afterwards the session is called off and the group
// paused, so later files see the seed's time as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
let proposal = '';

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    if (proposal) {
      const sam = await apiAs('sam@acme.example');
      assert.equal((await sam('POST', `/v1/flash/proposals/${proposal}/decline`)).status, 200);
    }
    for (const email of ['sam@acme.example', 'kwame@acme.example']) await (await apiAs(email))('DELETE', '/v1/flash/membership');
    const hana = await apiAs('hana@acme.example');
    await hana('PUT', '/v1/flash', { everyWeeks: 2, enabled: false });
  } finally {
    await browser?.close();
  }
});

/**
 * Opens the Flash mentoring page from the navigation (it is under More).
 * @param {import('playwright-core').Page} page
 */
async function openFlash(page) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: 'More' }).click();
  await nav.getByRole('link', { name: 'Flash mentoring' }).click();
  await page.getByRole('heading', { level: 1, name: 'Flash mentoring' }).waitFor();
}

test('HR sets up flash rounds and runs one; two members from different departments accept and both see it confirmed', async () => {
  const hana = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  await openFlash(hana.page);
  await hana.page.getByRole('link', { name: 'Set up flash rounds' }).click();
  await hana.page.getByRole('heading', { level: 1, name: 'Flash mentoring: set up' }).waitFor();
  await hana.page.getByLabel('Every N weeks').fill('2');
  await hana.page.getByRole('button', { name: 'Start flash mentoring' }).click();
  await hana.page.getByText('Flash mentoring saved.').waitFor();
  await assertAccessible(hana.page);

  const members = [
    { name: 'Sam Taylor', email: 'sam@acme.example', dept: 'People' },
    { name: 'Kwame Mensah', email: 'kwame@acme.example', dept: 'Engineering' },
  ];
  for (const m of members) {
    const s = await signedIn(browser, m.name, m.email);
    await openFlash(s.page);
    await s.page.getByRole('button', { name: 'Join flash mentoring' }).click();
    await s.page.getByText('You are in').first().waitFor();
    await done(s);
  }

  await hana.page.reload();
  await hana.page.getByRole('list', { name: 'Members' }).getByText('Kwame Mensah').waitFor();
  await hana.page.getByRole('button', { name: 'Run round now' }).click();
  await hana.page.getByText(/Round 1 is made: 1 pair proposed · 1 new and across departments/).waitFor();
  await hana.page.locator('[data-round="0"]').waitFor();
  await shot(hana.page, 'flash-hr');
  await done(hana);

  for (const [i, m] of members.entries()) {
    const other = members[1 - i];
    const s = await signedIn(browser, m.name, m.email, i === 1 ? { width: 390, height: 844 } : undefined);
    if (i === 1) {
      await s.page.goto('/flash'); // on a phone the navigation is behind the menu button
      await s.page.getByRole('heading', { level: 1, name: 'Flash mentoring' }).waitFor();
    } else await openFlash(s.page);
    const card = s.page.locator('[data-flash]').first();
    await card.getByRole('heading', { name: `${other.name} · ${other.dept}` }).waitFor();
    proposal = (await card.getAttribute('data-flash')) ?? '';
    await card.getByRole('button', { name: 'Accept' }).click();
    await s.page.getByText(`You accepted the conversation with ${other.name}.`).waitFor();
    if (i === 0) await s.page.locator(`[data-flash="${proposal}"][data-status="proposed"]`).getByText(`waiting for ${other.name}`).waitFor();
    else await s.page.locator(`[data-flash="${proposal}"][data-status="confirmed"]`).waitFor();
    await assertAccessible(s.page);
    await shot(s.page, `flash-member-${i}`);
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    assert.equal(overflow, false, 'no sideways scrolling');
    await done(s);
  }

  // Both see it confirmed, at the same instant, each in their own zone.
  const starts = [];
  for (const m of members) {
    const api = await apiAs(m.email);
    const list = await api('GET', '/v1/flash/proposals');
    assert.equal(list.status, 200, list.text);
    const p = list.json.items.find((/** @type {{id: string}} */ x) => x.id === proposal);
    assert.equal(p?.status, 'confirmed', `${m.name} sees it confirmed`);
    starts.push(p.start);
    const s = await signedIn(browser, m.name, m.email);
    await s.page.goto('/flash');
    await s.page.locator(`[data-flash="${proposal}"][data-status="confirmed"]`).getByText('Confirmed: you both accepted').waitFor();
    await done(s);
  }
  assert.equal(starts[0], starts[1]);
});
