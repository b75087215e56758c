// Shared pieces of the browser tests: the browser, screenshots per step, polling, the API.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8765').replace(/\/$/, '');
export const OUTPUT_DIR = process.env.OUTPUT_DIR || path.resolve(import.meta.dirname, '..', 'output');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
// The README's pictures: with E2E_DOCS_SHOTS=1 the tests that take them write them here.
export const DOCS_SHOTS_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser, a context and a page whose screenshots go under output/<name>/. */
export async function openSession(name) {
  const dir = path.join(OUTPUT_DIR, name);
  await mkdir(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: BASE_URL, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  let step = 0;
  return {
    browser,
    context,
    page,
    dir,
    consoleErrors,
    /** Save output/<name>/NN-step-name.png. */
    async shot(stepName) {
      step += 1;
      const file = path.join(dir, `${String(step).padStart(2, '0')}-${stepName}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** Save docs/screenshots/<docName>.png (the viewport only) when E2E_DOCS_SHOTS=1. */
    async docsShot(docName) {
      if (process.env.E2E_DOCS_SHOTS !== '1') return null;
      await mkdir(DOCS_SHOTS_DIR, { recursive: true });
      const file = path.join(DOCS_SHOTS_DIR, `${docName}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    /** Close the browser, first printing any uncaught page errors so a failure shows them. */
    async close() {
      if (consoleErrors.length) console.log(`${name}: page errors:`, consoleErrors);
      await browser.close();
    },
  };
}

/** Poll fn until it returns a truthy value; fail with the last value seen after timeoutMs. */
export async function waitUntil(fn, { timeoutMs = 15_000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}` +
      (last !== undefined ? `; last value: ${JSON.stringify(last)}` : '') +
      (lastError ? `; last error: ${lastError.message}` : ''),
  );
}

/** Wait until the page's path matches re; return the match. */
export async function waitForPath(page, re, timeoutMs = 15_000) {
  return waitUntil(() => new URL(page.url()).pathname.match(re), { timeoutMs, what: `a path matching ${re}` });
}

/** Call the API; returns { status, body } with the body parsed as JSON when it is JSON. */
export async function api(pathname, { key, token, method = 'GET', body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (key) h['X-API-KEY'] = key;
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body && !(body instanceof FormData) && typeof body !== 'string') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(BASE_URL + pathname, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = text;
  if ((res.headers.get('content-type') || '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A fresh e-mail and a password the server accepts. */
export function newCredentials(tag) {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return { email: `e2e-${tag}-${stamp}@example.com`, password: `Quiet-river-${stamp}-42!` };
}

/** Sign up through the page; ends on /import with the e-mail shown in the header. */
export async function signUpInPage(session, creds) {
  const { page } = session;
  await page.goto('/sign-up');
  await page.getByLabel('Email', { exact: true }).fill(creds.email);
  await page.getByLabel('Password', { exact: true }).fill(creds.password);
  await page.getByLabel('Confirm password', { exact: true }).fill(creds.password);
  await session.shot('sign-up-form');
  try {
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await waitForPath(page, /^\/import$/);
    await page.getByText(creds.email, { exact: true }).first().waitFor();
  } catch (err) {
    await session.shot('FAILED-sign-up').catch(() => {});
    throw err;
  }
  await session.shot('signed-in');
}

/** Rows of a table as objects keyed by its column headers (cells' inner text, trimmed). */
export async function tableRows(table) {
  const headers = (await table.getByRole('columnheader').allTextContents()).map((t) => t.trim());
  const rows = [];
  for (const row of await table.getByRole('row').all()) {
    const cells = (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
    if (cells.length === 0) continue;
    rows.push(Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/**
 * The rejected-rows grid of the job page, row by row: its number, its cells' text by dataset
 * column, the messages under the bad cells by column, and a message about the whole row.
 */
export async function rejectedRows(page) {
  const table = page.getByRole('table', { name: 'Rejected rows', exact: true });
  await table.waitFor();
  return table.evaluate((t) => {
    const columns = [...t.querySelectorAll('thead th')].slice(1).map((th) => th.textContent.trim());
    return [...t.querySelectorAll('tbody tr')].map((tr) => {
      const head = tr.querySelector('th');
      const values = {};
      const messages = {};
      [...tr.querySelectorAll('td')].forEach((td, i) => {
        const input = td.querySelector('input');
        values[columns[i]] = input ? input.value : (td.querySelector('.grid-text')?.textContent ?? '');
        const message = td.querySelector('.cell-message');
        if (message) messages[columns[i]] = message.textContent.trim();
      });
      return {
        row: Number(head.firstChild.textContent.trim()),
        values,
        messages,
        rowMessage: head.querySelector('.cell-message')?.textContent.trim() ?? '',
      };
    });
  });
}

/**
 * The integer a counter shows (data-testid="count-..."), with or without thousands separators
 * ("1,234" and "1234" read as 1234); NaN if it is not an integer written either way.
 */
export async function counter(page, name) {
  const text = (await page.getByTestId(`count-${name}`).textContent()).trim();
  return /^(\d+|\d{1,3}(,\d{3})+)$/.test(text) ? Number(text.replaceAll(',', '')) : Number.NaN;
}

/** Wait on the job page until the status badge says one of the final words; return it. */
export async function waitForFinalStatus(page, { timeoutMs = 60_000, onStatus } = {}) {
  const badge = page.getByTestId('job-status');
  return waitUntil(
    async () => {
      const text = (await badge.textContent({ timeout: 2_000 })).trim();
      if (onStatus) onStatus(text);
      return ['completed', 'failed', 'cancelled'].includes(text) ? text : false;
    },
    { timeoutMs, intervalMs: 250, what: 'a final job status' },
  );
}

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF) for checking errors.csv. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Steps that build on each other: once one fails, the later ones fail at once (naming the step
 * that broke) instead of each waiting for its own timeouts.
 */
export function stepsOf(it, getSession = () => null) {
  let broken = null;
  return (name, fn) =>
    it(name, async (t) => {
      if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
      try {
        await fn(t);
      } catch (err) {
        broken = name;
        // What the page showed when the step broke.
        const session = getSession();
        if (session) await session.shot(`FAILED-${slug(name)}`).catch(() => {});
        throw err;
      }
    });
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
