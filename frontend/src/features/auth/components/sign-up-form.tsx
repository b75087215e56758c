import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { ApiError } from '@/lib/api-client';

import { register } from '../api/register';
import { AuthLayout } from './auth-layout';

const FIELD_NAMES = ['email', 'password', 'confirm_password'];

export function SignUpForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await register({ email: email.trim(), password, confirm_password: confirm });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fields = error instanceof ApiError ? error.fields : {};
  const hasFieldErrors = FIELD_NAMES.some((name) => fields[name]?.length);
  const general = error && !hasFieldErrors ? describeError(error) : null;

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Your account comes with its own workspace for datasets, imports and API keys."
      footer={
        <>
          Already have an account? <Link to={paths.signIn}>Sign in</Link>
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
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={fields.password}
          hint="At least 8 characters; not only digits, not a common password."
        />
        <TextField
          label="Confirm password"
          type="password"
          name="confirm_password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          errors={fields.confirm_password}
        />
        <Button type="submit" busy={busy} disabled={busy} className="btn-block">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
