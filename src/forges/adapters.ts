/**
 * The forges forgeflow integrates, by name: one line per forge. The webhook routes, the plan
 * step's trust rule, the clients, payload detection and the settings read from the
 * environment all come from this table.
 */
import type { Forge } from '../events/forges.js';
import type { Env, ForgeAdapter } from './adapter.js';
import { githubAdapter } from './github/adapter.js';
import { gitlabAdapter } from './gitlab/adapter.js';

export const FORGE_ADAPTERS = {
  github: githubAdapter,
  gitlab: gitlabAdapter,
} satisfies Record<Forge, { forge: Forge }>;

type Adapter = (typeof FORGE_ADAPTERS)[Forge];
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

/** What the operator configures for the forges' API clients (each adapter's part). */
export type ForgeSettings = Intersection<Parameters<Adapter['client']>[0]>;
/** The webhook secrets of every forge (each adapter's part). */
export type WebhookSecrets = Intersection<Parameters<Adapter['webhook']['check']>[1]>;

/** Every adapter, typed by what they all share (their settings are each other's business). */
export type AnyForgeAdapter = ForgeAdapter<ForgeSettings, WebhookSecrets>;

export function forgeAdapter(forge: Forge): AnyForgeAdapter {
  return FORGE_ADAPTERS[forge] as unknown as AnyForgeAdapter;
}

export const forgeAdapters = (): AnyForgeAdapter[] =>
  Object.values(FORGE_ADAPTERS) as unknown as AnyForgeAdapter[];

/** Every forge's settings from the environment, and the files steps must never see. */
export function forgeSettingsFromEnv(env: Env): {
  client: ForgeSettings;
  secrets: WebhookSecrets;
  secretFiles: string[];
} {
  const read = forgeAdapters().map((adapter) => adapter.fromEnv(env));
  return {
    client: Object.assign({}, ...read.map((r) => r.client)) as ForgeSettings,
    secrets: Object.assign({}, ...read.map((r) => r.secrets)) as WebhookSecrets,
    secretFiles: read.flatMap((r) => r.secretFiles),
  };
}
