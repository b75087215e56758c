import { apiFetch, signOutLocally } from '@/lib/api-client';
import { sessionStore } from '@/lib/session-store';

/**
 * Sign out: the page forgets the session at once (its cache goes with it, see AppProvider), then
 * asks the server to revoke the refresh token, so a copy of it cannot be used again. That call is
 * best effort: when it fails, the person is signed out of the page all the same.
 */
export async function signOut(): Promise<void> {
  const refresh = sessionStore.get()?.refresh;
  signOutLocally();
  if (!refresh) return;
  try {
    await apiFetch<void>('/api/auth/logout/', { method: 'POST', body: { refresh }, auth: false });
  } catch {
    // The refresh token then lives until it expires (JWT_REFRESH_DAYS); nothing else to do here.
  }
}
