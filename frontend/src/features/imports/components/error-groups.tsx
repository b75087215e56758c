import { useId } from 'react';

import { Button } from '@/components/ui/button';
import { formatCount } from '@/lib/format';
import type { RowErrorGroup } from '@/types/api';

/** The key the server uses for an error about the whole record rather than one column. */
export const RECORD_KEY = '__all__';

export function columnLabel(column: string): string {
  return column === RECORD_KEY ? 'whole row' : column;
}

export type ErrorFilter = { column: string; message: string };

export function groupLabel(group: RowErrorGroup): string {
  return `${formatCount(group.count)} × ${columnLabel(group.column)}: ${group.message}`;
}

const GROUPS_SHOWN = 12;

/** The rejected rows by column and kind of message, most first; a click filters the grid to one. */
export function ErrorGroups({
  groups,
  filter,
  onFilter,
}: {
  groups: RowErrorGroup[];
  filter: ErrorFilter;
  onFilter: (filter: ErrorFilter) => void;
}) {
  const columnId = useId();
  const messageId = useId();
  const columns = [...new Set(groups.map((group) => group.column))];
  const messages = groups.filter((group) => group.column === filter.column);
  const filtered = Boolean(filter.column);

  return (
    <div className="error-groups stack-sm">
      <ul className="error-group-list" aria-label="Rejected rows by error">
        {groups.slice(0, GROUPS_SHOWN).map((group) => {
          const active = filter.column === group.column && filter.message === group.message;
          return (
            <li key={`${group.column}\u0000${group.message}`}>
              <button
                type="button"
                className={`error-group${active ? ' is-active' : ''}`}
                aria-pressed={active}
                onClick={() => onFilter(active ? { column: '', message: '' } : { column: group.column, message: group.message })}
              >
                <strong>{formatCount(group.count)} ×</strong> <code>{columnLabel(group.column)}</code>: {group.message}
              </button>
            </li>
          );
        })}
      </ul>
      {groups.length > GROUPS_SHOWN ? (
        <p className="muted small">
          {formatCount(groups.length - GROUPS_SHOWN)} more kinds of error: choose them with the filters.
        </p>
      ) : null}
      <div className="grid-filters">
        <div className="field field-inline">
          <label htmlFor={columnId}>Column</label>
          <select id={columnId} value={filter.column} onChange={(event) => onFilter({ column: event.target.value, message: '' })}>
            <option value="">All columns</option>
            {columns.map((column) => (
              <option key={column} value={column}>
                {columnLabel(column)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor={messageId}>Message</label>
          <select
            id={messageId}
            value={filter.message}
            disabled={!filter.column}
            onChange={(event) => onFilter({ column: filter.column, message: event.target.value })}
          >
            <option value="">All messages</option>
            {messages.map((group) => (
              <option key={group.message} value={group.message}>
                {group.message} ({formatCount(group.count)})
              </option>
            ))}
          </select>
        </div>
        {filtered ? (
          <Button variant="ghost" size="sm" onClick={() => onFilter({ column: '', message: '' })}>
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}
