// @ts-check
// End-to-end: every page of the app, for the role that uses it, passes axe-core (no serious or
// critical violation) at desktop (1280 px) and phone (390 px) width without sideways
// scrolling, with a screenshot of each (web/e2e/artifacts/90-page-*). Pages that need an id
// use the first one the role can see through the API. Runs last (file name), on the seeded data
// as the other tests left it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, axe, done, launch, shot, signedIn } from './lib.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * @param {string} email
 * @param {string} path an API listing
 * @param {(j: any) => any[]} items
 */
async function firstId(email, path, items) {
  const r = await (await apiAs(email))('GET', path);
  return r.status === 200 ? (items(r.json)[0]?.id ?? null) : null;
}

/** @type {[string, string, () => Promise<string[]>][]} */
const roles = [
  [
    'Ben Carter',
    'ben@acme.example',
    async () => {
      const expert = await firstId('ben@acme.example', '/v1/experts', (j) => j.items);
      const request = await firstId('ben@acme.example', '/v1/requests', (j) => j.items);
      const mentorship = await firstId('ben@acme.example', '/v1/mentorships', (j) => j.items);
      return ['/', '/experts', `/experts/${expert}`, '/sessions', '/requests', '/requests/new', ...(request ? [`/requests/${request}`] : []), '/programs', '/mentorships', ...(mentorship ? [`/mentorships/${mentorship}`] : []), `/mentorships/new?expert=${expert}`, '/notifications', '/notifications/settings', '/calendars'];
    },
  ],
  [
    'Maya Okafor',
    'maya@acme.example',
    async () => {
      const mentorship = await firstId('maya@acme.example', '/v1/mentorships', (j) => j.items);
      return ['/', '/expert/schedule', '/expert/board', '/expert/availability', '/expert/profile', '/calendars', '/notifications', '/mentorships', ...(mentorship ? [`/mentorships/${mentorship}`] : []), '/mentorships/new?learner=acme-ben&name=Ben%20Carter'];
    },
  ],
  [
    'Hana Novak',
    'hana@acme.example',
    async () => {
      const program = await firstId('hana@acme.example', '/v1/programs', (j) => j.items);
      return ['/', '/hr', '/hr/settings', '/hr/mentorships', '/hr/programs', '/hr/programs/new', ...(program ? [`/hr/programs/${program}`] : [])];
    },
  ],
];

for (const [name, email, pages] of roles) {
  test(`every page ${name.split(' ')[0]} uses passes axe at 1280 px and 390 px`, async () => {
    const paths = await pages();
    assert.ok(!paths.some((p) => p.includes('null')), `ids found for ${paths.join(' ')}`);
    /** @type {string[]} */
    const problems = [];
    for (const [width, height] of [
      [1280, 860],
      [390, 844],
    ]) {
      const s = await signedIn(browser, name, email, { width, height });
      const { page } = s;
      for (const path of paths) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        await shot(page, `90-page-${email.split('@')[0]}${path.replace(/[^a-z0-9]+/gi, '-')}-${width}`);
        for (const v of await axe(page)) problems.push(`${path} at ${width} px: ${v}`);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (sideways > 0) problems.push(`${path} at ${width} px scrolls sideways by ${sideways} px`);
      }
      await done(s, [404]);
    }
    assert.deepEqual(problems, [], 'no serious or critical axe violation and no sideways scrolling on any page');
  });
}
