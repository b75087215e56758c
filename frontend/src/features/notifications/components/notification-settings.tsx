import { type FormEvent, useEffect, useState } from 'react';

import { ErrorState } from '@/components/errors/error-state';
import { Button } from '@/components/ui/button';
import { Loading } from '@/components/ui/spinner';
import { ApiError } from '@/lib/api-client';
import type { ImportEmails } from '@/types/api';

import { useMySettings } from '../api/get-my-settings';
import { useWorkspaceSettings } from '../api/get-workspace-settings';
import { updateMySettings } from '../api/update-my-settings';
import { updateWorkspaceSettings } from '../api/update-workspace-settings';

const CHOICES: { value: ImportEmails; label: string; hint: string }[] = [
  { value: 'all', label: 'Every finished import', hint: 'Completed, failed or cancelled.' },
  { value: 'failures', label: 'Only failed or cancelled imports', hint: 'No mail when all went well.' },
  { value: 'off', label: 'No e-mails', hint: 'Follow your imports on the page only.' },
];

function MyEmails() {
  const { data, error, mutate } = useMySettings();
  const [saving, setSaving] = useState<ImportEmails | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);

  if (error instanceof ApiError && error.code === 'user_only') return null;
  if (error) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!data) return <Loading label="Loading your settings…" />;

  const choose = async (value: ImportEmails) => {
    setSaving(value);
    setSaveError(null);
    try {
      await mutate(await updateMySettings(value), { revalidate: false });
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(null);
    }
  };

  return (
    <fieldset className="choices" disabled={saving !== null}>
      <legend>E-mail me when an import I started ends</legend>
      {CHOICES.map((choice) => (
        <label key={choice.value} className="choice">
          <input
            type="radio"
            name="import_emails"
            value={choice.value}
            checked={(saving ?? data.import_emails) === choice.value}
            onChange={() => void choose(choice.value)}
          />
          <span>
            {choice.label} <span className="muted small">{choice.hint}</span>
          </span>
        </label>
      ))}
      <p className="muted small" aria-live="polite">
        {saving ? 'Saving…' : null}
      </p>
      {saveError ? <ErrorState error={saveError} /> : null}
    </fieldset>
  );
}

function WorkspaceAddresses() {
  const { data, error, mutate } = useWorkspaceSettings();
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);

  useEffect(() => {
    if (data) setText(data.email_addresses.join('\n'));
  }, [data]);

  if (error) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!data) return <Loading label="Loading the workspace's addresses…" />;

  const onSave = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    setSaveError(null);
    try {
      const addresses = text
        .split(/[\s,;]+/)
        .map((a) => a.trim())
        .filter(Boolean);
      await mutate(await updateWorkspaceSettings(addresses), { revalidate: false });
      setSaved(true);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };
  const fieldErrors = saveError instanceof ApiError ? saveError.fields.email_addresses : undefined;
  const failure = saveError && !fieldErrors ? saveError : null;

  return (
    <form className="stack" onSubmit={onSave} noValidate>
      <div className="field">
        <label htmlFor="workspace-addresses">Workspace notification addresses</label>
        <textarea
          id="workspace-addresses"
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={fieldErrors ? true : undefined}
          aria-describedby="workspace-addresses-hint"
          placeholder="ops@example.com"
        />
        <p className="field-hint" id="workspace-addresses-hint">
          One per line. They get the e-mails of imports started by an API key, a feed or the command line, and
          hear when a webhook endpoint is disabled.
        </p>
        {fieldErrors ? (
          <p className="field-error" role="alert">
            {fieldErrors.join(' ')}
          </p>
        ) : null}
      </div>
      {failure ? <ErrorState error={failure} /> : null}
      <div>
        <Button type="submit" busy={saving} disabled={saving}>
          Save addresses
        </Button>{' '}
        <span className="muted small" aria-live="polite">
          {saved ? 'Saved.' : null}
        </span>
      </div>
    </form>
  );
}

export function NotificationSettings() {
  return (
    <div className="stack">
      <section className="card" aria-labelledby="my-emails-title">
        <h2 id="my-emails-title" className="card-title">
          Your e-mails
        </h2>
        <MyEmails />
      </section>
      <section className="card" aria-labelledby="workspace-emails-title">
        <h2 id="workspace-emails-title" className="card-title">
          Workspace
        </h2>
        <WorkspaceAddresses />
      </section>
    </div>
  );
}
