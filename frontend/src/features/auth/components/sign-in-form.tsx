import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { ApiError } from '@/lib/api-client';

import { login } from '../api/login';
import { AuthLayout } from './auth-layout';

export function SignInForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ email: email.trim(), password });
      // The session store re-renders the route, which moves on to the page.
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fields = error instanceof ApiError ? error.fields : {};
  // A refusal that names a field is said next to that field only.
  const general = error && !fields.email && !fields.password ? describeError(error) : null;

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to import files into your workspace."
      footer={
        <>
          New here? <Link to={paths.signUp}>Create an account</Link>
        </>
      }
    >
      <form className="stack" onSubmit={onSubmit} noValidate>
        {general ? (
          <Alert tone="danger" title={general.title}>
            {general.detail || null}
          </Alert>
        ) : null}
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          errors={fields.email}
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={fields.password}
        />
        <Button type="submit" busy={busy} disabled={busy} className="btn-block">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
