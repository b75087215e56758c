/** Display helpers. Counts, the job page's counters included, use formatCount (1,234). */

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return seconds <= 0 ? '0 s' : '< 1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  return s ? `${m} min ${s} s` : `${m} min`;
}

export function formatRate(rowsPerSecond: number | null | undefined): string {
  if (rowsPerSecond === null || rowsPerSecond === undefined || !Number.isFinite(rowsPerSecond)) return '—';
  return `${(rowsPerSecond >= 100 ? integer : oneDecimal).format(rowsPerSecond)} rows/s`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTime.format(date);
}

/** The same moment in UTC, to the second: for a title next to a local time. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The locale of every number on the page (dates follow the browser's). */
export const NUMBER_LOCALE = 'en-US';

const integer = new Intl.NumberFormat(NUMBER_LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(NUMBER_LOCALE, { maximumFractionDigits: 1 });

/** A count with thousands separators (12,345); '—' when there is none. */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return '—';
  return integer.format(count);
}

/** "1 row", "12,345 rows": a count and its noun, singular for exactly one. */
export function formatCountOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '—';
  const diff = Math.round((now - then) / 1000);
  if (diff < 45) return 'just now';
  if (diff < 3600) return `${Math.round(diff / 60)} min ago`;
  if (diff < 86400) return `${Math.round(diff / 3600)} h ago`;
  return formatDateTime(iso);
}

/** Who started a job, as History and the job page say it. */
export function formatStartedBy(startedBy: { via: string; name: string; api_key_prefix: string } | undefined): string {
  if (!startedBy || !startedBy.via) return '—';
  switch (startedBy.via) {
    case 'user':
      return startedBy.name || 'a signed-in user';
    case 'api_key':
      return `API key “${startedBy.name}”${startedBy.api_key_prefix ? ` (${startedBy.api_key_prefix}…)` : ''}`;
    case 'command_line':
      return startedBy.name ? `command line (${startedBy.name})` : 'command line';
    case 'feed':
      return `feed ${startedBy.name}`;
    default:
      return startedBy.name || startedBy.via;
  }
}
