import { useSearchParams } from 'react-router';

import { ErrorState } from '@/components/errors/error-state';
import { Alert } from '@/components/ui/alert';
import { Loading } from '@/components/ui/spinner';
import { useConfig } from '@/features/datasets/api/get-config';
import { DatasetRecordsTable } from '@/features/datasets/components/dataset-records-table';

import { useTitle } from './use-title';

export function DataRoute() {
  const { data: config, error, mutate } = useConfig();
  const [params, setParams] = useSearchParams();
  const datasets = config?.datasets ?? [];
  const requested = params.get('dataset');
  const dataset = datasets.find((d) => d.name === requested) ?? datasets[0] ?? null;
  useTitle(dataset ? `${dataset.label} · Data` : 'Data');

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Data</h1>
          <p className="muted">The rows stored in this workspace, one dataset at a time.</p>
        </div>
        {dataset ? (
          <div className="page-header-actions field field-inline">
            <label htmlFor="data-dataset">Dataset</label>
            <select
              id="data-dataset"
              value={dataset.name}
              onChange={(e) => setParams({ dataset: e.target.value })}
            >
              {datasets.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </header>
      {requested && config && dataset && dataset.name !== requested ? (
        <Alert tone="warning" role="status" title={`There is no dataset named “${requested}”.`}>
          <p>Showing {dataset.label} instead.</p>
        </Alert>
      ) : null}
      {dataset ? (
        // A new dataset starts from page 1 without a search.
        <DatasetRecordsTable key={dataset.name} dataset={dataset} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : config ? (
        <p className="muted">No datasets are declared on the server.</p>
      ) : (
        <Loading label="Loading the datasets…" />
      )}
    </div>
  );
}
