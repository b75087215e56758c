// A file whose title column has a name the server does not know: the server only suggests its
// look-alike header, and the file is refused while title has none; mapped in the page, it
// imports. A wrong extension is refused before anything is sent.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  stepsOf,
  FIXTURES,
  api,
  counter,
  newCredentials,
  openSession,
  rejectedRows,
  signUpInPage,
  tableRows,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

const FILE = 'books-book-title.csv';
const FILE_PATH = path.join(FIXTURES, FILE);

/** The row of the Column matching table for a dataset column: its status and chosen header. */
async function matchingRow(page, column) {
  const table = page.getByRole('table', { name: 'Column matching', exact: true });
  const rows = await tableRows(table);
  const found = rows.find((r) => new RegExp(`^${column}\\b`).test(r.Column ?? ''));
  assert.ok(found, `a row for ${column} in ${JSON.stringify(rows)}`);
  const select = page.getByLabel(`Header for ${column}`, { exact: true });
  const header = await select.evaluate((el) => el.selectedOptions[0]?.textContent ?? '');
  return [found.Status.replace(/ \(\d+ % alike\)$/, ''), header];
}

describe('map a missing required column in the page', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('mapping');
  let session;
  let page;
  let jobId;

  before(async () => {
    session = await openSession('column-mapping');
    page = session.page;
    await signUpInPage(session, creds);
  });

  after(async () => {
    await session?.close();
  });

  step('refuses a file that is not a .csv', async () => {
    await page.getByRole('heading', { name: 'Import a file', exact: true }).waitFor();
    await page.getByLabel('Dataset', { exact: true }).selectOption('books');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'books.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('title,author,isbn\nA,B,9780306406157\n'),
    });
    await page.getByRole('alert').filter({ hasText: '.csv' }).first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start import', exact: true }).isDisabled(), true);
    await session.shot('wrong-extension-refused');
  });

  step('refuses the file while title is missing, imports it once mapped', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(FILE_PATH);
    await page.getByText(FILE, { exact: true }).first().waitFor();
    await page.getByRole('table', { name: 'Column matching', exact: true }).waitFor();

    const start = page.getByRole('button', { name: 'Start import', exact: true });
    // "Book Title" only looks like title: the server suggests it, marked as such.
    await waitUntil(async () => (await matchingRow(page, 'title'))[0] === 'suggested', { what: 'title suggested' });
    assert.deepEqual(await matchingRow(page, 'title'), ['suggested', 'Book Title']);
    assert.deepEqual(await matchingRow(page, 'author'), ['matched', 'Author']);
    assert.deepEqual(await matchingRow(page, 'isbn'), ['matched', 'ISBN']);
    assert.deepEqual(await matchingRow(page, 'publication_year'), ['matched by alias', 'Year']);

    // Without the suggestion title has no header: the file is refused until it gets one.
    const select = page.getByLabel('Header for title', { exact: true });
    await select.selectOption({ label: 'Leave empty' });
    const missingAlert = page.getByRole('alert').filter({ hasText: 'missing' });
    await missingAlert.first().waitFor();
    assert.deepEqual(await matchingRow(page, 'title'), ['missing', 'Leave empty']);
    assert.equal(await start.isDisabled(), true, 'no start while title is missing');
    await session.shot('title-missing');

    const options = (await select.getByRole('option').allInnerTexts()).map((t) => t.trim());
    for (const header of ['Leave empty', 'Book Title', 'Author', 'ISBN', 'Year']) {
      assert.ok(options.includes(header), `option ${header} in ${JSON.stringify(options)}`);
    }
    await select.selectOption({ label: 'Book Title' });
    await waitUntil(async () => (await missingAlert.count()) === 0, { what: 'the refusal to go away' });
    await waitUntil(async () => (await matchingRow(page, 'title'))[0] === 'mapped', { what: 'title mapped' });
    assert.deepEqual(await matchingRow(page, 'title'), ['mapped', 'Book Title']);
    await waitUntil(() => start.isEnabled(), { what: 'the start button' });
    await page.getByRole('radio', { name: 'Skip the row', exact: true }).check();
    await session.shot('title-mapped');

    await start.click();
    jobId = (await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 30_000))[1];
    await page.getByRole('heading', { level: 1, name: FILE, exact: true }).waitFor();
    const status = await waitForFinalStatus(page, { timeoutMs: 90_000 });
    await session.shot('job-final');
    assert.equal(status, 'completed');
    await waitUntil(async () => (await counter(page, 'created')) === 5, { what: '5 created' });
    assert.equal(await counter(page, 'total'), 6);
    assert.equal(await counter(page, 'processed'), 6);
    assert.equal(await counter(page, 'updated'), 0);
    assert.equal(await counter(page, 'skipped'), 0);
    assert.equal(await counter(page, 'failed'), 1);
    // The counters can come with the live update before the rejected rows' own request answers.
    const rejected = await waitUntil(
      async () => {
        const rows = await rejectedRows(page);
        return rows.length ? rows : false;
      },
      { what: 'the rejected rows' },
    );
    assert.equal(rejected.length, 1, JSON.stringify(rejected));
    assert.equal(rejected[0].row, 5);
    assert.deepEqual(Object.keys(rejected[0].messages), ['isbn']);
    assert.equal(rejected[0].values.isbn, '9782000000441');
  });

  step('sent the mapping and the policy; the books carry the mapped titles', async () => {
    assert.ok(jobId, 'the import started');
    const { body: login } = await api('/api/auth/login/', {
      method: 'POST',
      body: { email: creds.email, password: creds.password },
    });
    const token = login.access;
    assert.ok(token, JSON.stringify(login));
    const job = await api(`/api/imports/${jobId}/`, { token });
    assert.equal(job.status, 200);
    assert.deepEqual(job.body.column_mapping, { title: 'Book Title' });
    assert.equal(job.body.on_conflict, 'skip');
    assert.equal(job.body.created_rows, 5);
    const book = await api('/api/books/?isbn=9782000000112', { token });
    assert.equal(book.body.count, 1);
    assert.equal(book.body.results[0].title, 'Harbour Lights');
    assert.equal(book.body.results[0].publication_year, 1991);
    const bad = await api('/api/books/?isbn=9782000000441', { token });
    assert.equal(bad.body.count, 0);

    // The server refuses the same file without the mapping, as the page did.
    const form = new FormData();
    form.append('dataset', 'books');
    form.append('file', new Blob([await readFile(FILE_PATH)], { type: 'text/csv' }), FILE);
    const refused = await api('/api/imports/', { token, method: 'POST', body: form });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'missing_columns');
  });
});
