// The path a new person takes: sign up, create an API key, import a file with good and bad rows,
// watch it complete, read the rejected rows, download errors.csv, find the job in History.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isbn10To13 } from '../lib/books.mjs';
import {
  stepsOf,
  FIXTURES,
  api,
  counter,
  newCredentials,
  openSession,
  parseCsv,
  signUpInPage,
  rejectedRows,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

const FILE = 'books-mixed.csv';
const FILE_PATH = path.join(FIXTURES, FILE);

// What books-mixed.csv implies (the header is row 1).
const TOTAL = 17;
const GOOD_ISBNS = [
  '9781000000078',
  '9781000000146',
  '9781000000214',
  '9781000000283',
  '9781000000351',
  '9781000000498',
  '9781000000634',
  '9781000000771',
  '9781000000917',
  '9781000000986',
  '9781000001051',
  isbn10To13('0-306-40615-2'),
];
// row → [column shown, words the message contains]; the ragged row is a whole-record error.
const REJECTED = [
  { row: 7, column: 'isbn', message: /check digit|checksum|invalid|not a valid/i, raw: '9781000000420' },
  { row: 9, column: 'title', message: /required/i, raw: 'Nameless Author' },
  { row: 11, column: 'publication_year', message: /3000|at most|between|range|less than/i, raw: 'From the Future' },
  { row: 13, column: null, message: /expected 4 fields, got 5/, raw: 'Too Many Fields' },
  { row: 15, column: 'isbn', message: /duplicate.*first at row 3/i, raw: 'Salt and Cedar Again' },
];
const NOT_STORED_ISBNS = ['9781000000420', '9781000000566', '9781000000702', '9781000000849'];

describe('import a file with good and bad rows', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('flow');
  let session;
  let page;
  let apiKey;
  let jobId;

  before(async () => {
    session = await openSession('import-flow');
    page = session.page;
  });

  after(async () => {
    await session?.close();
  });

  step('1. signs up a new user', async () => {
    // Without a session any page leads to the sign-in screen.
    await page.goto('/imports');
    await waitForPath(page, /^\/sign-in$/);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await session.shot('sign-in-redirect');
    await page.getByRole('link', { name: 'Create an account', exact: true }).click();
    await waitForPath(page, /^\/sign-up$/);

    // A mismatched confirmation is refused next to the field, nothing is created.
    await page.getByLabel('Email', { exact: true }).fill(creds.email);
    await page.getByLabel('Password', { exact: true }).fill(creds.password);
    await page.getByLabel('Confirm password', { exact: true }).fill(`${creds.password}-typo`);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    // Shown next to the field: an alert or the field's description says the passwords differ.
    const confirm = page.getByLabel('Confirm password', { exact: true });
    await waitUntil(
      async () =>
        (await page.getByRole('alert').filter({ hasText: /match/i }).count()) > 0 ||
        confirm.evaluate((el) =>
          (el.getAttribute('aria-describedby') || '')
            .split(/\s+/)
            .some((id) => id && /match/i.test(document.getElementById(id)?.textContent || '')),
        ),
      { what: 'the mismatch to be reported next to the field' },
    );
    assert.match(new URL(page.url()).pathname, /^\/sign-up$/);
    await session.shot('sign-up-mismatch');

    await signUpInPage(session, creds);
    const nav = page.getByRole('navigation');
    for (const name of ['Import', 'History', 'API keys', 'Data']) {
      assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, `nav link ${name}`);
    }
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  });

  step('2. creates an API key and sees its secret once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'API keys', exact: true }).click();
    await waitForPath(page, /^\/keys$/);
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.getByLabel('Key name', { exact: true }).fill('browser tests');
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    const secretBox = page.getByTestId('new-key-secret');
    await secretBox.waitFor();
    apiKey = (await secretBox.innerText()).trim();
    assert.ok(apiKey.length >= 20, `the secret looks like a key: ${apiKey}`);
    await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();
    await page.getByText(/shown once|only once|once/i).first().waitFor();
    const keys = page.getByRole('table', { name: 'API keys', exact: true });
    await keys.getByRole('cell', { name: 'browser tests', exact: true }).waitFor();
    await session.shot('api-key-created');

    // The key works on the API and resolves to this user's workspace.
    const me = await api('/api/auth/me/', { key: apiKey });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    const listed = await api('/api/keys/', { key: apiKey });
    assert.equal(listed.status, 200);
    const all = listed.body.results ?? listed.body;
    assert.ok(all.some((k) => k.name === 'browser tests'), JSON.stringify(all));
    assert.ok(!JSON.stringify(all).includes(apiKey), 'the list never repeats the secret');

    // Shown once: after reloading the page the secret is gone, the key stays listed.
    await page.reload();
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await keys.getByRole('cell', { name: 'browser tests', exact: true }).waitFor();
    assert.equal(await page.getByTestId('new-key-secret').count(), 0);
    assert.equal(await page.getByText(apiKey).count(), 0);
    await session.shot('api-key-listed');
  });

  step('3. imports the file and shows the counters and the rejected rows', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Import', exact: true }).click();
    await waitForPath(page, /^\/import$/);
    await page.getByRole('heading', { name: 'Import a file', exact: true }).waitFor();
    await page.getByLabel('Dataset', { exact: true }).selectOption('books');
    await page.getByRole('link', { name: 'Download template CSV', exact: true }).waitFor();
    await session.shot('import-form');

    // The drop zone is a real button: it takes the focus and Enter opens the file picker.
    // (The file-chooser listener goes first: the browser starts intercepting pickers a moment later.)
    const dropZone = page.getByRole('button', { name: 'Choose a file', exact: true });
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await dropZone.focus();
    assert.ok(await dropZone.evaluate((el) => el === document.activeElement), 'the drop zone takes the focus');
    await page.keyboard.press('Enter');
    const picker = await chooser;
    assert.equal(picker.isMultiple(), false);

    await page.getByLabel('CSV file', { exact: true }).setInputFiles(FILE_PATH);
    await page.getByText(FILE, { exact: true }).first().waitFor();
    const matching = page.getByRole('table', { name: 'Column matching', exact: true });
    await matching.waitFor();
    const matchRows = await matching.getByRole('row').filter({ has: page.getByRole('cell') }).allInnerTexts();
    assert.equal(matchRows.length, 4, `one row per column: ${JSON.stringify(matchRows)}`);
    for (const text of matchRows) assert.match(text, /\bmatched\b/, text);
    assert.equal(await page.getByRole('radio', { name: 'Report an error', exact: true }).isChecked(), true);
    const start = page.getByRole('button', { name: 'Start import', exact: true });
    assert.equal(await start.isEnabled(), true);
    await session.shot('file-chosen');

    await start.click();
    const match = await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 30_000);
    jobId = match[1];
    await page.getByRole('heading', { level: 1, name: FILE, exact: true }).waitFor();
    await session.shot('job-started');

    const seen = new Set();
    const status = await waitForFinalStatus(page, { timeoutMs: 90_000, onStatus: (s) => seen.add(s) });
    await session.shot('job-final');
    assert.equal(status, 'completed', `statuses seen: ${[...seen].join(', ')}`);

    // The counters say what the file implies.
    await waitUntil(async () => (await counter(page, 'failed')) === 5, { what: 'the final counters' });
    assert.equal(await counter(page, 'total'), TOTAL);
    assert.equal(await counter(page, 'processed'), TOTAL);
    assert.equal(await counter(page, 'created'), GOOD_ISBNS.length);
    assert.equal(await counter(page, 'updated'), 0);
    assert.equal(await counter(page, 'skipped'), 0);
    assert.equal(await counter(page, 'failed'), REJECTED.length);
    const bar = page.getByRole('progressbar', { name: 'Import progress', exact: true });
    assert.equal(Number(await bar.getAttribute('aria-valuenow')), 100);
    assert.equal(await page.getByRole('button', { name: 'Cancel import', exact: true }).count(), 0);

    // The rejected rows: one grid row per rejected row, the bad cell marked with its message.
    const table = page.getByRole('table', { name: 'Rejected rows', exact: true });
    await table.waitFor();
    const headers = (await table.getByRole('columnheader').allTextContents()).map((t) => t.trim());
    assert.deepEqual(headers, ['Row', 'title', 'author', 'isbn', 'publication_year']);
    const rows = await rejectedRows(page);
    assert.deepEqual(
      rows.map((r) => r.row),
      REJECTED.map((r) => r.row),
      `rejected rows on screen: ${JSON.stringify(rows, null, 1)}`,
    );
    for (const expected of REJECTED) {
      const shown = rows.find((r) => r.row === expected.row);
      if (expected.column) {
        assert.deepEqual(Object.keys(shown.messages), [expected.column], `column of row ${expected.row}`);
        assert.match(shown.messages[expected.column], expected.message, `message of row ${expected.row}`);
      } else {
        assert.deepEqual(shown.messages, {}, `row ${expected.row}`);
        assert.match(shown.rowMessage, expected.message, `message of row ${expected.row}`);
      }
      assert.ok(Object.values(shown.values).join(',').includes(expected.raw), `row ${expected.row}: ${JSON.stringify(shown.values)}`);
    }
    await table.scrollIntoViewIfNeeded();
    await session.shot('rejected-rows');

    // The API agrees: the job's counters, and the good rows are stored, the bad ones are not.
    const job = await api(`/api/imports/${jobId}/`, { key: apiKey });
    assert.equal(job.status, 200);
    assert.equal(job.body.status, 'completed');
    assert.equal(job.body.total_rows, TOTAL);
    assert.equal(job.body.created_rows, GOOD_ISBNS.length);
    assert.equal(job.body.failed_rows, REJECTED.length);
    for (const isbn of GOOD_ISBNS) {
      const found = await api(`/api/books/?isbn=${isbn}`, { key: apiKey });
      assert.equal(found.status, 200);
      assert.equal(found.body.count, 1, `book ${isbn} stored`);
      assert.equal(found.body.results[0].isbn, isbn);
    }
    const dup = await api('/api/books/?isbn=9781000000146', { key: apiKey });
    assert.equal(dup.body.results[0].title, 'Salt and Cedar', 'the first of two duplicates is kept');
    const comma = await api('/api/books/?isbn=9781000000214', { key: apiKey });
    assert.equal(comma.body.results[0].title, 'Maps, Rivers and Other Lies');
    for (const isbn of NOT_STORED_ISBNS) {
      const found = await api(`/api/books/?isbn=${isbn}`, { key: apiKey });
      assert.equal(found.body.count, 0, `rejected book ${isbn} not stored`);
    }
  });

  step('4. downloads errors.csv with the rejected rows', async () => {
    assert.ok(jobId, 'step 3 started a job');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.getByRole('button', { name: 'Download errors.csv', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `import-${jobId}-errors.csv`);
    const saved = path.join(session.dir, download.suggestedFilename());
    await download.saveAs(saved);
    await session.shot('errors-downloaded');

    const rows = parseCsv(await readFile(saved, 'utf8'));
    assert.deepEqual(rows[0], ['title', 'author', 'isbn', 'publication_year', 'row_number', 'errors']);
    const data = rows.slice(1);
    // The two last cells are row_number and errors, also for the ragged row that keeps its 5 fields.
    assert.deepEqual(
      data.map((r) => Number(r[r.length - 2])),
      REJECTED.map((r) => r.row),
    );
    const byRow = new Map(data.map((r) => [Number(r[r.length - 2]), r]));
    assert.match(byRow.get(7).at(-1), /^isbn: /);
    assert.equal(byRow.get(7)[2], '9781000000420');
    assert.match(byRow.get(9).at(-1), /^title: .*required/);
    assert.equal(byRow.get(9)[0], '');
    assert.match(byRow.get(11).at(-1), /^publication_year: /);
    assert.equal(byRow.get(11)[3], '3000');
    assert.equal(byRow.get(13).length, 7);
    assert.equal(byRow.get(13)[4], 'extra');
    assert.match(byRow.get(13).at(-1), /expected 4 fields, got 5/);
    assert.match(byRow.get(15).at(-1), /^isbn: duplicate.*first at row 3/);
  });

  step('5. lists the job in History, with jobs started over the API', async () => {
    assert.ok(jobId, 'step 3 started a job');
    // A job started elsewhere (the API with the key) shows in History too.
    const form = new FormData();
    form.append('dataset', 'books');
    form.append(
      'file',
      new Blob(['title,author,isbn\nApi Book,Api Author,9783000000003\n'], { type: 'text/csv' }),
      'from-the-api.csv',
    );
    const created = await api('/api/imports/', { key: apiKey, method: 'POST', body: form });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const apiJobId = created.body.id;
    await waitUntil(
      async () => ['completed', 'failed'].includes((await api(`/api/imports/${apiJobId}/`, { key: apiKey })).body.status),
      { timeoutMs: 60_000, what: 'the API job to finish' },
    );

    await page.getByRole('navigation').getByRole('link', { name: 'History', exact: true }).click();
    await waitForPath(page, /^\/imports$/);
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    const history = page.getByRole('table', { name: 'Import history', exact: true });
    const ourRow = history.getByRole('row').filter({ has: page.getByRole('link', { name: FILE, exact: true }) });
    await ourRow.waitFor();
    const apiRow = history
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'from-the-api.csv', exact: true }) });
    await apiRow.waitFor();
    const rowText = await ourRow.innerText();
    assert.match(rowText, /\bcompleted\b/);
    assert.match(rowText, /\bbooks\b/i);
    // Newest first: the API job was started last.
    const links = await history.getByRole('link').allInnerTexts();
    assert.ok(
      links.indexOf('from-the-api.csv') < links.indexOf(FILE),
      `newest first: ${JSON.stringify(links)}`,
    );
    await session.shot('history');

    // The status filter narrows the list.
    const filter = page.getByLabel('Status', { exact: true });
    await filter.selectOption('failed');
    await waitUntil(async () => (await ourRow.count()) === 0, { what: 'the completed job to leave a failed-only list' });
    await session.shot('history-failed-only');
    await filter.selectOption('completed');
    await ourRow.waitFor();
    await session.shot('history-completed-only');

    await ourRow.getByRole('link', { name: FILE, exact: true }).click();
    await waitForPath(page, new RegExp(`^/imports/${jobId}$`));
    await page.getByRole('heading', { level: 1, name: FILE, exact: true }).waitFor();
    await waitUntil(async () => (await page.getByTestId('job-status').innerText()).trim() === 'completed', {
      what: 'the job page to show completed',
    });
    assert.equal(await counter(page, 'created'), GOOD_ISBNS.length);
    await session.shot('job-from-history');

    // A deep link loads the same page.
    await page.goto(`/imports/${jobId}`);
    await page.getByRole('heading', { level: 1, name: FILE, exact: true }).waitFor();
  });

  step('6. signs out and back in', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPath(page, /^\/sign-in$/);
    await session.shot('signed-out');
    await page.getByLabel('Email', { exact: true }).fill(creds.email);
    await page.getByLabel('Password', { exact: true }).fill(creds.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, /^\/import$/);
    await page.getByText(creds.email, { exact: true }).first().waitFor();
    await session.shot('signed-in-again');
  });
});
