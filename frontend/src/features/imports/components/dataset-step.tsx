import type { Dataset } from '@/types/api';

import { DatasetColumns } from './dataset-columns';

export type DatasetStepProps = {
  datasets: Dataset[];
  dataset: Dataset | null;
  onChange: (name: string) => void;
};

export function DatasetStep({ datasets, dataset, onChange }: DatasetStepProps) {
  return (
    <section className="card" aria-labelledby="step-dataset">
      <h2 id="step-dataset" className="card-title">
        <span className="step">1</span> Dataset
      </h2>
      <div className="field">
        <label htmlFor="dataset">Dataset</label>
        <select id="dataset" value={dataset?.name ?? ''} onChange={(e) => onChange(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.name} value={d.name}>
              {d.label}
            </option>
          ))}
        </select>
        {dataset?.description ? <p className="field-hint">{dataset.description}</p> : null}
      </div>
      {dataset ? <DatasetColumns dataset={dataset} /> : null}
    </section>
  );
}
