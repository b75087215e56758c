// A 390 × 844 phone: every page fits the screen's width (no sideways scrolling of the page), the
// keys' Revoke buttons can be reached and pressed, and no two buttons on a page share a name.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  FIXTURES,
  api,
  newCredentials,
  openSession,
  signUpInPage,
  stepsOf,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFitsWidth(page, where) {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What sticks out, to say why when it fails.
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((el) => {
        // Inside a box that scrolls (or clips) sideways, it does not widen the page.
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          if (getComputedStyle(up).overflowX !== 'visible') return false;
        }
        return true;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`),
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen: ${wide.join(', ')}`);
}

/** Every button of the page has a name, and no two share one (as a screen reader lists them). */
async function assertButtonNamesUnique(page, where) {
  const snapshot = await page.locator('body').ariaSnapshot();
  const buttons = [...snapshot.matchAll(/- button(?: "((?:[^"\\]|\\.)*)")?/g)].map((match) => match[1] ?? '');
  assert.ok(buttons.length > 0, `${where}: no buttons found`);
  assert.ok(!buttons.includes(''), `${where}: a button has no accessible name: ${JSON.stringify(buttons)}`);
  const repeated = buttons.filter((name, index) => buttons.indexOf(name) !== index);
  assert.deepEqual(repeated, [], `${where}: buttons with the same name: ${JSON.stringify(buttons)}`);
  return buttons;
}

/** Links that read the same lead to the same place. */
async function assertLinksUnambiguous(page, where) {
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('a[href]')]
      .filter((a) => a.getClientRects().length > 0)
      .map((a) => ({ name: (a.getAttribute('aria-label') || a.innerText).trim(), href: a.getAttribute('href') })),
  );
  const targets = new Map();
  for (const { name, href } of links) targets.set(name, new Set([...(targets.get(name) ?? []), href]));
  const ambiguous = [...targets].filter(([, hrefs]) => hrefs.size > 1).map(([name, hrefs]) => `${name} → ${[...hrefs].join(', ')}`);
  assert.deepEqual(ambiguous, [], `${where}: links with the same name lead to different places`);
}

async function checkPage(session, where, { links = false } = {}) {
  await assertFitsWidth(session.page, where);
  if (links) await assertLinksUnambiguous(session.page, where);
  const names = await assertButtonNamesUnique(session.page, where);
  await session.shot(where.replace(/[^a-z0-9]+/gi, '-'));
  return names;
}

/** The header takes a small part of the screen. */
async function headerHeight(page) {
  return page.locator('header.topbar').evaluate((el) => el.getBoundingClientRect().height);
}

async function upload(token, dataset, file) {
  const form = new FormData();
  form.append('dataset', dataset);
  form.append('file', new Blob([await readFile(path.join(FIXTURES, file))], { type: 'text/csv' }), file);
  const response = await api('/api/imports/', { token, method: 'POST', body: form });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const id = response.body.id;
  await waitUntil(async () => ['completed', 'failed'].includes((await api(`/api/imports/${id}/`, { token })).body.status), {
    timeoutMs: 60_000,
    what: `${file} to be imported`,
  });
  return id;
}

describe('small screens (390 × 844)', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('phone');
  let session;
  let page;
  let token;
  let jobId;
  let webhookId;

  before(async () => {
    session = await openSession('small-screens');
    page = session.page;
    await page.setViewportSize(PHONE);
  });

  after(async () => {
    await session?.close();
  });

  step('1. sign-in and sign-up fit, and a wrong password is not an ended session', async () => {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await checkPage(session, 'sign-in');
    await page.getByLabel('Email', { exact: true }).fill('nobody-here@example.com');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The e-mail or password is not right.' }).waitFor();
    assert.equal(await page.getByText(/session has ended/i).count(), 0, 'a refused sign-in is not an ended session');
    assert.equal(await page.getByRole('alert').count(), 1, 'the refusal is said once, next to the password');
    await checkPage(session, 'sign-in-refused');

    await page.goto('/sign-up');
    await page.getByRole('button', { name: 'Create account', exact: true }).waitFor();
    await checkPage(session, 'sign-up');
    await signUpInPage(session, creds);
  });

  step('2. prepares two keys, a webhook, a finished import with rejected rows and a card', async () => {
    const login = await api('/api/auth/login/', { method: 'POST', body: { email: creds.email, password: creds.password } });
    token = login.body.access;
    for (const name of ['nightly sync from the warehouse system', 'partner uploads']) {
      assert.equal((await api('/api/keys/', { token, method: 'POST', body: { name } })).status, 201);
    }
    const hook = await api('/api/webhooks/', {
      token,
      method: 'POST',
      body: {
        url: 'https://93.184.215.14/hooks/intake/a-rather-long-path-that-a-phone-cannot-show-in-one-line',
        events: ['import.completed', 'import.failed'],
        description: 'ERP',
      },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    webhookId = hook.body.id;
    jobId = await upload(token, 'books', 'books-mixed.csv');
    const job = (await api(`/api/imports/${jobId}/`, { token })).body;
    assert.ok(job.failed_rows > 0, 'the import has rejected rows');
    await upload(token, 'card_pickup', 'card-pickup.csv');
  });

  step('3. the import page: a compact header, nothing wider than the screen', async () => {
    await page.goto('/import');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const height = await headerHeight(page);
    assert.ok(height <= PHONE.height * 0.1, `the header takes ${Math.round(height)} px of ${PHONE.height}`);
    await checkPage(session, 'import');
    await session.docsShot('phone-import');

    // With a file chosen, its columns are matched: that fits too.
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(path.join(FIXTURES, 'books-mixed.csv'));
    await page.getByRole('table', { name: 'Column matching', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start import', exact: true }).waitFor();
    await checkPage(session, 'import-file-chosen');
  });

  step('3b. the mapping step: every header select on screen, changeable, no sideways scrolling', async () => {
    const table = page.getByRole('table', { name: 'Column matching', exact: true });
    const selects = table.getByRole('combobox', { name: /^Header for / });
    const count = await selects.count();
    assert.ok(count >= 4, `a select per dataset column, found ${count}`);
    // The mapping's box does not scroll sideways either: nothing of it is hidden to the right.
    const box = await table.evaluate((el) => {
      const wrap = el.closest('.table-wrap') ?? el.parentElement;
      return { scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth };
    });
    assert.ok(box.scrollWidth <= box.clientWidth, `the mapping box scrolls sideways: ${JSON.stringify(box)}`);
    for (const select of await selects.all()) {
      await select.scrollIntoViewIfNeeded();
      const name = await select.getAttribute('aria-label');
      const rect = await select.boundingBox();
      assert.ok(rect && rect.x >= 0 && rect.x + rect.width <= PHONE.width, `${name} inside the screen: ${JSON.stringify(rect)}`);
      // Wide enough to read the header it holds, not squeezed beside the column's name.
      assert.ok(rect.width >= PHONE.width / 2, `${name} is ${Math.round(rect.width)} px wide`);
    }

    // Changed on the phone, the server answers the new resolution; then it is put back.
    const year = page.getByLabel('Header for publication_year', { exact: true });
    const yearRow = table.getByRole('row').filter({ has: year });
    await year.selectOption({ label: 'Leave empty' });
    await yearRow.getByText('left empty', { exact: true }).waitFor();
    assert.equal(await year.inputValue(), '');
    await year.selectOption({ label: 'publication_year' });
    // Chosen by hand, it reads as mapped (no longer as matched by the server).
    await yearRow.getByText('mapped', { exact: true }).waitFor();
    assert.equal(await year.inputValue(), 'publication_year');
    await page.getByRole('button', { name: 'Start import', exact: true }).waitFor();

    await page.getByRole('heading', { name: /Map columns/ }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await assertFitsWidth(page, 'import: the mapping step');
    await session.shot('import-mapping');
    await session.docsShot('phone-mapping');
  });

  step('3c. the preview grid scrolls in its own box, its row numbers stay in view', async () => {
    const grid = page.getByRole('region', { name: 'Preview of the first rows', exact: true });
    await grid.waitFor();
    await grid.scrollIntoViewIfNeeded();
    const sizes = await grid.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    assert.ok(sizes.scrollWidth > sizes.clientWidth, `the preview is wider than the phone: ${JSON.stringify(sizes)}`);
    const rowHead = grid.getByRole('rowheader').first();
    const before = await rowHead.boundingBox();
    await grid.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await waitUntil(async () => (await grid.evaluate((el) => el.scrollLeft)) > 0, { what: 'the preview to scroll' });
    const after = await rowHead.boundingBox();
    assert.ok(Math.abs(after.x - before.x) < 1, `the row number moved from ${before.x} to ${after.x}`);
    const gridBox = await grid.boundingBox();
    assert.ok(after.x >= gridBox.x && after.x + after.width <= gridBox.x + gridBox.width, 'the row number stays inside the grid');
    await assertFitsWidth(page, 'import: the preview scrolled');
    await grid.evaluate((el) => el.scrollTo({ left: 0 }));
  });

  step('4. a finished job with rejected rows', async () => {
    await page.goto(`/imports/${jobId}`);
    await waitForFinalStatus(page);
    await page.getByText('books-mixed.csv').first().waitFor();
    await checkPage(session, 'job');
    // The file name reads as words, not one letter a line.
    const title = page.getByRole('heading', { level: 1 }).first();
    const lineHeight = await title.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 30);
    const { height } = await title.boundingBox();
    assert.ok(height <= lineHeight * 3, `the job's title takes ${Math.round(height)} px (${Math.round(height / lineHeight)} lines)`);
  });

  step('5. history, cards and data', async () => {
    await page.goto('/imports');
    await page.getByText('books-mixed.csv').first().waitFor();
    await checkPage(session, 'history');

    await page.goto('/cards?card_id=CRD-1001');
    await page.getByRole('article').first().waitFor();
    await checkPage(session, 'cards', { links: true });

    await page.goto('/data');
    await page.getByRole('table').first().waitFor();
    await waitUntil(async () => (await page.getByRole('table').first().getByRole('row').count()) > 2, { what: 'the books' });
    await checkPage(session, 'data', { links: true });
  });

  step('6. settings and API keys: every Revoke on screen, each with its own name', async () => {
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByRole('button').first().waitFor();
    await checkPage(session, 'settings', { links: true });

    await page.goto('/keys');
    const revokes = page.getByRole('button', { name: /^Revoke key/ });
    await waitUntil(async () => (await revokes.count()) === 2, { what: 'two Revoke buttons' });
    const names = await checkPage(session, 'keys', { links: true });
    assert.ok(names.some((name) => name.includes('nightly sync from the warehouse system')), JSON.stringify(names));
    assert.ok(names.some((name) => name.includes('partner uploads')), JSON.stringify(names));
    for (const revoke of await revokes.all()) {
      await revoke.scrollIntoViewIfNeeded();
      const box = await revoke.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `Revoke inside the screen: ${JSON.stringify(box)}`);
      await revoke.click({ trial: true });
    }
    await revokes.first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await assertFitsWidth(page, 'keys: the revoke dialog');
    await session.shot('keys-revoke-dialog');
    await dialog.getByRole('button', { name: 'Keep key', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  step('7. webhooks and an endpoint', async () => {
    await page.goto('/webhooks');
    await page.getByRole('table', { name: 'Webhook endpoints', exact: true }).waitFor();
    await checkPage(session, 'webhooks', { links: true });

    await page.goto(`/webhooks/${webhookId}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    // Both imports ended, so two deliveries are listed, each with its Redeliver.
    await waitUntil(async () => (await page.getByRole('button', { name: /^Redeliver/ }).count()) === 2, {
      what: 'two deliveries',
    });
    await checkPage(session, 'webhook', { links: true });
    await waitForPath(page, /^\/webhooks\/\d+$/);
  });
});
