import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { ErrorState } from '@/components/errors/error-state';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Table } from '@/components/ui/table';
import { webhookPath } from '@/config/paths';
import { ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import type { WebhookEndpoint, WebhookEndpointWithSecret, WebhookEvent } from '@/types/api';

import { createWebhook } from '../api/create-webhook';
import { useWebhooks } from '../api/list-webhooks';
import { EventChoices } from './event-choices';

export function SecretBox({ endpoint, onDone }: { endpoint: WebhookEndpointWithSecret; onDone: () => void }) {
  return (
    <div className="secret-box" role="region" aria-label="Signing secret">
      <p className="secret-title">
        Signing secret of {endpoint.url}. Copy it now: it is shown once and cannot be shown again.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="webhook-secret" tabIndex={0}>
          {endpoint.secret}
        </code>
      </div>
      <p className="muted small">
        Each request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code>{' '}
        headers (Standard Webhooks); check the signature with this secret before trusting the body.
      </p>
      <Button variant="ghost" size="sm" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}

export function EndpointState({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled) return <Badge tone="danger">disabled</Badge>;
  if (endpoint.failing_since) return <Badge tone="warning">failing</Badge>;
  return <Badge tone="success">active</Badge>;
}

function NewEndpointForm({ onCreated }: { onCreated: (endpoint: WebhookEndpointWithSecret) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['import.completed', 'import.failed', 'import.cancelled']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createWebhook({ url: url.trim(), events, description }));
      setUrl('');
      setDescription('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error instanceof ApiError ? error.fields : {};
  const failure = error && !fields.url && !fields.events ? error : null;

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="New webhook endpoint">
      <TextField
        label="Endpoint URL"
        type="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        placeholder="https://erp.example.com/hooks/intake"
        errors={fields.url}
        required
      />
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <EventChoices selected={events} onChange={setEvents} errors={fields.events ?? []} />
      {failure ? <ErrorState error={failure} /> : null}
      <div>
        <Button type="submit" busy={busy} disabled={busy}>
          Add endpoint
        </Button>
      </div>
    </form>
  );
}

export function WebhooksPanel() {
  const { data, error, mutate } = useWebhooks();
  const [created, setCreated] = useState<WebhookEndpointWithSecret | null>(null);

  return (
    <div className="stack">
      <section className="card" aria-labelledby="new-webhook-title">
        <h2 id="new-webhook-title" className="card-title">
          Add an endpoint
        </h2>
        {created ? <SecretBox endpoint={created} onDone={() => setCreated(null)} /> : null}
        <NewEndpointForm
          onCreated={(endpoint) => {
            setCreated(endpoint);
            void mutate();
          }}
        />
      </section>
      {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && !error ? <Loading label="Loading the endpoints…" /> : null}
      {data ? (
        <Table caption="Webhook endpoints" className="table-stacked">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Secret</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {data.length === 0 ? (
              <EmptyRow colSpan={5}>No endpoints yet.</EmptyRow>
            ) : (
              data.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td className="cell-name">
                    <Link to={webhookPath(endpoint.id)}>{endpoint.url}</Link>
                    {endpoint.description ? <div className="muted small">{endpoint.description}</div> : null}
                  </td>
                  <td data-label="Events">{endpoint.events.join(', ')}</td>
                  <td data-label="State">
                    <EndpointState endpoint={endpoint} />
                  </td>
                  <td data-label="Secret">
                    <code>{endpoint.secret_hint}</code>
                  </td>
                  <td data-label="Added">{formatDateTime(endpoint.created_at)}</td>
                </tr>
              ))
            )}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}
