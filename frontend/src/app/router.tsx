import { Navigate, type RouteObject, createBrowserRouter } from 'react-router';

import { paths } from '@/config/paths';
import { RequireAuth, RequireGuest } from '@/features/auth/components/require-auth';

import { AppShell } from './app-shell';
import { CardsRoute } from './routes/cards';
import { DataRoute } from './routes/data';
import { HistoryRoute } from './routes/history';
import { ImportRoute } from './routes/import';
import { JobRoute } from './routes/job';
import { KeysRoute } from './routes/keys';
import { NotFoundRoute } from './routes/not-found';
import { SettingsRoute } from './routes/settings';
import { SignInRoute } from './routes/sign-in';
import { SignUpRoute } from './routes/sign-up';
import { WebhookRoute } from './routes/webhook';
import { WebhooksRoute } from './routes/webhooks';

export const routes: RouteObject[] = [
  {
    path: paths.signIn,
    element: (
      <RequireGuest>
        <SignInRoute />
      </RequireGuest>
    ),
  },
  {
    path: paths.signUp,
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
      { index: true, element: <Navigate to={paths.import} replace /> },
      { path: paths.import, element: <ImportRoute /> },
      { path: paths.imports, element: <HistoryRoute /> },
      { path: paths.job, element: <JobRoute /> },
      { path: paths.keys, element: <KeysRoute /> },
      { path: paths.data, element: <DataRoute /> },
      { path: paths.cards, element: <CardsRoute /> },
      { path: paths.settings, element: <SettingsRoute /> },
      { path: paths.webhooks, element: <WebhooksRoute /> },
      { path: paths.webhook, element: <WebhookRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
