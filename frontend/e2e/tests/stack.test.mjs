// The stack the browser tests run against: health, the built page on deep links, accounts over
// the API. Fails fast with a clear message when the server is not what the page tests expect.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { api, BASE_URL, newCredentials } from '../lib/harness.mjs';

describe('the stack', () => {
  it('answers /api/health/ with 200', async () => {
    const res = await api('/api/health/');
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  it('serves the built page on deep links', async () => {
    for (const route of ['/', '/sign-in', '/imports/00000000-0000-0000-0000-000000000000', '/keys']) {
      const res = await fetch(BASE_URL + route);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type') || '', /text\/html/, route);
      assert.match(await res.text(), /<div id="root"|<script/i, route);
    }
  });

  it('registers a user over the API and refuses a mismatched confirmation', async () => {
    const creds = newCredentials('api');
    const bad = await api('/api/auth/register/', {
      method: 'POST',
      body: { email: creds.email, password: creds.password, confirm_password: 'something-else-1!' },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.confirm_password, JSON.stringify(bad.body));
    const ok = await api('/api/auth/register/', {
      method: 'POST',
      body: { email: creds.email, password: creds.password, confirm_password: creds.password },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const me = await api('/api/auth/me/', { token: ok.body.access });
    assert.equal(me.status, 200);
    assert.equal(me.body.user?.email ?? me.body.email, creds.email);
    const anonymous = await api('/api/imports/');
    assert.equal(anonymous.status, 401);

    // What the page needs to check a file before sending it.
    const res = await api('/api/config/', { token: ok.body.access });
    assert.equal(res.status, 200);
    const books = res.body.datasets.find((d) => d.name === 'books');
    assert.ok(books, JSON.stringify(res.body.datasets));
    const required = books.columns.filter((c) => c.required).map((c) => c.name).sort();
    assert.deepEqual(required, ['author', 'isbn', 'title']);
  });
});
