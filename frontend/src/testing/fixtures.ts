import type { CardEvent, CardStatus, ColumnSpec, Dataset, ImportConfig, ImportJobDetail } from '@/types/api';

export const booksConfig: ImportConfig = {
  max_upload_bytes: 1000,
  inspect_max_bytes: 500,
  allowed_extensions: ['.csv', '.xlsx'],
  on_conflict_choices: ['error', 'skip', 'update'],
  datasets: [
    {
      name: 'books',
      label: 'Books',
      description: 'Books of your catalogue, identified by ISBN.',
      key_columns: ['isbn'],
      timezone: 'UTC',
      on_conflict_default: 'error',
      on_conflict_choices: ['error', 'skip', 'update'],
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
    outcome: null,
    dry_run: false,
    dry_run_of: null,
    started_job: null,
    on_conflict: 'error',
    delimiter: ',',
    encoding: 'utf-8',
    timezone: '',
    sha256: '',
    duplicate_of: null,
    format: 'csv',
    sheet: '',
    final_size: null,
    sanitize_report: null,
    files_removed_at: null,
    files_removed_reason: '',
    cleaned_url: null,
    errors_csv_url: `/api/imports/${JOB_ID}/errors.csv`,
    total_rows: null,
    processed_rows: 0,
    created_rows: 0,
    updated_rows: 0,
    unchanged_rows: 0,
    skipped_rows: 0,
    failed_rows: 0,
    success_rows: 0,
    stored_errors: 0,
    progress_percent: 0,
    rows_per_second: null,
    eta_seconds: null,
    duration_seconds: null,
    reverted_at: null,
    reverted_deleted_rows: 0,
    reverted_restored_rows: 0,
    reverted_kept_rows: 0,
    error_message: '',
    failure_reason: '',
    ignored_columns: [],
    headers: ['title', 'author', 'isbn'],
    column_mapping: {},
    saved_mapping: null,
    created_at: '2026-11-24T08:00:00Z',
    started_at: null,
    finished_at: null,
    errors_preview: [],
    started_by: { via: 'user', name: 'ana@example.com', api_key_prefix: '' },
    ...overrides,
  };
}

export const ME = { user: { id: 1, email: 'ada@example.com' }, workspace: { id: 1, name: 'Ada', slug: 'ada' } };

const cardColumns = {
  partner_row_id: {
    name: 'partner_row_id',
    label: 'Partner row ID',
    type: 'string',
    required: false,
    max_length: 100,
    aliases: ['id'],
    description: "The partner's own row id (not unique across feeds). Optional.",
  },
  card_id: {
    name: 'card_id',
    label: 'Card ID',
    type: 'string',
    required: true,
    max_length: 100,
    aliases: ['card id', 'cardid', 'card number', 'card_number'],
    description: "The card's id, as the issuer wrote it.",
  },
  mobile: {
    name: 'mobile',
    label: 'Mobile',
    type: 'phone',
    required: true,
    max_length: null,
    aliases: ['user mobile', 'mobile', 'user contact', 'contact', 'phone'],
    description: "The customer's mobile, in any usual form; stored as E.164.",
  },
  event_at: {
    name: 'event_at',
    label: 'Timestamp',
    type: 'datetime',
    required: true,
    max_length: null,
    aliases: ['timestamp', 'time', 'event time', 'date'],
    description: 'When it happened. Times without a zone are in Asia/Dubai unless the upload says otherwise.',
  },
  reason: {
    name: 'reason',
    label: 'Reason',
    type: 'string',
    required: false,
    max_length: 1000,
    aliases: ['comment', 'comments', 'remark', 'remarks'],
    description: 'Why the delivery failed, e.g. User not available.',
  },
} satisfies Record<string, ColumnSpec>;

function cardFeed(name: string, label: string, columns: ColumnSpec[]): Dataset {
  return {
    name,
    label,
    description: `${label} from the delivery partner.`,
    key_columns: ['card_id', 'event_type', 'event_at'],
    timezone: 'Asia/Dubai',
    on_conflict_default: 'skip',
    on_conflict_choices: ['skip', 'error'],
    template_url: `/api/datasets/${name}/template.csv`,
    columns,
  };
}

const { partner_row_id, card_id, mobile, event_at, reason } = cardColumns;

/** The books and the four card-delivery feeds, as /api/config/ lists them. */
export const feedsConfig: ImportConfig = {
  ...booksConfig,
  datasets: [
    ...booksConfig.datasets,
    cardFeed('card_delivered', 'Cards delivered', [partner_row_id, card_id, { ...mobile, required: false }, event_at, reason]),
    cardFeed('card_delivery_exception', 'Card delivery exceptions', [
      partner_row_id,
      card_id,
      { ...mobile, required: false },
      event_at,
      reason,
    ]),
    cardFeed('card_pickup', 'Card pickups', [partner_row_id, card_id, mobile, event_at]),
    cardFeed('card_returned', 'Cards returned', [partner_row_id, card_id, { ...mobile, required: false }, event_at]),
  ],
};

export const PICKUP_JOB_ID = '0b6f5a7e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
export const DELIVERED_JOB_ID = '7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a';

export function cardEventFixture(overrides: Partial<CardEvent> = {}): CardEvent {
  return {
    event_type: 'pickup',
    event_at: '2023-11-13T09:34:56Z',
    mobile: '+971585949014',
    reason: '',
    partner_row_id: '1',
    dataset: 'card_pickup',
    job_id: PICKUP_JOB_ID,
    row_number: 2,
    ...overrides,
  };
}

export function cardStatusFixture(overrides: Partial<CardStatus> = {}): CardStatus {
  return {
    card_id: 'C1001',
    status: 'pickup',
    status_at: '2023-11-13T09:34:56Z',
    mobile: '+971585949014',
    anomaly: false,
    anomaly_reason: '',
    events_count: 1,
    updated_at: '2023-11-15T06:00:00Z',
    events: [cardEventFixture()],
    ...overrides,
  };
}
