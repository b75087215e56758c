import type { ReactNode } from 'react';
import { SWRConfig, type SWRConfiguration } from 'swr';

import { useSession } from '@/features/auth/components/use-session';
import { ApiError, swrFetcher } from '@/lib/api-client';

/** Retry what may pass later (network down, 5xx) with a growing delay; never a refusal. */
export const swrConfig: SWRConfiguration = {
  fetcher: swrFetcher,
  revalidateOnFocus: true,
  shouldRetryOnError: true,
  onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
    if (error instanceof ApiError && error.status < 500) return;
    if (retryCount >= 20) return;
    const delay = Math.min(15_000, 1000 * 2 ** Math.min(retryCount, 4));
    window.setTimeout(() => void revalidate({ retryCount }), delay);
  },
};

/**
 * One SWR cache per session: signing in or out starts from an empty cache, so nothing of one
 * session (or its failed calls) is shown in the next. Refreshing the token keeps the cache.
 */
export function AppProvider({ children }: { children: ReactNode }) {
  const signedIn = useSession() !== null;
  return (
    <SWRConfig key={signedIn ? 'session' : 'guest'} value={{ ...swrConfig, provider: () => new Map() }}>
      {children}
    </SWRConfig>
  );
}
