/**
 * What Copr's API v3 answers, as forgeflow reads it (client.ts asks): the shapes of a project, a
 * build, a build's chroot and its built packages, and their readers, which keep only the fields
 * forgeflow uses and refuse an answer without its ids (`CoprBadResponse`).
 */
import { numberField, stringField } from '../../forges/json-fields.js';
import { HandlerError } from '../../contracts/errors.js';

/** `GET /api_3/project`: the fields forgeflow reads. */
export interface CoprProject {
  id: number;
  name: string;
  ownername: string;
  full_name: string;
  /** Chroot name → its repository URL: the keys are the project's enabled chroots. */
  chroot_repos: Record<string, string>;
}

/** `GET /api_3/build/{id}` (and what build creation answers). */
export interface CoprBuild {
  id: number;
  state: string;
  ownername: string;
  projectname: string;
  chroots: string[];
  repo_url: string | null;
  submitted_on: number | null;
  started_on: number | null;
  ended_on: number | null;
  source_package: { name: string | null; version: string | null; url: string | null };
}

/** `GET /api_3/build-chroot?build_id=&chrootname=`. */
export interface CoprBuildChroot {
  name: string;
  state: string;
  result_url: string | null;
  started_on: number | null;
  ended_on: number | null;
}

/** One package of `GET /api_3/build-chroot/built-packages/`: a NEVRA, as Copr's results.json has it. */
export interface CoprBuiltPackage {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  /** `src` for the SRPM the chroot rebuilt. */
  arch: string;
}

/** Packages read from one answer (a package has a few dozen subpackages at most). */
export const MAX_BUILT_PACKAGES = 1000;
/** What a package's name, version, release or arch may be made of (RPM's characters). */
const RPM_WORD = /^[\w.+~^-]{1,255}$/;

export function badAnswer(request: string, what: string): HandlerError {
  return new HandlerError('CoprBadResponse', `Copr ${request}: ${what} in the answer`);
}

export function projectOf(body: unknown): CoprProject {
  const id = numberField(body, 'id');
  const name = stringField(body, 'name');
  const ownername = stringField(body, 'ownername');
  if (id === undefined || name === undefined || ownername === undefined)
    throw badAnswer('GET /project', 'no project id, name or owner');
  const repos = (body as { chroot_repos?: unknown }).chroot_repos;
  const chroot_repos: Record<string, string> = {};
  if (typeof repos === 'object' && repos !== null && !Array.isArray(repos)) {
    for (const [chroot, url] of Object.entries(repos)) chroot_repos[chroot] = String(url);
  }
  return {
    id,
    name,
    ownername,
    full_name: stringField(body, 'full_name') ?? `${ownername}/${name}`,
    chroot_repos,
  };
}

export function buildOf(body: unknown, request: string): CoprBuild {
  const id = numberField(body, 'id');
  const state = stringField(body, 'state');
  if (id === undefined || !Number.isInteger(id) || state === undefined)
    throw badAnswer(request, 'no build id or state');
  const chroots = (body as { chroots?: unknown }).chroots;
  return {
    id,
    state,
    ownername: stringField(body, 'ownername') ?? '',
    projectname: stringField(body, 'projectname') ?? '',
    chroots: Array.isArray(chroots) ? chroots.map(String) : [],
    repo_url: stringField(body, 'repo_url') ?? null,
    submitted_on: numberField(body, 'submitted_on') ?? null,
    started_on: numberField(body, 'started_on') ?? null,
    ended_on: numberField(body, 'ended_on') ?? null,
    source_package: {
      name: stringField(body, 'source_package', 'name') ?? null,
      version: stringField(body, 'source_package', 'version') ?? null,
      url: stringField(body, 'source_package', 'url') ?? null,
    },
  };
}

/** A package of Copr's answer, or null when a field is missing or not an RPM word. */
export function builtPackageOf(value: unknown): CoprBuiltPackage | null {
  const word = (key: string): string | null => {
    const found = stringField(value, key);
    return found !== undefined && RPM_WORD.test(found) ? found : null;
  };
  const [name, version, release, arch] = [
    word('name'),
    word('version'),
    word('release'),
    word('arch'),
  ];
  if (name === null || version === null || release === null || arch === null) return null;
  const epoch = numberField(value, 'epoch');
  const known = epoch !== undefined && Number.isInteger(epoch) && epoch >= 0;
  return { name, epoch: known ? epoch : null, version, release, arch };
}
