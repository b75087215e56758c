import type { ReactNode } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ApiError, NetworkError } from '@/lib/api-client';

/** What to tell a person about a failed call, by kind: network, not found, server, refusal. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof NetworkError) {
    return { title: 'Cannot reach the server.', detail: 'Check your connection; the page retries on its own.' };
  }
  if (error instanceof ApiError) {
    if (error.status >= 500) {
      return { title: 'Something went wrong on the server.', detail: `Try again in a moment (HTTP ${error.status}).` };
    }
    if (error.sessionEnded) return { title: 'Your session has ended.', detail: 'Sign in again to continue.' };
    if (error.status === 404) return { title: 'Not found.', detail: error.message };
    return { title: error.message, detail: '' };
  }
  return { title: 'Something went wrong.', detail: error instanceof Error ? error.message : String(error) };
}

/** A designed error state with an optional retry. */
export function ErrorState({ error, onRetry, children }: { error: unknown; onRetry?: () => void; children?: ReactNode }) {
  const { title, detail } = describeError(error);
  return (
    <Alert
      tone="danger"
      title={title}
      action={
        onRetry ? (
          <Button variant="secondary" size="sm" onClick={onRetry}>
            Try again
          </Button>
        ) : undefined
      }
    >
      {detail || children ? (
        <>
          {detail ? <p>{detail}</p> : null}
          {children}
        </>
      ) : null}
    </Alert>
  );
}
