// @ts-check
// End-to-end: each role lands on its own home (learner, expert, HR), the header keeps to one
// row at 1280 px for the role with the most entries, and every home passes axe at desktop and
// phone width (screenshots of both).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** @type {[string, string, string, string | RegExp, string][]} */
const homes = [
  ['Ben Carter', 'ben@acme.example', 'Hello, Ben', 'Your next session', 'learner'],
  ['Maya Okafor', 'maya@acme.example', 'Hello, Maya', 'Today and this week', 'expert'],
  ['Hana Novak', 'hana@acme.example', 'Hello, Hana', /^Key figures/, 'hr'],
];
for (const [name, email, heading, region, file] of homes) {
  test(`${file} lands on the ${file} home, one header row at 1280 px, and on a phone`, async () => {
    const s = await signedIn(browser, name, email, { width: 1280, height: 860 });
    const { page } = s;
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByRole('heading', { level: 2, name: region }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).getAttribute('aria-current'), 'page');
    const header = await page.locator('header.header').boundingBox();
    assert.ok(header && header.height <= 64, `the header is one row at 1280 px (${header?.height} px)`);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'no sideways scrolling');
    await page.waitForLoadState('networkidle');
    await shot(page, `40-home-${file}-1280`);
    await assertAccessible(page);
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await page.locator('header.header').boundingBox();
    assert.ok(phone && phone.height <= 64, `the phone header is at most 64 px (${phone?.height} px)`);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'no sideways scrolling on a phone');
    await shot(page, `41-home-${file}-390`);
    await assertAccessible(page);
    await done(s);
  });
}

test('an expert’s less used pages are under More, which opens, closes with Escape and links', async () => {
  const s = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const { page } = s;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const more = nav.getByRole('button', { name: 'More' });
  await more.click();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('link', { name: 'My requests' }).waitFor();
  await shot(page, '42-expert-more-menu', { fullPage: false });
  await page.keyboard.press('Escape');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await more.click();
  await nav.getByRole('link', { name: 'Programs' }).click();
  await page.getByRole('heading', { level: 1, name: 'Programs' }).waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await done(s);
});
