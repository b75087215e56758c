import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, RouterProvider, Routes, createMemoryRouter, useLocation } from 'react-router';
import { SWRConfig } from 'swr';

import { AppProvider, swrConfig } from '@/app/provider';
import { routes } from '@/app/router';

/**
 * Render a screen with a fresh SWR cache and an in-memory router. `path` is the route pattern
 * the element is mounted at; every other path shows "at <pathname>" so tests can see navigation.
 */
export function renderWithApp(element: ReactElement, { route = '/', path = '*' }: { route?: string; path?: string } = {}) {
  return render(
    <SWRConfig value={{ ...swrConfig, provider: () => new Map(), dedupingInterval: 0 }}>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={element} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </SWRConfig>,
  );
}

function Where() {
  const location = useLocation();
  return <p data-testid="location">at {location.pathname}</p>;
}

/** The whole app (shell, guards, every route) at `path`; the router shows where it went. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return router;
}
