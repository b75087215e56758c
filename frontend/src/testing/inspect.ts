import { http, HttpResponse } from 'msw';

import type { ImportConfig, ImportInspection, InspectColumnMatch, InspectFieldChoice } from '@/types/api';

import { server } from './server';

type Answer = {
  headers: string[];
  delimiter?: string;
  format?: 'csv' | 'xlsx';
  sheets?: string[];
  rows?: ImportInspection['rows'];
  /** What the server suggests (column -> header) for columns nothing else feeds. */
  suggest?: Record<string, string>;
  encoding?: ImportInspection['encoding'];
  preview?: ImportInspection['preview'];
};

const norm = (name: string) => name.trim().toLowerCase();

/**
 * Answer POST /api/imports/inspect/ as the server would for a file with these headers: a small
 * stand-in for the server's resolution (mapping, then names, then aliases; the suggestions and the
 * preview as the test gives them), enough for the page's tests. jsdom's File does not survive into the interceptor's FormData, so the test says what the
 * file holds. Returns the forms the page sent.
 */
export function answerInspect(config: ImportConfig, answer: Answer | ((form: FormData) => Answer)) {
  const sent: Record<string, FormDataEntryValue | null>[] = [];
  server.use(
    // No saved mapping unless a test answers one.
    http.post('/api/mappings/match/', () => HttpResponse.json({ saved_mapping: null, column_mapping: null })),
    http.post('/api/imports/inspect/', async ({ request }) => {
      const form = await request.formData();
      sent.push(
        Object.fromEntries(
          ['dataset', 'column_mapping', 'sheet', 'partial', 'encoding', 'delimiter', 'preview_rows'].map((k) => [k, form.get(k)]),
        ),
      );
      const given = typeof answer === 'function' ? answer(form) : answer;
      const dataset = config.datasets.find((d) => d.name === form.get('dataset'));
      const mapping = JSON.parse(String(form.get('column_mapping') ?? '{}')) as Record<string, string>;
      const taken = new Set<number>();
      const columns: InspectColumnMatch[] = [];
      const claim = (column: string, candidate: string, how: InspectColumnMatch['matched_by']) => {
        const index = given.headers.findIndex((h) => norm(h) === norm(candidate));
        if (index < 0 || taken.has(index) || columns.some((c) => c.column === column)) return;
        taken.add(index);
        const required = dataset?.columns.find((c) => c.name === column)?.required ?? false;
        columns.push({ column, header: given.headers[index] ?? '', index, required, matched_by: how });
      };
      const leftEmpty = new Set(Object.keys(mapping).filter((column) => mapping[column] === ''));
      const unclaimed = (column: string) => !leftEmpty.has(column) && !(mapping[column] ?? '');
      for (const [column, header] of Object.entries(mapping)) if (header) claim(column, header, 'mapping');
      for (const column of dataset?.columns ?? []) if (unclaimed(column.name)) claim(column.name, column.name, 'name');
      for (const column of dataset?.columns ?? [])
        for (const alias of column.aliases) if (unclaimed(column.name)) claim(column.name, alias, 'alias');
      const matchedTaken = new Set(taken);
      const fields: InspectFieldChoice[] = (dataset?.columns ?? []).map((column) => {
        const match = columns.find((c) => c.column === column.name);
        const suggested = given.suggest?.[column.name];
        const suggestedIndex = suggested === undefined ? -1 : given.headers.indexOf(suggested);
        const suggestion = !match && !leftEmpty.has(column.name) && suggestedIndex >= 0 && !taken.has(suggestedIndex);
        if (suggestion) taken.add(suggestedIndex);
        return {
          column: column.name,
          label: column.label,
          required: column.required,
          header: match ? match.header : suggestion ? (given.headers[suggestedIndex] ?? null) : null,
          index: match ? match.index : suggestion ? suggestedIndex : null,
          matched_by: match ? match.matched_by : suggestion ? 'similar' : null,
          similarity: suggestion ? 0.8 : null,
          left_empty: leftEmpty.has(column.name),
        };
      });
      const body: ImportInspection = {
        format: given.format ?? 'csv',
        encoding:
          given.format === 'xlsx'
            ? null
            : form.get('encoding')
              ? { name: String(form.get('encoding')), source: 'declared', confidence: null }
              : (given.encoding ?? { name: 'utf-8', source: 'detected', confidence: 1 }),
        delimiter: given.format === 'xlsx' ? null : (given.delimiter ?? ','),
        sheet: String(form.get('sheet') || (given.sheets?.[0] ?? '')),
        sheets: given.sheets ?? [],
        header: { row_number: 1, names: given.headers },
        resolution: dataset
          ? {
              dataset: dataset.name,
              columns,
              missing: dataset.columns
                .filter((c) => c.required && !columns.some((m) => m.column === c.name))
                .map((c) => c.name),
              ignored: given.headers.filter((h, i) => !matchedTaken.has(i) && h.trim() !== ''),
              fields,
              unread: given.headers.filter((h, i) => !taken.has(i) && h.trim() !== ''),
              unfed_required: fields.filter((f) => f.required && f.header === null).map((f) => f.column),
            }
          : null,
        rows: given.rows ?? [],
        partial: form.get('partial') === 'true',
        delimiter_guess:
          given.format === 'xlsx'
            ? null
            : form.get('delimiter')
              ? { delimiter: String(form.get('delimiter')), source: 'declared', confidence: null }
              : { delimiter: given.delimiter ?? ',', source: 'detected', confidence: 1 },
        preview: given.preview ?? null,
      };
      return HttpResponse.json(body);
    }),
  );
  return sent;
}
