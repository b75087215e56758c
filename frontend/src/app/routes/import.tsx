import { ErrorState } from '@/components/errors/error-state';
import { Loading } from '@/components/ui/spinner';
import { useConfig } from '@/features/datasets/api/get-config';
import { UploadForm } from '@/features/imports/components/upload-form';

import { useTitle } from './use-title';

export function ImportRoute() {
  useTitle('Import');
  const { data: config, error, mutate } = useConfig();
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Import a file</h1>
          <p className="muted">
            Pick a dataset, choose a file and check how its columns match before anything is sent.
          </p>
        </div>
      </header>
      {config ? (
        <UploadForm config={config} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : (
        <Loading label="Loading the datasets…" />
      )}
    </div>
  );
}
