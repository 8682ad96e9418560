/**
 * A fake Copr (API v3, `/api_3`) for tests: the real paths, HTTP Basic auth with an API login
 * and token, and the JSON shapes python-copr reads, over real HTTP. It keeps users, projects
 * (with their enabled chroots and chroot settings) and builds whose per-chroot states a test
 * scripts: each read of a build chroot moves it one step along its script (the last step
 * stays), so `['pending', 'running', 'succeeded']` reads pending, running, then succeeded.
 *
 *   const copr = new FakeCopr().addUser('api-login', 'api-token', 'alice');
 *   copr.scriptNextBuild({ 'fedora-41-x86_64': ['pending', 'failed'] });
 *   copr.scriptNextSource(['pending', 'running', 'succeeded']);   // its SRPM build's reads
 *   await copr.start();  …  copr.builds()[0].body.script  …  await copr.stop();
 *
 * Errors are Copr's `{"error": "..."}` with its statuses (400 bad parameters or a duplicate
 * project, 401 bad login, 403 no permission, 404 missing project/build). Faults (fake-http.ts):
 * `failNext('POST', '/build/create', 500)`, `failNext('GET', '/build-chroot', 429, 1,
 * { headers: { 'retry-after': '7' } })`, `delayNext(…)`, `dropNext(…)`.
 */
import { STATUS_CODES } from 'node:http';

import type { FakeRequest, Reply } from './fake-http.js';
import { FakeHttpServer, objectBody } from './fake-http.js';

export const COPR_CHROOT_STATES = [
  'importing',
  'pending',
  'starting',
  'running',
  'succeeded',
  'forked',
  'skipped',
  'failed',
  'canceled',
  'waiting',
] as const;
const ENDED = new Set(['succeeded', 'forked', 'skipped', 'failed', 'canceled']);
const LOGIN_ERROR =
  'Login invalid/expired. Please visit https://copr.fedorainfracloud.org/api to get or renew your API token.';

export interface FakeCoprUser {
  login: string;
  token: string;
  /** The user name (what owns projects). */
  name: string;
  id: number;
}

export interface FakeCoprProject {
  id: number;
  owner: string;
  name: string;
  chroots: string[];
  /** The body of the request that made it (`/project/add`), or {} when seeded. */
  settings: Record<string, unknown>;
  /** Chroot → the body of its last `/project-chroot/edit`. */
  chrootSettings: Map<string, Record<string, unknown>>;
}

export interface FakeCoprChroot {
  name: string;
  /** The scripted states; the read count picks one (the last one stays). */
  script: string[];
  reads: number;
  state: string;
  started_on: number | null;
  ended_on: number | null;
  /** What `built-packages` answers once it succeeded; default: the package and its SRPM. */
  packages: FakeCoprPackage[] | null;
}

/** A NEVRA as Copr's results.json (and `/build-chroot/built-packages/`) has it. */
export interface FakeCoprPackage {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string;
}

export interface FakeCoprBuild {
  id: number;
  owner: string;
  project: string;
  /** The source method: `custom`, `scm`, … (the path of the create call). */
  method: string;
  /** What was posted to create it. */
  body: Record<string, unknown>;
  submitter: string;
  submitted_on: number;
  /** The SRPM build: `succeeded`, or `failed` (its chroots then never start). */
  source_state: 'succeeded' | 'failed';
  /** The states `GET /build/source-chroot/{id}` reads, one per read (the last one stays). */
  source_script: string[];
  source_reads: number;
  package: string | null;
  chroots: Map<string, FakeCoprChroot>;
}

/** A build's script: one list for every chroot, or lists by chroot (others get the default). */
export type CoprBuildScript = string[] | Record<string, string[]> | { source: 'failed' };

export interface FakeCoprOptions {
  now?: () => number;
  /** The states of a build chroot nobody scripted. Default pending, running, succeeded. */
  defaultStates?: string[];
}

export class FakeCopr extends FakeHttpServer {
  private readonly now: () => number;
  private readonly defaultStates: string[];
  private readonly users: FakeCoprUser[] = [];
  private readonly groups = new Map<string, Set<string>>();
  private readonly projectList: FakeCoprProject[] = [];
  private readonly buildList: FakeCoprBuild[] = [];
  private readonly scripts: CoprBuildScript[] = [];
  private readonly sourceScripts: string[][] = [];
  private nextProjectId = 1000;
  private nextBuildId = 8_000_001;

  constructor(options: FakeCoprOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.defaultStates = options.defaultStates ?? ['pending', 'running', 'succeeded'];
  }

  // ---- seeding -------------------------------------------------------------------------

  /** An API login and token (as in ~/.config/copr) of the user `name` (default: the login). */
  addUser(login: string, token: string, name = login): this {
    this.users.push({ login, token, name, id: 100 + this.users.length });
    return this;
  }

  /** A group (`@name`) whose projects its members may make and build in. */
  addGroup(group: string, members: string[]): this {
    this.groups.set(group.replace(/^@/, ''), new Set(members));
    return this;
  }

  addProject(owner: string, name: string, chroots: string[] = []): this {
    this.projectList.push({
      id: this.nextProjectId++,
      owner,
      name,
      chroots: [...chroots],
      settings: {},
      chrootSettings: new Map(),
    });
    return this;
  }

  /**
   * The chroot states of the next build created (queued: one script per build, in order).
   * `{ source: 'failed' }`: its SRPM build fails and its chroots stay `waiting`.
   */
  scriptNextBuild(script: CoprBuildScript): this {
    this.scripts.push(script);
    return this;
  }

  /** The SRPM build states of the next build created, read by read (default: succeeded). */
  scriptNextSource(states: string[]): this {
    this.sourceScripts.push(states);
    return this;
  }

  /** Sets a chroot's state now, for good (replaces its script). */
  setChrootState(buildId: number, chroot: string, state: string): this {
    const found = this.build(buildId)?.chroots.get(chroot);
    if (found === undefined) throw new Error(`fake Copr: no build ${buildId} in ${chroot}`);
    found.script = [state];
    found.reads = 0;
    this.show(found, state);
    return this;
  }

  /** The packages a chroot of a build built (what `built-packages` answers once it ended well). */
  setBuiltPackages(buildId: number, chroot: string, packages: FakeCoprPackage[]): this {
    const found = this.build(buildId)?.chroots.get(chroot);
    if (found === undefined) throw new Error(`fake Copr: no build ${buildId} in ${chroot}`);
    found.packages = packages;
    return this;
  }

  // ---- reading back --------------------------------------------------------------------

  project(owner: string, name: string): FakeCoprProject | undefined {
    return this.projectList.find((p) => p.owner === owner && p.name === name);
  }

  projects(): FakeCoprProject[] {
    return [...this.projectList];
  }

  /** Builds in submission order. */
  builds(): FakeCoprBuild[] {
    return [...this.buildList];
  }

  build(id: number): FakeCoprBuild | undefined {
    return this.buildList.find((b) => b.id === id);
  }

  // ---- the API ---------------------------------------------------------------------------

  protected override errorBody(status: number): unknown {
    return { error: STATUS_CODES[status] ?? 'Error' };
  }

  protected override route(request: FakeRequest): Reply {
    const [api, ...rest] = request.segments;
    if (api !== 'api_3') return error(404, "Such API endpoint doesn't exist");
    const [what, a, b, c] = rest;
    const { method } = request;
    const writes = method === 'POST' || method === 'PUT';
    if (what === undefined && method === 'GET') return { status: 200, body: { version: 3 } };
    if (what === 'auth-check' && method === 'GET') {
      const user = this.user(request);
      return user === null ? error(401, LOGIN_ERROR) : { status: 200, body: userJson(user) };
    }
    if (what === 'project' && rest.length === 1 && method === 'GET')
      return this.getProject(request);
    if (what === 'project' && a === 'add' && b !== undefined && method === 'POST')
      return this.withUser(request, (user) => this.addProjectRoute(user, b, request.body));
    if (what === 'project' && a === 'edit' && b !== undefined && c !== undefined && writes)
      return this.withUser(request, (user) => this.editProject(user, b, c, request.body));
    if (what === 'project-chroot' && a === 'edit' && rest.length === 5 && writes)
      return this.withUser(request, (user) =>
        this.editProjectChroot(user, b ?? '', c ?? '', rest[4] ?? '', request.body),
      );
    if (what === 'build' && a === 'create' && b !== undefined && method === 'POST')
      return this.withUser(request, (user) => this.createBuild(user, b, objectBody(request.body)));
    if (
      what === 'build' &&
      a !== undefined &&
      /^\d+$/.test(a) &&
      rest.length === 2 &&
      method === 'GET'
    )
      return this.getBuild(Number(a));
    if (what === 'build' && a === 'source-chroot' && b !== undefined && method === 'GET')
      return this.readSourceChroot(Number(b));
    if (what === 'build-chroot' && a === 'built-packages' && method === 'GET')
      return this.readBuiltPackages(request);
    if (what === 'build-chroot' && method === 'GET') {
      const id = rest.length === 3 ? a : (request.query.get('build_id') ?? undefined);
      const chroot = rest.length === 3 ? b : (request.query.get('chrootname') ?? undefined);
      if (id === undefined || chroot === undefined)
        return error(400, `Missing argument ${id === undefined ? 'build_id' : 'chrootname'}`);
      return this.readBuildChroot(Number(id), chroot);
    }
    return error(404, "Such API endpoint doesn't exist");
  }

  private user(request: FakeRequest): FakeCoprUser | null {
    const header = request.headers.authorization ?? '';
    const match = /^Basic\s+(\S+)$/i.exec(header);
    if (match === null) return null;
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    const login = decoded.slice(0, at);
    const token = decoded.slice(at + 1);
    return this.users.find((u) => u.login === login && u.token === token) ?? null;
  }

  private withUser(request: FakeRequest, then: (user: FakeCoprUser) => Reply): Reply {
    const user = this.user(request);
    return user === null ? error(401, LOGIN_ERROR) : then(user);
  }

  private mayUse(user: FakeCoprUser, owner: string): boolean {
    if (!owner.startsWith('@')) return owner === user.name;
    return this.groups.get(owner.slice(1))?.has(user.name) ?? false;
  }

  private getProject(request: FakeRequest): Reply {
    const owner = request.query.get('ownername');
    const name = request.query.get('projectname');
    if (owner === null || name === null)
      return error(400, `Missing argument ${owner === null ? 'ownername' : 'projectname'}`);
    const project = this.project(owner, name);
    if (project === undefined) return error(404, `Project ${owner}/${name} does not exist.`);
    return { status: 200, body: this.projectJson(project) };
  }

  private addProjectRoute(user: FakeCoprUser, owner: string, raw: unknown): Reply {
    const body = objectBody(raw);
    const name = body.name;
    if (typeof name !== 'string' || !/^[\w.-]+$/.test(name))
      return error(
        400,
        "Bad request parameters: {'name': ['Name must contain only letters, digits, underscores, dashes and dots.']}",
      );
    if (!this.mayUse(user, owner))
      return error(403, `User '${user.name}' can not create projects of ${owner}`);
    if (this.project(owner, name) !== undefined)
      return error(400, `You already have a project named '${name}'.`);
    const chroots = Array.isArray(body.chroots) ? body.chroots.map(String) : [];
    const bad = chroots.find((chroot) => !isChroot(chroot));
    if (bad !== undefined) return error(400, `Unexpected chroot: ${bad}`);
    this.addProject(owner, name, chroots);
    const project = this.project(owner, name)!;
    project.settings = body;
    return { status: 200, body: this.projectJson(project) };
  }

  private editProject(user: FakeCoprUser, owner: string, name: string, raw: unknown): Reply {
    const project = this.project(owner, name);
    if (project === undefined) return error(404, `Project ${owner}/${name} does not exist.`);
    if (!this.mayUse(user, owner))
      return error(403, `Only owners and admins may update their projects.`);
    const body = objectBody(raw);
    if (Array.isArray(body.chroots)) {
      const chroots = body.chroots.map(String);
      const bad = chroots.find((chroot) => !isChroot(chroot));
      if (bad !== undefined) return error(400, `Unexpected chroot: ${bad}`);
      project.chroots = chroots;
    }
    return { status: 200, body: this.projectJson(project) };
  }

  private editProjectChroot(
    user: FakeCoprUser,
    owner: string,
    name: string,
    chroot: string,
    raw: unknown,
  ): Reply {
    const project = this.project(owner, name);
    if (project === undefined) return error(404, `Project ${owner}/${name} does not exist.`);
    if (!this.mayUse(user, owner))
      return error(403, `Only owners and admins may update their projects.`);
    if (!project.chroots.includes(chroot))
      return error(404, `Chroot ${chroot} doesn't exist in ${owner}/${name}`);
    const body = objectBody(raw);
    project.chrootSettings.set(chroot, body);
    return {
      status: 200,
      body: {
        mock_chroot: chroot,
        projectname: name,
        ownername: owner,
        comps_name: null,
        additional_repos: body.additional_repos ?? [],
        additional_packages: body.additional_packages ?? [],
        additional_modules:
          typeof body.additional_modules === 'string'
            ? body.additional_modules.split(/[\s,]+/).filter(Boolean)
            : [],
        with_opts: body.with_opts ?? [],
        without_opts: body.without_opts ?? [],
        delete_after_days: null,
        isolation: 'unchanged',
      },
    };
  }

  private createBuild(user: FakeCoprUser, method: string, body: Record<string, unknown>): Reply {
    const owner = body.ownername;
    const name = body.projectname;
    if (typeof owner !== 'string' || typeof name !== 'string')
      return error(400, "Bad request parameters: {'ownername': ['This field is required.']}");
    const project = this.project(owner, name);
    if (project === undefined) return error(404, `Project ${owner}/${name} does not exist.`);
    if (!this.mayUse(user, owner))
      return error(403, `User ${user.name} is not allowed to build in the copr: ${owner}/${name}`);
    if (method === 'custom' && (typeof body.script !== 'string' || body.script === ''))
      return error(400, "Bad request parameters: {'script': ['This field is required.']}");
    const asked = Array.isArray(body.chroots) ? body.chroots.map(String) : project.chroots;
    const invalid = asked.find((chroot) => !project.chroots.includes(chroot));
    if (invalid !== undefined)
      return error(
        400,
        `Bad request parameters: {'chroots': ["'${invalid}' is not a valid choice for this field."]}`,
      );
    if (asked.length === 0) return error(400, 'At least one chroot must be selected');
    const script = this.scripts.shift();
    const sourceFailed =
      script !== undefined && !Array.isArray(script) && (script.source as unknown) === 'failed';
    const build: FakeCoprBuild = {
      id: this.nextBuildId++,
      owner,
      project: name,
      method,
      body,
      submitter: user.name,
      submitted_on: this.seconds(),
      source_state: sourceFailed ? 'failed' : 'succeeded',
      source_script: sourceFailed ? ['failed'] : (this.sourceScripts.shift() ?? ['succeeded']),
      source_reads: 0,
      package: packageOf(body.script),
      chroots: new Map(),
    };
    for (const chroot of asked) {
      const states = sourceFailed
        ? ['waiting']
        : Array.isArray(script)
          ? script
          : ((script as Record<string, string[]> | undefined)?.[chroot] ?? this.defaultStates);
      build.chroots.set(chroot, {
        name: chroot,
        script: [...states],
        reads: 0,
        state: 'waiting',
        started_on: null,
        ended_on: null,
        packages: null,
      });
    }
    this.buildList.push(build);
    return { status: 200, body: this.buildJson(build) };
  }

  private getBuild(id: number): Reply {
    const build = this.build(id);
    if (build === undefined) return error(404, `Build ${id} does not exist.`);
    return { status: 200, body: this.buildJson(build) };
  }

  /** Copr's answer has only `state` and `result_url` (its to_source_chroot). */
  private readSourceChroot(id: number): Reply {
    const build = this.build(id);
    if (build === undefined) return error(404, `Build ${id} does not exist.`);
    const script = build.source_script;
    const state = script[Math.min(build.source_reads, script.length - 1)] ?? 'succeeded';
    build.source_reads += 1;
    return {
      status: 200,
      body: {
        state,
        result_url: `${this.url}/results/${build.owner}/${build.project}/srpm-builds/${String(id).padStart(8, '0')}`,
      },
    };
  }

  private readBuildChroot(id: number, name: string): Reply {
    const build = this.build(id);
    if (build === undefined) return error(404, `Build ${id} does not exist.`);
    const chroot = build.chroots.get(name);
    if (chroot === undefined) return error(404, `Build ${id} has no chroot ${name}.`);
    const state = chroot.script[Math.min(chroot.reads, chroot.script.length - 1)] ?? 'waiting';
    chroot.reads += 1;
    this.show(chroot, state);
    return {
      status: 200,
      body: {
        name,
        started_on: chroot.started_on,
        ended_on: chroot.ended_on,
        result_url:
          state === 'waiting' || state === 'importing'
            ? null
            : `${this.url}/results/${build.owner}/${build.project}/${name}/${String(id).padStart(8, '0')}-${build.package ?? 'package'}/`,
        state,
      },
    };
  }

  /**
   * `GET /api_3/build-chroot/built-packages/?build_id=&chrootname=`: Copr's results.json of the
   * chroot, `{"packages": [...]}`; nothing before the chroot built.
   */
  private readBuiltPackages(request: FakeRequest): Reply {
    const id = request.query.get('build_id');
    const name = request.query.get('chrootname');
    if (id === null || name === null)
      return error(400, `Missing argument ${id === null ? 'build_id' : 'chrootname'}`);
    const build = this.build(Number(id));
    const chroot = build?.chroots.get(name);
    if (build === undefined || chroot === undefined)
      return error(404, `Build chroot ${name} of build ${id} does not exist.`);
    if (!['succeeded', 'forked'].includes(chroot.state))
      return { status: 200, body: { packages: [] } };
    const arch = name.slice(name.lastIndexOf('-') + 1);
    const made = (a: string): FakeCoprPackage => ({
      name: build.package ?? 'package',
      epoch: 0,
      version: '1.0',
      release: '1',
      arch: a,
    });
    return { status: 200, body: { packages: chroot.packages ?? [made(arch), made('src')] } };
  }

  private show(chroot: FakeCoprChroot, state: string): void {
    chroot.state = state;
    if (!['waiting', 'importing', 'pending'].includes(state)) chroot.started_on ??= this.seconds();
    if (ENDED.has(state)) chroot.ended_on ??= this.seconds();
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private projectJson(project: FakeCoprProject): Record<string, unknown> {
    const settings = project.settings;
    return {
      id: project.id,
      name: project.name,
      ownername: project.owner,
      full_name: `${project.owner}/${project.name}`,
      homepage: null,
      contact: null,
      description: settings.description ?? '',
      instructions: '',
      devel_mode: false,
      persistent: false,
      unlisted_on_hp: settings.unlisted_on_hp ?? false,
      auto_prune: true,
      chroot_repos: Object.fromEntries(
        project.chroots.map((chroot) => [
          chroot,
          `${this.url}/results/${project.owner}/${project.name}/${chroot.replace(/-[^-]+$/, '')}-$basearch/`,
        ]),
      ),
      additional_repos: [],
      enable_net: settings.enable_net ?? false,
      bootstrap: settings.bootstrap ?? 'default',
      isolation: 'default',
      module_hotfixes: settings.module_hotfixes ?? false,
      appstream: false,
      packit_forge_projects_allowed: [],
    };
  }

  private buildJson(build: FakeCoprBuild): Record<string, unknown> {
    const chroots = [...build.chroots.values()];
    return {
      id: build.id,
      state: build.source_state === 'failed' ? 'failed' : overallState(chroots.map((c) => c.state)),
      projectname: build.project,
      ownername: build.owner,
      repo_url: `${this.url}/results/${build.owner}/${build.project}`,
      source_package: {
        name: build.package,
        version: build.package === null ? null : '1.0-1',
        // Where Copr keeps the SRPM its source build made.
        url:
          build.package === null || build.source_state === 'failed'
            ? null
            : `${this.url}/results/${build.owner}/${build.project}/srpm-builds/${String(build.id).padStart(8, '0')}/${build.package}-1.0-1.src.rpm`,
      },
      submitted_on: build.submitted_on,
      started_on: minOf(chroots.map((c) => c.started_on)),
      ended_on: chroots.every((c) => c.ended_on !== null)
        ? maxOf(chroots.map((c) => c.ended_on))
        : null,
      submitter: build.submitter,
      chroots: chroots.map((c) => c.name),
      project_dirname: build.project,
      is_background: false,
    };
  }
}

function error(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

function userJson(user: FakeCoprUser): Record<string, unknown> {
  return { id: user.id, name: user.name };
}

function isChroot(name: string): boolean {
  return /^[a-z0-9.+]+(-[a-z0-9.+_]+)+$/i.test(name);
}

/** The package name the source script says it makes (`package='NAME'`), if any. */
function packageOf(script: unknown): string | null {
  if (typeof script !== 'string') return null;
  const match = /^package='([^']+)'$/m.exec(script);
  return match?.[1] ?? null;
}

/** Copr's overall state of a build from its chroots' states. */
function overallState(states: string[]): string {
  for (const state of ['running', 'starting', 'importing', 'pending', 'waiting'])
    if (states.includes(state)) return state;
  if (states.includes('failed')) return 'failed';
  if (states.includes('canceled')) return 'canceled';
  return states.length === 0 ? 'waiting' : 'succeeded';
}

function minOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.min(...known);
}

function maxOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}
