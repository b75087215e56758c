import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { server } from '@/testing/server';

import { ApiError, NetworkError, apiFetch } from './api-client';
import { sessionStore } from './session-store';

describe('apiFetch', () => {
  beforeEach(() => {
    sessionStore.set({ access: 'old-access', refresh: 'old-refresh' });
  });

  it('sends the bearer token and parses JSON', async () => {
    server.use(
      http.get('/api/auth/me/', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer old-access'
          ? HttpResponse.json({ user: { id: 1, email: 'a@example.com' } })
          : HttpResponse.json({ error: { code: 'not_authenticated', message: 'no', fields: {} } }, { status: 401 }),
      ),
    );
    await expect(apiFetch('/api/auth/me/')).resolves.toEqual({ user: { id: 1, email: 'a@example.com' } });
  });

  it('refreshes once on a 401, stores the new pair and repeats the call', async () => {
    const refreshBodies: unknown[] = [];
    const seenTokens: (string | null)[] = [];
    server.use(
      http.get('/api/keys/', ({ request }) => {
        const auth = request.headers.get('Authorization');
        seenTokens.push(auth);
        return auth === 'Bearer new-access'
          ? HttpResponse.json({ count: 0, next: null, previous: null, results: [] })
          : HttpResponse.json({ error: { code: 'token_not_valid', message: 'expired', fields: {} } }, { status: 401 });
      }),
      http.post('/api/auth/refresh/', async ({ request }) => {
        refreshBodies.push(await request.json());
        return HttpResponse.json({ access: 'new-access', refresh: 'new-refresh' });
      }),
    );
    await expect(apiFetch('/api/keys/')).resolves.toMatchObject({ count: 0 });
    expect(refreshBodies).toEqual([{ refresh: 'old-refresh' }]);
    expect(seenTokens).toEqual(['Bearer old-access', 'Bearer new-access']);
    expect(sessionStore.get()).toEqual({ access: 'new-access', refresh: 'new-refresh' });
    expect(window.localStorage.getItem('intake.access')).toBe('new-access');
  });

  it('shares one refresh between calls that fail together', async () => {
    let refreshes = 0;
    server.use(
      http.get('/api/books/', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer new-access'
          ? HttpResponse.json({ ok: true })
          : new HttpResponse(null, { status: 401 }),
      ),
      http.post('/api/auth/refresh/', async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return HttpResponse.json({ access: 'new-access', refresh: 'new-refresh' });
      }),
    );
    const results = await Promise.all([apiFetch('/api/books/'), apiFetch('/api/books/'), apiFetch('/api/books/')]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(refreshes).toBe(1);
  });

  it('signs out when the refresh is refused, and rejects with a 401 ApiError', async () => {
    let calls = 0;
    server.use(
      http.get('/api/config/', () => {
        calls += 1;
        return HttpResponse.json({ error: { code: 'token_not_valid', message: 'Token is expired', fields: {} } }, { status: 401 });
      }),
      http.post('/api/auth/refresh/', () =>
        HttpResponse.json({ error: { code: 'token_not_valid', message: 'Token is blacklisted', fields: {} } }, { status: 401 }),
      ),
    );
    const error = await apiFetch('/api/config/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(calls).toBe(1); // no second try without a fresh token
    expect((error as ApiError).sessionEnded).toBe(true);
    expect(sessionStore.get()).toBeNull();
    expect(window.localStorage.getItem('intake.refresh')).toBeNull();
  });

  it('takes a 401 of a call made without the session for a refusal, not an ended session', async () => {
    server.use(
      http.post('/api/auth/login/', () =>
        HttpResponse.json(
          { error: { code: 'invalid_credentials', message: 'The e-mail or password is not right.', fields: {} } },
          { status: 401 },
        ),
      ),
    );
    const error = await apiFetch('/api/auth/login/', { method: 'POST', body: {}, auth: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'invalid_credentials', sessionEnded: false });
    expect(sessionStore.get()).toEqual({ access: 'old-access', refresh: 'old-refresh' });
  });

  it('takes the pair another tab stored when that tab spent the refresh token first', async () => {
    server.use(
      http.get('/api/config/', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer other-tab-access'
          ? HttpResponse.json({ ok: true })
          : new HttpResponse(null, { status: 401 }),
      ),
      http.post('/api/auth/refresh/', () => {
        // The other tab refreshed a moment ago and wrote its pair to localStorage.
        window.localStorage.setItem('intake.access', 'other-tab-access');
        window.localStorage.setItem('intake.refresh', 'other-tab-refresh');
        return HttpResponse.json({ error: { code: 'token_not_valid', message: 'Token is blacklisted', fields: {} } }, { status: 401 });
      }),
    );
    await expect(apiFetch('/api/config/')).resolves.toEqual({ ok: true });
    expect(sessionStore.get()).toEqual({ access: 'other-tab-access', refresh: 'other-tab-refresh' });
  });

  it('signs out when the repeated call is refused again', async () => {
    server.use(
      http.get('/api/config/', () => new HttpResponse(null, { status: 401 })),
      http.post('/api/auth/refresh/', () => HttpResponse.json({ access: 'new-access', refresh: 'new-refresh' })),
    );
    await expect(apiFetch('/api/config/')).rejects.toMatchObject({ status: 401 });
    expect(sessionStore.get()).toBeNull();
  });

  it('turns the error body into a typed ApiError with code, message and fields', async () => {
    server.use(
      http.post('/api/keys/', () =>
        HttpResponse.json(
          { error: { code: 'invalid', message: 'The name is too long.', fields: { name: ['At most 50 characters.'] } } },
          { status: 400 },
        ),
      ),
    );
    const error = (await apiFetch('/api/keys/', { method: 'POST', body: { name: 'x' } }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid', message: 'The name is too long.' });
    expect(error.fields).toEqual({ name: ['At most 50 characters.'] });
    expect(sessionStore.get()).not.toBeNull();
  });

  it('describes a 5xx without a JSON body', async () => {
    server.use(http.get('/api/books/', () => new HttpResponse('<h1>Bad gateway</h1>', { status: 502 })));
    const error = (await apiFetch('/api/books/').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Something went wrong/);
  });

  it('rejects with a NetworkError when the server cannot be reached', async () => {
    server.use(http.get('/api/books/', () => HttpResponse.error()));
    const error = await apiFetch('/api/books/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/Cannot reach the server/);
    expect(sessionStore.get()).not.toBeNull();
  });

  it('resolves undefined for 204 and sends no token when auth is off', async () => {
    let auth: string | null = 'unset';
    server.use(
      http.delete('/api/keys/k1/', () => new HttpResponse(null, { status: 204 })),
      http.post('/api/auth/login/', ({ request }) => {
        auth = request.headers.get('Authorization');
        return HttpResponse.json({ access: 'a', refresh: 'r' });
      }),
    );
    await expect(apiFetch('/api/keys/k1/', { method: 'DELETE' })).resolves.toBeUndefined();
    await apiFetch('/api/auth/login/', { method: 'POST', body: {}, auth: false });
    expect(auth).toBeNull();
  });
});
