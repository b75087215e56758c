import { http, HttpResponse } from 'msw';

import type { ImportConfig, ImportInspection, InspectColumnMatch } from '@/types/api';

import { server } from './server';

type Answer = {
  headers: string[];
  delimiter?: string;
  format?: 'csv' | 'xlsx';
  sheets?: string[];
  rows?: ImportInspection['rows'];
};

const norm = (name: string) => name.trim().toLowerCase();

/**
 * Answer POST /api/imports/inspect/ as the server would for a file with these headers: a small
 * stand-in for the server's resolution (mapping, then names, then aliases), enough for the page's
 * tests. jsdom's File does not survive into the interceptor's FormData, so the test says what the
 * file holds. Returns the forms the page sent.
 */
export function answerInspect(config: ImportConfig, answer: Answer | ((form: FormData) => Answer)) {
  const sent: Record<string, FormDataEntryValue | null>[] = [];
  server.use(
    http.post('/api/imports/inspect/', async ({ request }) => {
      const form = await request.formData();
      sent.push(Object.fromEntries(['dataset', 'column_mapping', 'sheet', 'partial'].map((k) => [k, form.get(k)])));
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
      for (const [column, header] of Object.entries(mapping)) claim(column, header, 'mapping');
      for (const column of dataset?.columns ?? []) claim(column.name, column.name, 'name');
      for (const column of dataset?.columns ?? []) for (const alias of column.aliases) claim(column.name, alias, 'alias');
      const body: ImportInspection = {
        format: given.format ?? 'csv',
        encoding: given.format === 'xlsx' ? null : { name: 'utf-8', source: 'detected', confidence: 1 },
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
              ignored: given.headers.filter((h, i) => !taken.has(i) && h.trim() !== ''),
            }
          : null,
        rows: given.rows ?? [],
        partial: form.get('partial') === 'true',
      };
      return HttpResponse.json(body);
    }),
  );
  return sent;
}
