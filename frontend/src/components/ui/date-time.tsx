import { formatDateTime, formatUtc } from '@/lib/format';

/** A moment in the reader's local time; the exact UTC time shows on hover. */
export function DateTime({ iso, className }: { iso: string | null | undefined; className?: string }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)} className={className}>
      {formatDateTime(iso)}
    </time>
  );
}
