// @ts-check
// End-to-end: programs and cohorts, against the same `tandem dev -now $E2E_NOW` and seed as
// the other files (this one sorts after learning.test.mjs and before the reports).
//
//   enroll: Ben (learner, London) enrolls in the seed's demo program demo-p01 from the
//   Programs page (interest chips, his zone prefilled), sees it marked enrolled, then
//   withdraws, so demo-p01 is left as the seed made it (12 enrollees, nothing built) for
//   anyone else; `after` withdraws him again in case a step failed midway.
//
//   cohorts: Hana (HR) creates a fresh program of her own through the form (field errors
//   first), so building and publishing never touch demo-p01. Eight learners, Ben among them,
//   enroll through the API; Hana builds with a seed, reviews the cards and the comparison
//   with random assignment; a ninth enrolls after the build and shows as unplaced with the
//   hint to rebuild; a rebuild made "elsewhere" (the API) meanwhile makes her save a 409
//   plan_changed, which reloads; she moves a member, saves and publishes after confirming.
//
//   my cohort: Ben then sees his cohort: members with departments and zones, the
//   explanation in words and the sessions on his own clock.
//
//   my sessions: the same four sessions show in Ben's My sessions, marked as program cohort
//   sessions with the program's name, on his clock, linking to the cohort page, each with an
//   invite (.ics) whose UID is <program>-<cohort>-<n>@tandem; Olga, in no cohort, gets 404.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { ARTIFACTS, apiAs, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const LONDON = 'Europe/London';
const DEMO = 'demo-p01';
// The fresh program: weekly at 17:00 London from the first Tuesday four weeks on (after the
// UK's clock change, so 16:00 UTC), four sessions of an hour, cohorts of three.
const FIRST = NOW.setZone(LONDON).plus({ weeks: 4 }).startOf('week').plus({ days: 1 }).set({ hour: 17 });
const TITLE = `Cross-team cohort ${Date.now().toString(36)}`;
const ENROLLEES = ['ben', 'ines', 'tom', 'aisha', 'noah', 'emma', 'lucia', 'sam'];
const LATE = 'kwame';

/** @type {import('playwright-core').Browser} */
let browser;
/** What the tests pass on to each other. */
const flow = { programId: '' };

before(async () => {
  browser = await launch();
});
after(async () => {
  try {
    const ben = await apiAs('ben@acme.example');
    const r = await ben('DELETE', `/v1/programs/${DEMO}/enroll`);
    assert.equal(r.status, 204, `ben leaves ${DEMO} as seeded: ${r.text}`);
  } finally {
    await browser?.close();
  }
});


const when = (/** @type {DateTime} */ d, /** @type {number} */ min) => `${d.toFormat('ccc d LLL, HH:mm')}–${d.plus({ minutes: min }).toFormat('HH:mm')}`;

test('a learner enrolls in a program from the Programs page and sees it marked enrolled', async () => {
  const s = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  const { page } = s;
  const api = await apiAs('ben@acme.example');
  const before = (await api('GET', `/v1/programs/${DEMO}`)).json;
  assert.equal(before.enrolledMe, false, 'the seed does not enroll Ben');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
  await page.getByRole('heading', { level: 1, name: 'Programs' }).waitFor();
  const card = page.locator(`[data-program="${DEMO}"]`);
  await card.getByRole('heading', { name: 'Leading across teams' }).waitFor();
  await card.getByText('Enrolling', { exact: true }).waitFor();
  await card.getByText('leadership', { exact: true }).waitFor();
  await card.getByText('Weekly, 6 sessions of 1 h').waitFor();
  await card.getByText(`${before.enrolled} people`).waitFor();
  // The first sessions on Ben's clock (London), from the API's UTC instants.
  for (const t of before.sessionTimes.slice(0, 3)) await card.getByText(when(DateTime.fromISO(t).setZone(LONDON), 60)).waitFor();
  await card.getByText(/and 3 more, the last on /).waitFor();

  await card.getByRole('button', { name: 'Enroll in Leading across teams' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enroll in Leading across teams' });
  const interests = dialog.getByRole('group', { name: 'Your interests' });
  assert.ok(await interests.getByRole('checkbox', { name: 'leadership', exact: true }).isChecked(), 'the program’s topic is chosen already');
  await dialog.getByLabel('Another interest').fill('Public speaking');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  assert.ok(await interests.getByRole('checkbox', { name: 'public speaking', exact: true }).isChecked(), 'a typed interest is added and chosen');
  assert.equal(await dialog.getByLabel('Your time zone').inputValue(), LONDON, 'the zone is the app’s');
  await assertAccessible(page);
  await shot(page, '38-program-enroll', { fullPage: false });
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/programs/${DEMO}/enroll`) && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Enroll', exact: true }).click(),
  ]);
  assert.equal(res.status(), 200);
  assert.deepEqual(res.request().postDataJSON(), { interests: ['leadership', 'public-speaking'], timezone: LONDON });

  await card.getByText('You are enrolled', { exact: true }).waitFor();
  await card.getByText(`${before.enrolled + 1} people`).waitFor();
  await page.getByRole('status').getByText('You are enrolled in Leading across teams.').waitFor();
  const now = (await api('GET', `/v1/programs/${DEMO}`)).json;
  assert.equal(now.enrolledMe, true);
  await shot(page, '39-program-enrolled');
  await assertAccessible(page);

  // Withdraw again: demo-p01 stays as seeded for everyone else.
  await card.getByRole('button', { name: 'Withdraw from Leading across teams' }).click();
  await card.getByRole('button', { name: 'Enroll in Leading across teams' }).waitFor();
  await card.getByText(`${before.enrolled} people`).waitFor();
  assert.equal((await api('GET', `/v1/programs/${DEMO}`)).json.enrolledMe, false);
  await done(s);
});

test('HR creates a program; field errors appear next to their fields', async () => {
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).click();
  await page.getByRole('navigation', { name: 'HR' }).getByRole('link', { name: 'Programs' }).click();
  await page.getByRole('heading', { level: 1, name: 'Programs' }).waitFor();
  await page.locator(`[data-program="${DEMO}"]`).waitFor();
  await page.getByRole('link', { name: 'New program' }).click();
  await page.getByRole('heading', { level: 1, name: 'New program' }).waitFor();

  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Topic').fill('Cross-team leadership');
  await page.getByLabel('Description').fill('Four weekly sessions with colleagues from other teams.');
  await page.getByLabel('Cohort size').fill('1');
  await page.getByLabel('Largest time-zone spread (hours)').fill('6');
  await page.getByLabel('Program time zone').selectOption(LONDON);
  await page.getByLabel('Number of sessions').fill('4');
  await page.getByLabel('Session length (minutes)').fill('60');
  // Before the server's now (the API judges it), and a cohort of one.
  await page.getByLabel('First session').fill(NOW.setZone(LONDON).minus({ days: 9 }).toFormat("yyyy-LL-dd'T'HH:mm"));
  const [bad] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/programs') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Create program' }).click(),
  ]);
  assert.equal(bad.status(), 400);
  const fieldError = (/** @type {string} */ label) => page.locator('.field.has-error', { has: page.getByLabel(label, { exact: true }) }).locator('.error');
  assert.match(await fieldError('Cohort size').innerText(), /must be 2-50/i);
  assert.match(await fieldError('First session').innerText(), /must be a future time/i);
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
  await shot(page, '40-program-field-errors');
  await assertAccessible(page);

  await page.getByLabel('Cohort size').fill('3');
  await page.getByLabel('First session').fill(FIRST.toFormat("yyyy-LL-dd'T'HH:mm"));
  // The preview is on Hana's clock (Prague), an hour ahead of London.
  await page.getByText(when(FIRST.setZone('Europe/Prague'), 60)).waitFor();
  const [ok] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/programs') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Create program' }).click(),
  ]);
  assert.equal(ok.status(), 201, await ok.text());
  const created = await ok.json();
  assert.equal(created.start, FIRST.toUTC().toISO({ suppressMilliseconds: true }));
  assert.equal(created.topic, 'cross-team-leadership');
  flow.programId = created.id;
  await page.getByRole('heading', { level: 1, name: 'Cohort builder' }).waitFor();
  await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
  await page.getByText('is open for enrollment').waitFor();
  await page.getByText('No cohorts yet.').waitFor();
  // Regression (#19): with nobody enrolled, "Build cohorts" can only fail: disabled, with why.
  const build = page.getByRole('button', { name: 'Build cohorts' });
  assert.ok(await build.isDisabled(), 'Build cohorts is disabled with 0 enrolled');
  assert.match(await page.locator('#build-why').innerText(), /Nobody has enrolled yet: at least 3 must enrol/);
  assert.equal(await build.getAttribute('aria-describedby'), 'build-why');
  await done(s, [400, 404]);
});

test('HR builds cohorts, compares them with random assignment, moves a member, saves and publishes', async () => {
  assert.ok(flow.programId, 'the program from the previous test');
  const id = flow.programId;
  for (const who of ENROLLEES) {
    const r = await (await apiAs(`${who}@acme.example`))('POST', `/v1/programs/${id}/enroll`, {});
    assert.equal(r.status, 200, `${who} enrolls: ${r.text}`);
  }
  const hr = await apiAs('hana@acme.example');
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.goto('/hr/programs');
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
  await page.getByText(`${ENROLLEES.length} people`, { exact: true }).waitFor();

  // Build with a seed: cards with explanations, the seed shown, the comparison panel.
  await page.getByLabel('Seed').fill('2027');
  await page.getByRole('button', { name: 'Build cohorts' }).click();
  await page.getByRole('status').getByText(/Built 3 cohorts with seed 2027/).waitFor();
  await page.getByText('seed 2027', { exact: true }).waitFor();
  let plan = (await hr('GET', `/v1/programs/${id}/cohorts`)).json;
  assert.equal(plan.cohorts.length, 3);
  const cards = page.getByRole('list', { name: 'Cohorts' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
  assert.equal(await cards.count(), 3);
  for (const c of plan.cohorts) {
    const card = page.locator(`[data-cohort="${c.number}"]`);
    const x = c.explanation;
    const text = await card.locator('.explanation').innerText();
    assert.match(text, new RegExp(`^${c.members.length} people (from ${x.departments.length} departments|all from ${x.departments[0]}); `), text);
    assert.match(text, /pairs? (meets?|has met|have met)/);
    assert.match(text, /(apart|same clock)\.$/);
    for (const m of c.members) await card.locator(`[data-member="${m.id}"]`).getByText(m.department, { exact: false }).waitFor();
  }
  const cmp = page.getByRole('region', { name: 'These cohorts vs random assignment' });
  const row = (/** @type {RegExp} */ name) => cmp.getByRole('row', { name });
  const cells = async (/** @type {RegExp} */ name) => (await row(name).getByRole('cell').allInnerTexts()).map((t) => t.trim());
  const sign = (/** @type {number} */ n) => new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(n).replace('-', '−');
  assert.deepEqual((await cells(/E-I index/)).slice(0, 2), [sign(plan.measures.eiIndex), sign(plan.baseline.eiIndex)]);
  assert.deepEqual((await cells(/first time/)).slice(0, 2), [`${plan.measures.newPairs} of ${plan.measures.pairs}`, `${plan.baseline.newPairs} of ${plan.baseline.pairs}`]);
  assert.deepEqual((await cells(/across departments/)).slice(0, 2), [`${plan.measures.crossPairs} of ${plan.measures.pairs}`, `${plan.baseline.crossPairs} of ${plan.baseline.pairs}`]);
  assert.deepEqual((await cells(/over the 6 h time-zone limit/)).slice(0, 2), [String(plan.measures.violations), String(plan.baseline.violations)]);
  assert.match((await cells(/E-I index/))[2] ?? '', /^(Better than|Worse than|Same as) random$/, 'each row has a verdict in words');
  await shot(page, '41-cohort-builder');
  await assertAccessible(page);

  // Someone enrolls after the build: unplaced, with the hint to rebuild.
  const late = await (await apiAs(`${LATE}@acme.example`))('POST', `/v1/programs/${id}/enroll`, {});
  assert.equal(late.status, 200, late.text);
  await page.reload();
  const unplaced = page.getByRole('region', { name: '1 person is in no cohort' });
  await unplaced.locator(`[data-member="acme-${LATE}"]`).getByText('Kwame Mensah', { exact: true }).first().waitFor();
  await unplaced.getByText(/Rebuild to include them/).waitFor();
  await shot(page, '42-cohort-unplaced');

  // Meanwhile the plan is rebuilt elsewhere (another HR tab): Hana's save is refused with
  // 409 plan_changed and the builder reloads the latest cohorts.
  const first = plan.cohorts[0].members[0];
  await page.getByLabel(`Move ${first.name} to`).selectOption('1');
  await page.getByRole('button', { name: `Move ${first.name}`, exact: true }).click();
  await page.locator('[data-cohort="2"]').getByText('Changed, not saved').waitFor();
  assert.ok(await page.getByRole('button', { name: 'Publish cohorts…' }).isDisabled(), 'no publishing with unsaved moves');
  const rebuilt = await hr('POST', `/v1/programs/${id}/cohorts/build`, { seed: 2027 });
  assert.equal(rebuilt.status, 200, rebuilt.text);
  const [stale] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/programs/${id}/cohorts`) && r.request().method() === 'PUT'),
    page.getByRole('button', { name: 'Save adjustments' }).click(),
  ]);
  assert.equal(stale.status(), 409);
  await page.getByRole('alert').getByText('Someone changed these cohorts since you loaded them').waitFor();
  await page.getByRole('region', { name: /in no cohort/ }).waitFor({ state: 'detached' });
  assert.equal(await page.getByText('Changed, not saved').count(), 0, 'the latest plan is shown, without the dropped move');
  await shot(page, '43-cohort-plan-changed');

  // Move one member from the first cohort to the second, and save.
  plan = rebuilt.json;
  assert.equal(plan.cohorts.length, 3);
  const mover = plan.cohorts[0].members[0];
  await page.getByLabel(`Move ${mover.name} to`).selectOption('1');
  await page.getByRole('button', { name: `Move ${mover.name}`, exact: true }).click();
  await page.locator(`[data-cohort="2"] [data-member="${mover.id}"]`).waitFor();
  await page.getByRole('status').getByText(`Moved ${mover.name} to cohort 2. Not saved yet.`).waitFor();
  await page.locator('[data-cohort="1"]').getByText('Changed, not saved').waitFor();
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/programs/${id}/cohorts`) && r.request().method() === 'PUT'),
    page.getByRole('button', { name: 'Save adjustments' }).click(),
  ]);
  assert.equal(saved.status(), 200, await saved.text());
  const body = saved.request().postDataJSON();
  assert.equal(body.version, plan.version, 'the PUT carries the version read');
  assert.ok(body.cohorts[1].includes(mover.id) && !body.cohorts[0].includes(mover.id));
  await page.getByRole('status').getByText('Saved.').waitFor();
  await page.getByText(/adjusted by hand/).waitFor();
  assert.equal(await page.getByText('Changed, not saved').count(), 0);
  plan = (await hr('GET', `/v1/programs/${id}/cohorts`)).json;
  assert.ok(plan.adjusted);
  assert.ok(plan.cohorts[1].members.some((/** @type {any} */ m) => m.id === mover.id), 'the API has the move');
  const x2 = plan.cohorts[1].explanation;
  await page.locator('[data-cohort="2"] .explanation').getByText(new RegExp(`^${plan.cohorts[1].members.length} people `)).waitFor();
  assert.ok(x2.pairs > 0);

  // Publish, after a confirmation.
  await page.getByRole('button', { name: 'Publish cohorts…' }).click();
  const confirm = page.getByRole('dialog', { name: `Publish the cohorts of ${TITLE}?` });
  await confirm.getByText(/cannot be changed afterwards/).waitFor();
  await shot(page, '44-cohort-publish-confirm', { fullPage: false });
  const [pub] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/programs/${id}/cohorts/publish`)),
    confirm.getByRole('button', { name: 'Publish', exact: true }).click(),
  ]);
  assert.equal(pub.status(), 200, await pub.text());
  assert.deepEqual(pub.request().postDataJSON(), { version: plan.version });
  await page.getByText('These cohorts are published').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save adjustments' }).count(), 0, 'published cohorts are read-only');
  assert.equal((await hr('GET', `/v1/programs/${id}`)).json.status, 'published');
  await shot(page, '45-cohorts-published');
  await assertAccessible(page);

  // The cohorts' ties and scheduled sessions reach the connection report for that month.
  const month = FIRST.toUTC().toFormat('yyyy-MM');
  const ties = (await hr('GET', `/v1/reports/connections?from=${month}&to=${month}`)).json.graph.cohorts;
  assert.ok(ties.sessions >= plan.cohorts.length && ties.pairs > 0 && ties.memberHours > 0, JSON.stringify(ties));
  await page.goto(`/hr?from=${month}&to=${month}`);
  const panel = page.getByTestId('cohort-ties');
  await panel.getByRole('heading', { name: 'Program cohorts' }).waitFor();
  const figures = await panel.innerText();
  assert.match(figures, new RegExp(`Cohort sessions\\s+${ties.sessions}\\b`), figures);
  assert.match(figures, new RegExp(`Peer pairs\\s+${ties.pairs}\\b`), figures);
  await done(s, [404, 409]);
});

test('a member sees their cohort: members, departments, zones, why, and the sessions on their clock', async () => {
  assert.ok(flow.programId, 'the program from the previous tests');
  const id = flow.programId;
  const mine = (await (await apiAs('ben@acme.example'))('GET', `/v1/programs/${id}/cohorts`)).json;
  assert.ok(mine.cohort, 'Ben is in a published cohort');
  const s = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
  const card = page.locator(`[data-program="${id}"]`);
  await card.getByText('Cohorts published', { exact: true }).waitFor();
  await card.getByText('You are enrolled', { exact: true }).waitFor();
  await card.getByRole('link', { name: `My cohort in ${TITLE}` }).click();
  await page.getByRole('heading', { level: 1, name: 'My cohort' }).waitFor();
  await page.getByRole('heading', { level: 2, name: `Cohort ${mine.cohort.number}` }).waitFor();

  const x = mine.cohort.explanation;
  const text = await page.locator('.explanation').innerText();
  assert.match(text, new RegExp(`^${mine.cohort.members.length} people (from ${x.departments.length} departments|all from ${x.departments[0]}); `), text);
  for (const m of mine.cohort.members) {
    const r = page.locator(`tr[data-member="${m.id}"]`);
    await r.getByRole('rowheader', { name: new RegExp(`^${m.name}`) }).waitFor();
    await r.getByRole('cell', { name: m.department, exact: true }).waitFor();
    await r.getByRole('cell', { name: new RegExp(`^${m.timezone.replace(/_/g, ' ')} `) }).waitFor();
  }
  await page.locator(`tr[data-member="acme-ben"]`).getByText('(you)').waitFor();
  // Four weekly sessions at 17:00 on Ben's clock (London).
  const sessions = page.getByRole('region', { name: 'Sessions' }).getByRole('listitem');
  assert.deepEqual(await sessions.allInnerTexts(), [0, 1, 2, 3].map((i) => when(FIRST.plus({ weeks: i }), 60)));
  await shot(page, '46-my-cohort');
  await assertAccessible(page);

  // A learner outside the program cannot enroll any more: enrollment is closed.
  const olga = await signedIn(browser, 'Olga Ivanova', 'olga@acme.example');
  await olga.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
  const closed = olga.page.locator(`[data-program="${id}"]`);
  await closed.getByText('Enrollment is closed').waitFor();
  assert.equal(await closed.getByRole('button', { name: /^Enroll/ }).count(), 0);
  await done(olga);
  await done(s);
});

test('a member sees the cohort sessions in My sessions, each with a calendar invite', async () => {
  assert.ok(flow.programId, 'the program from the previous tests');
  const id = flow.programId;
  const mine = (await (await apiAs('ben@acme.example'))('GET', `/v1/programs/${id}/cohorts`)).json;
  assert.ok(mine.cohort, 'Ben is in a published cohort');
  const s = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My sessions' }).click();
  await page.getByRole('heading', { level: 2, name: 'Program cohort sessions' }).waitFor();
  const cards = page.getByRole('list', { name: 'Upcoming program cohort sessions' }).locator(`[data-cohort-session^="${id}-"]`);
  await cards.first().waitFor();
  assert.equal(await cards.count(), 4, 'four upcoming sessions of the fresh program');
  const first = page.locator(`[data-cohort-session="${id}-1"]`);
  await first.getByText(when(FIRST, 60), { exact: true }).waitFor(); // on Ben's clock (London)
  await first.getByText('Program cohort', { exact: true }).waitFor();
  await first.getByText(`${TITLE}: session 1 of 4`).waitFor();
  assert.equal(await first.getByRole('link', { name: 'My cohort' }).getAttribute('href'), `/programs/${id}/cohort`);
  const [download] = await Promise.all([page.waitForEvent('download'), first.getByRole('button', { name: 'Add to calendar' }).click()]);
  const file = `tandem-${id}-${mine.cohort.number}-1`;
  assert.equal(download.suggestedFilename(), `${file}.ics`);
  await download.saveAs(`${ARTIFACTS}${file}.ics`);
  const ics = readFileSync(`${ARTIFACTS}${file}.ics`, 'utf8').replace(/\r\n[ \t]/g, '');
  assert.match(ics, new RegExp(`\r\nUID:${file.slice('tandem-'.length)}@tandem\r\n`), ics);
  assert.match(ics, new RegExp(`\r\nDTSTART:${FIRST.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}\r\n`), ics);
  await shot(page, '46b-my-sessions-cohort');
  await assertAccessible(page);
  await done(s);

  const olga = await apiAs('olga@acme.example');
  const r = await olga('GET', `/v1/programs/${id}/cohort/sessions/1/invite.ics`);
  assert.equal(r.status, 404, `olga is in no cohort: ${r.text}`);
});

test('phone width: the cohort builder and my cohort do not scroll sideways', async () => {
  assert.ok(flow.programId, 'the program from the previous tests');
  const overflow = (/** @type {import('playwright-core').Page} */ page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const hana = await signedIn(browser, 'Hana Novak', 'hana@acme.example', { width: 390, height: 844 });
  await hana.page.goto(`/hr/programs/${flow.programId}`);
  await hana.page.locator('[data-cohort="1"]').waitFor();
  assert.ok((await overflow(hana.page)) <= 0, `builder: no horizontal scrolling (overflow ${await overflow(hana.page)}px)`);
  await shot(hana.page, '47-phone-cohort-builder');
  await done(hana);
  const ben = await signedIn(browser, 'Ben Carter', 'ben@acme.example', { width: 390, height: 844 });
  await ben.page.goto(`/programs/${flow.programId}/cohort`);
  await ben.page.locator('.explanation').waitFor();
  assert.ok((await overflow(ben.page)) <= 0, `my cohort: no horizontal scrolling (overflow ${await overflow(ben.page)}px)`);
  await shot(ben.page, '48-phone-my-cohort');
  await done(ben);
});
