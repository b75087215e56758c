import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/**
 * The API as the tests describe it: each test adds the handlers it needs with server.use().
 * By default the server has no live updates (as without Redis), so pages poll.
 */
export const server = setupServer(
  http.post('/api/live/ticket/', () =>
    HttpResponse.json({ error: { code: 'live_off', message: 'Live updates are off.', fields: {} } }, { status: 503 }),
  ),
);
