import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/format';

import type { SavedMappingState } from '../hooks/use-saved-mapping';

/** Says that a saved mapping is in use, with a way out. */
export function SavedMappingNotice({ state, onDecline }: { state: SavedMappingState; onDecline: () => void }) {
  if (state.kind !== 'using') return null;
  const saved = state.saved;
  const when = saved.last_used_at ?? saved.updated_at;
  return (
    <Alert
      tone="info"
      role="status"
      title="Using your saved mapping for this partner"
      action={
        <Button variant="secondary" size="sm" onClick={onDecline}>
          Don't use
        </Button>
      }
    >
      {saved.name ? `“${saved.name}”, ` : 'The mapping '}
      saved for files with these headers{when ? `, last used ${formatDateTime(when)}` : ''}. Change any column below;
      the import remembers the change.
    </Alert>
  );
}
