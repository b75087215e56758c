import { useSyncExternalStore } from 'react';

import { type Tokens, sessionStore } from '@/lib/session-store';

/** The current token pair (null when signed out); re-renders on sign-in and sign-out. */
export function useSession(): Tokens | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get);
}
