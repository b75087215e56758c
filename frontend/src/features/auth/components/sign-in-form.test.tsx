import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { sessionStore } from '@/lib/session-store';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// What the server answers a wrong password with (accounts.apis.LoginApi).
const wrongPassword = () =>
  HttpResponse.json(
    {
      error: {
        code: 'invalid_credentials',
        message: 'The e-mail or password is not right.',
        fields: { password: ['The e-mail or password is not right.'] },
      },
    },
    { status: 401 },
  );

async function signInWith(password: string) {
  const user = userEvent.setup();
  renderApp('/sign-in');
  await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInForm', () => {
  it('says a wrong password next to the field only, not that a session ended', async () => {
    server.use(http.post('/api/auth/login/', wrongPassword));
    await signInWith('wrong');

    const alerts = await screen.findAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent('The e-mail or password is not right.');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('The e-mail or password is not right.');
    expect(screen.queryByText(/session has ended/i)).not.toBeInTheDocument();
  });

  it('does not try to refresh or clear a session on a refused sign-in', async () => {
    // A session left in another tab is not touched by a failed sign-in here.
    let refreshes = 0;
    server.use(
      http.post('/api/auth/login/', wrongPassword),
      http.post('/api/auth/refresh/', () => {
        refreshes += 1;
        return HttpResponse.json({ access: 'a', refresh: 'r' });
      }),
    );
    await signInWith('wrong');
    await screen.findByRole('alert');
    expect(refreshes).toBe(0);
    expect(sessionStore.get()).toBeNull();
  });

  it('shows a refusal that names no field above the form', async () => {
    server.use(
      http.post('/api/auth/login/', () =>
        HttpResponse.json(
          { error: { code: 'throttled', message: 'Too many sign-in attempts. Try again in a minute.', fields: {} } },
          { status: 429 },
        ),
      ),
    );
    await signInWith('anything');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in a minute.');
    expect(screen.queryByText(/session has ended/i)).not.toBeInTheDocument();
  });
});
