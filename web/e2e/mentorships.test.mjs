// @ts-check
// End-to-end: a mentorship. Ben proposes one to Maya from his request (through the API: the
// web app has no proposal form yet); Maya accepts it on its page and books the series; Ben
// records his starting ratings there and sees the trend; HR's report (API) counts it as
// active and lists the seed's stalled pair demo-m01.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, done, launch, shot, signedIn } from './lib.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** What to undo, so later files see the seed as it was (the Sales budget test in particular). */
const made = { mentorship: '', request: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    const ben = await apiAs('ben@acme.example');
    // Closing cancels the booked sessions (weeks ahead: not late, so the budget is given back).
    if (made.mentorship) assert.equal((await ben('POST', `/v1/mentorships/${made.mentorship}/close`)).status, 200);
    if (made.request) await ben('POST', `/v1/requests/${made.request}/close`);
  } finally {
    await browser?.close();
  }
});

test('a learner proposes a mentorship from a match, the expert accepts and books the series, the learner checks in, HR sees it', async () => {
  const ben = await apiAs('ben@acme.example');
  const req = await ben('POST', '/v1/requests', {
    topics: ['go'],
    goal: 'Grow into a staff engineer.',
    durationMin: 30,
    preferredTimes: [],
    language: '',
    urgency: 'low',
    timezone: 'Europe/London',
  });
  assert.equal(req.status, 201, req.text);
  made.request = req.json.id;
  const proposed = await ben('POST', '/v1/mentorships', {
    expertId: 'acme-maya',
    requestId: req.json.id,
    agreement: {
      goals: [
        { title: 'Lead a design review', measure: 'Two reviews led' },
        { title: 'Idiomatic Go', measure: 'PRs merged without style rework' },
      ],
      cadence: 'weekly',
      months: 1,
      sessions: 3,
      sessionType: 'intro',
      weekday: 'tue',
      window: { start: '15:00', end: '17:00' },
    },
  });
  assert.equal(proposed.status, 201, proposed.text);
  const id = proposed.json.id;
  made.mentorship = id;
  assert.equal(proposed.json.agreement.timezone, 'Europe/London', "the agreement is in the learner's zone");

  const maya = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const nav = maya.page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: 'More' }).click(); // Mentorships is under More
  await nav.getByRole('link', { name: 'Mentorships' }).click();
  await maya.page.getByRole('heading', { level: 1, name: 'My mentorships' }).waitFor();
  await maya.page.locator(`[data-mentorship="${id}"]`).getByRole('link', { name: 'Mentoring Ben Carter' }).click();
  await maya.page.getByRole('heading', { level: 1, name: 'Mentoring Ben Carter' }).waitFor();
  await maya.page.getByRole('button', { name: 'Accept' }).click();
  await maya.page.locator('[data-status="active"]').waitFor();
  await maya.page.getByRole('button', { name: 'Book the sessions' }).click();
  await maya.page.locator('li[data-occurrence="0"]').waitFor();
  const booked = await maya.page.locator('li[data-state="booked"]').count();
  assert.ok(booked >= 1, `at least one session booked (${booked})`);
  await shot(maya.page, 'mentorship-expert');
  await done(maya);

  const s = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  await s.page.goto(`/mentorships/${encodeURIComponent(id)}`);
  await s.page.getByRole('heading', { level: 1, name: 'Mentorship with Maya Okafor' }).waitFor();
  await s.page.getByLabel('Lead a design review (1-5)').selectOption('2');
  await s.page.getByLabel('Idiomatic Go (1-5)').selectOption('4');
  await s.page.getByRole('button', { name: 'Record check-in' }).click();
  await s.page.locator('li[data-goal="0"]').getByText('Lead a design review: 2').waitFor();
  await s.page.locator('li[data-goal="1"]').getByText('Idiomatic Go: 4').waitFor();
  await done(s);

  const hana = await apiAs('hana@acme.example');
  const rep = await hana('GET', '/v1/reports/mentorships');
  assert.equal(rep.status, 200, rep.text);
  assert.ok(rep.json.counts.active >= 2, `active: ${JSON.stringify(rep.json.counts)}`);
  assert.ok(
    rep.json.stalled.some((/** @type {{id: string}} */ p) => p.id === 'demo-m01'),
    `the seed's quiet pair is stalled: ${rep.text}`,
  );
  assert.ok(!rep.text.includes('Lead a design review'), 'no goals in the HR report');
});
