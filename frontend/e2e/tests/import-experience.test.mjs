// Map, preview, decide: a real book list's shape, with a sparse ISBN-10 column (blank, or
// rewritten by a spreadsheet as 9.78E+12) that the name "isbn" matches, and the ISBN-13 column
// that matters. The preview shows the refused cells; the person points isbn at isbn13 in the page;
// the import (and a dry run, then the import started from it) gives the counts the file implies.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  FIXTURES,
  api,
  counter,
  newCredentials,
  openSession,
  parseCsv,
  signUpInPage,
  stepsOf,
  tableRows,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

const FILE = 'books-both-isbns.csv';
const FILE_PATH = path.join(FIXTURES, FILE);
const PREVIEW_ROWS = 50;

function isbn13Valid(value) {
  if (!/^97[89]\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 12)].reduce((total, d, i) => total + Number(d) * (i % 2 ? 3 : 1), 0);
  return String((10 - (sum % 10)) % 10) === value[12];
}

/** What the file implies once isbn reads isbn13: every other cell of the fixture is valid. */
async function expectations() {
  const [header, ...rows] = parseCsv(await readFile(FILE_PATH, 'utf8')).filter((r) => r.length > 1);
  const at = (name) => header.indexOf(name);
  for (const row of rows) {
    assert.ok(row[at('title')] && row[at('authors')] && /^\d{4}$/.test(row[at('Publication Yr')]), `a sound row ${row}`);
  }
  const valid = (row) => isbn13Valid(row[at('isbn13')]);
  const isbn10 = rows.map((row) => row[at('isbn')]);
  return {
    total: rows.length,
    created: rows.filter(valid).length,
    failed: rows.filter((row) => !valid(row)).length,
    previewInvalid: rows.slice(0, PREVIEW_ROWS).filter((row) => !valid(row)).length,
    // The first data row whose ISBN-10 cell a spreadsheet rewrote, and the first blank one.
    scientificRow: isbn10.indexOf('9.78E+12') + 2,
    blankRow: isbn10.indexOf('') + 2,
  };
}

/** Status and chosen header of a dataset column in the Column matching table. */
async function matchingRow(page, column) {
  const rows = await tableRows(page.getByRole('table', { name: 'Column matching', exact: true }));
  const found = rows.find((r) => new RegExp(`^${column}\\b`).test(r.Column ?? ''));
  assert.ok(found, `a row for ${column} in ${JSON.stringify(rows)}`);
  const header = await page
    .getByLabel(`Header for ${column}`, { exact: true })
    .evaluate((el) => el.selectedOptions[0]?.textContent ?? '');
  return [found.Status.replace(/ \(\d+ % alike\)$/, ''), header];
}

async function ignoredHeaders(page) {
  return (await page.getByRole('list', { name: 'Ignored headers', exact: true }).getByRole('listitem').allTextContents()).map(
    (t) => t.trim(),
  );
}

/** The preview grid's cell of a row (by its number) and a dataset column. */
function previewCell(page, rowNumber, column) {
  return page.evaluateHandle(
    ([rowNumber, column]) => {
      const grid = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === 'Preview of the first rows');
      if (!grid) return null;
      const columns = [...grid.querySelectorAll('thead th')].map((th) => th.firstChild?.textContent ?? '');
      const row = [...grid.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('th')?.textContent === String(rowNumber));
      return row ? row.children[columns.indexOf(column)] : null;
    },
    [rowNumber, column],
  );
}

async function cellState(page, rowNumber, column) {
  const cell = await previewCell(page, rowNumber, column);
  return cell.evaluate((el) =>
    el ? { invalid: el.getAttribute('aria-invalid'), className: el.className, text: el.textContent } : null,
  );
}

/** Scroll a step's heading to just below the sticky top bar (for the README's pictures). */
async function scrollToHeading(page, name) {
  await page.getByRole('heading', { name }).evaluate((el) => {
    const bar = document.querySelector('header')?.getBoundingClientRect().height ?? 0;
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - bar - 16);
  });
}

async function chooseFile(page) {
  await page.getByRole('heading', { name: 'Import a file', exact: true }).waitFor();
  await page.getByLabel('Dataset', { exact: true }).selectOption('books');
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(FILE_PATH);
  await page.getByRole('table', { name: 'Column matching', exact: true }).waitFor();
}

async function remapIsbn(page) {
  await page.getByLabel('Header for isbn', { exact: true }).selectOption({ label: 'isbn13' });
  await waitUntil(async () => (await matchingRow(page, 'isbn'))[0] === 'mapped', { what: 'isbn mapped to isbn13' });
}

async function finalCounts(page) {
  const status = await waitForFinalStatus(page, { timeoutMs: 90_000 });
  assert.equal(status, 'completed');
  const names = ['total', 'processed', 'created', 'updated', 'skipped', 'failed'];
  await waitUntil(async () => (await counter(page, 'processed')) === (await counter(page, 'total')), {
    what: 'every row processed',
  });
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await counter(page, n)])));
}

async function signIn(creds) {
  const { body } = await api('/api/auth/login/', { method: 'POST', body: { email: creds.email, password: creds.password } });
  assert.ok(body.access, JSON.stringify(body));
  return body.access;
}

describe('map both ISBN columns, preview, import', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('experience');
  let session;
  let page;
  let expected;

  before(async () => {
    expected = await expectations();
    session = await openSession('import-experience');
    page = session.page;
    await signUpInPage(session, creds);
  });

  after(async () => {
    await session?.close();
  });

  step('the mapping step lists every column; the preview marks the refused cells with their message', async () => {
    await chooseFile(page);
    assert.deepEqual(await matchingRow(page, 'title'), ['matched', 'title']);
    assert.deepEqual(await matchingRow(page, 'author'), ['matched by alias', 'authors']);
    // The sparse ISBN-10 column has the dataset column's own name: the server matches it.
    assert.deepEqual(await matchingRow(page, 'isbn'), ['matched', 'isbn']);
    assert.deepEqual(await matchingRow(page, 'publication_year'), ['suggested', 'Publication Yr']);
    assert.deepEqual(await ignoredHeaders(page), ['isbn13', 'language_code']);
    await page.getByText('UTF-8 · detected', { exact: false }).first().waitFor();
    await page.getByText('comma · detected 100 %', { exact: true }).waitFor();

    const grid = page.getByRole('table', { name: 'Preview of the first rows', exact: true });
    await grid.waitFor();
    const scientific = await cellState(page, expected.scientificRow, 'isbn');
    assert.equal(scientific.invalid, 'true', JSON.stringify(scientific));
    assert.match(scientific.className, /cell-invalid/);
    assert.match(scientific.text, /9\.78E\+12.*scientific notation/);
    const blank = await cellState(page, expected.blankRow, 'isbn');
    assert.equal(blank.invalid, 'true', JSON.stringify(blank));
    assert.match(blank.text, /is required/);
    await scrollToHeading(page, /Preview$/);
    await session.docsShot('preview-grid');
    await session.shot('preview-isbn10');
  });

  step('pointing isbn at isbn13 frees the ISBN-10 column and the preview follows', async () => {
    await remapIsbn(page);
    assert.deepEqual(await matchingRow(page, 'isbn'), ['mapped', 'isbn13']);
    assert.deepEqual(await ignoredHeaders(page), ['isbn', 'language_code']);
    await page
      .getByText(`${expected.previewInvalid} of the first ${PREVIEW_ROWS} rows would be rejected.`, { exact: true })
      .waitFor();
    const fixed = await cellState(page, expected.scientificRow, 'isbn');
    assert.equal(fixed.invalid, null, JSON.stringify(fixed));
    await scrollToHeading(page, /Map columns$/);
    await session.docsShot('mapping-step');
    await session.shot('isbn-remapped');
  });

  step('at 390 px the mapping and the preview stay inside the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // The import steps' own boxes (the shell around them is the layout's own business): nothing
    // pokes out on the right but the preview grid, which scrolls inside its own box.
    const outside = () =>
      page.evaluate(() => {
        const form = document.querySelector('form.import-grid');
        if (!form) return ['no form'];
        return [...form.querySelectorAll('*')]
          .filter((el) => !el.closest('.preview-wrap') || el.classList.contains('preview-wrap'))
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      });
    await waitUntil(async () => (await outside()).length === 0, { what: 'the import steps inside 390 px' }).catch(
      async (err) => {
        throw new Error(`${err.message}: ${JSON.stringify((await outside()).slice(0, 10))}`);
      },
    );
    const wrap = await page.locator('.preview-wrap').evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    assert.ok(wrap.scroll > wrap.client, `the preview scrolls inside its box: ${JSON.stringify(wrap)}`);
    const select = page.getByLabel('Header for isbn', { exact: true });
    await select.scrollIntoViewIfNeeded();
    const box = await select.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the select is on screen: ${JSON.stringify(box)}`);
    await session.shot('narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('the import gives the counts the file implies and stores the ISBN-13s', async () => {
    await page.getByRole('button', { name: 'Start import', exact: true }).click();
    const jobId = (await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 30_000))[1];
    const counts = await finalCounts(page);
    assert.deepEqual(counts, {
      total: expected.total,
      processed: expected.total,
      created: expected.created,
      updated: 0,
      skipped: 0,
      failed: expected.failed,
    });
    const token = await signIn(creds);
    const job = await api(`/api/imports/${jobId}/`, { token });
    assert.equal(job.body.column_mapping.isbn, 'isbn13');
    assert.equal(job.body.column_mapping.publication_year, 'Publication Yr');
    const books = await api('/api/books/?page_size=1', { token });
    assert.equal(books.body.count, expected.created);
  });

  step('the same headers next time: the saved mapping is proposed, and can be declined', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Import', exact: true }).click();
    await waitForPath(page, /^\/import$/);
    await chooseFile(page);
    await page.getByText('Using your saved mapping for this partner', { exact: true }).waitFor();
    await waitUntil(async () => (await matchingRow(page, 'isbn'))[1] === 'isbn13', { what: 'the saved isbn13' });
    await page.getByRole('button', { name: "Don't use", exact: true }).click();
    await waitUntil(async () => (await matchingRow(page, 'isbn'))[0] === 'matched', { what: 'back to the name' });
    assert.deepEqual(await matchingRow(page, 'isbn'), ['matched', 'isbn']);
  });
});

describe('a dry run, then the import started from it', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('dry-run');
  let session;
  let page;
  let expected;
  let dryRunId;
  let dryCounts;

  before(async () => {
    expected = await expectations();
    session = await openSession('dry-run');
    page = session.page;
    await signUpInPage(session, creds);
  });

  after(async () => {
    await session?.close();
  });

  step('a dry run gives the exact would-be counts and stores nothing', async () => {
    await chooseFile(page);
    await remapIsbn(page);
    const dryRun = page.getByRole('button', { name: 'Dry run', exact: true });
    await waitUntil(() => dryRun.isEnabled(), { what: 'the dry run button' });
    await dryRun.click();
    dryRunId = (await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 30_000))[1];
    dryCounts = await finalCounts(page);
    assert.deepEqual(dryCounts, {
      total: expected.total,
      processed: expected.total,
      created: expected.created,
      updated: 0,
      skipped: 0,
      failed: expected.failed,
    });
    const startButton = page.getByRole('button', { name: 'Start the import', exact: true });
    await startButton.waitFor();
    await session.docsShot('dry-run');
    const token = await signIn(creds);
    const job = await api(`/api/imports/${dryRunId}/`, { token });
    assert.equal(job.body.dry_run, true);
    assert.equal((await api('/api/books/?page_size=1', { token })).body.count, 0, 'a dry run stores no row');
  });

  step('starting the import from the dry run gives the same counts', async () => {
    await page.getByRole('button', { name: 'Start the import', exact: true }).click();
    const started = await waitUntil(
      async () => {
        const match = new URL(page.url()).pathname.match(/^\/imports\/([0-9a-f-]{36})$/);
        return match && match[1] !== dryRunId ? match[1] : false;
      },
      { what: 'the page of the started import', timeoutMs: 30_000 },
    );
    const counts = await finalCounts(page);
    assert.deepEqual(counts, dryCounts);
    const token = await signIn(creds);
    const job = await api(`/api/imports/${started}/`, { token });
    assert.equal(job.body.dry_run, false);
    assert.equal(job.body.dry_run_of, dryRunId);
    assert.equal((await api('/api/books/?page_size=1', { token })).body.count, expected.created);
    // The dry run now points at its import instead of offering to start it again.
    await page.goto(`/imports/${dryRunId}`);
    await page.getByRole('link', { name: 'Open the import started from it', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start the import', exact: true }).count(), 0);
  });
});
