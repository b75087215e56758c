// Fix and undo on the job page: a rejected row is corrected in the grid and resubmitted into the
// same import; an import that created and updated rows is reverted after a confirmation, and the
// table is back as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { isbn13 } from '../lib/books.mjs';
import {
  api,
  counter,
  newCredentials,
  openSession,
  signUpInPage,
  stepsOf,
  waitForFinalStatus,
  waitUntil,
} from '../lib/harness.mjs';

const HEADER = 'title,author,isbn,publication_year';

/** A wrong ISBN-13 check digit: the right one plus 1. */
function wrongCheckDigit(isbn) {
  return isbn.slice(0, 12) + String((Number(isbn[12]) + 1) % 10);
}

async function login(creds) {
  const { body } = await api('/api/auth/login/', { method: 'POST', body: { email: creds.email, password: creds.password } });
  assert.ok(body.access, JSON.stringify(body));
  return body.access;
}

/** Upload over the API and wait for the job's end; the page is what is tested here. */
async function importFile(token, name, lines, onConflict = 'error') {
  const form = new FormData();
  form.append('dataset', 'books');
  form.append('on_conflict', onConflict);
  form.append('file', new Blob([`${[HEADER, ...lines].join('\n')}\n`], { type: 'text/csv' }), name);
  const created = await api('/api/imports/', { token, method: 'POST', body: form });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  await waitUntil(async () => ['completed', 'failed'].includes((await api(`/api/imports/${id}/`, { token })).body.status), {
    timeoutMs: 60_000,
    what: `${name} to finish`,
  });
  return id;
}

/** The workspace's books as {isbn: [title, author, year]}, from the records API. */
async function books(token) {
  const { status, body } = await api('/api/datasets/books/records/?page_size=500', { token });
  assert.equal(status, 200, JSON.stringify(body));
  return Object.fromEntries(
    body.results.map((r) => [r.values.isbn, [r.values.title, r.values.author, r.values.publication_year]]),
  );
}

describe('fix a rejected row in the grid and resubmit it', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('fix');
  const good = [1, 2, 3, 4, 5].map((n) => isbn13(710000000 + n));
  const fixedIsbn = isbn13(710000099);
  let session;
  let page;
  let token;
  let jobId;

  before(async () => {
    session = await openSession('fix-and-resubmit');
    page = session.page;
    await signUpInPage(session, creds);
    token = await login(creds);
  });

  after(async () => {
    await session?.close();
  });

  step('the job page marks the bad cells in a grid with their messages', async () => {
    jobId = await importFile(token, 'partner-books.csv', [
      `The Quiet Harbour,Ann Lee,${good[0]},1999`,
      `Northern Lights,Bob Stone,${wrongCheckDigit(fixedIsbn)},2004`, // row 3: the one fixed below
      `Salt and Stone,Cy Marsh,${good[1]},20x1`, // row 4: a bad year, left as it is
      `A Winter Map,Dee Park,${good[2]},2010`,
      `,Eve Hart,${good[3]},2015`, // row 6: no title
      `Paper Rivers,Fay North,${good[4]},2019`,
    ]);
    await page.goto(`/imports/${jobId}`);
    assert.equal(await waitForFinalStatus(page), 'completed');
    await waitUntil(async () => (await counter(page, 'failed')) === 3, { what: '3 rejected' });
    assert.equal(await counter(page, 'created'), 3);
    assert.equal((await page.getByTestId('job-outcome').innerText()).trim(), 'completed with errors');

    const grid = page.getByRole('table', { name: 'Rejected rows' });
    await grid.waitFor();
    const headers = (await grid.getByRole('columnheader').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(headers, ['Row', 'title', 'author', 'isbn', 'publication_year']);
    const bad = page.getByRole('textbox', { name: 'Row 3, isbn', exact: true });
    assert.equal(await bad.inputValue(), wrongCheckDigit(fixedIsbn));
    assert.equal(await bad.getAttribute('aria-invalid'), 'true');
    const cell = grid.locator('td.cell-invalid[data-column="isbn"]').first();
    assert.match(await cell.innerText(), /wrong ISBN-13 check digit/);
    assert.equal(await page.getByRole('textbox', { name: 'Row 3, title', exact: true }).getAttribute('aria-invalid'), null);
    const groups = (await page.getByRole('list', { name: 'Rejected rows by error' }).getByRole('button').allInnerTexts()).map((t) =>
      t.trim(),
    );
    assert.equal(groups.length, 3, JSON.stringify(groups));
    assert.ok(groups.includes('1 × isbn: … has a wrong ISBN-13 check digit'), JSON.stringify(groups));
    await session.shot('rejected-rows-grid');
    await page.getByRole('heading', { name: 'Rejected rows', exact: true }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await session.docsShot('rejected-rows-grid');
  });

  step('at 390 px the grid scrolls sideways in its own box, not the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const box = page.locator('.grid-scroll');
      await box.scrollIntoViewIfNeeded();
      const sizes = await box.evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
        right: el.getBoundingClientRect().right,
      }));
      assert.ok(sizes.scroll > sizes.client, `the grid is wider than its box: ${JSON.stringify(sizes)}`);
      assert.ok(sizes.right <= 390, `the box ends inside the screen: ${JSON.stringify(sizes)}`);
      // The job page's own parts stay on the screen (the app's header is checked with the shell).
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('article.job *')]
          .filter((el) => el.getBoundingClientRect().right > 391 && !el.closest('.grid-scroll'))
          .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > 391))
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)} px`),
      );
      assert.deepEqual(wide, [], 'nothing of the job page sticks out of a 390 px screen');
      await session.shot('grid-390px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  step('a group filters the grid to its rows', async () => {
    await page.getByRole('button', { name: '1 × isbn: … has a wrong ISBN-13 check digit', exact: true }).click();
    await waitUntil(async () => (await page.getByRole('textbox', { name: 'Row 4, title', exact: true }).count()) === 0, {
      what: 'the other rows filtered out',
    });
    assert.equal(await page.getByRole('combobox', { name: 'Column', exact: true }).inputValue(), 'isbn');
    await page.getByRole('button', { name: 'Clear filters', exact: true }).click();
    await page.getByRole('textbox', { name: 'Row 4, title', exact: true }).waitFor();
  });

  step('the corrected cell is resubmitted: the row is created in the same import, the counters follow', async () => {
    await page.getByRole('textbox', { name: 'Row 3, isbn', exact: true }).fill(fixedIsbn);
    await page.getByRole('button', { name: 'Resubmit fixed rows (1)', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '1 row loaded.' }).waitFor();
    await waitUntil(async () => (await counter(page, 'created')) === 4, { what: '4 created' });
    assert.equal(await counter(page, 'failed'), 2);
    assert.equal(await counter(page, 'processed'), 6);
    await waitUntil(async () => (await page.getByRole('textbox', { name: 'Row 3, isbn', exact: true }).count()) === 0, {
      what: 'row 3 gone from the open errors',
    });
    await page.getByRole('textbox', { name: 'Row 4, publication_year', exact: true }).waitFor();
    await session.shot('resubmitted');

    const stored = await books(token);
    assert.deepEqual(stored[fixedIsbn], ['Northern Lights', 'Bob Stone', 2004]);
    assert.equal(Object.keys(stored).length, 4);
    const job = (await api(`/api/imports/${jobId}/`, { token })).body;
    assert.deepEqual([job.created_rows, job.failed_rows, job.outcome], [4, 2, 'completed_with_errors']);
    const resolved = (await api(`/api/imports/${jobId}/errors/?state=resolved`, { token })).body;
    assert.deepEqual(
      resolved.results.map((e) => e.row_number),
      [3],
    );
  });
});

describe('revert an import that created and updated rows', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('undo');
  const kept = isbn13(720000001);
  const updated = isbn13(720000002);
  const added = [isbn13(720000003), isbn13(720000004)];
  let session;
  let page;
  let token;
  let before_;
  let jobId;

  before(async () => {
    session = await openSession('revert');
    page = session.page;
    await signUpInPage(session, creds);
    token = await login(creds);
  });

  after(async () => {
    await session?.close();
  });

  step('a second import updates one book and creates two', async () => {
    await importFile(token, 'catalogue-march.csv', [`Kept As Is,Ann Lee,${kept},1990`, `Old Title,Bob Stone,${updated},1991`]);
    before_ = await books(token);
    assert.equal(Object.keys(before_).length, 2);
    jobId = await importFile(
      token,
      'catalogue-april.csv',
      [`New Title,Bob Stone,${updated},2001`, `Fresh One,Cy Marsh,${added[0]},2020`, `Fresh Two,Dee Park,${added[1]},2021`],
      'update',
    );
    const now = await books(token);
    assert.deepEqual(now[updated], ['New Title', 'Bob Stone', 2001]);
    assert.equal(Object.keys(now).length, 4);
  });

  step('Revert asks first, saying what will happen, and nothing changes on Keep', async () => {
    await page.goto(`/imports/${jobId}`);
    assert.equal(await waitForFinalStatus(page), 'completed');
    await waitUntil(async () => (await counter(page, 'created')) === 2, { what: '2 created' });
    assert.equal(await counter(page, 'updated'), 1);
    await page.getByRole('button', { name: 'Revert import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Revert this import?' });
    await dialog.waitFor();
    assert.equal(
      (await dialog.getByTestId('revert-plan').innerText()).trim(),
      '2 created rows will be deleted, 1 updated row gets its previous values back; rows changed since by another import are kept and listed.',
    );
    await session.shot('revert-confirm');
    await session.docsShot('revert-confirm');
    await dialog.getByRole('button', { name: 'Keep the import', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(Object.keys(await books(token)).length, 4);
  });

  step('confirmed, the table is back as before and History says reverted', async () => {
    await page.getByRole('button', { name: 'Revert import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Revert this import?' });
    await dialog.getByRole('button', { name: 'Revert', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: /^Reverted / }).waitFor();
    assert.equal((await page.getByTestId('reverted-deleted').innerText()).trim(), '2');
    assert.equal((await page.getByTestId('reverted-restored').innerText()).trim(), '1');
    assert.equal((await page.getByTestId('reverted-kept').innerText()).trim(), '0');
    assert.equal((await page.getByTestId('job-outcome').innerText()).trim(), 'completed · reverted');
    assert.equal(await page.getByRole('button', { name: 'Revert import', exact: true }).count(), 0);
    await session.shot('reverted');

    assert.deepEqual(await books(token), before_);

    await page.goto('/imports');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'catalogue-april.csv', exact: true }) });
    await row.waitFor();
    assert.equal((await row.getByTestId('job-outcome').innerText()).trim(), 'completed · reverted');
    const earlier = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'catalogue-march.csv', exact: true }) });
    assert.equal((await earlier.getByTestId('job-outcome').innerText()).trim(), 'completed');
    await session.shot('history-reverted');
  });
});
