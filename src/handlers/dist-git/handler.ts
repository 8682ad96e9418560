/**
 * `packit.propose_downstream`: one release proposed to one dist-git branch, as packit's
 * sync_release does it. Clone the branch; copy the spec file and `files_to_sync` from the
 * release; set the spec's Version, reset its Release, add a %changelog entry above dist-git's;
 * put the source archive in the lookaside cache (checked first, uploaded when missing) and
 * list it in `sources`; commit; force-push to the user's fork (made when missing) on a branch
 * named after the release and the dist-git branch; open the pull request, or find the one an
 * earlier attempt opened. Every step may be repeated: a retry, or a worker that died midway,
 * ends with the same one pull request.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ProposeDownstreamInput } from '../../compiler/packit/propose-input.js';
import type { ForgeClients } from '../../forges/clients.js';
import { Masker } from '../../common/mask.js';
import type { CheckoutSource } from '../checkout/source.js';
import { notConfigured } from '../not-configured.js';
import type { Handler, HandlerContext } from '../types.js';
import { DistGitWork } from './git-work.js';
import { LookasideClient } from './lookaside.js';
import {
  badInput,
  checkedBranch,
  checkedFileName,
  checkedPackage,
  checkedPath,
  forkBranch,
  versionOfTag,
} from './names.js';
import { PagureClient, type PagurePullRequest } from './pagure.js';
import {
  DEFAULT_DIST_GIT_SETTINGS,
  DEFAULT_SOURCE_MAX_BYTES,
  distGitMissing,
  type DistGitSettings,
} from './settings.js';
import { allowedOrigins, downloadSource, SOURCE_TIMEOUT_MS } from './source-download.js';
import { sourcesFile } from './sources-file.js';
import {
  changelogEntry,
  sourceFileName,
  sourceUrl,
  withChangelog,
  withVersion,
} from './spec-edit.js';
import { readTreeFile, writeTreeFile } from './tree-files.js';
import { upstreamOf, type Upstream } from './upstream.js';
import { proposeDownstreamSpec } from './spec.js';

export type ProposeDownstreamRunInput = Pick<
  ProposeDownstreamInput,
  'downstream_package' | 'dist_git_branch' | 'tag'
> &
  Partial<ProposeDownstreamInput>;

export interface ProposeDownstreamOutput {
  /** null when dist-git already had this release (nothing to propose). */
  pull_request_url: string | null;
  pull_request_id: number | null;
  /** False when an earlier attempt (or run) had opened it. */
  created: boolean;
  fork_branch: string;
  dist_git_branch: string;
  version: string;
  commit: string | null;
  sources: string[];
}

export interface DistGitServices {
  settings: DistGitSettings;
  forges: ForgeClients | null;
  checkout?: CheckoutSource;
  now?: () => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Ready = DistGitSettings & { url: string; user: string; token: string; lookasideUrl: string };

export function proposeDownstreamHandler(
  services: DistGitServices,
): Handler<ProposeDownstreamRunInput, ProposeDownstreamOutput> {
  let pagure: PagureClient | null = null;
  let lookaside: LookasideClient | null = null;
  return {
    spec: proposeDownstreamSpec,
    async run(input, context) {
      const settings = services.settings ?? DEFAULT_DIST_GIT_SETTINGS;
      const problem = distGitMissing(settings);
      if (problem !== null) throw notConfigured(problem);
      const ready = settings as Ready;
      pagure ??= new PagureClient(
        { url: ready.url, token: ready.token },
        {
          ...(services.timeoutMs === undefined ? {} : { timeoutMs: services.timeoutMs }),
          ...(services.fetch === undefined ? {} : { fetch: services.fetch }),
        },
      );
      lookaside ??= new LookasideClient({
        url: ready.lookasideUrl,
        cert: ready.lookasideCert,
        key: ready.lookasideKey,
        ca: ready.lookasideCa,
        timeoutMs: SOURCE_TIMEOUT_MS,
      });
      return propose(input, context, { services, settings: ready, pagure, lookaside });
    },
  };
}

interface Tools {
  services: DistGitServices;
  settings: Ready;
  pagure: PagureClient;
  lookaside: LookasideClient;
}

async function propose(
  input: ProposeDownstreamRunInput,
  context: HandlerContext,
  tools: Tools,
): Promise<ProposeDownstreamOutput> {
  const { settings, pagure, lookaside, services } = tools;
  const pkg = checkedPackage(input.downstream_package);
  const branch = checkedBranch(input.dist_git_branch);
  if (input.tag === null || input.tag === '')
    throw badInput(
      'propose_downstream needs a release tag: it runs on a published release (a /packit propose-downstream comment names none)',
    );
  const version = versionOfTag(input.tag, input.tag_template ?? '{version}');
  const forkName = forkBranch(version, branch);
  const sub = (input.subdirectory ?? '.') === '.' ? [] : checkedPath(input.subdirectory!, 'paths');
  const syncs = (
    input.files_to_sync ?? [{ src: [input.specfile_path ?? `${pkg}.spec`], dest: `${pkg}.spec` }]
  ).map((sync) => {
    for (const src of sync.src) checkedPath(src, 'files_to_sync');
    checkedPath(sync.dest, 'files_to_sync');
    return sync;
  });
  const log = (text: string) => context.log.line('system', text);
  const at = new Date((services.now ?? Date.now)());
  const basic = `Basic ${Buffer.from(`${settings.user}:${settings.token}`).toString('base64')}`;
  const masker = new Masker([settings.token, basic, basic.slice(6)]);
  const base = settings.url.replace(/\/+$/, '');

  const root = await mkdtemp(path.join(tmpdir(), 'forgeflow-propose-'));
  try {
    const home = path.join(root, 'home');
    const work = path.join(root, 'dist-git');
    await mkdir(home);
    const repo = new DistGitWork(work, home, context.signal, masker, {
      upstream: `${base}/rpms/${pkg}.git`,
      fork: `${base}/forks/${encodeURIComponent(settings.user)}/rpms/${pkg}.git`,
      authorization: basic,
    });
    const upstream = upstreamOf(services, context.event, input.commit ?? input.tag, {
      home,
      signal: context.signal,
    });
    log(`dist-git: cloning rpms/${pkg} at ${branch}`);
    await repo.clone(branch);
    const distGitSpec = await readTreeFile(work, `${pkg}.spec`);

    for (const sync of syncs) await syncFiles(upstream, work, sub, sync);
    const synced = await readTreeFile(work, `${pkg}.spec`);
    if (synced === null) throw badInput(`dist-git has no ${pkg}.spec after the sync`);
    const entry = changelogEntry(version, settings.packager, at);
    const spec = withChangelog(
      withVersion(synced, version),
      distGitSpec,
      entry,
      input.sync_changelog ?? false,
    );
    await writeTreeFile(work, `${pkg}.spec`, spec, 'spec file');

    const source = await fetchSource(
      input,
      spec,
      upstream,
      root,
      pkg,
      version,
      settings,
      context,
      services.fetch,
    );
    if (await lookaside.has(pkg, source.filename, source.sha512, context.signal)) {
      log(`lookaside: ${source.filename} is there already`);
    } else {
      log(`lookaside: uploading ${source.filename} (${source.size} bytes)`);
      await lookaside.upload(pkg, source, context.signal);
    }
    await writeTreeFile(work, 'sources', sourcesFile([source]), 'sources');
    await ignoreSource(work, source.filename);

    const output = {
      fork_branch: forkName,
      dist_git_branch: branch,
      version,
      sources: [source.filename],
    };
    if (!(await repo.changed())) {
      log(`dist-git ${branch} has ${version} already: nothing to propose`);
      return {
        ...output,
        pull_request_url: null,
        pull_request_id: null,
        created: false,
        commit: null,
      };
    }
    const message = path.join(root, 'message');
    await writeFile(
      message,
      `Update to ${version} upstream release\n\nUpstream tag: ${input.tag}\n`,
    );
    const email = /<([^<>]+)>/.exec(settings.packager)?.[1] ?? 'forgeflow@localhost';
    const name = settings.packager.replace(/<[^<>]*>/, '').trim() || 'forgeflow';
    const commit = await repo.commit(message, { name, email }, at);

    if (!(await pagure.hasFork(settings.user, pkg, context.signal))) {
      log(`pagure: forking rpms/${pkg} for ${settings.user}`);
      await pagure.fork(pkg, context.signal).catch(async (error: unknown) => {
        // Another branch's node of this release forked it first: use that fork.
        if (!(await pagure.hasFork(settings.user, pkg, context.signal))) throw error;
      });
    }
    log(`dist-git: pushing ${commit.slice(0, 12)} to ${settings.user}'s fork, branch ${forkName}`);
    await repo.push(forkName);
    const { pr, created } = await pullRequest(
      pagure,
      settings.user,
      pkg,
      forkName,
      branch,
      version,
      input,
      context,
    );
    log(`pagure: ${created ? 'opened' : 'updated'} ${pr.url}`);
    return { ...output, pull_request_url: pr.url, pull_request_id: pr.id, created, commit };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function syncFiles(
  upstream: Upstream,
  work: string,
  sub: string[],
  sync: { src: string[]; dest: string },
): Promise<void> {
  const intoFolder = sync.src.length > 1 || sync.dest.endsWith('/');
  for (const src of sync.src) {
    const from = [...sub, ...checkedPath(src, 'files_to_sync')].join('/');
    const text = await upstream.readFile(from);
    if (text === null) throw badInput(`files_to_sync: the release has no file ${from}`);
    const dest = intoFolder
      ? `${sync.dest.replace(/\/+$/, '')}/${path.posix.basename(from)}`
      : sync.dest;
    await writeTreeFile(work, dest, text, 'files_to_sync');
  }
}

interface Source {
  path: string;
  filename: string;
  sha512: string;
  size: number;
}

async function fetchSource(
  input: ProposeDownstreamRunInput,
  spec: string,
  upstream: Upstream,
  root: string,
  pkg: string,
  version: string,
  settings: Ready,
  context: HandlerContext,
  fetchImpl: typeof fetch | undefined,
): Promise<Source> {
  const url = sourceUrl(spec, input.spec_source_id ?? 'Source0');
  const file = path.join(root, 'source');
  if (upstream.archive) {
    const filename = checkedFileName(url ? sourceFileName(url) : `${pkg}-${version}.tar.gz`);
    await upstream.archive(file, checkedFileName(`${pkg}-${version}`));
    return { path: file, filename, ...(await hashFile(file)) };
  }
  if (url === null)
    throw badInput(`the spec file's ${input.spec_source_id ?? 'Source0'} is not a URL to download`);
  const filename = checkedFileName(sourceFileName(url));
  context.log.line('system', `source: downloading ${url}`);
  const got = await downloadSource({
    url,
    file,
    allowedOrigins: allowedOrigins(input.upstream_url ?? null, settings.sourceOrigins),
    maxBytes: settings.sourceMaxBytes ?? DEFAULT_SOURCE_MAX_BYTES,
    timeoutMs: SOURCE_TIMEOUT_MS,
    signal: context.signal,
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
  return { path: file, filename, ...got };
}

async function hashFile(file: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha512: hash.digest('hex'), size };
}

/** fedpkg lists uploaded sources in .gitignore, so they are never committed by mistake. */
async function ignoreSource(work: string, filename: string): Promise<void> {
  const current = (await readTreeFile(work, '.gitignore')) ?? '';
  const line = `/${filename}`;
  if (current.split('\n').includes(line)) return;
  const text = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${line}\n`;
  await writeTreeFile(work, '.gitignore', text, '.gitignore');
}

/** The open pull request from the fork's branch, else a new one. */
async function pullRequest(
  pagure: PagureClient,
  user: string,
  pkg: string,
  forkName: string,
  branch: string,
  version: string,
  input: ProposeDownstreamRunInput,
  context: HandlerContext,
): Promise<{ pr: PagurePullRequest; created: boolean }> {
  const mine = (pr: PagurePullRequest) =>
    pr.branch_from === forkName && pr.branch === branch && (pr.from_user ?? user) === user;
  const existing = (await pagure.openPullRequests(pkg, user, context.signal)).find(mine);
  if (existing) return { pr: existing, created: false };
  const pr = await pagure.openPullRequest(
    pkg,
    {
      user,
      branchFrom: forkName,
      branchTo: branch,
      title: `Update to ${version} upstream release`,
      comment: `Upstream tag: ${input.tag}\nProposed by forgeflow (Packit propose_downstream).`,
    },
    context.signal,
  );
  return { pr, created: true };
}
