/**
 * The server's settings, from flags and the environment (DESIGN.md §7). Secrets stay here and
 * in the handlers' context: never in history, outputs, logs or API responses.
 */
import { resolve } from 'node:path';

import type { SecretStore } from '../common/secrets.js';
import {
  forgeSettingsFromEnv,
  type ForgeSettings,
  type WebhookSecrets,
} from '../forges/adapters.js';
import { DEFAULT_PACKIT_SETTINGS, type PackitSettings } from '../handlers/handler-services.js';
import { readSandboxSettings, type SandboxSettings } from '../handlers/sandbox/settings.js';
import { DEFAULT_PACKAGER, type DistGitSettings } from '../handlers/dist-git/settings.js';
import { defaultMirrorRoot } from '../handlers/checkout/source.js';
import type { ReleasesTable } from '../compiler/index.js';
import { CONFIG_FILES } from '../handlers/plan/config-lookup.js';
import { DEFAULT_BODY_LIMIT } from '../webhooks/routes.js';
import { UsageError } from './io.js';
import { readLogFormat, type LogFormat } from './logger.js';
import { readPackitReleases } from './packit-releases.js';
import { readSecretStore } from './secret-store.js';

import { DEFAULT_NODE_LOG_BYTES, MIN_NODE_LOG_BYTES } from '../runtime/logs/limits.js';
import { DEFAULT_SETTINGS } from '../runtime/types.js';
import { formatDuration } from '../contracts/duration.js';
import { durationSetting } from './duration-setting.js';
import { retentionSetting } from './retention-setting.js';
import type { Retention } from '../contracts/retention.js';
export interface ServiceSettings {
  databaseUrl: string | undefined;
  /** Holds the embedded database (`db/`) and generated secrets. */
  dataDir: string;
  port: number;
  host: string;
  publicUrl: string;
  logLevel: string;
  /** `--log-format` / FORGEFLOW_LOG_FORMAT; null: text on a terminal, JSON otherwise. */
  logFormat: LogFormat | null;
  concurrency: number;
  execAllow: string[] | null;
  /** Where exec steps run: `--exec-sandbox`, FORGEFLOW_EXEC_SANDBOX and friends. */
  execSandbox: SandboxSettings;
  /** FORGEFLOW_CHECKOUT_MIRRORS: the repositories' mirrors `checkout:` fills workspaces from. */
  checkoutMirrors?: string;
  forges: ForgeSettings;
  /** Each forge's webhook secrets (GITHUB_WEBHOOK_SECRET, GITLAB_WEBHOOK_TOKEN, …). */
  webhookSecrets: WebhookSecrets;
  apiToken: string | null;
  /** FORGEFLOW_API_READ=token: reads need the API token too. */
  readsNeedToken: boolean;
  trustedUsers: string[];
  configFiles: string[];
  bodyLimit: number;
  /** Copr and Testing Farm, for the handlers Packit jobs compile to. */
  packit: PackitSettings;
  /** FORGEFLOW_PACKIT_RELEASES: the releases Packit's target aliases expand to (null: built-in). */
  packitReleases: ReleasesTable | null;
  /** Pipeline secrets: FORGEFLOW_SECRET_<NAME> and FORGEFLOW_SECRETS_FILE (secret-store.ts). */
  secrets: SecretStore;
  /** FORGEFLOW_LOG_LIMIT: bytes of text one node's log keeps (its tail); default 1 MiB. */
  maxNodeLogBytes: number;
  /** `--lease` / FORGEFLOW_LEASE: how long a claimed task stays leased unless renewed. */
  leaseMs: number;
  /**
   * FORGEFLOW_WORKER_DEAD_AFTER: how long this worker process may go without beating before
   * the others judge it dead and retry what it ran (src/runtime/liveness.ts).
   */
  workerDeadAfterMs: number;
  /** `--retention` / FORGEFLOW_RETENTION: how long finished runs and old rows are kept. */
  retention: Retention;
}

/** Bounds of `--lease`: shorter leases cost renewals, longer ones only delay the last resort. */
export const LEASE_BOUNDS = { fallback: DEFAULT_SETTINGS.leaseMs, min: 5_000, max: 3_600_000 };
/** Bounds of FORGEFLOW_WORKER_DEAD_AFTER: at least 3 beats of the database's round trip. */
export const DEAD_AFTER_BOUNDS = {
  fallback: DEFAULT_SETTINGS.workerDeadAfterMs,
  min: 3_000,
  max: 600_000,
};

export const DEFAULT_DATA_DIR = './.forgeflow';
export const DEFAULT_PORT = 8080;

/** `FORGEFLOW_EXEC_ALLOW=echo,make,/opt/ci/run.sh`: the programs exec may run; unset = exec off. */
export function listFromEnv(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function text(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min}`);
  return n;
}

/** propose_downstream's FORGEFLOW_DISTGIT_*, FORGEFLOW_PAGURE_TOKEN and FORGEFLOW_LOOKASIDE_*. */
function readDistGitSettings(env: NodeJS.ProcessEnv): DistGitSettings {
  return {
    url: text(env.FORGEFLOW_DISTGIT_URL),
    user: text(env.FORGEFLOW_DISTGIT_USER),
    token: text(env.FORGEFLOW_PAGURE_TOKEN),
    lookasideUrl: text(env.FORGEFLOW_LOOKASIDE_URL),
    lookasideCert: text(env.FORGEFLOW_LOOKASIDE_CERT),
    lookasideKey: text(env.FORGEFLOW_LOOKASIDE_KEY),
    lookasideCa: text(env.FORGEFLOW_LOOKASIDE_CA),
    sourceOrigins: listFromEnv(env.FORGEFLOW_DISTGIT_SOURCE_ORIGINS) ?? [],
    packager: text(env.FORGEFLOW_DISTGIT_PACKAGER) ?? DEFAULT_PACKAGER,
  };
}

/**
 * FORGEFLOW_COPR_*, FORGEFLOW_TESTING_FARM_*, FORGEFLOW_KOJI_* and FORGEFLOW_BODHI_*; unset
 * tokens (a Koji client certificate) leave those handlers NotConfigured.
 */
export function readPackitSettings(env: NodeJS.ProcessEnv): PackitSettings {
  const { copr, testingFarm, koji, bodhi } = DEFAULT_PACKIT_SETTINGS;
  return {
    copr: {
      url: text(env.FORGEFLOW_COPR_URL) ?? copr.url,
      login: text(env.FORGEFLOW_COPR_LOGIN),
      token: text(env.FORGEFLOW_COPR_TOKEN),
      owner: text(env.FORGEFLOW_COPR_OWNER),
    },
    testingFarm: {
      url: text(env.FORGEFLOW_TESTING_FARM_URL) ?? testingFarm.url,
      token: text(env.FORGEFLOW_TESTING_FARM_TOKEN),
      artifactsUrl: text(env.FORGEFLOW_TESTING_FARM_ARTIFACTS_URL) ?? testingFarm.artifactsUrl,
    },
    koji: {
      url: text(env.FORGEFLOW_KOJI_URL) ?? koji!.url,
      webUrl: text(env.FORGEFLOW_KOJI_WEB_URL),
      cert: text(env.FORGEFLOW_KOJI_CERT),
      key: text(env.FORGEFLOW_KOJI_KEY),
      ca: text(env.FORGEFLOW_KOJI_CA),
    },
    bodhi: {
      url: text(env.FORGEFLOW_BODHI_URL) ?? bodhi!.url,
      token: text(env.FORGEFLOW_BODHI_TOKEN),
    },
    distGit: readDistGitSettings(env),
  };
}

/** The Koji and lookaside client certificates' files: exec steps never see them. */
function credentialFiles(env: NodeJS.ProcessEnv): string[] {
  return [
    text(env.FORGEFLOW_KOJI_CERT),
    text(env.FORGEFLOW_KOJI_KEY),
    text(env.FORGEFLOW_LOOKASIDE_CERT),
    text(env.FORGEFLOW_LOOKASIDE_KEY),
  ].filter((path): path is string => path !== null);
}

export function readSettings(
  env: NodeJS.ProcessEnv,
  flags: {
    port?: string;
    host?: string;
    'data-dir'?: string;
    'database-url'?: string;
    concurrency?: string;
    'exec-sandbox'?: string;
    'log-format'?: string;
    lease?: string;
    retention?: string;
  },
): ServiceSettings {
  const port = integer('--port / PORT', flags.port ?? env.PORT, DEFAULT_PORT, 0);
  const forges = forgeSettingsFromEnv(env);
  const dataDir = text(flags['data-dir']) ?? text(env.FORGEFLOW_DATA_DIR) ?? DEFAULT_DATA_DIR;
  // Steps never see the data directory, the App's key or the pipeline secrets' file.
  const secretsFile = text(env.FORGEFLOW_SECRETS_FILE);
  const secretPaths = [
    dataDir,
    ...forges.secretFiles,
    ...(secretsFile ? [secretsFile] : []),
    ...credentialFiles(env),
  ];
  const sandbox = readSandboxSettings(env, flags['exec-sandbox'], secretPaths);
  if (typeof sandbox === 'string') throw new UsageError(sandbox);
  const checkoutMirrors = resolve(
    text(env.FORGEFLOW_CHECKOUT_MIRRORS) ?? defaultMirrorRoot(sandbox.workspaceRoot),
  );
  // Other repositories' code: never shown to a step, wherever the operator puts it.
  const execSandbox = { ...sandbox, hidden: [...sandbox.hidden, checkoutMirrors] };
  return {
    databaseUrl: text(flags['database-url']) ?? text(env.DATABASE_URL) ?? undefined,
    dataDir,
    port,
    host: text(flags.host) ?? text(env.HOST) ?? '127.0.0.1',
    publicUrl: (text(env.FORGEFLOW_PUBLIC_URL) ?? `http://localhost:${port}`).replace(/\/$/, ''),
    logLevel: text(env.LOG_LEVEL) ?? 'info',
    logFormat: readLogFormat(text(flags['log-format']) ?? text(env.FORGEFLOW_LOG_FORMAT)),
    concurrency: integer('--concurrency', flags.concurrency, 10, 1),
    execAllow: listFromEnv(env.FORGEFLOW_EXEC_ALLOW),
    execSandbox,
    checkoutMirrors,
    forges: forges.client,
    webhookSecrets: forges.secrets,
    apiToken: text(env.FORGEFLOW_API_TOKEN),
    readsNeedToken: text(env.FORGEFLOW_API_READ) === 'token',
    trustedUsers: listFromEnv(env.FORGEFLOW_TRUSTED_USERS) ?? [],
    configFiles: listFromEnv(env.FORGEFLOW_CONFIG_FILES) ?? CONFIG_FILES,
    bodyLimit: integer(
      'FORGEFLOW_WEBHOOK_BODY_LIMIT',
      env.FORGEFLOW_WEBHOOK_BODY_LIMIT,
      DEFAULT_BODY_LIMIT,
      1024,
    ),
    packit: readPackitSettings(env),
    packitReleases: readPackitReleases(env),
    secrets: readSecretStore(env),
    maxNodeLogBytes: integer(
      'FORGEFLOW_LOG_LIMIT',
      env.FORGEFLOW_LOG_LIMIT,
      DEFAULT_NODE_LOG_BYTES,
      MIN_NODE_LOG_BYTES,
    ),
    ...liveness(env, flags.lease),
    retention: retentionSetting(flags.retention ?? env.FORGEFLOW_RETENTION),
  };
}

/** The lease and the dead-after: a worker judged dead after its lease ran out is judged late. */
function liveness(
  env: NodeJS.ProcessEnv,
  leaseFlag: string | undefined,
): Pick<ServiceSettings, 'leaseMs' | 'workerDeadAfterMs'> {
  const leaseMs = durationSetting(
    '--lease / FORGEFLOW_LEASE',
    leaseFlag ?? env.FORGEFLOW_LEASE,
    LEASE_BOUNDS,
  );
  const workerDeadAfterMs = durationSetting(
    'FORGEFLOW_WORKER_DEAD_AFTER',
    env.FORGEFLOW_WORKER_DEAD_AFTER,
    DEAD_AFTER_BOUNDS,
  );
  if (workerDeadAfterMs >= leaseMs)
    throw new UsageError(
      `FORGEFLOW_WORKER_DEAD_AFTER (${formatDuration(workerDeadAfterMs)}) must be shorter than the lease (${formatDuration(leaseMs)}): a dead worker's tasks are otherwise retried by the lease first`,
    );
  return { leaseMs, workerDeadAfterMs };
}
