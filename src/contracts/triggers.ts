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

/**
 * What a run's graph may say started it: a trigger, or `rerun` (a forge's Re-run button, whose
 * plan run retries runs and starts none). `rerun` is no `on:` trigger: nothing compiles for it.
 */
export const RUN_TRIGGER_NAMES = [...TRIGGER_NAMES, 'rerun'] as const;

export type RunTriggerName = (typeof RUN_TRIGGER_NAMES)[number];
