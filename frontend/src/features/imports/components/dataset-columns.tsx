import type { Dataset } from '@/types/api';

/** The dataset's columns: which are required, their aliases and what they hold. */
export function DatasetColumns({ dataset }: { dataset: Dataset }) {
  return (
    <div className="dataset-columns">
      <ul className="column-list" aria-label={`Columns of ${dataset.label}`}>
        {dataset.columns.map((column) => (
          <li key={column.name} className="column-item">
            <div className="column-head">
              <code>{column.name}</code>
              {column.required ? (
                <span className="badge badge-danger-soft">required</span>
              ) : (
                <span className="badge badge-neutral">optional</span>
              )}
              {dataset.key_columns.includes(column.name) ? <span className="badge badge-info">key</span> : null}
            </div>
            {column.description ? <p className="column-desc">{column.description}</p> : null}
            {column.aliases.length ? (
              <p className="column-aliases">
                Also read from: {column.aliases.map((alias, i) => (
                  <span key={alias}>
                    {i ? ', ' : ''}
                    <code>{alias}</code>
                  </span>
                ))}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <a className="btn btn-secondary btn-sm" href={dataset.template_url} download={`${dataset.name}-template.csv`}>
        Download template CSV
      </a>
    </div>
  );
}
