import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { paths } from '@/config/paths';

import { useSession } from './use-session';

/** Signed-in routes: without a session, go to /sign-in (and come back afterwards). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to={paths.signIn} replace state={from !== '/' ? { from } : undefined} />;
  }
  return <>{children}</>;
}

/** Sign-in and sign-up: a signed-in person goes straight to the page. */
export function RequireGuest({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from.startsWith('/') ? from : paths.import} replace />;
  }
  return <>{children}</>;
}
