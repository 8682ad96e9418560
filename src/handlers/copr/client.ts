/**
 * A client of the Copr API v3 (`/api_3`, what python-copr speaks): projects (get, add, edit,
 * chroot settings), builds from a custom script, a build and a build's chroot. Authentication is
 * HTTP Basic with the API login and token of ~/.config/copr (FORGEFLOW_COPR_LOGIN and
 * FORGEFLOW_COPR_TOKEN); Copr answers errors as `{"error": "..."}`, shown in the HandlerError.
 */
import { numberField, stringField } from '../../forges/json-fields.js';
import { JsonService, trimUrl } from '../packit-http.js';
import { HandlerError } from '../../contracts/errors.js';
import {
  MAX_BUILT_PACKAGES,
  badAnswer,
  buildOf,
  builtPackageOf,
  projectOf,
  type CoprBuild,
  type CoprBuildChroot,
  type CoprBuiltPackage,
  type CoprProject,
} from './answers.js';

export type { CoprBuild, CoprBuildChroot, CoprBuiltPackage, CoprProject } from './answers.js';

export const DEFAULT_COPR_URL = 'https://copr.fedorainfracloud.org';

export interface CoprSettings {
  /** The Copr instance (FORGEFLOW_COPR_URL). */
  url: string;
  /** The API login (FORGEFLOW_COPR_LOGIN): `login` in ~/.config/copr, not the user name. */
  login: string | null;
  /** The API token (FORGEFLOW_COPR_TOKEN). */
  token: string | null;
  /** Where builds go when a job names no owner (FORGEFLOW_COPR_OWNER); null: the token's user. */
  owner: string | null;
}

export interface CoprClientOptions {
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface CoprProjectSettings {
  owner: string;
  project: string;
  chroots: string[];
  description: string;
  enable_net: boolean;
  bootstrap: string | null;
  module_hotfixes: boolean;
  preserve_project: boolean;
  list_on_homepage: boolean;
}

export interface CoprChrootSettings {
  additional_packages: string[];
  additional_repos: string[];
  additional_modules: string | null;
  with_opts: string[];
  without_opts: string[];
}

export interface CoprCustomBuild {
  owner: string;
  project: string;
  chroots: string[];
  script: string;
  /** Packages installed where the script runs. */
  builddeps: string[];
  /** Where the script leaves the spec file and sources, relative to its working directory. */
  resultdir: string;
  timeout_s: number;
  enable_net: boolean;
  bootstrap: string | null;
}

/** Copr deletes a temporary project this many days after its last build (Packit's default). */
export const TEMPORARY_PROJECT_DAYS = 60;

export class CoprClient {
  /** The web UI's root. */
  readonly webUrl: string;
  private readonly api: JsonService;
  private readonly configuredOwner: string | null;
  private user: Promise<string> | null = null;

  constructor(
    settings: CoprSettings & { login: string; token: string },
    options: CoprClientOptions = {},
  ) {
    this.webUrl = trimUrl(settings.url);
    this.configuredOwner = settings.owner;
    const basic = Buffer.from(`${settings.login}:${settings.token}`).toString('base64');
    this.api = new JsonService({
      name: 'Copr',
      errorPrefix: 'Copr',
      apiUrl: `${this.webUrl}/api_3`,
      headers: { authorization: `Basic ${basic}` },
      secrets: [settings.token, basic],
      authHint:
        'check FORGEFLOW_COPR_LOGIN and FORGEFLOW_COPR_TOKEN (the login and token of https://copr.fedorainfracloud.org/api) and that the account may build in the project',
      explain: coprError,
      ...options,
    });
  }

  /** FORGEFLOW_COPR_OWNER, else the user the token belongs to (asked once). */
  defaultOwner(signal?: AbortSignal): Promise<string> {
    if (this.configuredOwner !== null) return Promise.resolve(this.configuredOwner);
    this.user ??= this.api.send({ method: 'GET', path: '/auth-check' }, signal).then((body) => {
      const name = stringField(body, 'name');
      if (name === undefined || name === '') throw badAnswer('GET /auth-check', 'no user name');
      return name;
    });
    const pending = this.user;
    pending.catch(() => {
      if (this.user === pending) this.user = null;
    });
    return pending;
  }

  async getProject(
    owner: string,
    project: string,
    signal?: AbortSignal,
  ): Promise<CoprProject | null> {
    const body = await this.api.send(
      {
        method: 'GET',
        path: '/project',
        query: { ownername: owner, projectname: project },
        notFoundIsNull: true,
      },
      signal,
    );
    return body === null ? null : projectOf(body);
  }

  /**
   * The project exists with `chroots` enabled: made when missing (a temporary one unless
   * `preserve_project`), the chroots added when not enabled yet (in one edit), and each
   * chroot's buildroot settings applied when it has any.
   */
  async ensureProject(
    settings: CoprProjectSettings,
    chrootSettings: ReadonlyMap<string, CoprChrootSettings>,
    signal?: AbortSignal,
  ): Promise<void> {
    const { owner, project, chroots } = settings;
    let existing = await this.getProject(owner, project, signal);
    if (existing === null) {
      existing = await this.addProject(settings, signal).catch(async (error: unknown) => {
        // Another build of this project made it first: use that one.
        const raced = isDuplicate(error) ? await this.getProject(owner, project, signal) : null;
        if (raced === null) throw error;
        return raced;
      });
    }
    const enabled = Object.keys(existing.chroot_repos);
    const missing = chroots.filter((chroot) => !enabled.includes(chroot));
    if (missing.length > 0) {
      await this.api.send(
        {
          method: 'PUT',
          path: `/project/edit/${segment(owner)}/${segment(project)}`,
          body: { chroots: [...enabled, ...missing] },
        },
        signal,
      );
    }
    for (const [chroot, buildroot] of chrootSettings)
      if (hasChrootSettings(buildroot))
        await this.editChroot(owner, project, chroot, buildroot, signal);
  }

  private async editChroot(
    owner: string,
    project: string,
    chroot: string,
    chrootSettings: CoprChrootSettings,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.api.send(
      {
        method: 'PUT',
        path: `/project-chroot/edit/${segment(owner)}/${segment(project)}/${segment(chroot)}`,
        body: {
          additional_packages: chrootSettings.additional_packages,
          additional_repos: chrootSettings.additional_repos,
          ...(chrootSettings.additional_modules === null
            ? {}
            : { additional_modules: chrootSettings.additional_modules }),
          with_opts: chrootSettings.with_opts,
          without_opts: chrootSettings.without_opts,
        },
      },
      signal,
    );
  }

  private async addProject(
    settings: CoprProjectSettings,
    signal?: AbortSignal,
  ): Promise<CoprProject> {
    const body = await this.api.send(
      {
        method: 'POST',
        path: `/project/add/${segment(settings.owner)}`,
        body: {
          name: settings.project,
          chroots: settings.chroots,
          description: settings.description,
          unlisted_on_hp: !settings.list_on_homepage,
          enable_net: settings.enable_net,
          module_hotfixes: settings.module_hotfixes,
          ...(settings.bootstrap === null ? {} : { bootstrap: settings.bootstrap }),
          ...(settings.preserve_project ? {} : { delete_after_days: TEMPORARY_PROJECT_DAYS }),
        },
      },
      signal,
    );
    return projectOf(body);
  }

  /** `POST /api_3/build/create/custom`: one build of the script's sources for all `chroots`. */
  async createCustomBuild(build: CoprCustomBuild, signal?: AbortSignal): Promise<CoprBuild> {
    const body = await this.api.send(
      {
        method: 'POST',
        path: '/build/create/custom',
        body: {
          ownername: build.owner,
          projectname: build.project,
          script: build.script,
          builddeps: build.builddeps.join(' '),
          resultdir: build.resultdir,
          chroots: build.chroots,
          timeout: build.timeout_s,
          enable_net: build.enable_net,
          ...(build.bootstrap === null ? {} : { bootstrap: build.bootstrap }),
        },
      },
      signal,
    );
    return buildOf(body, 'POST /build/create/custom');
  }

  async getBuild(id: number, signal?: AbortSignal): Promise<CoprBuild | null> {
    const body = await this.api.send(
      { method: 'GET', path: `/build/${id}`, notFoundIsNull: true },
      signal,
    );
    return body === null ? null : buildOf(body, `GET /build/${id}`);
  }

  async getBuildChroot(id: number, chroot: string, signal?: AbortSignal): Promise<CoprBuildChroot> {
    const body = await this.api.send(
      { method: 'GET', path: '/build-chroot', query: { build_id: id, chrootname: chroot } },
      signal,
    );
    const state = stringField(body, 'state');
    if (state === undefined) throw badAnswer('GET /build-chroot', 'no state');
    return {
      name: stringField(body, 'name') ?? chroot,
      state,
      result_url: stringField(body, 'result_url') ?? null,
      started_on: numberField(body, 'started_on') ?? null,
      ended_on: numberField(body, 'ended_on') ?? null,
    };
  }

  /**
   * `GET /api_3/build-chroot/built-packages/?build_id=&chrootname=`: the chroot's packages
   * (`{"packages": [{name, epoch, version, release, arch}]}`); none when Copr has no results.
   */
  async getBuiltPackages(
    id: number,
    chroot: string,
    signal?: AbortSignal,
  ): Promise<CoprBuiltPackage[]> {
    const body = await this.api.send(
      {
        method: 'GET',
        path: '/build-chroot/built-packages/',
        query: { build_id: id, chrootname: chroot },
        notFoundIsNull: true,
      },
      signal,
    );
    const packages = (body as { packages?: unknown } | null)?.packages;
    if (!Array.isArray(packages)) return [];
    return packages.slice(0, MAX_BUILT_PACKAGES).flatMap((p: unknown) => builtPackageOf(p) ?? []);
  }

  /**
   * `GET /api_3/build/source-chroot/{id}`: the SRPM build's state (Copr's `srpm-builds`
   * chroot), which the build's chroots wait for.
   */
  async getSourceChroot(id: number, signal?: AbortSignal): Promise<{ state: string }> {
    const body = await this.api.send({ method: 'GET', path: `/build/source-chroot/${id}` }, signal);
    const state = stringField(body, 'state');
    if (state === undefined) throw badAnswer(`GET /build/source-chroot/${id}`, 'no state');
    return { state };
  }

  /** The build's page: /coprs/OWNER/PROJECT/build/ID/ (/coprs/g/GROUP/… for a group). */
  buildUrl(owner: string, project: string, id: number): string {
    const who = owner.startsWith('@') ? `g/${segment(owner.slice(1))}` : segment(owner);
    return `${this.webUrl}/coprs/${who}/${segment(project)}/build/${id}/`;
  }
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function coprError(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    return trimmed === '' || trimmed.startsWith('<') ? undefined : trimmed;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error === undefined || error === null) return undefined;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

function isDuplicate(error: unknown): boolean {
  return (
    error instanceof HandlerError &&
    error.type === 'CoprRequestError' &&
    /already (have|has|exists)/i.test(error.message)
  );
}

function hasChrootSettings(settings: CoprChrootSettings): boolean {
  return (
    settings.additional_packages.length > 0 ||
    settings.additional_repos.length > 0 ||
    (settings.additional_modules ?? '') !== '' ||
    settings.with_opts.length > 0 ||
    settings.without_opts.length > 0
  );
}
