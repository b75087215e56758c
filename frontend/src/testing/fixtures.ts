import type { ImportConfig, ImportJobDetail } from '@/types/api';

export const booksConfig: ImportConfig = {
  max_upload_bytes: 1000,
  allowed_extensions: ['.csv'],
  on_conflict_choices: ['error', 'skip', 'update'],
  datasets: [
    {
      name: 'books',
      label: 'Books',
      description: 'Books of your catalogue, identified by ISBN.',
      key_columns: ['isbn'],
      template_url: '/api/datasets/books/template.csv',
      columns: [
        { name: 'title', label: 'Title', type: 'string', required: true, max_length: 500, aliases: [], description: '' },
        {
          name: 'author',
          label: 'Author',
          type: 'string',
          required: true,
          max_length: 300,
          aliases: ['authors', 'author_name'],
          description: '',
        },
        {
          name: 'isbn',
          label: 'ISBN',
          type: 'isbn',
          required: true,
          max_length: 13,
          aliases: ['isbn13', 'isbn_13', 'isbn10'],
          description: '',
        },
        {
          name: 'publication_year',
          label: 'Year',
          type: 'integer',
          required: false,
          max_length: null,
          aliases: ['year', 'original_publication_year'],
          description: '',
        },
      ],
    },
  ],
};

export const JOB_ID = '3f1c2a9e-8d7b-4c6a-9e5f-1a2b3c4d5e6f';

export function jobFixture(overrides: Partial<ImportJobDetail> = {}): ImportJobDetail {
  return {
    id: JOB_ID,
    dataset: 'books',
    filename: 'books.csv',
    file_size: 2048,
    status: 'pending',
    on_conflict: 'error',
    delimiter: ',',
    encoding: 'utf-8',
    total_rows: null,
    processed_rows: 0,
    created_rows: 0,
    updated_rows: 0,
    skipped_rows: 0,
    failed_rows: 0,
    success_rows: 0,
    stored_errors: 0,
    progress_percent: 0,
    rows_per_second: null,
    eta_seconds: null,
    duration_seconds: null,
    error_message: '',
    failure_reason: '',
    ignored_columns: [],
    headers: ['title', 'author', 'isbn'],
    column_mapping: {},
    created_at: '2026-11-24T08:00:00Z',
    started_at: null,
    finished_at: null,
    errors_preview: [],
    ...overrides,
  };
}
