import { useState } from 'react';
import type { KeyedMutator } from 'swr';

import { ApiError } from '@/lib/api-client';
import type { ImportJobDetail } from '@/types/api';

import { cancelImport } from '../api/cancel-import';
import { downloadCleanedCsv, downloadErrorsCsv } from '../api/download-errors-csv';

/** Cancel and the downloads of the job page, with one busy flag each and one error to show. */
export function useJobActions(job: ImportJobDetail | undefined, mutate: KeyedMutator<ImportJobDetail>) {
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const [downloading, setDownloading] = useState(false);

  const cancel = async () => {
    if (!job) return;
    setCancelling(true);
    setError(null);
    try {
      await mutate(await cancelImport(job.id), { revalidate: false });
    } catch (err) {
      setError(err);
    } finally {
      setCancelling(false);
    }
  };

  const download = async (fetchFile: (id: string) => Promise<void>) => {
    if (!job) return;
    setDownloading(true);
    setError(null);
    try {
      await fetchFile(job.id);
    } catch (err) {
      setError(err);
      // A 410 means the files were removed meanwhile: show the job as it is now.
      if (err instanceof ApiError && err.status === 410) void mutate();
    } finally {
      setDownloading(false);
    }
  };

  return {
    error,
    cancelling,
    downloading,
    cancel,
    downloadErrors: () => download(downloadErrorsCsv),
    downloadCleaned: () => download(downloadCleanedCsv),
  };
}
