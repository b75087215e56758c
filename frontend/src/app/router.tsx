import { Navigate, type RouteObject, createBrowserRouter } from 'react-router';

import { AppShell } from '@/components/layouts/app-shell';
import { RequireAuth, RequireGuest } from '@/features/auth/components/require-auth';

import { DataRoute } from './routes/data';
import { HistoryRoute } from './routes/history';
import { ImportRoute } from './routes/import';
import { JobRoute } from './routes/job';
import { KeysRoute } from './routes/keys';
import { NotFoundRoute } from './routes/not-found';
import { SignInRoute } from './routes/sign-in';
import { SignUpRoute } from './routes/sign-up';

export const routes: RouteObject[] = [
  {
    path: '/sign-in',
    element: (
      <RequireGuest>
        <SignInRoute />
      </RequireGuest>
    ),
  },
  {
    path: '/sign-up',
    element: (
      <RequireGuest>
        <SignUpRoute />
      </RequireGuest>
    ),
  },
  {
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/import" replace /> },
      { path: 'import', element: <ImportRoute /> },
      { path: 'imports', element: <HistoryRoute /> },
      { path: 'imports/:id', element: <JobRoute /> },
      { path: 'keys', element: <KeysRoute /> },
      { path: 'data', element: <DataRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
