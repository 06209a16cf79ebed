// @ts-check
// End-to-end: the coaching budget. HR sets one in the org settings (field errors in place;
// kept after a reload and when another setting is saved), the dashboard's budget card shows
// used against allotted hours for the lines HR set, in words, and a learner whose department
// budget is used up is told so in the booking dialog.
//
// Nothing here relies on a budget the seed may have: the tests set their own and read the
// figures they check from the API. `after` cancels the booking they made and puts back the
// settings document that was there before. The file name sorts after learning.test.mjs, so
// the budgets set here never meet the other tests' bookings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { apiAs, ARTIFACTS, assertAccessible, done, launch, shot, signedIn } from './lib.mjs';

const NOW = DateTime.fromISO(process.env.E2E_NOW ?? '2027-03-10T12:00:00Z', { zone: 'utc' });
const num = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof apiAs>>} */
let hr;
/** The settings document before these tests, put back afterwards. */
let original = /** @type {any} */ (null);
/** Bookings made through the API to use up a budget, cancelled afterwards. */
const made = /** @type {string[]} */ ([]);

before(async () => {
  browser = await launch();
  hr = await apiAs('hana@acme.example');
  const r = await hr('GET', '/v1/org/settings');
  assert.equal(r.status, 200, r.text);
  original = r.json;
});
after(async () => {
  try {
    const ines = await apiAs('ines@acme.example');
    for (const id of made) {
      const r = await ines('POST', `/v1/bookings/${id}/cancel`, { reason: 'budget test clean-up' });
      assert.equal(r.status, 200, `cancel ${id}: ${r.text}`);
    }
    if (original) {
      const { updatedAt: _, ...doc } = original;
      const r = await hr('PUT', '/v1/org/settings', doc);
      assert.equal(r.status, 200, `settings put back: ${r.text}`);
    }
  } finally {
    await browser?.close();
  }
});


/** "2027-Q1" → "Q1 2027", "2027-03" → "Mar 2027", "2027" as it is (as the card labels them). */
function periodLabel(/** @type {string} */ p) {
  const q = /^(\d{4})-Q([1-4])$/.exec(p);
  if (q) return `Q${q[2]} ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(p);
  return m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]) }).toFormat('LLL yyyy') : p;
}

test('HR sets a coaching budget: field errors in place, kept after a reload and when other settings are saved', async () => {
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).click();
  await page.getByRole('navigation', { name: 'HR' }).getByRole('link', { name: 'Settings' }).click();
  const budget = page.getByRole('group', { name: 'Coaching budget' });
  const period = budget.getByLabel('Budget period');
  await period.waitFor();
  const topic = page.getByRole('group', { name: 'Matching weights' }).getByLabel('Topics', { exact: true });
  const topicBefore = await topic.inputValue();
  const save = async () => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/org/settings') && r.request().method() === 'PUT'),
      page.getByRole('button', { name: 'Save settings' }).click(),
    ]);
    return res;
  };

  // Start from a clean slate whatever budget there is: a quarter, no caps yet.
  await period.selectOption('quarter');
  const orgHours = budget.getByLabel('Organisation-wide hours');
  await orgHours.fill('');
  const removes = budget.getByRole('button', { name: /^Remove / });
  while ((await removes.count()) > 0) await removes.first().click();
  await budget.getByText('No department caps.').waitFor();

  // A budget without any cap: said in the budget's own box, before anything is sent.
  await page.getByRole('button', { name: 'Save settings' }).click();
  await budget.locator(':scope > .error').getByText('set organisation-wide hours or a department cap').waitFor();

  // Two department rows, one with 0 hours: the API's error lands next to that row's hours.
  const row = (/** @type {number} */ i) => budget.getByRole('group', { name: `Department cap ${i}` });
  await budget.getByRole('button', { name: 'Add a department' }).click();
  await page.waitForFunction(() => document.activeElement?.closest('.budget-row') != null);
  assert.ok(await row(1).getByLabel('Department', { exact: true }).evaluate((el) => el === document.activeElement), 'a new row takes the focus');
  await row(1).getByLabel('Department', { exact: true }).fill('Sales');
  await row(1).getByLabel('Hours per quarter').fill('40');
  await budget.getByRole('button', { name: 'Add a department' }).click();
  await row(2).getByLabel('Department', { exact: true }).fill('Engineering');
  await row(2).getByLabel('Hours per quarter').fill('0');
  const bad = await save();
  assert.equal(bad.status(), 400);
  assert.ok((await bad.json()).errors.some((/** @type {any} */ e) => e.field === 'budget.departmentHours.Engineering'), 'the API names the department');
  await row(2).locator('.field.has-error', { has: page.getByLabel('Hours per quarter') }).getByText(/must be 1-\d+ hours/).waitFor();
  assert.equal(await row(1).locator('.has-error').count(), 0, 'the other row has no error');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
  await shot(page, '34-hr-settings-budget-field-error');

  // Valid: 500 hours org-wide, Engineering 120, Sales 40 per quarter.
  await orgHours.fill('500');
  await row(2).getByLabel('Hours per quarter').fill('120');
  assert.equal((await save()).status(), 200);
  await page.getByText('Settings saved.').waitFor();
  assert.equal(await page.locator('.has-error').count(), 0);
  const want = { period: 'quarter', orgHours: 500, departmentHours: { Engineering: 120, Sales: 40 } };
  assert.deepEqual((await hr('GET', '/v1/org/settings')).json.budget, want);
  await assertAccessible(page);

  // A reload shows it as saved (departments in name order), the other settings untouched.
  await page.reload();
  await period.waitFor();
  assert.equal(await period.inputValue(), 'quarter');
  assert.equal(await orgHours.inputValue(), '500');
  assert.deepEqual(
    [await row(1).getByLabel('Department', { exact: true }).inputValue(), await row(1).getByLabel('Hours per quarter').inputValue(), await row(2).getByLabel('Department', { exact: true }).inputValue(), await row(2).getByLabel('Hours per quarter').inputValue()],
    ['Engineering', '120', 'Sales', '40'],
  );
  assert.equal(await topic.inputValue(), topicBefore);
  await shot(page, '35-hr-settings-budget-saved');

  // Saving another setting keeps the budget (PUT replaces the whole document).
  const expiry = page.getByLabel('Requests stay open (days)');
  const expiryBefore = await expiry.inputValue();
  await expiry.fill(expiryBefore === '30' ? '31' : '30');
  assert.equal((await save()).status(), 200);
  await page.getByText('Settings saved.').waitFor();
  assert.deepEqual((await hr('GET', '/v1/org/settings')).json.budget, want, 'the budget survives saving another setting');
  await expiry.fill(expiryBefore);
  assert.equal((await save()).status(), 200);
  await page.getByText('Settings saved.').waitFor();
  await done(s, [400]); // the 0-hour department, on purpose
});

test('the dashboard’s budget card shows used against allotted hours, in words', async () => {
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/v1/reports/utilization?groupBy=month') && r.status() === 200),
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).click(),
  ]);
  const rep = await res.json();
  const b = rep.budget;
  assert.ok(b, 'the report has a budget section once a budget is set');
  assert.equal(b.period, 'quarter');
  assert.ok(b.periods.length >= 1 && b.periods.every((/** @type {string} */ p) => /^\d{4}-Q[1-4]$/.test(p)), `quarters: ${b.periods}`);
  const n = b.periods.length;

  await page.getByRole('heading', { level: 2, name: 'Coaching budget' }).waitFor();
  const intro = await page.getByTestId('budget-periods').innerText();
  assert.match(intro, /^Quarterly budget\./);
  for (const p of b.periods) assert.ok(intro.includes(periodLabel(p)), `the card names ${p}: ${intro}`);

  /** The cells of one line as text: allotted, used, share, status. */
  const cells = async (/** @type {string} */ key) => {
    const tr = page.getByTestId('budget').locator(`tr[data-line="${key}"]`);
    return { state: await tr.getAttribute('data-state'), text: (await tr.locator('td').allInnerTexts()).map((t) => t.trim()) };
  };
  const hours = (/** @type {number} */ h) => `${num.format(h)} h`;

  // The lines HR set: allotted is the cap times the periods covered; used as the API counts it.
  const org = await cells('org');
  assert.equal(org.text[0], hours(500 * n));
  assert.equal(b.org.allottedHours, 500 * n);
  assert.equal(org.text[1], hours(b.org.usedHours));
  assert.match(org.text[3] ?? '', b.org.usedHours > 500 * n ? /^over by / : / left$/);
  for (const [dept, cap] of /** @type {const} */ ([['Engineering', 120], ['Sales', 40]])) {
    const line = b.departments.find((/** @type {any} */ d) => d.department === dept);
    assert.ok(line, `${dept} has a line`);
    assert.equal(line.allottedHours, cap * n);
    const c = await cells(dept);
    assert.equal(c.text[0], hours(cap * n), `${dept} allotted`);
    assert.equal(c.text[1], line.withheld ? 'withheld' : hours(line.usedHours), `${dept} used`);
  }
  // Every other line as the API has it: a department without a cap, or withheld for privacy.
  assert.equal(await page.getByTestId('budget').locator('tbody tr').count(), 1 + b.departments.length);
  for (const line of b.departments) {
    const c = await cells(line.department);
    if (line.withheld) assert.deepEqual([c.state, c.text[1]], ['withheld', 'withheld'], line.department);
    else if (line.allottedHours === null) assert.deepEqual([c.state, c.text[0]], ['uncapped', 'not capped'], line.department);
  }
  await page.getByTestId('budget').screenshot({ path: `${ARTIFACTS}36-hr-dashboard-budget.png` });
  await assertAccessible(page);
  await done(s);
});

test('a learner whose department budget is used up is told so in the booking dialog', async () => {
  // A yearly cap of 1 hour for Sales. Inês (Sales) uses it up through the API with 30-minute
  // sessions with Kenji on different days, until the budget refuses one (at most two fit).
  const put = await hr('PUT', '/v1/org/settings', { ...settingsOf((await hr('GET', '/v1/org/settings')).json), budget: { period: 'year', orgHours: 0, departmentHours: { Sales: 1 } } });
  assert.equal(put.status, 200, put.text);
  const ines = await apiAs('ines@acme.example');
  const from = NOW.plus({ days: 3 }).toISODate();
  const to = NOW.plus({ days: 14 }).toISODate();
  const slots = await ines('GET', `/v1/experts/acme-kenji/slots?from=${from}&to=${to}&sessionType=intro&tz=UTC`);
  assert.equal(slots.status, 200, slots.text);
  /** @type {Map<string, string>} the first free start of each day */
  const days = new Map();
  for (const sl of slots.json.slots) if (!days.has(sl.start.slice(0, 10))) days.set(sl.start.slice(0, 10), sl.start);
  let refused = false;
  for (const start of [...days.values()].slice(0, 3)) {
    const r = await ines('POST', '/v1/bookings', { expertId: 'acme-kenji', sessionType: 'intro', start, note: '' }, { 'Idempotency-Key': `budget-e2e-${Date.now()}-${start.replace(/\D/g, '')}` });
    if (r.status === 201) {
      made.push(r.json.id);
      continue;
    }
    assert.deepEqual([r.status, r.json?.code, r.json?.extra?.limit], [429, 'limit_exceeded', 'budget_department'], r.text);
    refused = true;
    break;
  }
  assert.ok(refused, `the 1-hour Sales budget refuses a third half hour (booked ${made.length})`);
  assert.ok(made.length <= 2, 'never more than the hour');

  const s = await signedIn(browser, 'Inês Costa', 'ines@acme.example');
  const { page } = s;
  const monday = NOW.setZone('Europe/Lisbon').startOf('week').plus({ weeks: 1 });
  await page.goto(`/experts/acme-maya?date=${monday.toISODate()}`);
  await page.getByRole('heading', { level: 1, name: 'Maya Okafor' }).waitFor();
  const slot = page.locator(`.day-times[data-date="${monday.toISODate()}"] button.slot`).first();
  await slot.click();
  const dialog = page.getByRole('dialog', { name: 'Book this session?' });
  await dialog.waitFor();
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/bookings') && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: 'Confirm booking' }).click(),
  ]);
  assert.equal(res.status(), 429);
  const problem = await res.json();
  assert.deepEqual([problem.code, problem.extra?.limit], ['limit_exceeded', 'budget_department']);
  const alert = dialog.getByRole('alert');
  await alert.getByText('Not enough coaching budget').waitFor();
  await alert.getByText(problem.detail).waitFor();
  assert.match(await alert.innerText(), /Your department.s coaching budget/);
  assert.ok(await dialog.getByRole('button', { name: 'Confirm booking' }).isDisabled(), 'no retry of a booking the budget cannot cover');
  await shot(page, '37-booking-over-budget', { fullPage: false });
  await assertAccessible(page);
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await done(s, [429]); // the refused booking, on purpose
});

/** The settings document as a PUT body (without updatedAt). */
function settingsOf(/** @type {any} */ doc) {
  const { updatedAt: _, ...rest } = doc;
  return rest;
}
