import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { jobPath } from '@/config/paths';

import { type CreateImportInput, type UploadProgress, createImport } from '../api/create-import';

/** Sending the file: progress, stopping, the server's refusal, and the job page once it answers. */
export function useUpload() {
  const navigate = useNavigate();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [submitting, setSubmitting] = useState<'import' | 'dry-run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  const send = async (input: CreateImportInput) => {
    setSubmitting(input.dryRun ? 'dry-run' : 'import');
    setError(null);
    setProgress({ loaded: 0, total: input.file.size });
    abort.current = new AbortController();
    try {
      const job = await createImport(input, setProgress, abort.current.signal);
      navigate(jobPath(job.id));
    } catch (caught) {
      if (caught instanceof DOMException && caught.name === 'AbortError') return;
      setError(caught);
      setSubmitting(null);
      setProgress(null);
    }
  };

  const stop = () => {
    abort.current?.abort();
    setSubmitting(null);
    setProgress(null);
  };

  return { send, stop, progress, submitting, error, clearError: () => setError(null) };
}
