// @ts-check
// End-to-end: HR's view of mentorships. Three learners propose mentorships to Maya and she
// accepts them (through the API); once the stream consumer has counted them (tandem dev runs
// it over the table's stream), Hana opens HR → Mentorships and sees the counts, the stalled
// pair of the seed, the figures (a figure over fewer than 3 pairs reads "fewer than 3") and
// downloads the CSV with her token. The mentorships are closed afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { ARTIFACTS, apiAs, axe, done, launch, parseCsv, shot, signedIn } from './lib.mjs';

const AGG_WAIT_MS = Number(process.env.E2E_AGG_WAIT_MS ?? 20_000);

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {{email: string, id: string}[]} */
const made = [];

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    for (const m of made) {
      const who = await apiAs(m.email);
      assert.equal((await who('POST', `/v1/mentorships/${m.id}/close`)).status, 200);
    }
  } finally {
    await browser?.close();
  }
});

const agreement = {
  goals: [{ title: 'Speak up in design reviews', measure: 'Two reviews led' }],
  cadence: 'biweekly',
  months: 2,
  sessionType: 'intro',
  weekday: 'wed',
  window: { start: '15:00', end: '17:00' },
};

test('HR sees the mentorship figures kept from the stream, with small groups shown as fewer than 3, and downloads them as CSV', async () => {
  const hana = await apiAs('hana@acme.example');
  const before = await hana('GET', '/v1/reports/mentorships');
  assert.equal(before.status, 200, before.text);
  const pairs0 = before.json.figures.org.pairs;

  const maya = await apiAs('maya@acme.example');
  for (const email of ['ines@acme.example', 'olga@acme.example', 'tom@acme.example']) {
    const learner = await apiAs(email);
    const p = await learner('POST', '/v1/mentorships', { expertId: 'acme-maya', agreement });
    assert.equal(p.status, 201, p.text);
    made.push({ email, id: p.json.id });
    const a = await maya('POST', `/v1/mentorships/${p.json.id}/accept`);
    assert.equal(a.status, 200, a.text);
  }
  // The stream consumer counts them within a few seconds.
  const deadline = Date.now() + AGG_WAIT_MS;
  let rep = before;
  while (rep.json.figures.org.pairs < pairs0 + 3) {
    assert.ok(Date.now() < deadline, `the stream never counted the new pairs: ${rep.text}`);
    await new Promise((res) => setTimeout(res, 500));
    rep = await hana('GET', '/v1/reports/mentorships');
  }
  const org = rep.json.figures.org;
  assert.ok(org.pairs >= 3 && org.sessionsPerPair && org.crossDepartmentShare !== null, JSON.stringify(org));
  assert.ok(!rep.text.includes('Speak up in design reviews'), 'no goals in the HR report');

  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.goto('/hr');
  await page.getByRole('navigation', { name: 'HR' }).getByRole('link', { name: 'Mentorships' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mentorships' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Figures' }).waitFor();
  assert.equal(await page.locator('[data-count="active"]').textContent(), String(rep.json.counts.active));
  assert.equal(await page.locator('[data-figure="pairs"]').textContent(), String(org.pairs));
  const perPair = await page.locator('[data-figure="sessionsPerPair"]').textContent();
  assert.match(perPair ?? '', /median/);
  // Sessions held and check-ins are too few here: those figures read "fewer than 3".
  const ttf = await page.locator('[data-figure="timeToFirstSession"]').textContent();
  assert.equal(ttf, org.timeToFirstSession ? `${org.timeToFirstSession.meanDays} on average` : 'fewer than 3');
  await page.getByText('fewer than 3').first().waitFor();
  await page.locator('[data-stalled="demo-m01"]').waitFor(); // the seed's quiet pair
  assert.deepEqual(await axe(page), [], 'axe finds no serious problems on the HR mentorships page');
  await shot(page, 'hr-mentorships');

  const [req, download] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('/v1/reports/mentorships') && r.url().includes('format=csv')),
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  assert.match(req.headers().authorization ?? '', /^Bearer /, 'the CSV is fetched with the token');
  assert.equal(download.suggestedFilename(), 'tandem-mentorships.csv');
  const file = `${ARTIFACTS}mentorships.csv`;
  await download.saveAs(file);
  const rows = parseCsv(readFileSync(file, 'utf8'));
  assert.deepEqual(rows[0].slice(0, 6), ['kind', 'key', 'name', 'mentorships', 'proposed', 'active']);
  assert.equal(rows[1][0], 'org');
  assert.equal(rows[1][9], String(org.pairs), 'the CSV has the same pairs');
  await done(s);
});
