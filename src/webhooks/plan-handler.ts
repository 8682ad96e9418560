/**
 * `forgeflow.plan`, the one activity of a delivery's plan run: decide who is asking (trust),
 * fetch the repository's config at the event's commit (or at the base branch's head when the
 * pull request's author is untrusted, whoever wrote the comment that asked), compile it (a pipeline.yaml, or a .packit.yaml with its
 * `/packit` commands, which may need the latest run of the pull request), start the run, and
 * record the delivery's outcome. A broken config is answered with a failed `forgeflow/config` status.
 * Forge failures throw retryable errors: the plan attempt is retried like any other. Runs are
 * started with idempotency keys, so a retried attempt never starts a run twice.
 */
import {
  compilePackit,
  compilePipeline,
  isPackitFile,
  validatePipeline,
  type CompileResult,
  type Diagnostic,
  type ReleasesTable,
} from '../compiler/index.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { Db } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { ForgeClient, RepoRef } from '../forges/client.js';
import { eventSha, repoRef } from '../forges/repo-ref.js';
import type { ForgeClients } from '../forges/clients.js';
import type { Handler, HandlerContext } from '../handlers/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { runChatOps } from './chatops-run.js';
import { parseCommand } from './chatops.js';
import { completeDelivery, type DeliveryResult, type NewDelivery } from './deliveries.js';
import { previousPackitNodes } from './packit-previous.js';
import { PLAN_HANDLER } from './plan-graph.js';
import type { ConfigSource } from '../runtime/types.js';
import {
  actorOf,
  forgeTrusts,
  pullRequestAuthorOf,
  type Actor,
  type TrustVerdict,
} from './trust.js';

/** Where a repository's config may be, in order: the first one found is used (Packit's order). */
export const CONFIG_FILES = [
  'pipeline.yaml',
  '.packit.yaml',
  '.packit.yml',
  'packit.yaml',
  'packit.yml',
];

export const CONFIG_STATUS = 'forgeflow/config';

export interface PlanDeps {
  db: Db;
  runtime: Runtime;
  forges: ForgeClients;
  /** The compiler's view of the handlers workers run. */
  handlers: HandlerRegistry;
  configFiles: readonly string[];
  /** The operator's allow-list of forge logins. */
  trustedUsers: readonly string[];
  publicUrl: string;
  clock: Clock;
  /** The Fedora/EPEL releases Packit's target aliases expand to; the built-in table when absent. */
  packitReleases?: ReleasesTable | null;
}

interface PlanInput {
  delivery: string;
  event_name: string;
}

export function planHandler(deps: PlanDeps): Handler<PlanInput> {
  return {
    spec: {
      name: PLAN_HANDLER,
      description: 'Plan what a webhook delivery starts (forgeflow internal).',
      input: {
        type: 'object',
        required: ['delivery', 'event_name'],
        properties: { delivery: { type: 'string' }, event_name: { type: 'string' } },
      },
    },
    async run(input, context) {
      const base: NewDelivery = {
        id: input.delivery,
        forge: context.event.forge,
        event: input.event_name,
        normalized: context.event,
        outcome: 'planning',
        planRunId: context.runId,
      };
      const result = await plan(deps, context, input.delivery);
      await completeDelivery(deps.db, base, result, new Date(deps.clock.now()));
      return result;
    },
  };
}

async function plan(
  deps: PlanDeps,
  context: HandlerContext,
  delivery: string,
): Promise<DeliveryResult> {
  const options = { signal: context.signal };
  const forge = deps.forges[context.event.forge];
  const repo = repoRef(context.event);
  const event = await withCommit(context.event, forge, repo, options);
  const trust = async (who: Actor): Promise<TrustVerdict> => {
    const verdict = await forgeTrusts(who, forge, repo, deps.trustedUsers);
    return verdict.trusted
      ? verdict
      : trustedByPipeline(deps, forge, repo, event, who.login, verdict);
  };
  const actor = actorOf(event);
  const verdict = actor ? await trust(actor) : null;

  if (event.kind === 'comment' && event.comment) {
    const command = parseCommand(event.comment.body);
    if (command !== undefined) {
      if (verdict && !verdict.trusted) return { outcome: 'untrusted', reason: verdict.why };
      if (!command.ok) return { outcome: 'command', reason: command.error };
      return runChatOps(deps.runtime, event, command.command);
    }
    // Other comments may match `on.comment.commands`: only a trusted author's start anything.
    if (verdict && !verdict.trusted) return { outcome: 'untrusted', reason: verdict.why };
  }

  const sha = eventSha(event);
  // An untrusted author's pull request does not decide what runs: the base branch's config
  // does, for the pull request's own events and for comments on it, whoever wrote them.
  const author = pullRequestAuthorOf(event);
  const sameAsActor = author?.login === actor?.login && author?.id === actor?.id;
  const authorVerdict = author === null ? null : sameAsActor ? verdict : await trust(author);
  const untrustedPr = authorVerdict !== null && !authorVerdict.trusted;
  // A GitHub release names its tag, not its commit: the tag is read instead.
  const ownRef = sha ?? event.ref ?? (event.release ? `refs/tags/${event.release.tag}` : null);
  const configRef = untrustedPr ? await baseHead(forge, repo, event, options) : ownRef;
  if (configRef === null)
    return { outcome: 'no_config', reason: 'the event names no commit to read the config at' };
  const found = await findConfig(forge, repo, configRef, deps.configFiles, options);
  if (!found)
    return {
      outcome: 'no_config',
      reason: `none of ${deps.configFiles.join(', ')} at ${configRef}`,
      configSha: configRef,
    };
  const where = { configPath: found.path, configSha: configRef };
  // The base branch's (the repository's own) or a trusted author's: under DESIGN.md §4a no run
  // reads an untrusted author's config. The runtime checks this before it gives out secrets.
  const configSource: ConfigSource = {
    trusted: true,
    ref: configRef,
    path: found.path,
    why: untrustedPr
      ? `${authorVerdict.why}: the config of ${event.pr?.base_ref ?? 'the base branch'} was read`
      : (authorVerdict?.why ?? `${event.kind} of ${event.repo.full_name}`),
  };
  const compiled = await compileConfig(deps, found, event);
  if (compiled.status === 'invalid') {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    if (sha !== null)
      await forge.setStatus(
        repo,
        sha,
        {
          context: CONFIG_STATUS,
          state: 'failure',
          description: firstLine(errors[0]!),
          targetUrl: `${deps.publicUrl.replace(/\/$/, '')}/api/v1/deliveries/${encodeURIComponent(delivery)}`,
        },
        options,
      );
    return {
      ...where,
      outcome: 'invalid_config',
      reason: `${errors.length} error${errors.length === 1 ? '' : 's'} in ${found.path}`,
      diagnostics: compiled.diagnostics,
    };
  }
  if (compiled.status === 'not-triggered')
    return {
      ...where,
      outcome: 'not_triggered',
      reason: [
        ...compiled.misses.map((m) => `${m.trigger}: ${m.reason}`),
        ...(compiled.excluded ?? []).map((e) => `${e.job}: ${e.reason}`),
      ].join('; '),
    };
  const started = await deps.runtime.start(compiled.graph, event, {
    idempotencyKey: `${delivery}:${compiled.graph.pipeline}`,
    configSource,
  });
  return {
    ...where,
    outcome: 'started',
    reason: untrustedPr
      ? `${authorVerdict.why}: the config of ${event.pr?.base_ref} was used`
      : null,
    runIds: [started.runId],
  };
}

/** A pipeline.yaml, or a .packit.yaml with what the latest run of the PR left (for re-runs). */
async function compileConfig(
  deps: PlanDeps,
  found: { path: string; text: string },
  event: Event,
): Promise<CompileResult> {
  if (!isPackitFile(found.path))
    return compilePipeline(found.text, event, { file: found.path, handlers: deps.handlers });
  const packitComment =
    event.kind === 'comment' && /^\s*\/packit\s/m.test(event.comment?.body ?? '');
  return compilePackit(found.text, event, {
    file: found.path,
    repoName: event.repo.name,
    handlers: deps.handlers,
    ...(deps.packitReleases ? { releases: deps.packitReleases } : {}),
    previous: packitComment ? await previousPackitNodes(deps.db, event) : null,
  });
}

/** `pipeline.yaml:14:5: unknown key "timout" … [schema]`: what fits in a status. */
function firstLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} [${d.rule}]`;
}

/**
 * GitHub comment payloads carry no commit and no target branch: the pull request is asked for
 * them (`branch` filters and `/packit koji-build` need the target branch).
 */
async function withCommit(
  event: Event,
  forge: ForgeClient,
  repo: RepoRef,
  options: { signal: AbortSignal },
): Promise<Event> {
  if (!event.pr || (eventSha(event) !== null && event.pr.base_ref !== null)) return event;
  const head = await forge.pullRequestHead(repo, event.pr.number, options);
  if (!head) return event;
  const pr = { ...event.pr, base_ref: event.pr.base_ref ?? head.baseRef };
  if (eventSha(event) !== null) return { ...event, pr };
  return { ...event, sha: head.sha, pr: { ...pr, head_sha: head.sha, head_ref: head.ref } };
}

async function baseHead(
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  options: { signal: AbortSignal },
): Promise<string | null> {
  const branch = event.pr?.base_ref ?? event.repo.default_branch;
  if (!branch) return null;
  return (await forge.branchHead(repo, branch, options)) ?? event.pr?.base_sha ?? null;
}

async function findConfig(
  forge: ForgeClient,
  repo: RepoRef,
  ref: string,
  files: readonly string[],
  options: { signal: AbortSignal },
): Promise<{ path: string; text: string } | undefined> {
  for (const path of files) {
    const text = await forge.readFile(repo, path, ref, options);
    if (text !== null) return { path, text };
  }
  return undefined;
}

/** `trust.users` of the pipeline on the default branch: the repository's word, not the author's. */
async function trustedByPipeline(
  deps: PlanDeps,
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  login: string,
  verdict: TrustVerdict,
): Promise<TrustVerdict> {
  const branch = event.repo.default_branch ?? event.pr?.base_ref;
  const head = branch ? await forge.branchHead(repo, branch) : null;
  if (!head) return verdict;
  const text = await forge.readFile(repo, 'pipeline.yaml', head);
  if (text === null) return verdict;
  const validated = validatePipeline(text, { file: 'pipeline.yaml', handlers: deps.handlers });
  const users = validated.ok ? (validated.pipeline.trust?.users ?? []) : [];
  return users.includes(login)
    ? { trusted: true, why: `${login} is in trust.users of pipeline.yaml on ${branch}` }
    : verdict;
}
