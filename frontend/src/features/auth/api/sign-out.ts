import { signOutLocally } from '@/lib/api-client';

/** Forget the session; the page's cache goes with it (see AppProvider). */
export function signOut(): void {
  signOutLocally();
}
