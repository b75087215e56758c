// Settings and webhooks on the page: a person's import e-mails, the workspace's addresses, and a
// webhook endpoint whose secret is shown once (a private address is refused).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, newCredentials, openSession, signUpInPage, stepsOf, tableRows, waitForPath } from '../lib/harness.mjs';

describe('notification settings and webhooks', () => {
  const step = stepsOf(it, () => session);
  const creds = newCredentials('notify');
  let session;
  let page;
  let token;

  before(async () => {
    session = await openSession('notifications');
    page = session.page;
    await signUpInPage(session, creds);
    const { body } = await api('/api/auth/login/', { method: 'POST', body: { email: creds.email, password: creds.password } });
    token = body.access;
  });

  after(async () => {
    await session?.close();
  });

  step('chooses failures-only e-mails and sets the workspace addresses', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await waitForPath(page, /^\/settings$/);
    await page.getByRole('radio', { name: /Only failed or cancelled imports/ }).check();
    await page.getByLabel('Workspace notification addresses').fill('ops@example.com\ndata@example.com');
    await page.getByRole('button', { name: 'Save addresses', exact: true }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await session.shot('settings');
    assert.deepEqual((await api('/api/notifications/me/', { token })).body, { import_emails: 'failures' });
    assert.deepEqual((await api('/api/notifications/workspace/', { token })).body, {
      email_addresses: ['ops@example.com', 'data@example.com'],
    });
  });

  step('refuses a private address and shows the secret of a new endpoint once', async () => {
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await waitForPath(page, /^\/webhooks$/);
    await page.getByLabel('Endpoint URL').fill('http://169.254.169.254/latest/meta-data/');
    await page.getByRole('button', { name: 'Add endpoint', exact: true }).click();
    await page.getByText(/a link-local address/).waitFor();
    await session.shot('private-address-refused');

    await page.getByLabel('Endpoint URL').fill('https://93.184.215.14/hooks/intake');
    await page.getByLabel('Description').fill('ERP');
    await page.getByRole('button', { name: 'Add endpoint', exact: true }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
    const rows = await tableRows(page.getByRole('table', { name: 'Webhook endpoints', exact: true }));
    assert.equal(rows.length, 1);
    assert.match(rows[0].URL, /https:\/\/93\.184\.215\.14\/hooks\/intake/);
    assert.equal(rows[0].State, 'active');
    assert.ok(!rows[0].Secret.includes(secret.slice(12)), 'the list shows only the start of the secret');
    await session.shot('endpoint-added');
    const listed = await api('/api/webhooks/', { token });
    assert.equal(listed.body.length, 1);
    assert.equal(listed.body[0].secret, undefined);
  });
});
