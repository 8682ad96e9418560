/**
 * What forgeflow asks of each forge it integrates: one adapter per forge, keyed by its name in
 * `adapters.ts`. An adapter verifies the forge's webhooks, normalizes its payloads, recognizes a
 * payload file without headers, builds its API client from the operator's settings, reads those
 * settings from the environment, and says whom the forge trusts (DESIGN.md §4a). Everything
 * else — the webhook routes, the plan step, the API, the CLI — goes through the table, so a new
 * forge is its own folder plus one line there (and its name in src/events/forges.ts).
 */
import type { Forge, NormalizeResult } from '../events/event.js';
import type { ForgeClient, RepoRef } from './client.js';
import type { ForgeClientOptions } from './client-options.js';

/** Delivery ids become run keys and URL parts: plain characters only (GUIDs in practice). */
export const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,200}$/;
/** Event header values: `pull_request`, `Merge Request Hook`. */
export const EVENT_NAME = /^[A-Za-z0-9 _.-]{0,100}$/;

/** A webhook request as its route received it. */
export interface WebhookRequest {
  /** The body's exact bytes (signatures are over these, never over decoded text). */
  raw: Buffer;
  header(name: string): string | undefined;
  now: number;
}

export type WebhookProblem =
  | 'WEBHOOK_NOT_CONFIGURED'
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_HEADER_MISSING';

/** A delivery proved to come from the forge, with its id and event name; or why not. */
export type WebhookCheck =
  | { ok: true; deliveryId: string; eventName: string }
  | { ok: false; code: WebhookProblem; detail: string };

/** Someone whose action is in question: a pull request's author or a comment's. */
export interface Actor {
  login: string;
  /** GitLab user id, for the access-level lookup. */
  id: number | null;
  /** GitHub author association, where the payload has one. */
  association: string | null;
}

export type TrustVerdict = { trusted: true; why: string } | { trusted: false; why: string };

export type Env = Readonly<Record<string, string | undefined>>;

/** `Client` is the part of the operator's settings this forge reads, `Secrets` its webhook proofs. */
export interface ForgeAdapter<Client extends object, Secrets extends object> {
  forge: Forge;
  /** The settings from the environment; `secretFiles` are files steps must never see. */
  fromEnv(env: Env): { client: Client; secrets: Secrets; secretFiles: string[] };
  client(settings: Client, options: ForgeClientOptions): ForgeClient;
  webhook: {
    check(request: WebhookRequest, secrets: Secrets): WebhookCheck;
    /**
     * A server started without webhook secrets makes one and prints it once: where this forge
     * takes it (`use`), the variable that would set it instead, and `fill`, which returns the
     * secrets with it filled in where none is configured (asking `secret()` only then), or the
     * very same object when nothing was missing.
     */
    generated: {
      use: string;
      env: string;
      fill(secrets: Secrets, secret: () => string): Secrets;
    };
  };
  /** `eventName` is the event header; null when the payload came without one (a file). */
  normalize(eventName: string | null, payload: unknown): NormalizeResult;
  /**
   * A payload file without headers: undefined if it is not this forge's; otherwise its event
   * header as the forge would have sent it, or null when unknown. The adapter marked
   * `detectsAnything` claims whatever the others do not.
   */
  detect(payload: Readonly<Record<string, unknown>>): { eventName: string | null } | undefined;
  detectsAnything?: boolean;
  /** Whom `trust` trusts, in words for people (a refused command's reply names it). */
  trustRule: string;
  /** The forge's own answer on `actor` (the operator's allow-list is asked before). */
  trust(actor: Actor, client: ForgeClient, repo: RepoRef): Promise<TrustVerdict>;
}

export function webhookProblem(code: WebhookProblem, detail: string): WebhookCheck {
  return { ok: false, code, detail };
}

/** A setting's value, trimmed; an empty (or blank) one is unset. */
export function setting(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

export function envValue(env: Env, name: string): string | undefined {
  return setting(env[name]);
}

/** The fields that are set, for options whose absent fields must be absent, not undefined. */
export function definedOnly<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}
