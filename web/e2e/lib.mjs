// @ts-check
// Helpers for the end-to-end tests: Debian's Chromium through playwright-core (never a
// downloaded browser), one context per user, console-error capture, screenshots, axe checks.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const BASE = process.env.TANDEM_URL ?? 'http://127.0.0.1:4780';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** @returns {Promise<import('playwright-core').Browser>} */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A signed-out page in a fresh context. The device zone is Tokyo on purpose: the app must
 * show times in the user's saved zone, not the device's.
 * @param {import('playwright-core').Browser} browser
 * @param {{width?: number, height?: number, timezoneId?: string}} [opts]
 */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale: 'en-GB',
    timezoneId: opts.timezoneId ?? 'Asia/Tokyo',
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  /** @type {string[]} */
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, errors, requests };
}

/**
 * Signs in through the dev sign-in screen.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {string} email
 * @param {string} [path]
 */
export async function signIn(page, name, email, path = '/') {
  await page.goto(path);
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${name} .*${email.replace('.', '\\.')}`) }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {{fullPage?: boolean}} [opts] fullPage: false for what is in view (a modal dialog)
 */
export async function shot(page, name, opts = {}) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: opts.fullPage ?? true });
}

/**
 * Runs axe-core on the page and returns serious and critical violations as readable lines.
 * @param {import('playwright-core').Page} page
 */
export async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  /** @type {{id: string, impact: string, help: string, nodes: {target: string[]}[]}[]} */
  const violations = await page.evaluate(async () => {
    // @ts-ignore axe is injected above
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((/** @type {any} */ v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((/** @type {any} */ n) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/**
 * A signed-in page in a fresh context.
 * @param {import('playwright-core').Browser} browser
 * @param {string} name
 * @param {string} email
 * @param {{width?: number, height?: number}} [opts]
 */
export async function signedIn(browser, name, email, opts) {
  const s = await newPage(browser, opts);
  await signIn(s.page, name, email);
  return s;
}

/**
 * Closes the context and returns the console errors left after dropping the 4xx answers a
 * test provoked on purpose (Chromium logs every 4xx answer as a console error).
 * @param {{errors: string[], context: import('playwright-core').BrowserContext}} s
 * @param {number[]} [allowStatus]
 */
export async function close(s, allowStatus = []) {
  await s.context.close();
  const expected = (/** @type {string} */ e) => allowStatus.some((n) => e.includes(`Failed to load resource: the server responded with a status of ${n} `));
  return s.errors.filter((e) => !expected(e));
}

/**
 * The API as one demo user, from node (for setting the scene and for checks the UI cannot
 * make): a dev token from the local gateway, then plain fetch.
 * @param {string} email
 */
export async function apiAs(email) {
  const res = await fetch(`${BASE}/dev/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
  if (!res.ok) throw new Error(`dev token for ${email}: ${res.status}`);
  const { token } = await res.json();
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {Record<string, string>} [headers]
   */
  return async (method, path, body, headers = {}) => {
    const r = await fetch(`${BASE}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    /** @type {any} */
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
}

/**
 * RFC 4180 CSV (quoted cells, doubled quotes, CRLF) as rows of cells.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Asserts that axe finds no serious accessibility problems on the page.
 * @param {import('playwright-core').Page} page
 */
export async function assertAccessible(page) {
  assert.deepEqual(await axe(page), [], `axe finds no serious problems on ${page.url()}`);
}

/**
 * Closes a signed-in session and asserts it logged no console errors.
 * @param {{errors: string[], context: import('playwright-core').BrowserContext}} s
 * @param {number[]} [allowStatus]
 */
export async function done(s, allowStatus = []) {
  assert.deepEqual(await close(s, allowStatus), [], 'no console errors');
}
