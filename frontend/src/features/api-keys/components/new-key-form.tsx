import { describeError } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';

import { NewKeySecret } from './new-key-secret';
import type { useCreateKey } from './use-create-key';

/** Name a new key and create it; its secret is shown once below the form. */
export function NewKeyForm({ form }: { form: ReturnType<typeof useCreateKey> }) {
  const fields = form.error instanceof ApiError ? form.error.fields : {};
  const general = form.error && !fields.name ? describeError(form.error) : null;
  return (
    <section className="card" aria-labelledby="new-key-title">
      <h2 id="new-key-title" className="card-title">
        New key
      </h2>
      <p className="muted">Scripts and other services use an API key instead of a password. Each key can be revoked on its own.</p>
      <form className="inline-form" onSubmit={form.submit} noValidate>
        <TextField
          label="Key name"
          name="name"
          maxLength={50}
          placeholder="e.g. nightly sync"
          value={form.name}
          onChange={(e) => form.setName(e.target.value)}
          errors={fields.name}
        />
        <Button type="submit" busy={form.creating} disabled={form.creating}>
          Create key
        </Button>
      </form>
      {general ? (
        <Alert tone="danger" title={general.title}>
          {general.detail || null}
        </Alert>
      ) : null}
      {form.created ? <NewKeySecret created={form.created} onDone={() => form.setCreated(null)} /> : null}
    </section>
  );
}
