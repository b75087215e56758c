import { useEffect, useRef, useState } from 'react';

import { describeError } from '@/components/errors/error-state';
import { ApiError } from '@/lib/api-client';
import type { ImportInspection } from '@/types/api';

import { inspectFile } from '../api/inspect-file';

export type InspectRequest = {
  file: File;
  dataset: string;
  columnMapping: Record<string, string>;
  sheet: string;
  encoding: string;
  delimiter: string;
  timezone?: string;
};

export type InspectionState =
  | { kind: 'idle' }
  /** Asking the server; the previous answer stays shown meanwhile. */
  | { kind: 'reading'; previous: ImportInspection | null }
  /** The server refused the file as read; the last good answer is kept for the reading choices. */
  | { kind: 'refused'; message: string; previous: ImportInspection | null }
  | { kind: 'ready'; inspection: ImportInspection };

/** The latest good answer in a state, if any. */
export function lastAnswer(state: InspectionState): ImportInspection | null {
  return state.kind === 'ready' ? state.inspection : state.kind === 'idle' ? null : state.previous;
}

function refusalOf(error: unknown, file: File): string {
  if (error instanceof ApiError) {
    return [error.message, ...Object.values(error.fields).flat()].filter((m, i, all) => all.indexOf(m) === i).join(' ');
  }
  return `“${file.name}” could not be checked: ${describeError(error).title}.`;
}

/**
 * The server's reading of the file, asked again whenever the file or a choice about it changes
 * (dataset, mapping, sheet, encoding, delimiter, zone). Only the latest answer counts.
 */
export function useInspection(request: InspectRequest | null): InspectionState {
  const [state, setState] = useState<InspectionState>({ kind: 'idle' });
  const token = useRef(0);
  const key = request
    ? JSON.stringify([request.dataset, request.columnMapping, request.sheet, request.encoding, request.delimiter, request.timezone])
    : '';
  const file = request?.file ?? null;

  useEffect(() => {
    if (!file || !key) {
      setState({ kind: 'idle' });
      return undefined;
    }
    const [dataset, columnMapping, sheet, encoding, delimiter, timezone] = JSON.parse(key) as [
      string,
      Record<string, string>,
      string,
      string,
      string,
      string | undefined,
    ];
    const mine = ++token.current;
    const controller = new AbortController();
    setState((current) => ({ kind: 'reading', previous: lastAnswer(current) }));
    inspectFile({ file, dataset, columnMapping, sheet, encoding, delimiter, timezone }, controller.signal).then(
      (inspection) => {
        if (mine !== token.current) return;
        if (inspection.header.names.every((n) => n === '')) {
          setState({ kind: 'refused', message: `No header row was found in “${file.name}”.`, previous: null });
        } else {
          setState({ kind: 'ready', inspection });
        }
      },
      (error: unknown) => {
        if (mine !== token.current || (error instanceof DOMException && error.name === 'AbortError')) return;
        setState((current) => ({ kind: 'refused', message: refusalOf(error, file), previous: lastAnswer(current) }));
      },
    );
    return () => controller.abort();
  }, [file, key]);

  return state;
}
