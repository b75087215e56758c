import { useState } from 'react';

import { ErrorState } from '@/components/errors/error-state';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatCount } from '@/lib/format';
import { type ImportJobDetail, type ImportReverted, isFinalStatus } from '@/types/api';

import { revertImport } from '../api/revert-import';

/** A finished import that wrote rows and was not undone yet; a dry run wrote nothing. */
export function canRevert(job: ImportJobDetail): boolean {
  return (
    isFinalStatus(job.status) &&
    !job.dry_run &&
    !job.reverted_at &&
    (job.created_rows ?? 0) + (job.updated_rows ?? 0) > 0
  );
}

function rows(n: number, what: string): string {
  return `${formatCount(n)} ${what} ${n === 1 ? 'row' : 'rows'}`;
}

/** "Revert import", then a dialog that says exactly what the revert will do before it does it. */
export function RevertButton({ job, onReverted }: { job: ImportJobDetail; onReverted: (answer: ImportReverted) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const created = job.created_rows ?? 0;
  const updated = job.updated_rows ?? 0;

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await revertImport(job.id);
      setOpen(false);
      onReverted(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Revert import
      </Button>
      {open ? (
        <Dialog
          title="Revert this import?"
          onClose={() => !busy && setOpen(false)}
          actions={
            <>
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={busy} data-autofocus>
                Keep the import
              </Button>
              <Button variant="danger" onClick={() => void confirm()} busy={busy} disabled={busy}>
                Revert
              </Button>
            </>
          }
        >
          <p data-testid="revert-plan">
            {rows(created, 'created')} will be deleted, {rows(updated, 'updated')} {updated === 1 ? 'gets its' : 'get their'} previous
            values back; rows changed since by another import are kept and listed.
          </p>
          <p className="muted small">
            A revert cannot be undone, and a reverted import takes no corrected rows. The import stays in History, marked
            reverted.
          </p>
          {error ? <ErrorState error={error} /> : null}
        </Dialog>
      ) : null}
    </>
  );
}
