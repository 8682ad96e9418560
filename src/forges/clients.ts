/**
 * Every forge's client from the operator's settings (each adapter reads its part of
 * `ForgeSettings`, e.g. GITHUB_API_URL, GITHUB_TOKEN, GITLAB_URL, GITLAB_TOKEN; adapters.ts).
 * Nothing is checked here: a call that needs a missing setting
 * fails with a non-retryable `NotConfigured` error naming it, so a server configured for one
 * forge still serves the other.
 */
import type { Forge } from '../events/forges.js';
import { forgeAdapters, type ForgeSettings } from './adapters.js';
import type { ForgeClient } from './client.js';
import type { ForgeClientOptions } from './client-options.js';

export type { ForgeClientOptions, ForgeSettings };

export type ForgeClients = Record<Forge, ForgeClient>;

export function forgeClients(
  settings: ForgeSettings,
  options: ForgeClientOptions = {},
): ForgeClients {
  const entries = forgeAdapters().map((adapter) => [
    adapter.forge,
    adapter.client(settings, options),
  ]);
  return Object.fromEntries(entries) as ForgeClients;
}
