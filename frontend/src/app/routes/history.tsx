import { HistoryTable } from '@/features/imports/components/history-table';

import { useTitle } from './use-title';

export function HistoryRoute() {
  useTitle('History');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>History</h1>
          <p className="muted">Every import of the workspace, newest first, whether it came from this page, the API or the command line.</p>
        </div>
      </header>
      <HistoryTable />
    </div>
  );
}
