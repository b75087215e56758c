import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { server } from '@/testing/server';

import { signOut } from './sign-out';

describe('signOut', () => {
  it('asks the server to revoke the refresh token and forgets the session', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    const bodies: unknown[] = [];
    const authorizations: (string | null)[] = [];
    server.use(
      http.post('/api/auth/logout/', async ({ request }) => {
        bodies.push(await request.json());
        authorizations.push(request.headers.get('Authorization'));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await signOut();
    expect(bodies).toEqual([{ refresh: 'r' }]);
    expect(authorizations).toEqual([null]);
    expect(sessionStore.get()).toBeNull();
    expect(window.localStorage.getItem('intake.refresh')).toBeNull();
  });

  it('forgets the session at once, before the server answers', async () => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    let seenWhileWaiting: unknown = 'not called';
    server.use(
      http.post('/api/auth/logout/', () => {
        seenWhileWaiting = sessionStore.get();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await signOut();
    expect(seenWhileWaiting).toBeNull();
  });

  it.each([
    ['the server fails', () => HttpResponse.json({ error: { code: 'x', message: 'x', fields: {} } }, { status: 500 })],
    ['the token is refused', () => HttpResponse.json({ error: { code: 'token_not_valid', message: 'x', fields: {} } }, { status: 401 })],
    ['the network is down', () => HttpResponse.error()],
  ])('still signs out of the page when %s', async (_, answer) => {
    sessionStore.set({ access: 'a', refresh: 'r' });
    server.use(http.post('/api/auth/logout/', answer));
    await expect(signOut()).resolves.toBeUndefined();
    expect(sessionStore.get()).toBeNull();
  });

  it('calls nothing when there is no session', async () => {
    await expect(signOut()).resolves.toBeUndefined();
  });
});
