// The card-delivery tracker end to end: the four partner feeds, written the way partners send
// them (stray spaces in headers, quoted and unprefixed mobiles, mixed date formats, a file
// without a final newline), go in through the Import page; the Cards page then tells where
// each card is, by card ID or by a mobile written differently from the files.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  stepsOf,
  FIXTURES,
  api,
  counter,
  newCredentials,
  openSession,
  signUpInPage,
  tableRows,
  waitForFinalStatus,
  waitForPath,
  waitUntil,
} from '../lib/harness.mjs';

// dataset -> its file and how many rows it holds.
const FEEDS = [
  { dataset: 'card_pickup', file: 'card-pickup.csv', rows: 5, columns: 4 },
  { dataset: 'card_delivery_exception', file: 'card-delivery-exception.csv', rows: 3, columns: 5 },
  { dataset: 'card_delivered', file: 'card-delivered.csv', rows: 3, columns: 5 },
  { dataset: 'card_returned', file: 'card-returned.csv', rows: 2, columns: 4 },
];

// What the files imply. Times without a zone are Asia/Dubai (UTC+4). The latest event wins; on
// equal times returned > delivered > exception > pickup; after a final event (delivered,
// returned) only another final event changes the status, and anything after it is an anomaly.
const CARDS = {
  // Two exceptions, then delivered (12:00PM Dubai = 08:00Z): a plain delivery.
  'CRD-1001': {
    status: 'Delivered',
    statusAt: '2023-11-14T08:00:00.000Z',
    mobile: '+971585949014',
    anomaly: null,
    events: [
      { type: 'Picked up', at: '2023-11-13T09:34:56.000Z', feed: 'card_pickup', row: 2 },
      { type: 'Delivery exception', at: '2023-11-13T10:00:00.000Z', feed: 'card_delivery_exception', row: 2, reason: 'User not available' },
      { type: 'Delivery exception', at: '2023-11-14T06:00:00.000Z', feed: 'card_delivery_exception', row: 3, reason: 'Address not found' },
      { type: 'Delivered', at: '2023-11-14T08:00:00.000Z', feed: 'card_delivered', row: 2, reason: 'Handed to the holder' },
    ],
  },
  // Picked up again a day after it was delivered (imported first, in the pickup file): stays
  // delivered, with an anomaly.
  'CRD-1002': {
    status: 'Delivered',
    statusAt: '2023-11-13T12:00:00.000Z',
    mobile: '+971585949014',
    anomaly: /pickup after delivered/i,
    events: [
      { type: 'Picked up', at: '2023-11-12T19:59:00.000Z', feed: 'card_pickup', row: 3 },
      { type: 'Delivered', at: '2023-11-13T12:00:00.000Z', feed: 'card_delivered', row: 3 },
      { type: 'Picked up', at: '2023-11-14T08:00:00.000Z', feed: 'card_pickup', row: 6 },
    ],
  },
  // Returned after it was delivered: the later final event is the status, with an anomaly.
  'CRD-1003': {
    status: 'Returned',
    statusAt: '2023-11-14T05:15:00.000Z',
    mobile: '+971534534534',
    anomaly: /returned after delivered/i,
    events: [
      { type: 'Picked up', at: '2023-11-12T08:00:00.000Z', feed: 'card_pickup', row: 4 },
      { type: 'Delivered', at: '2023-11-13T10:00:00.000Z', feed: 'card_delivered', row: 4, reason: 'Left with the concierge' },
      { type: 'Returned', at: '2023-11-14T05:15:00.000Z', feed: 'card_returned', row: 2 },
    ],
  },
  // An exception and the return at the same minute (12:00PM and 12:00): returned wins, and
  // nothing comes after it, so no anomaly.
  'CRD-1004': {
    status: 'Returned',
    statusAt: '2023-11-14T08:00:00.000Z',
    mobile: '+971501234567',
    anomaly: null,
    events: [
      { type: 'Picked up', at: '2023-11-13T09:34:56.000Z', feed: 'card_pickup', row: 5 },
      { type: 'Delivery exception', at: '2023-11-14T08:00:00.000Z', feed: 'card_delivery_exception', row: 4, reason: 'Customer refused the card' },
      { type: 'Returned', at: '2023-11-14T08:00:00.000Z', feed: 'card_returned', row: 3 },
    ],
  },
};

const iso = (value) => (value ? new Date(value).toISOString() : value);

describe('card delivery tracker', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('cards');
  let session;
  let page;
  // dataset -> the id of the job that imported its file
  const jobs = {};

  before(async () => {
    session = await openSession('cards');
    page = session.page;
  });

  after(async () => {
    await session?.close();
  });

  /** What the page shows of one card: status, times, mobile, anomaly and the history. */
  async function readCard(cardId) {
    const card = page.getByRole('article', { name: `Card ${cardId}`, exact: true });
    await card.waitFor();
    const stat = (name) => card.locator('.stat').filter({ has: page.getByText(name, { exact: true }) }).locator('dd');
    const statusTime = stat('Status since').locator('time');
    const anomaly = card.locator('.alert').filter({ hasText: 'Anomaly' });
    const items = await card.getByRole('list', { name: `Events of card ${cardId}`, exact: true }).getByRole('listitem').all();
    const events = [];
    for (const item of items) {
      const link = item.getByRole('link');
      events.push({
        type: (await item.locator('strong').first().innerText()).trim(),
        at: iso(await item.locator('time').getAttribute('datetime')),
        text: await item.innerText(),
        link: (await link.count()) ? { name: (await link.innerText()).trim(), href: await link.getAttribute('href') } : null,
      });
    }
    return {
      status: (await card.getByTestId('card-status').innerText()).trim(),
      final: await card.getByTestId('card-status').evaluate((el) => el.classList.contains('badge-final')),
      statusAt: iso(await statusTime.getAttribute('datetime')),
      statusTitle: await statusTime.getAttribute('title'),
      mobile: (await stat('Mobile').innerText()).trim(),
      anomaly: (await anomaly.count()) ? await anomaly.innerText() : null,
      events,
    };
  }

  function checkCard(cardId, shown) {
    const expected = CARDS[cardId];
    const where = `${cardId}: ${JSON.stringify(shown, null, 1)}`;
    assert.equal(shown.status, expected.status, where);
    assert.equal(shown.final, ['Delivered', 'Returned'].includes(expected.status), `final look, ${where}`);
    assert.equal(shown.statusAt, expected.statusAt, where);
    // The title gives the same moment in UTC.
    assert.equal(shown.statusTitle, `${expected.statusAt.slice(0, 19).replace('T', ' ')} UTC`, where);
    assert.equal(shown.mobile, expected.mobile, where);
    if (expected.anomaly) assert.match(shown.anomaly ?? '', expected.anomaly, where);
    else assert.equal(shown.anomaly, null, where);
    assert.equal(shown.events.length, expected.events.length, where);
    // Oldest first; events at the same moment may come in either order.
    const times = shown.events.map((e) => e.at);
    assert.deepEqual(times, [...times].sort(), `oldest first, ${where}`);
    const key = (e) => `${e.at} ${e.type}`;
    assert.deepEqual(shown.events.map(key).sort(), expected.events.map(key).sort(), where);
    for (const event of expected.events) {
      const seen = shown.events.find((e) => key(e) === key(event));
      assert.ok(seen.link, `a link to the import, ${where}`);
      assert.equal(seen.link.name, `row ${event.row} of ${event.feed}`, where);
      assert.equal(seen.link.href, `/imports/${jobs[event.feed]}`, where);
      if (event.reason) assert.ok(seen.text.includes(event.reason), `reason ${event.reason}, ${where}`);
      assert.ok(seen.text.includes(expected.mobile), `the event's mobile, ${where}`);
    }
  }

  async function findBy(label, value) {
    const field = page.getByLabel(label, { exact: true });
    await field.fill(value);
    await field.press('Enter');
  }

  /** Wait until the live region says `text` (a lookup's outcome is announced there). */
  async function announced(text) {
    await waitUntil(
      async () => {
        const said = await page.getByRole('status').allInnerTexts();
        return said.some((t) => t.includes(text)) ? said : false;
      },
      { what: `the page to announce "${text}"` },
    );
  }

  step('1. signs up', async () => {
    await signUpInPage(session, creds);
    const nav = page.getByRole('navigation');
    assert.equal(await nav.getByRole('link', { name: 'Cards', exact: true }).count(), 1);
  });

  for (const [index, feed] of FEEDS.entries()) {
    step(`${index + 2}. imports ${feed.file} into ${feed.dataset}`, async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Import', exact: true }).click();
      await waitForPath(page, /^\/import$/);
      await page.getByLabel('Dataset', { exact: true }).selectOption(feed.dataset);
      // The feeds' own defaults: re-sent events are skipped, times are Dubai's.
      await waitUntil(() => page.getByRole('radio', { name: 'Skip the row', exact: true }).isChecked(), {
        what: 'the dataset default "Skip the row"',
      });
      assert.equal(await page.getByRole('radio', { name: 'Update the stored row', exact: true }).count(), 0);
      assert.equal(await page.getByLabel('Time zone of the file', { exact: true }).inputValue(), 'Asia/Dubai');

      await page.getByLabel('CSV file', { exact: true }).setInputFiles(path.join(FIXTURES, feed.file));
      const matching = page.getByRole('table', { name: 'Column matching', exact: true });
      await matching.waitFor();
      const rows = await tableRows(matching);
      assert.equal(rows.length, feed.columns, `one row per column of the dataset: ${JSON.stringify(rows)}`);
      const fed = rows.filter((r) => /^matched/.test(r.Status));
      assert.equal(fed.length, feed.columns, `every header feeds a column: ${JSON.stringify(rows)}`);
      assert.equal(await page.getByText(/Required columns are missing/).count(), 0);
      await session.shot(`${feed.dataset}-matched`);

      const start = page.getByRole('button', { name: 'Start import', exact: true });
      assert.equal(await start.isEnabled(), true);
      await start.click();
      const match = await waitForPath(page, /^\/imports\/([0-9a-f-]{36})$/, 30_000);
      jobs[feed.dataset] = match[1];
      const status = await waitForFinalStatus(page, { timeoutMs: 60_000 });
      await session.shot(`${feed.dataset}-imported`);
      assert.equal(status, 'completed');
      await waitUntil(async () => (await counter(page, 'processed')) === feed.rows, { what: 'all rows processed' });
      assert.equal(await counter(page, 'failed'), 0, 'no row rejected');
      assert.equal(await counter(page, 'created'), feed.rows);
    });
  }

  step('6. finds a card by its ID: delivered after two exceptions', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Cards', exact: true }).click();
    await waitForPath(page, /^\/cards$/);
    await page.getByRole('heading', { level: 1, name: 'Cards', exact: true }).waitFor();
    await page.getByText(/Look up one card by its ID/).waitFor();
    await session.shot('cards-empty');

    await findBy('Card ID', 'CRD-1001');
    await announced('1 card found for card ID “CRD-1001”.');
    assert.equal(new URL(page.url()).search, '?card_id=CRD-1001');
    checkCard('CRD-1001', await readCard('CRD-1001'));
    await session.shot('card-by-id');
  });

  step('7. finds every card of a mobile written another way, with the anomaly', async () => {
    await findBy('Mobile number', '+971 58 594 9014');
    await announced('2 cards found for mobile “+971 58 594 9014”, 1 with an anomaly.');
    assert.equal(new URL(page.url()).searchParams.get('mobile'), '+971 58 594 9014');
    assert.equal(await page.getByLabel('Card ID', { exact: true }).inputValue(), '', 'one lookup at a time');
    const titles = await page.getByRole('article').getByRole('heading', { level: 2 }).allInnerTexts();
    assert.deepEqual(titles.map((t) => t.replace(/\s+/g, ' ').trim()), ['Card CRD-1001', 'Card CRD-1002']);
    checkCard('CRD-1001', await readCard('CRD-1001'));
    checkCard('CRD-1002', await readCard('CRD-1002'));
    await page.getByRole('article', { name: 'Card CRD-1002', exact: true }).scrollIntoViewIfNeeded();
    await session.shot('cards-by-mobile');
  });

  step('8. a shared link opens the lookup: returned after delivered', async () => {
    await page.goto('/cards?card_id=CRD-1003');
    await announced('1 card found for card ID “CRD-1003”, with an anomaly.');
    assert.equal(await page.getByLabel('Card ID', { exact: true }).inputValue(), 'CRD-1003');
    checkCard('CRD-1003', await readCard('CRD-1003'));
    await session.shot('card-returned-after-delivered');

    // Back and forward walk the lookups.
    await page.goBack();
    await announced('2 cards found for mobile “+971 58 594 9014”');
    assert.equal(await page.getByLabel('Mobile number', { exact: true }).inputValue(), '+971 58 594 9014');
    await page.goForward();
    await announced('1 card found for card ID “CRD-1003”');
  });

  step('9. on equal times returned wins over an exception, without an anomaly', async () => {
    await findBy('Mobile number', '0501234567');
    await announced('1 card found for mobile “0501234567”.');
    checkCard('CRD-1004', await readCard('CRD-1004'));
    await session.shot('card-equal-times');
  });

  step('10. says when there is no such card, and refuses a number that is not one', async () => {
    await findBy('Card ID', 'CRD-9999');
    await page.getByRole('heading', { name: 'No card found for card ID “CRD-9999”', exact: true }).waitFor();
    assert.equal(await page.getByRole('article').count(), 0);
    await session.shot('card-not-found');

    await findBy('Mobile number', '12');
    const field = page.getByLabel('Mobile number', { exact: true });
    await waitUntil(async () => (await field.getAttribute('aria-invalid')) === 'true', {
      what: 'the mobile field to be marked invalid',
    });
    const described = await field.evaluate((el) =>
      (el.getAttribute('aria-describedby') || '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent || '')
        .join(' '),
    );
    assert.match(described, /phone number|mobile/i, described);
    await session.shot('mobile-refused');
  });

  step('11. the API and its legacy path agree with the page', async () => {
    const token = await page.evaluate(() => window.localStorage.getItem('intake.access'));
    const current = await api('/api/cards/status/?user_mobile=%2B971585949014&history=true', { token });
    assert.equal(current.status, 200, JSON.stringify(current.body));
    assert.deepEqual(
      current.body.results.map((c) => [c.card_id, c.status, c.anomaly, c.anomaly_reason, c.events_count]),
      [
        ['CRD-1001', 'delivered', false, '', 4],
        ['CRD-1002', 'delivered', true, 'pickup after delivered', 3],
      ],
    );
    const legacy = await api('/api/get-card-status/?user_mobile=%2B971585949014&history=true', { token });
    assert.equal(legacy.status, 200);
    assert.deepEqual(legacy.body, current.body);
    const both = await api('/api/cards/status/?card_id=CRD-1001&user_mobile=0585949014', { token });
    assert.equal(both.status, 400);
    assert.ok(both.body.error.fields, JSON.stringify(both.body));
  });

  step('12. the Data page lists a feed\'s rows and searches them', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Data', exact: true }).click();
    await waitForPath(page, /^\/data$/);
    await page.getByLabel('Dataset', { exact: true }).selectOption('card_pickup');
    await waitUntil(() => new URL(page.url()).searchParams.get('dataset') === 'card_pickup', {
      what: 'the dataset in the address',
    });
    const table = page.getByRole('table', { name: 'Card pickups', exact: true });
    await table.getByRole('cell', { name: 'CRD-1004', exact: true }).waitFor();
    let rows = await tableRows(table);
    assert.equal(rows.length, 5, JSON.stringify(rows));
    assert.ok(Object.keys(rows[0]).includes('Card ID'), JSON.stringify(rows[0]));
    assert.deepEqual(
      rows.map((r) => r['Card ID']).sort(),
      ['CRD-1001', 'CRD-1002', 'CRD-1002', 'CRD-1003', 'CRD-1004'],
    );
    assert.ok(rows.every((r) => /^\+971\d{9}$/.test(r.Mobile)), `mobiles stored as E.164: ${JSON.stringify(rows)}`);
    await session.shot('data-card-pickups');

    await page.getByLabel('Search card pickups', { exact: true }).fill('CRD-1002');
    await waitUntil(async () => (await tableRows(table)).length === 2, { what: 'two rows of CRD-1002' });
    rows = await tableRows(table);
    assert.deepEqual(rows.map((r) => r['Card ID']), ['CRD-1002', 'CRD-1002']);

    // The choice is in the address: a reload keeps it.
    await page.reload();
    await page.getByRole('table', { name: 'Card pickups', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'card_pickup');
  });
});
