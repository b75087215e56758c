// Live updates: the job page follows a running import through the stream (Server-Sent Events)
// with its polling blocked, showing every batch; when the stream is cut it polls on its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { generatedBooks } from '../lib/books.mjs';
import { api, counter, newCredentials, openSession, signUpInPage, stepsOf, waitForFinalStatus, waitUntil } from '../lib/harness.mjs';

// e2e.sh's IMPORT_BATCH_SIZE: the page must show each multiple of it.
const BATCH = Number(process.env.IMPORT_BATCH_SIZE || 2000);
const WATCHED_ROWS = 30 * BATCH;
// Big enough to keep the one worker busy while the page of the next job opens its stream.
const BUSY_ROWS = 600_000;
// The stack's own Redis database (e2e.sh): only its connections are touched.
const REDIS_DB = process.env.E2E_REDIS_DB || '14';

/** Drop the web processes' Redis subscriptions, as a Redis restart or a network cut would. */
function cutLiveSubscriptions() {
  const list = execFileSync('redis-cli', ['-h', '127.0.0.1', 'CLIENT', 'LIST', 'TYPE', 'pubsub'], { encoding: 'utf8' });
  const ours = list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((pair) => pair.split('='))))
    .filter((client) => client.db === REDIS_DB && client.id);
  for (const client of ours) execFileSync('redis-cli', ['-h', '127.0.0.1', 'CLIENT', 'KILL', 'ID', client.id]);
  return ours.length;
}

async function upload(token, rows, start, name) {
  const { text } = generatedBooks({ rows, badEvery: 0, start });
  const form = new FormData();
  form.append('dataset', 'books');
  form.append('file', new Blob([text], { type: 'text/csv' }), name);
  const { status, body } = await api('/api/imports/', { token, method: 'POST', body: form });
  assert.equal(status, 201, JSON.stringify(body));
  return body.id;
}

async function jobStatus(token, id) {
  return (await api(`/api/imports/${id}/`, { token })).body.status;
}

/** Record every value the page shows in count-processed and job-status, as React renders them. */
async function recordCounters(page) {
  await page.evaluate(() => {
    const seen = { processed: [], status: [] };
    window.__seen = seen;
    const read = () => {
      const processed = document.querySelector('[data-testid="count-processed"]')?.textContent ?? '';
      const status = document.querySelector('[data-testid="job-status"]')?.textContent ?? '';
      if (seen.processed[seen.processed.length - 1] !== processed) seen.processed.push(processed);
      if (seen.status[seen.status.length - 1] !== status) seen.status.push(status);
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

describe('live updates of a running import', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('live');
  let session;
  let page;
  let token;

  before(async () => {
    session = await openSession('live-updates');
    page = session.page;
    await signUpInPage(session, creds);
    const { body } = await api('/api/auth/login/', { method: 'POST', body: { email: creds.email, password: creds.password } });
    token = body.access;
  });

  after(async () => {
    await session?.close();
  });

  step('the job page shows each batch from the stream, with polling blocked', async () => {
    const busy = await upload(token, BUSY_ROWS, 700_000_000, 'busy.csv');
    const watched = await upload(token, WATCHED_ROWS, 800_000_000, 'watched.csv');

    await page.goto(`/imports/${watched}`);
    await page.getByTestId('live-status').and(page.locator('[data-status="live"]')).waitFor({ timeout: 15_000 });
    // A poll the page scheduled before the stream opened may still fire once (SWR's timer is set
    // with the interval of its time); let it pass before blocking, so what is counted below is
    // only what the page tries while the stream is open.
    await page.waitForTimeout(1_500);
    // From now on the job can only reach the page through the stream.
    let blocked = 0;
    await page.route(`**/api/imports/${watched}/`, (route) => {
      blocked += 1;
      return route.abort();
    });
    await recordCounters(page);
    // Queued behind the busy job: still in quarantine (sanitizing) or sanitized and waiting (pending).
    assert.ok(
      ['sanitizing', 'pending'].includes(await jobStatus(token, watched)),
      'the watched job started before the page was watching; make BUSY_ROWS larger',
    );
    await session.shot('watching-pending-job');

    const status = await waitForFinalStatus(page, { timeoutMs: 120_000 });
    assert.equal(status, 'completed');
    await session.shot('completed-from-the-stream');
    const seen = await page.evaluate(() => window.__seen);
    const shown = new Set(seen.processed.map((text) => Number(text.replaceAll(',', ''))));
    const missing = [];
    for (let rows = BATCH; rows <= WATCHED_ROWS; rows += BATCH) if (!shown.has(rows)) missing.push(rows);
    console.log(`values shown: ${seen.processed.length}; statuses: ${seen.status.join(' → ')}; blocked polls: ${blocked}`);
    assert.deepEqual(missing, [], `batches the page did not show (of ${WATCHED_ROWS / BATCH})`);
    // Each status the stream brought, once and in the job's order (a step may pass between two
    // events: sanitized and taken by the worker at once), ending with the run and its end.
    const lifecycle = ['sanitizing', 'pending', 'processing', 'completed'];
    const order = seen.status.map((s) => lifecycle.indexOf(s));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), `statuses ${seen.status}`);
    assert.deepEqual(seen.status.slice(-2), ['processing', 'completed']);
    assert.equal(await counter(page, 'created'), WATCHED_ROWS);
    // No poll was even tried while the stream was open; the one after the end reloads rejected rows.
    assert.ok(blocked <= 1, `the page tried to poll ${blocked} times`);
    await page.unroute(`**/api/imports/${watched}/`);
    assert.equal(await jobStatus(token, busy), 'completed');
  });

  step('when the stream is cut the page polls, and shows the import to its end', async () => {
    const job = await upload(token, BUSY_ROWS, 900_000_000, 'cut.csv');
    await page.goto(`/imports/${job}`);
    await page.getByTestId('live-status').and(page.locator('[data-status="live"]')).waitFor({ timeout: 15_000 });

    // The stream may not come back during this test.
    await page.route('**/api/live/**', (route) => route.abort());
    const polls = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname === `/api/imports/${job}/`) polls.push(Date.now());
    });
    // Cut the open stream: the web process loses its Redis subscription and ends its streams.
    assert.ok(cutLiveSubscriptions() >= 1, 'no live subscription of this stack to cut');
    await page.getByTestId('live-status').and(page.locator('[data-status="polling"]')).waitFor({ timeout: 5_000 });
    await session.shot('stream-cut-polling');

    await waitUntil(() => polls.length >= 2, { timeoutMs: 10_000, what: 'the page polling the job' });
    const status = await waitForFinalStatus(page, { timeoutMs: 120_000 });
    assert.equal(status, 'completed');
    assert.equal(await counter(page, 'processed'), BUSY_ROWS);
    await session.shot('completed-by-polling');
    console.log(`polls after the cut: ${polls.length}`);
  });
});
