/**
 * What forgeflow asks Koji: submit a build (logged in), read a task, its children and result,
 * the builds a task made, and a tag's latest build of a package (anonymous reads). Settings:
 * FORGEFLOW_KOJI_URL (the hub), FORGEFLOW_KOJI_WEB_URL (task links), FORGEFLOW_KOJI_CERT (PEM
 * client certificate, with its key unless FORGEFLOW_KOJI_KEY names another file) and
 * FORGEFLOW_KOJI_CA (the CA the hub's certificate chains to; default the system's). Files are
 * read when first needed; a file that cannot be read is NotConfigured, naming the setting, never
 * its content.
 */
import { readFileSync } from 'node:fs';

import { HandlerError } from '../../contracts/errors.js';
import { notConfigured } from '../not-configured.js';
import { trimUrl } from '../packit-http.js';
import { KojiHub } from './hub.js';
import type { TlsMaterial } from './transport.js';
import { kwargs } from './xmlrpc-encode.js';

export const DEFAULT_KOJI_URL = 'https://koji.fedoraproject.org/kojihub';

export interface KojiSettings {
  /** The hub's XML-RPC URL (FORGEFLOW_KOJI_URL). */
  url: string;
  /** The web UI (FORGEFLOW_KOJI_WEB_URL); null: the hub's URL with /kojihub → /koji. */
  webUrl: string | null;
  /** PEM file of the client certificate (FORGEFLOW_KOJI_CERT); null: no login possible. */
  cert: string | null;
  /** PEM file of its private key (FORGEFLOW_KOJI_KEY); null: in the certificate's file. */
  key: string | null;
  /** PEM CA bundle (FORGEFLOW_KOJI_CA); null: the system's CAs. */
  ca: string | null;
}

export interface KojiClientOptions {
  timeoutMs?: number;
}

/** Koji's TASK_STATES, by number. */
export const TASK_STATES = ['FREE', 'OPEN', 'CLOSED', 'CANCELED', 'ASSIGNED', 'FAILED'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface KojiTask {
  id: number;
  state: TaskState;
  method: string;
  parent: number | null;
}

export interface KojiBuildInfo {
  build_id: number;
  nvr: string;
  /** BUILD_STATES: 0 building, 1 complete, 2 deleted, 3 failed, 4 canceled. */
  state: number;
}

export class KojiClient {
  readonly webUrl: string;
  private readonly hub: KojiHub;

  constructor(settings: KojiSettings, options: KojiClientOptions = {}) {
    const url = trimUrl(settings.url);
    this.webUrl = trimUrl(settings.webUrl ?? url.replace(/\/kojihub$/, '/koji'));
    const files = fileReader();
    this.hub = new KojiHub(url, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      cannotLogin: () =>
        settings.cert === null
          ? 'Koji is not configured for builds: set FORGEFLOW_KOJI_CERT to the PEM file of a client certificate Koji accepts (and FORGEFLOW_KOJI_KEY if its key is in another file, FORGEFLOW_KOJI_CA for a private CA); Kerberos login is not supported'
          : null,
      tls: (identity) => {
        const tls: TlsMaterial = {};
        if (settings.ca !== null) tls.ca = files(settings.ca, 'FORGEFLOW_KOJI_CA');
        if (identity && settings.cert !== null) {
          tls.cert = files(settings.cert, 'FORGEFLOW_KOJI_CERT');
          tls.key = files(
            settings.key ?? settings.cert,
            settings.key ? 'FORGEFLOW_KOJI_KEY' : 'FORGEFLOW_KOJI_CERT',
          );
        }
        return tls;
      },
    });
  }

  taskUrl(taskId: number): string {
    return `${this.webUrl}/taskinfo?taskID=${taskId}`;
  }

  /** Koji's `build(src, target, opts)`: the new task's id. */
  async build(
    source: string,
    target: string,
    opts: { scratch: boolean },
    signal?: AbortSignal,
  ): Promise<number> {
    const answer = await this.hub.callLoggedIn(
      'build',
      [source, target, opts.scratch ? { scratch: true } : {}],
      signal,
    );
    if (typeof answer !== 'number' || !Number.isSafeInteger(answer) || answer < 1)
      throw badAnswer('build', 'no task id');
    return answer;
  }

  /** The task, or null when the hub has none of that id. */
  async getTaskInfo(taskId: number, signal?: AbortSignal): Promise<KojiTask | null> {
    const answer = await this.hub.call('getTaskInfo', [taskId], signal);
    return answer === null ? null : taskOf(answer, 'getTaskInfo');
  }

  async getTaskChildren(taskId: number, signal?: AbortSignal): Promise<KojiTask[]> {
    const answer = await this.hub.call('getTaskChildren', [taskId], signal);
    if (!Array.isArray(answer)) throw badAnswer('getTaskChildren', 'not a list');
    return answer.slice(0, 1000).map((task) => taskOf(task, 'getTaskChildren'));
  }

  /** The task's result; a failed task's fault becomes a KojiFault with its text. */
  getTaskResult(taskId: number, signal?: AbortSignal): Promise<unknown> {
    return this.hub.call('getTaskResult', [taskId], signal);
  }

  /** The builds a (non-scratch) build task made. */
  async listBuildsOfTask(taskId: number, signal?: AbortSignal): Promise<KojiBuildInfo[]> {
    const answer = await this.hub.call('listBuilds', [kwargs({ taskID: taskId })], signal);
    if (!Array.isArray(answer)) throw badAnswer('listBuilds', 'not a list');
    return answer.slice(0, 100).map((build) => buildOf(build, 'listBuilds'));
  }

  /** The latest build of `pkg` tagged into `tag`, or null. */
  async latestBuild(tag: string, pkg: string, signal?: AbortSignal): Promise<KojiBuildInfo | null> {
    const answer = await this.hub.call('getLatestBuilds', [tag, kwargs({ package: pkg })], signal);
    if (!Array.isArray(answer)) throw badAnswer('getLatestBuilds', 'not a list');
    return answer.length === 0 ? null : buildOf(answer[0], 'getLatestBuilds');
  }
}

/** Reads each configured file once; a failure names the setting, not the file's content. */
function fileReader(): (path: string, setting: string) => Buffer {
  const cache = new Map<string, Buffer>();
  return (path, setting) => {
    const known = cache.get(path);
    if (known) return known;
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw notConfigured(
        `${setting} names a file forgeflow cannot read (${typeof code === 'string' ? code : 'error'}): ${path}`,
      );
    }
    cache.set(path, content);
    return content;
  };
}

function taskOf(value: unknown, method: string): KojiTask {
  const task = (value ?? {}) as Record<string, unknown>;
  const { id, state, method: taskMethod, parent } = task;
  if (typeof id !== 'number' || typeof state !== 'number' || TASK_STATES[state] === undefined)
    throw badAnswer(method, 'a task without an id or a known state');
  return {
    id,
    state: TASK_STATES[state],
    method: typeof taskMethod === 'string' ? taskMethod : '',
    parent: typeof parent === 'number' ? parent : null,
  };
}

function buildOf(value: unknown, method: string): KojiBuildInfo {
  const build = (value ?? {}) as Record<string, unknown>;
  const { build_id: id, nvr, state } = build;
  if (typeof id !== 'number' || typeof nvr !== 'string' || typeof state !== 'number')
    throw badAnswer(method, 'a build without build_id, nvr or state');
  return { build_id: id, nvr, state };
}

function badAnswer(method: string, what: string): HandlerError {
  return new HandlerError('KojiBadResponse', `Koji ${method} answered ${what}`, {
    details: { method },
  });
}
