// A 20 000-row file generated on the fly: the job page follows it to the end with the right
// totals. Whether "processing" is caught on the way depends on the machine's speed, so it is
// only reported, never asserted.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { generatedBooks, isbn13 } from '../lib/books.mjs';
import {
  stepsOf,
  api,
  counter,
  newCredentials,
  openSession,
  signUpInPage,
  rejectedRows,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

const ROWS = 20_000;
const BAD_EVERY = 5_000;
const FILE = 'books-20000.csv';

describe('a large file', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('large');
  let session;
  let page;

  before(async () => {
    session = await openSession('large-file');
    page = session.page;
    await signUpInPage(session, creds);
  });

  after(async () => {
    await session?.close();
  });

  step('imports 20 000 rows and shows the final counts', async () => {
    const { text, badRows } = generatedBooks({ rows: ROWS, badEvery: BAD_EVERY });
    const filePath = path.join(session.dir, FILE);
    await writeFile(filePath, text);

    await page.getByLabel('Dataset', { exact: true }).selectOption('books');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(filePath);
    await page.getByText(FILE, { exact: true }).first().waitFor();
    const start = page.getByRole('button', { name: 'Start import', exact: true });
    await waitUntil(() => start.isEnabled(), { what: 'the start button' });
    await start.click();
    const jobId = (await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 60_000))[1];
    await session.shot('job-started');

    const seen = new Set();
    let progressShot = false;
    const status = await waitForFinalStatus(page, {
      timeoutMs: 240_000,
      onStatus: (s) => {
        seen.add(s);
        if (s === 'processing' && !progressShot) {
          progressShot = true;
          session.shot('processing').catch(() => {});
        }
      },
    });
    console.log(`statuses seen on the job page: ${[...seen].join(' → ')}`);
    await session.shot('job-final');
    assert.equal(status, 'completed');

    await waitUntil(async () => (await counter(page, 'processed')) === ROWS, { what: 'all rows processed' });
    assert.equal(await counter(page, 'total'), ROWS);
    assert.equal(await counter(page, 'created'), ROWS - badRows.length);
    assert.equal(await counter(page, 'failed'), badRows.length);
    assert.equal(await counter(page, 'skipped'), 0);
    const bar = page.getByRole('progressbar', { name: 'Import progress', exact: true });
    assert.equal(Number(await bar.getAttribute('aria-valuenow')), 100);
    // The counters can come with the live update before the rejected rows' own request answers.
    const rejected = await waitUntil(
      async () => {
        const rows = await rejectedRows(page);
        return rows.length === badRows.length ? rows : false;
      },
      { what: 'the rejected rows' },
    );
    assert.deepEqual(
      rejected.map((r) => r.row),
      badRows,
    );
    for (const r of rejected) assert.deepEqual(Object.keys(r.messages), ['publication_year']);

    const { body: login } = await api('/api/auth/login/', {
      method: 'POST',
      body: { email: creds.email, password: creds.password },
    });
    const books = await api('/api/books/', { token: login.access });
    assert.equal(books.body.count, ROWS - badRows.length);
    const last = await api(`/api/books/?isbn=${isbn13(500000000 + ROWS - 1)}`, { token: login.access });
    assert.equal(last.body.count, 1, 'the last good row is stored');
    const job = await api(`/api/imports/${jobId}/`, { token: login.access });
    assert.equal(job.body.status, 'completed');
  });
});
