/**
 * Every route of the page in one place: the router, the navigation and the links read these.
 * It lives outside src/app so that features can link to a page without importing the app.
 */
export const paths = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  import: '/import',
  imports: '/imports',
  job: '/imports/:id',
  keys: '/keys',
  data: '/data',
  cards: '/cards',
  settings: '/settings',
  webhooks: '/webhooks',
  webhook: '/webhooks/:id',
} as const;

export function jobPath(id: string): string {
  return paths.job.replace(':id', encodeURIComponent(id));
}

export function webhookPath(id: number | string): string {
  return paths.webhook.replace(':id', encodeURIComponent(String(id)));
}
