// @ts-check
// End-to-end: a mentorship, through the screens. Ben opens his request's matches and proposes a
// mentorship to Maya with the form (the form first refuses a goal without its measure, next to
// the field); Maya sees "Needs your answer" on her home, accepts, books the series (the first
// session, taken meanwhile, at one of its alternatives in one click), moves one session and
// skips another, puts a topic
// on the shared agenda, adds an action item for Ben and a private note. Ben sees the agenda and
// the action item but not Maya's note, is told when Maya saved the agenda while he was editing,
// marks the item done, writes his own private note and records his starting ratings; both see the
// trend. HR's report (API) counts it as active. Ben closes it and gives his final reflection (a
// poor fit): his request is reopened for new matches.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** What to undo, so later files see the seed as it was (the Sales budget test in particular). */
const made = { mentorship: '', request: '', ninaBooking: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    const ben = await apiAs('ben@acme.example');
    // Closing cancels the booked sessions (weeks ahead: not late, so the budget is given back).
    if (made.mentorship) assert.equal((await ben('POST', `/v1/mentorships/${made.mentorship}/close`)).status, 200);
    if (made.request) await ben('POST', `/v1/requests/${made.request}/close`);
    if (made.ninaBooking) await (await apiAs('nina@acme.example'))('POST', `/v1/bookings/${made.ninaBooking}/cancel`, { reason: 'e2e cleanup' });
  } finally {
    await browser?.close();
  }
});

test('a learner proposes a mentorship from a match with the form, the expert accepts and books the series, both work between sessions, the learner checks in, HR sees it, the learner closes and reflects', async () => {
  const benApi = await apiAs('ben@acme.example');
  // The series needs room under Ben's cap of 10 live sessions (confirmed or pending, ended ones
  // included until they are completed): sessions earlier files booked for him and left (not
  // the seed's demo-… ones) are cancelled first, and named in the log.
  /** @typedef {{id: string, status: string, start: string, expert?: {name: string}}} Listed */
  /** @type {(when: string) => Promise<Listed[]>} */
  const listed = async (when) => {
    const res = await benApi('GET', `/v1/bookings?as=learner&when=${when}&limit=50`);
    assert.equal(res.status, 200, res.text);
    return res.json.items;
  };
  const isLive = (/** @type {Listed} */ b) => b.status === 'confirmed' || b.status === 'pending';
  const upcoming = (await listed('upcoming')).filter(isLive);
  const live = upcoming.length + (await listed('past')).filter(isLive).length;
  console.log(`mentorships E2E: Ben holds ${live} live sessions`);
  for (const b of upcoming.filter((x) => !x.id.startsWith('demo-')).slice(0, Math.max(0, live - 7))) {
    console.log(`mentorships E2E: cancelling ${b.id} (${b.start}, ${b.expert?.name}) left by an earlier file`);
    const c = await benApi('POST', `/v1/bookings/${b.id}/cancel`, { reason: 'e2e: room for the mentorship series' });
    assert.equal(c.status, 200, c.text);
  }
  const req = await benApi('POST', '/v1/requests', {
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

  // Ben: the request's matches → the proposal form.
  const ben = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  await ben.page.goto(`/requests/${encodeURIComponent(req.json.id)}`);
  await ben.page.locator('[data-expert="acme-maya"]').getByRole('link', { name: 'Propose a mentorship with Maya Okafor' }).click();
  const form = ben.page.locator('main');
  await form.getByRole('heading', { level: 1, name: 'Propose a mentorship with Maya Okafor' }).waitFor();
  await form.getByLabel('Goal 1', { exact: true }).fill('Lead a design review');
  await form.getByLabel('How we’ll judge progress on goal 1').fill('Two reviews led');
  await form.getByRole('button', { name: 'Add a goal' }).click();
  await form.getByLabel('Goal 2', { exact: true }).fill('Idiomatic Go');
  await form.getByRole('group', { name: 'How often' }).getByText('Every week', { exact: true }).click();
  await form.getByLabel('Length in months').fill('1');
  await form.getByLabel('At most this many sessions').fill('3');
  await form.getByLabel('Session type').selectOption('intro');
  await form.getByLabel('Day', { exact: true }).selectOption('tue');
  await form.getByLabel('Earliest start').fill('15:00');
  await form.getByLabel('Latest end').fill('17:00');
  // The second goal has no measure: refused in the browser, the message next to the field.
  await form.getByRole('button', { name: 'Send the proposal' }).click();
  const measure2 = form.getByLabel('How we’ll judge progress on goal 2');
  await ben.page.locator('[aria-invalid="true"]').first().waitFor();
  assert.equal(await measure2.getAttribute('aria-invalid'), 'true', 'the empty measure is marked');
  assert.match(await measure2.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')?.split(' ').pop() ?? '')?.textContent ?? ''), /how progress will be judged/i);
  await assertAccessible(ben.page);
  await shot(ben.page, 'mentorship-propose-errors');
  await measure2.fill('PRs merged without style rework');
  const [posted] = await Promise.all([
    ben.page.waitForResponse((r) => r.url().endsWith('/v1/mentorships') && r.request().method() === 'POST'),
    form.getByRole('button', { name: 'Send the proposal' }).click(),
  ]);
  assert.equal(posted.status(), 201, await posted.text());
  const proposed = await posted.json();
  const id = proposed.id;
  made.mentorship = id;
  assert.equal(proposed.origin, 'request');
  assert.equal(proposed.agreement.timezone, 'Europe/London', "the agreement is on the learner's clock");
  assert.deepEqual(
    proposed.agreement.goals.map((/** @type {{title: string}} */ g) => g.title),
    ['Lead a design review', 'Idiomatic Go'],
  );
  await ben.page.getByRole('heading', { level: 1, name: 'Mentorship with Maya Okafor' }).waitFor();
  await ben.page.getByRole('heading', { name: 'Waiting for Maya to accept' }).waitFor();
  await done(ben);

  // Maya: her home says the proposal needs her answer; she accepts and books the series.
  const maya = await signedIn(browser, 'Maya Okafor', 'maya@acme.example');
  const card = maya.page.locator(`[data-mentorship="${id}"]`);
  await card.getByTestId('needs-answer').waitFor();
  await card.getByRole('link', { name: 'Mentoring Ben Carter' }).click();
  await maya.page.getByRole('heading', { level: 1, name: 'Mentoring Ben Carter' }).waitFor();
  await maya.page.getByRole('button', { name: 'Accept' }).click();
  await maya.page.locator('[data-status="active"]').waitFor();
  // Nina takes the first session's time (Tuesday 16 March, 15:00 London) just before: that
  // session is reported with the nearest free times, and one click books it at the first.
  const nina = await apiAs('nina@acme.example');
  const taken = await nina('POST', '/v1/bookings', { expertId: 'acme-maya', sessionType: 'intro', start: '2027-03-16T15:00:00Z', note: 'e2e: takes the first mentorship session' }, { 'Idempotency-Key': `e2e-mentorship-${Date.now()}` });
  assert.equal(taken.status, 201, taken.text);
  made.ninaBooking = taken.json.id;
  await maya.page.getByRole('button', { name: 'Book the sessions' }).click();
  await maya.page.getByTestId('schedule-result').getByText('2 of 3 booked').waitFor();
  const first = maya.page.locator('li[data-occurrence="0"]');
  assert.equal(await first.getAttribute('data-state'), 'failed');
  await first.getByText('Not booked: The expert is busy then.').waitFor();
  await shot(maya.page, 'mentorship-failed-occurrence');
  await first.getByRole('button', { name: /^Book session 1 at / }).first().click();
  await maya.page.locator('li[data-occurrence="0"][data-state="booked"]').waitFor();
  assert.equal(await maya.page.locator('li[data-state="booked"]').count(), 3, 'all three sessions booked');
  await maya.page.getByTestId('next-session').waitFor();

  // Move the second session to a nearby free time; skip the third.
  const second = maya.page.locator('li[data-occurrence="1"]');
  const before = await second.locator('.occ-when').innerText();
  await second.getByRole('button', { name: 'Move session 2' }).click();
  await second.getByRole('list', { name: 'Free times nearby' }).getByRole('button').first().click();
  await maya.page.waitForFunction((b) => document.querySelector('li[data-occurrence="1"] .occ-when')?.textContent !== b, before);
  await maya.page.getByRole('button', { name: 'Skip session 3' }).click();
  await maya.page.getByRole('dialog').getByRole('button', { name: 'Skip this session' }).click();
  await maya.page.locator('li[data-occurrence="2"][data-state="skipped"]').waitFor();

  // Between sessions: the agenda, an action item for Ben, a private note.
  await maya.page.getByLabel('Add a topic').fill('Walk through the payments design doc');
  await maya.page.getByRole('button', { name: 'Add', exact: true }).click();
  await maya.page.getByRole('button', { name: 'Save agenda' }).click();
  await maya.page.getByText('Agenda saved.').waitFor();
  await maya.page.getByLabel('New action item').fill('Draft a review checklist');
  await maya.page.getByLabel('Owner').selectOption('learner');
  await maya.page.getByRole('button', { name: 'Add action item' }).click();
  await maya.page.locator('.action-items').getByText('Draft a review checklist').waitFor();
  await maya.page.getByLabel('New private note').fill('Ben hesitates to push back in reviews.');
  await maya.page.getByRole('button', { name: 'Save private note' }).click();
  await maya.page.locator('.notes').getByText('Ben hesitates to push back in reviews.').waitFor();
  await assertAccessible(maya.page);
  await shot(maya.page, 'mentorship-expert');
  await done(maya);

  // Ben: the shared agenda and action item, not Maya's note; a save over Maya's newer agenda is refused.
  const ben2 = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  await ben2.page.goto(`/mentorships/${encodeURIComponent(id)}`);
  await ben2.page.getByRole('heading', { level: 1, name: 'Mentorship with Maya Okafor' }).waitFor();
  await ben2.page.locator('.agenda-list').getByText('Walk through the payments design doc').waitFor();
  await ben2.page.locator('.notes-card').getByText('No notes yet.').waitFor();
  assert.equal(await ben2.page.getByText('Ben hesitates to push back in reviews.').count(), 0, "Maya's private note is not shown to Ben");
  await ben2.page.getByText('Only you can see these: not Maya Okafor, not HR.').waitFor();
  const mayaApi = await apiAs('maya@acme.example');
  const agendas = await mayaApi('GET', `/v1/mentorships/${id}/agendas`);
  const ag = agendas.json.items[0];
  const put = await mayaApi('PUT', `/v1/mentorships/${id}/occurrences/${ag.occurrence}/agenda`, { items: [...ag.items.map((/** @type {{text: string}} */ i) => i.text), 'Pick the next review'], version: ag.version });
  assert.equal(put.status, 200, put.text);
  await ben2.page.getByLabel('Add a topic').fill('My questions on naming');
  await ben2.page.getByRole('button', { name: 'Add', exact: true }).click();
  await ben2.page.getByRole('button', { name: 'Save agenda' }).click();
  await ben2.page.getByTestId('agenda-conflict').waitFor();
  await ben2.page.locator('.agenda-list').getByText('Pick the next review').waitFor();
  await ben2.page.getByLabel('Add a topic').fill('My questions on naming');
  await ben2.page.getByRole('button', { name: 'Add', exact: true }).click();
  await ben2.page.getByRole('button', { name: 'Save agenda' }).click();
  await ben2.page.getByText('Agenda saved.').waitFor();

  await ben2.page.getByLabel('Draft a review checklist').check();
  await ben2.page.locator('.action-items li.done').waitFor();
  await ben2.page.getByLabel('New private note').fill('Ask Maya about staff promotion criteria.');
  await ben2.page.getByRole('button', { name: 'Save private note' }).click();
  await ben2.page.locator('.notes').getByText('Ask Maya about staff promotion criteria.').waitFor();
  const mayaNotes = await mayaApi('GET', `/v1/mentorships/${id}/notes`);
  assert.deepEqual(
    mayaNotes.json.items.map((/** @type {{note: string}} */ n) => n.note),
    ['Ben hesitates to push back in reviews.'],
    "Maya reads only her own note",
  );

  // The starting check-in: rate each goal 1-5.
  await ben2.page.getByRole('group', { name: 'Lead a design review', exact: true }).getByText('2', { exact: true }).click();
  await ben2.page.getByRole('group', { name: 'Idiomatic Go', exact: true }).getByText('4', { exact: true }).click();
  await ben2.page.getByRole('button', { name: 'Record check-in' }).click();
  await ben2.page.locator('li[data-goal="0"]').getByText('Lead a design review: 2').waitFor();
  await ben2.page.locator('li[data-goal="1"]').getByText('Idiomatic Go: 4').waitFor();
  // Check-ins were ordered by whole seconds and then a random id; they now order by the
  // millisecond and then the order written (Store.AddCheckIn), so this wait should be needless.
  // It stays until this file has been run without it.
  await ben2.page.waitForTimeout(1100);
  await ben2.page.getByRole('group', { name: 'Lead a design review', exact: true }).getByText('3', { exact: true }).click();
  await ben2.page.getByRole('group', { name: 'Idiomatic Go', exact: true }).getByText('4', { exact: true }).click();
  await ben2.page.getByRole('button', { name: 'Record check-in' }).click();
  await ben2.page.locator('li[data-goal="0"]').getByText('Lead a design review: 2 → 3').waitFor();
  await ben2.page.locator('li[data-goal="0"]').getByText('+1 since the start').waitFor();
  await assertAccessible(ben2.page);
  await shot(ben2.page, 'mentorship-learner');

  const hana = await apiAs('hana@acme.example');
  const rep = await hana('GET', '/v1/reports/mentorships');
  assert.equal(rep.status, 200, rep.text);
  assert.ok(rep.json.counts.active >= 2, `active: ${JSON.stringify(rep.json.counts)}`);
  assert.ok(
    rep.json.stalled.some((/** @type {{id: string}} */ p) => p.id === 'demo-m01'),
    `the seed's quiet pair is stalled: ${rep.text}`,
  );
  assert.ok(!rep.text.includes('Lead a design review'), 'no goals in the HR report');

  // Close, then the final reflection: a poor fit reopens Ben's request for new matches.
  await ben2.page.getByRole('button', { name: 'Close the mentorship' }).click();
  await ben2.page.getByRole('dialog').getByRole('button', { name: 'Close the mentorship' }).click();
  await ben2.page.locator('[data-status="closed"]').waitFor();
  await ben2.page.getByRole('heading', { name: 'Final reflection' }).waitFor();
  await ben2.page.getByRole('group', { name: 'How far was “Lead a design review” achieved?' }).getByText('3', { exact: true }).click();
  await ben2.page.getByRole('group', { name: 'How far was “Idiomatic Go” achieved?' }).getByText('2', { exact: true }).click();
  await ben2.page.getByRole('group', { name: 'Would you recommend Maya Okafor as a mentor?' }).getByText('No', { exact: true }).click();
  await ben2.page.getByLabel('It was a poor fit').check();
  await ben2.page.getByLabel('Comment (optional)').fill('We wanted different things.');
  await ben2.page.getByRole('button', { name: 'Send reflection' }).click();
  await ben2.page.getByTestId('rematch').waitFor();
  await ben2.page.getByTestId('my-reflection').waitFor();
  await shot(ben2.page, 'mentorship-reflection');
  const reopened = await benApi('GET', `/v1/requests/${req.json.id}`);
  assert.equal(reopened.json.status, 'open', 'the request is open for new matches');
  await done(ben2, [409]);
});
