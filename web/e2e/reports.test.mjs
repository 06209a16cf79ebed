// @ts-check
// End-to-end: HR's dashboard, CSV download and org settings, and that nobody else gets them
// (runs after app.test.mjs and learning.test.mjs, so the bookings they made are in the data).
//
// The figures come from aggregates the stream consumer keeps; `tandem dev` runs it over the
// table's stream. The tests first wait (up to AGG_WAIT_MS) for the aggregates to show the
// seeded bookings. When they never do (a `tandem dev` without the local stream poller), the
// dashboard can only show zeros: the tests then check that every part renders and that the
// CSV has its header, and say so in a diagnostic line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ARTIFACTS, apiAs, axe, close, launch, parseCsv, shot, signedIn } from './lib.mjs';

const AGG_WAIT_MS = Number(process.env.E2E_AGG_WAIT_MS ?? 20_000);
const HISTORY = Number(process.env.E2E_HISTORY ?? 0); // past sessions the seed imported
const CSV_HEADER = [
  'month', 'kind', 'key', 'name', 'suppressed', 'suppressedReason', 'withheld',
  'booked', 'completed', 'cancelled', 'lateCancelled', 'noShowHost', 'noShowGuest',
  'hoursBooked', 'hoursDelivered', 'hoursOffered', 'requests', 'matched', 'newTies', 'activeLearners',
  'utilizationBooked', 'utilizationDelivered', 'completionRate', 'noShowRateHost', 'noShowRateGuest', 'lateCancelRate',
  'csat', 'nps', 'averageRating', 'timeToMatchMedianHours', 'crossFunctionalReach', 'budgetHours', 'budgetUsedHours', 'budgetUsedShare',
];
const pct = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const num = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** @type {import('playwright-core').Browser} */
let browser;
/** Whether the aggregates carry data (the stream consumer runs under tandem dev). */
let aggregates = false;

before(async () => {
  browser = await launch();
  const hr = await apiAs('hana@acme.example');
  const deadline = Date.now() + AGG_WAIT_MS;
  for (;;) {
    const r = await hr('GET', '/v1/reports/utilization?groupBy=month');
    assert.equal(r.status, 200, r.text);
    const m = r.json.total.metrics;
    if (m.booked > 0 || m.requests > 0) {
      aggregates = true;
      break;
    }
    if (Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
});
after(async () => {
  await browser?.close();
});

/** @param {import('playwright-core').Page} page */
async function assertAccessible(page) {
  assert.deepEqual(await axe(page), [], `axe finds no serious problems on ${page.url()}`);
}

/**
 * @param {{errors: string[], context: import('playwright-core').BrowserContext}} s
 * @param {number[]} [allowStatus]
 */
async function done(s, allowStatus = []) {
  assert.deepEqual(await close(s, allowStatus), [], 'no console errors');
}

test('only HR gets reports and settings: the UI guards the pages, the API answers 403', async () => {
  const ben = await signedIn(browser, 'Ben Carter', 'ben@acme.example');
  await ben.page.goto('/hr/settings');
  await ben.page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
  assert.ok(!ben.requests.some((u) => /dashboard-.*\.js|\/v1\/(reports|org)\//.test(u)), 'neither the HR chunk nor an HR call');
  await done(ben);

  for (const email of ['ben@acme.example', 'maya@acme.example']) {
    const as = await apiAs(email);
    for (const [method, path, body] of /** @type {[string, string, unknown?][]} */ ([
      ['GET', '/v1/reports/utilization'],
      ['GET', '/v1/reports/utilization?groupBy=department&format=csv'],
      ['GET', '/v1/reports/connections'],
      ['GET', '/v1/org/settings'],
      ['PUT', '/v1/org/settings', { matching: { topic: 1, capacity: 0, language: 0, timezone: 0, rating: 0, load: 0, connection: 0 }, lateCancelHours: 1, requestExpiryDays: 1 }],
    ])) {
      const r = await as(method, path, body);
      assert.equal(r.status, 403, `${email} ${method} ${path}: ${r.text}`);
      assert.equal(r.json?.code, 'forbidden');
    }
  }
});

test('the HR dashboard shows headline figures, trend charts, breakdowns and the connection graph', async (t) => {
  if (!aggregates) t.diagnostic('the reports stayed at zero: no stream consumer under tandem dev, so only the rendering is checked');
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  const answer = (/** @type {string} */ part) => page.waitForResponse((r) => r.url().includes(part) && r.status() === 200);
  const [month, department, expert, connections] = await Promise.all([
    answer('/v1/reports/utilization?groupBy=month'),
    answer('/v1/reports/utilization?groupBy=department'),
    answer('/v1/reports/utilization?groupBy=expert'),
    answer('/v1/reports/connections'),
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HR' }).click(),
  ]);
  const rep = { month: await month.json(), department: await department.json(), expert: await expert.json(), connections: (await connections.json()).graph };
  await page.getByRole('heading', { level: 2, name: 'Headline figures' }).waitFor();
  // The range defaults to the server's last three months.
  assert.equal(await page.getByLabel('From month').inputValue(), rep.month.from);
  assert.equal(await page.getByLabel('To month').inputValue(), rep.month.to);

  // Headline figures: the org total over the range, formatted; "—" where there is no data.
  const total = rep.month.total.metrics;
  const kpi = (/** @type {string} */ key) => page.locator(`.kpi[data-metric="${key}"] .kpi-value`).innerText();
  const expectRatio = (/** @type {number|null} */ v) => (v === null ? '—' : pct.format(v));
  assert.equal(await page.locator('.kpi').count(), 10);
  for (const key of ['utilizationBooked', 'utilizationDelivered', 'completionRate', 'noShowRateHost', 'noShowRateGuest', 'crossFunctionalReach']) {
    assert.equal(await kpi(key), expectRatio(total[key]), key);
  }
  const withheld = (/** @type {string} */ k) => (rep.month.total.withheld ?? []).includes(k);
  assert.equal(await kpi('csat'), total.csat === null ? (withheld('csat') ? 'withheld' : '—') : pct.format(total.csat));
  assert.equal(await kpi('nps'), total.nps === null ? (withheld('nps') ? 'withheld' : '—') : `${total.nps > 0 ? '+' : ''}${num.format(total.nps)}`);
  assert.equal(await kpi('activeLearners'), num.format(total.activeLearners));
  assert.equal(await kpi('timeToMatchMedianHours'), total.timeToMatchMedianHours === null ? '—' : `${num.format(total.timeToMatchMedianHours)} h`);
  await page.getByText(`${total.booked} sessions booked, ${total.completed} completed`).waitFor();
  if (aggregates) assert.ok(total.booked > 0, 'the seeded and e2e bookings are counted');

  // Trend: two charts drawn on canvas (Chart.js from the lazy chunk), and the same as a table.
  for (const id of ['chart-rates', 'chart-sessions']) {
    const drawn = await page.getByTestId(id).evaluate((/** @type {HTMLCanvasElement} */ c) => {
      const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
      let ink = 0;
      for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 0) ink++;
      return { w: c.width, h: c.height, ink };
    });
    assert.ok(drawn.w > 100 && drawn.h > 100 && drawn.ink > 500, `${id} is drawn (${JSON.stringify(drawn)})`);
  }
  assert.match((await page.locator('[data-chart-version]').getAttribute('data-chart-version')) ?? '', /^4\./);
  await page.getByText('Trend as a table').click();
  const months = await page.locator('section.trend table.data tbody tr').count();
  assert.equal(months, 3, 'three months by default');

  // Breakdowns: one row per group; small groups hidden.
  for (const [kind, r] of /** @type {const} */ ([['department', rep.department], ['expert', rep.expert]])) {
    const table = page.getByTestId(`by-${kind}`);
    if (r.rows.length === 0) {
      assert.ok(!aggregates || kind === 'expert', `${kind} rows once there is data`);
      await page.locator('section.breakdown', { has: page.getByRole('heading', { name: `By ${kind}` }) }).getByText('No data in this period.').waitFor();
      continue;
    }
    assert.equal(await table.locator('tbody tr').count(), r.rows.length, kind);
    const hidden = r.rows.filter((/** @type {any} */ x) => x.suppressed);
    assert.equal(await table.getByText('hidden: fewer than 3 people').count(), hidden.length, `${kind}: suppressed rows`);
    for (const row of r.rows.filter((/** @type {any} */ x) => !x.suppressed)) {
      const cells = table.locator(`tr[data-key="${row.group.key}"] td`);
      assert.equal(await cells.nth(0).innerText(), num.format(row.metrics.booked), `${kind} ${row.group.key} booked`);
    }
  }

  // Every expert row has the expert's name, never a raw id (issue 19: 9 of 10 had none).
  for (const row of rep.expert.rows) assert.ok(row.group.name && row.group.name !== row.group.key, `expert ${row.group.key} has a name (${row.group.name})`);

  // With the seed's history, departments have enough people to be shown.
  if (aggregates && HISTORY >= 100) {
    assert.ok(rep.department.rows.some((/** @type {any} */ r) => !r.suppressed), 'some department is shown');
    assert.ok(rep.connections.nodes.length >= 2 && rep.connections.edges.length >= 1, 'departments are connected');
  }

  // The connection graph: E-I index and density, departments on a circle.
  const g = rep.connections;
  assert.equal(await page.getByTestId('ei-index').innerText(), g.eiIndex === null ? '—' : `${g.eiIndex > 0 ? '+' : ''}${num.format(g.eiIndex)}`);
  assert.equal(await page.getByTestId('density').innerText(), g.density === null ? '—' : num.format(g.density));
  if (g.nodes.length > 0) {
    const svg = page.getByTestId('connection-graph');
    assert.equal(await svg.locator('g.node').count(), g.nodes.length);
    assert.equal(await svg.locator('path.edge').count(), g.edges.length);
  } else {
    await page.getByText('No completed sessions in this period yet.').waitFor();
  }
  await shot(page, '30-hr-dashboard');
  await page.locator('section.connections').screenshot({ path: `${ARTIFACTS}31-hr-connections.png` });
  await assertAccessible(page);

  // Another range: February to March.
  const [ty = 0, tm = 1] = rep.month.to.split('-').map(Number);
  await page.getByLabel('From month').fill(tm === 1 ? `${ty - 1}-12` : `${ty}-${String(tm - 1).padStart(2, '0')}`);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL(/from=\d{4}-\d{2}&to=\d{4}-\d{2}/);
  await page.waitForFunction(() => document.querySelectorAll('section.trend table.data tbody tr').length === 2);
  // A range that ends before it starts: the API's field error, next to the field.
  await page.getByLabel('From month').fill(rep.month.to);
  await page.getByLabel('To month').fill(rep.month.from);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.locator('.field.has-error', { has: page.getByLabel('To month') }).getByText('must not be before from').waitFor();
  await done(s, [400]); // the reversed range, on purpose
});

test('HR downloads the report as CSV (fetched with the token) and it parses', async () => {
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.goto('/hr');
  await page.getByRole('heading', { level: 2, name: 'Headline figures' }).waitFor();
  await page.getByLabel('CSV rows').selectOption('department');
  const [req, download] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('format=csv')),
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  assert.match(req.headers().authorization ?? '', /^Bearer /, 'the CSV is fetched with the token');
  const from = await page.getByLabel('From month').inputValue();
  const to = await page.getByLabel('To month').inputValue();
  assert.equal(download.suggestedFilename(), `tandem-utilization-${from}-${to}-department.csv`);
  const file = `${ARTIFACTS}utilization-department.csv`;
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /\r\n$/, 'CRLF line ends');
  const [header = [], ...rows] = parseCsv(text);
  assert.deepEqual(header, CSV_HEADER);

  // The same rows as the JSON report of the same range.
  const hr = await apiAs('hana@acme.example');
  const json = (await hr('GET', `/v1/reports/utilization?from=${from}&to=${to}&groupBy=department`)).json;
  assert.equal(rows.length, json.rows.length);
  if (aggregates) assert.ok(rows.length > 0, 'departments once there is data');
  const col = (/** @type {string} */ name) => header.indexOf(name);
  for (const [i, row] of rows.entries()) {
    const r = json.rows[i];
    assert.equal(row.length, CSV_HEADER.length);
    assert.equal(row[col('kind')], 'department');
    assert.equal(row[col('key')], r.group.key);
    assert.equal(row[col('suppressed')], String(r.suppressed));
    assert.equal(row[col('booked')], r.suppressed ? '' : String(r.metrics.booked), 'a hidden row has no figures');
    assert.equal(row[col('completionRate')], r.suppressed || r.metrics.completionRate === null ? '' : String(r.metrics.completionRate));
  }
  await done(s);
});

test('HR edits the org settings; field errors appear next to their fields', async () => {
  const s = await signedIn(browser, 'Hana Novak', 'hana@acme.example');
  const { page } = s;
  await page.goto('/hr');
  await page.getByRole('navigation', { name: 'HR' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Organisation settings' }).waitFor();
  const weights = page.getByRole('group', { name: 'Matching weights' });
  const topic = weights.getByLabel('Topics', { exact: true });
  await topic.waitFor();
  assert.equal(await topic.inputValue(), '0.3');
  const expiry = page.getByLabel('Requests stay open (days)');
  const before = await expiry.inputValue();

  // Weights are sliders with words and shares, not raw decimals.
  assert.equal(await topic.getAttribute('type'), 'range');
  assert.match((await topic.getAttribute('aria-valuetext')) ?? '', /^High, 30% of a score$/);
  await topic.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await topic.inputValue(), '0.35', 'arrow keys move a slider a step');

  // All weights off: an error for the set as a whole, in words.
  for (const label of ['Topics', 'Free when you are', 'Language', 'Time zone', 'Rating', 'Workload', 'New connection']) {
    await weights.getByLabel(label, { exact: true }).fill('0');
  }
  await page.getByTestId('weights-ranking').getByText('every weight is off').waitFor();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('fieldset.weights > .error').getByText('at least one weight must be above 0').waitFor();
  await shot(page, '32-hr-settings-field-error');

  // Valid again, with a longer request expiry; it is saved and read back.
  for (const [label, v] of [['Topics', '0.3'], ['Free when you are', '0.2'], ['Language', '0.1'], ['Time zone', '0.1'], ['Rating', '0.1'], ['Workload', '0.1'], ['New connection', '0.1']]) {
    await weights.getByLabel(label, { exact: true }).fill(v);
  }
  assert.match(await weights.locator('.field', { has: page.getByLabel('Topics', { exact: true }) }).locator('.slider-value').innerText(), /30% of a score/);
  await expiry.fill('21');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  assert.equal(await page.locator('.has-error').count(), 0);
  await assertAccessible(page);
  await page.reload();
  await expiry.waitFor();
  assert.equal(await expiry.inputValue(), '21');
  await shot(page, '33-hr-settings-saved');

  // Put it back as it was for anyone using this database after the tests.
  await expiry.fill(before);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  await done(s, [400]); // the invalid weights, on purpose
});
