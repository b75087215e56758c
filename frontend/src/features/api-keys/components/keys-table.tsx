import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyRow, Table } from '@/components/ui/table';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { ApiKey } from '@/types/api';

/** What a screen reader says for a key's Revoke button: which key, by name and prefix. */
export function revokeLabel(key: Pick<ApiKey, 'name' | 'prefix'>): string {
  return `Revoke key “${key.name}” (${key.prefix}…)`;
}

/**
 * The workspace's keys. On a phone each row is drawn as a small card (see .keys-table in the
 * stylesheet), so Revoke stays on the screen; each cell then shows its column's name.
 */
export function KeysTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  return (
    <Table caption="API keys" hideCaption className="keys-table table-stacked">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Prefix</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.length === 0 ? (
          <EmptyRow colSpan={5}>No keys yet.</EmptyRow>
        ) : (
          keys.map((key) => (
            <tr key={key.id} className={key.revoked ? 'row-muted' : undefined}>
              <td className="cell-name">{key.name}</td>
              <td data-label="Prefix">
                <code>{key.prefix}…</code>
              </td>
              <td data-label="Created">{formatDateTime(key.created)}</td>
              <td data-label="Last used">{formatRelative(key.last_used_at)}</td>
              <td className="cell-actions">
                {key.revoked ? (
                  <Badge tone="neutral">revoked</Badge>
                ) : (
                  <Button variant="danger" size="sm" aria-label={revokeLabel(key)} onClick={() => onRevoke(key)}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))
        )}
      </tbody>
    </Table>
  );
}
