import { ApiKeysPanel } from '@/features/api-keys/components/api-keys-panel';

import { useTitle } from './use-title';

export function KeysRoute() {
  useTitle('API keys');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="muted">Keys give scripts access to this workspace's API.</p>
        </div>
      </header>
      <ApiKeysPanel />
    </div>
  );
}
