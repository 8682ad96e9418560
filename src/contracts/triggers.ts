/**
 * The names a pipeline's `on:` may use: one list, from which the compiler's schema, the graph's
 * trigger and the API's `?trigger=` filter are all derived.
 */
export const TRIGGER_NAMES = [
  'pull_request',
  'push',
  'release',
  'comment',
  'manual',
  'schedule',
] as const;

export type TriggerName = (typeof TRIGGER_NAMES)[number];
