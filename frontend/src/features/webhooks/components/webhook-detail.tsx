import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { ErrorState } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Pagination } from '@/components/ui/pagination';
import { Loading } from '@/components/ui/spinner';
import { EmptyRow, Table } from '@/components/ui/table';
import { jobPath, paths } from '@/config/paths';
import { ApiError } from '@/lib/api-client';
import { formatCount, formatDateTime } from '@/lib/format';
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret, WebhookEvent } from '@/types/api';

import { deleteWebhook } from '../api/delete-webhook';
import { useWebhook } from '../api/get-webhook';
import { useDeliveries } from '../api/list-deliveries';
import { redeliver } from '../api/redeliver';
import { rotateSecret } from '../api/rotate-secret';
import { updateWebhook } from '../api/update-webhook';
import { EventChoices } from './event-choices';
import { EndpointState, SecretBox } from './webhooks-panel';

const DELIVERY_TONES = { pending: 'warning', succeeded: 'success', failed: 'danger' } as const;

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  if (!delivery.attempt_log.length) return <span className="muted">not tried yet</span>;
  return (
    <ol className="attempts">
      {delivery.attempt_log.map((attempt) => (
        <li key={attempt.number}>
          <span className={attempt.succeeded ? 'text-success' : 'text-danger'}>
            {attempt.status_code ?? 'no answer'}
          </span>{' '}
          in {formatCount(attempt.latency_ms)} ms, {formatDateTime(attempt.started_at)}
          {attempt.manual ? ' (by hand)' : ''}
          {attempt.error ? <div className="muted small">{attempt.error}</div> : null}
          {attempt.response_excerpt ? <pre className="excerpt">{attempt.response_excerpt}</pre> : null}
        </li>
      ))}
    </ol>
  );
}

function EditEndpoint({ endpoint, onSaved }: { endpoint: WebhookEndpoint; onSaved: (saved: WebhookEndpoint) => void }) {
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? '');
  const [events, setEvents] = useState<WebhookEvent[]>(endpoint.events);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      onSaved(await updateWebhook(endpoint.id, { url: url.trim(), events, description }));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = error instanceof ApiError ? error.fields : {};
  const failure = error && !fields.url && !Object.keys(fields).some((f) => f.startsWith('events')) ? error : null;
  const eventErrors = Object.entries(fields)
    .filter(([name]) => name.startsWith('events'))
    .flatMap(([, messages]) => messages);

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="Edit the endpoint">
      <TextField label="Endpoint URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} errors={fields.url} />
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <EventChoices selected={events} onChange={setEvents} errors={eventErrors} />
      {failure ? <ErrorState error={failure} /> : null}
      <div>
        <Button type="submit" busy={busy} disabled={busy}>
          Save
        </Button>{' '}
        <span className="muted small" aria-live="polite">
          {saved ? 'Saved.' : null}
        </span>
      </div>
    </form>
  );
}

export function WebhookDetail({ id }: { id: string }) {
  const navigate = useNavigate();
  const { data: endpoint, error, mutate } = useWebhook(id);
  const [page, setPage] = useState(1);
  const deliveries = useDeliveries(id, page);
  const [secret, setSecret] = useState<WebhookEndpointWithSecret | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  if (error) return <ErrorState error={error} onRetry={() => void mutate()} />;
  if (!endpoint) return <Loading label="Loading the endpoint…" />;

  const act = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    setActionError(null);
    try {
      await action();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className="stack">
      <p className="breadcrumbs">
        <Link to={paths.webhooks}>← All endpoints</Link>
      </p>
      <header className="page-header">
        <div>
          <h1 className="job-title">{endpoint.url}</h1>
          <p className="muted">
            {endpoint.events.join(', ')} · secret <code>{endpoint.secret_hint}</code>
          </p>
        </div>
        <div className="page-header-actions">
          <EndpointState endpoint={endpoint} />
          <Button
            variant="secondary"
            size="sm"
            busy={busy === 'toggle'}
            onClick={() =>
              void act('toggle', async () => {
                await mutate(await updateWebhook(endpoint.id, { enabled: !endpoint.enabled }), { revalidate: false });
              })
            }
          >
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            busy={busy === 'rotate'}
            onClick={() => void act('rotate', async () => setSecret(await rotateSecret(endpoint.id)))}
          >
            New secret
          </Button>
          <Button
            variant="danger"
            size="sm"
            busy={busy === 'delete'}
            onClick={() =>
              void act('delete', async () => {
                await deleteWebhook(endpoint.id);
                navigate(paths.webhooks);
              })
            }
          >
            Delete
          </Button>
        </div>
      </header>
      {secret ? <SecretBox endpoint={secret} onDone={() => setSecret(null)} /> : null}
      {!endpoint.enabled && endpoint.disabled_reason ? (
        <Alert tone="warning" title="This endpoint is disabled">
          {endpoint.disabled_reason} Enable it when the receiver works again, then redeliver what it missed.
        </Alert>
      ) : null}
      {actionError ? <ErrorState error={actionError} /> : null}
      <details className="card">
        <summary className="card-title">Edit the URL, description and events</summary>
        <EditEndpoint endpoint={endpoint} onSaved={(saved) => void mutate(saved, { revalidate: false })} />
      </details>
      {deliveries.error ? <ErrorState error={deliveries.error} onRetry={() => void deliveries.mutate()} /> : null}
      {deliveries.data ? (
        <>
          <Table caption="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.results.length === 0 ? (
                <EmptyRow colSpan={5}>No deliveries yet: they appear when a job ends.</EmptyRow>
              ) : (
                deliveries.data.results.map((delivery) => (
                  <tr key={delivery.id}>
                    <td>
                      {delivery.event}
                      <div className="muted small">
                        <code>{delivery.message_id}</code> · {formatDateTime(delivery.created_at)}
                      </div>
                    </td>
                    <td>{delivery.job ? <Link to={jobPath(delivery.job)}>job {delivery.job.slice(0, 8)}</Link> : '—'}</td>
                    <td>
                      <Badge tone={DELIVERY_TONES[delivery.status ?? 'pending']}>{delivery.status}</Badge>
                      {delivery.status === 'pending' && delivery.next_attempt_at ? (
                        <div className="muted small">next try {formatDateTime(delivery.next_attempt_at)}</div>
                      ) : null}
                    </td>
                    <td>
                      <Attempts delivery={delivery} />
                    </td>
                    <td>
                      <Button
                        variant="secondary"
                        size="sm"
                        busy={busy === `redeliver-${delivery.id}`}
                        disabled={!endpoint.enabled}
                        aria-label={`Redeliver ${delivery.event} ${delivery.message_id}`}
                        onClick={() =>
                          void act(`redeliver-${delivery.id}`, async () => {
                            await redeliver(endpoint.id, delivery.id);
                            window.setTimeout(() => void deliveries.mutate(), 1000);
                          })
                        }
                      >
                        Redeliver
                      </Button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </Table>
          <Pagination label="Delivery pages" page={page} pageSize={50} data={deliveries.data} onPage={setPage} />
        </>
      ) : null}
    </article>
  );
}
