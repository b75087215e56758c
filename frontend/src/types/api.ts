/** Short names for the generated API types (src/types/api.generated.ts, from openapi.yaml). */
import type { components } from '@/types/api.generated';

type Schemas = components['schemas'];

export type ApiKey = Schemas['ApiKeyOutput'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];
export type CardEvent = Schemas['CardEvent'];
export type CardEventType = Schemas['EventTypeEnum'];
export type CardStatus = Schemas['CardStatus'];
export type CardStatusList = Schemas['CardStatusList'];
export type ColumnSpec = Schemas['ColumnOutput'];
export type Dataset = Schemas['DatasetOutput'];
export type DatasetRecord = Schemas['DatasetRecord'];
export type ImportConfig = Schemas['ImportConfig'];
export type ImportJob = Schemas['ImportJobOutput'];
export type ImportJobDetail = Schemas['ImportJobDetailOutput'];
export type ImportInspection = Schemas['ImportInspection'];
export type InspectColumnMatch = Schemas['InspectColumnMatch'];
export type InspectFieldChoice = Schemas['InspectFieldChoice'];
export type InspectPreview = Schemas['InspectPreview'];
export type InspectPreviewRow = Schemas['InspectPreviewRow'];
export type SavedMapping = Schemas['SavedMapping'];
export type SavedMappingMatch = Schemas['SavedMappingMatch'];
export type SanitizeReport = Schemas['SanitizeReportOutput'];
export type ImportStatus = Schemas['StatusEnum'];
export type OnConflict = Schemas['OnConflictEnum'];
export type Me = Schemas['Me'];
export type Registered = Schemas['Registered'];
export type RegisterInput = Schemas['RegisterInputRequest'];
export type LoginInput = Schemas['LoginInputRequest'];
export type TokenPair = Schemas['TokenPairOutput'];
export type RowError = Schemas['RowErrorOutput'];
export type RowErrorGroup = Schemas['RowErrorGroup'];
export type RowErrorSummary = Schemas['RowErrorSummary'];
export type RowsResubmitted = Schemas['ImportRowsResubmitted'];
export type ImportReverted = Schemas['ImportJobReverted'];
export type ChangedRow = Schemas['ChangedRow'];
export type ImportOutcome = NonNullable<ImportJobDetail['outcome']>;
export type StartedBy = Schemas['StartedBy'];
export type MyNotificationSettings = Schemas['MyNotificationSettings'];
export type ImportEmails = MyNotificationSettings['import_emails'];
export type WorkspaceNotificationSettings = Schemas['WorkspaceNotificationSettings'];
export type WebhookEndpoint = Schemas['WebhookEndpointOutput'];
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type WebhookEvent = Schemas['WebhookEventEnum'];
export type WebhookDelivery = Schemas['WebhookDeliveryOutput'];
export type WebhookAttempt = Schemas['WebhookAttemptOutput'];
export type LiveTicket = Schemas['LiveTicket'];
export type Page<T> = { count: number; next: string | null; previous: string | null; results: T[] };

export const FINAL_STATUSES: readonly ImportStatus[] = ['completed', 'failed', 'cancelled'];
export const ALL_STATUSES: readonly ImportStatus[] = [
  'pending',
  'sanitizing',
  'processing',
  'completed',
  'failed',
  'cancelled',
];

export function isFinalStatus(status: ImportStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
