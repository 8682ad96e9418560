/**
 * Where the operator keeps pipeline secrets (`${{ secrets.NAME }}`), read once at startup into
 * the SecretStore the runtime is given (src/common/secrets.ts):
 *
 * - `FORGEFLOW_SECRET_<NAME>=value`: a global secret NAME, for every repository;
 * - `FORGEFLOW_SECRETS_FILE=path`: a JSON or YAML file of global and per-repository secrets:
 *
 *       global: { REGISTRY_TOKEN: "…" }
 *       repositories:
 *         octo/app: { DEPLOY_TOKEN: "…" }
 *
 * A repository's own value wins over a global one; a global one from the environment wins over
 * the file's. Names are case-insensitive (GitHub's rule). A broken file stops the start with a
 * reason that names the file and the key, never a value. Values shorter than MIN_SECRET_LENGTH
 * are refused: masking them would mask ordinary text.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { SECRET_NAME, secretKey, staticSecrets, type SecretStore } from '../common/secrets.js';
import { UsageError } from './io.js';

export const SECRET_ENV_PREFIX = 'FORGEFLOW_SECRET_';
export const MIN_SECRET_LENGTH = 4;
/** GitHub's limit for one secret is 48 KB; ours is 64 KiB. */
export const MAX_SECRET_BYTES = 64 * 1024;
export const MAX_SECRETS_FILE_BYTES = 1024 * 1024;
/** Secrets in one scope (global, or one repository). */
export const MAX_SECRETS_PER_SCOPE = 1_000;

type Values = Record<string, string>;

export function readSecretStore(env: NodeJS.ProcessEnv): SecretStore {
  const file = env.FORGEFLOW_SECRETS_FILE?.trim() || undefined;
  const fromFile = file ? readSecretsFile(file) : { global: {}, repositories: {} };
  const fromEnv: Values = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(SECRET_ENV_PREFIX) || value === undefined) continue;
    const name = variable.slice(SECRET_ENV_PREFIX.length);
    add(fromEnv, name, value, variable);
  }
  return staticSecrets({ ...fromFile.global, ...fromEnv }, fromFile.repositories, (name, repo) =>
    [
      `set ${SECRET_ENV_PREFIX}${name} in the server's environment`,
      `or ${name} under "global" or under repositories."${repo}" of ${file ?? 'a file named by FORGEFLOW_SECRETS_FILE'}`,
    ].join(', '),
  );
}

function readSecretsFile(path: string): { global: Values; repositories: Record<string, Values> } {
  const where = `FORGEFLOW_SECRETS_FILE=${path}`;
  let text: string;
  try {
    if (statSync(path).size > MAX_SECRETS_FILE_BYTES)
      throw new Error(`larger than ${MAX_SECRETS_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    // JSON is YAML; aliases are not needed here and are refused (no alias bombs).
    value = parse(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (error) {
    throw new UsageError(`${where}: not JSON or YAML (${firstLine(error)})`);
  }
  const top = mapping(value, where, 'the file');
  for (const key of Object.keys(top))
    if (key !== 'global' && key !== 'repositories')
      throw new UsageError(
        `${where}: unknown key "${key}"; the file has "global" and "repositories"`,
      );
  const global = scope(top.global, where, 'global');
  const repositories: Record<string, Values> = {};
  const repos = mapping(top.repositories ?? {}, where, 'repositories');
  for (const [repo, values] of Object.entries(repos)) {
    if (!/^[^/\s]+(\/[^/\s]+)+$/.test(repo))
      throw new UsageError(
        `${where}: repositories."${repo}" is not owner/repo (or group/…/project)`,
      );
    repositories[repo] = scope(values, where, `repositories."${repo}"`);
  }
  return { global, repositories };
}

function scope(value: unknown, where: string, at: string): Values {
  const values: Values = {};
  const entries = Object.entries(mapping(value ?? {}, where, at));
  if (entries.length > MAX_SECRETS_PER_SCOPE)
    throw new UsageError(`${where}: ${at} holds more than ${MAX_SECRETS_PER_SCOPE} secrets`);
  for (const [name, secret] of entries) {
    if (typeof secret !== 'string')
      throw new UsageError(
        `${where}: ${at}.${name} must be a string (quote it: a YAML number or date would not be read as written)`,
      );
    add(values, name, secret, `${where}: ${at}.${name}`);
  }
  return values;
}

function add(values: Values, name: string, value: string, where: string): void {
  if (!SECRET_NAME.test(name))
    throw new UsageError(`${where}: "${name}" is not a secret name (letters, digits and _)`);
  const key = secretKey(name);
  if (key in values)
    throw new UsageError(`${where}: ${key} is given twice (names are case-insensitive)`);
  if (value.length < MIN_SECRET_LENGTH)
    throw new UsageError(
      `${where}: a secret must be at least ${MIN_SECRET_LENGTH} characters, or masking it as *** would mask ordinary text`,
    );
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES)
    throw new UsageError(`${where}: a secret may hold at most ${MAX_SECRET_BYTES} bytes`);
  values[key] = value;
}

function mapping(value: unknown, where: string, at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${where}: ${at} must be a mapping`);
  return value as Record<string, unknown>;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}
