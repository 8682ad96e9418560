/**
 * `forgeflow.plan`, the one activity of a delivery's plan run: decide who is asking (trust),
 * fetch the repository's config at the event's commit (or at the base branch's head when the
 * pull request's author is untrusted, whoever wrote the comment that asked), compile it (a
 * pipeline.yaml, or a .packit.yaml with its `/packit` commands, which may need the latest run
 * of the pull request), start the run, and record the delivery's outcome. A broken config is
 * answered with a failed `forgeflow/config` status. A forge's Re-run of a check retries the run
 * it names instead (rerun.ts). Forge failures throw retryable errors: the plan attempt is
 * retried like any other. Runs are started, found, retried, canceled and signaled only through
 * `context.runs` (the runtime's RunControl), with idempotency keys, so a retried attempt never
 * starts a run twice. A release's or tag's commit is asked of the forge when the payload lacks
 * it (config-lookup.ts), and a pull request's changed files when a `paths` filter needs them
 * (changed-paths.ts), before anything is compiled or started. A comment's command is then
 * answered on the forge (chatops-ack.ts), its decision kept with the comment so a retried
 * attempt does not act twice.
 */
import {
  compilePackit,
  compilePipeline,
  isPackitFile,
  PACKIT_PIPELINE,
  type CompileResult,
  type Diagnostic,
  type ReleasesTable,
} from '../../compiler/index.js';
import { parsePackitComment } from '../../compiler/packit/commands.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import type { ConfigSource, RunControl } from '../../contracts/run-control.js';
import type { ScheduleBook } from '../../contracts/schedules.js';
import type { Event } from '../../events/event.js';
import { eventSha, repoRef } from '../../forges/repo-ref.js';
import type { ForgeClients } from '../../forges/clients.js';
import type { Handler, HandlerContext } from '../types.js';
import { acknowledge, commentOf, type AckBook } from './chatops-ack.js';
import { planComment } from './comment-plan.js';
import {
  atDefaultHead,
  baseHead,
  findConfig,
  trustedByPipeline,
  withCommit,
  withTagCommit,
} from './config-lookup.js';
import { withChangedPaths } from './changed-paths.js';
import { packitRejection } from './comment-commands.js';
import { learnSchedules } from './learn-schedules.js';
import { rerunFromForge } from './rerun.js';
import {
  CONFIG_STATUS,
  type CommentAck,
  type DeliveryResult,
  type RecordPlanOutcome,
} from './outcome.js';
import { PLAN_HANDLER } from './plan-graph.js';
import {
  actorOf,
  forgeTrusts,
  pullRequestAuthorOf,
  type Actor,
  type TrustVerdict,
} from './trust.js';

export interface PlanDeps {
  forges: ForgeClients;
  /** The compiler's view of the handlers workers run. */
  handlers: HandlerRegistry;
  configFiles: readonly string[];
  /** The operator's allow-list of forge logins. */
  trustedUsers: readonly string[];
  publicUrl: string;
  /** Where the decision goes (the webhooks layer's deliveries table). */
  record: RecordPlanOutcome;
  /** The Fedora/EPEL releases Packit's target aliases expand to; the built-in table when absent. */
  packitReleases?: ReleasesTable | null;
  /** Where a default branch's `on.schedule` goes (the webhooks layer's schedules table). */
  schedules?: ScheduleBook;
  /** What comments' commands were answered with (the webhooks layer's comment_acks table). */
  acks?: AckBook;
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
      const comment = commentOf(context.event);
      // An earlier attempt decided, then failed to answer: its decision stands, not a second act.
      const earlier =
        comment && deps.acks ? await deps.acks.decided(comment, input.delivery) : undefined;
      const result =
        earlier ?? withFiring(await plan(deps, context, input.delivery), context.event);
      context.log.line('system', planSummary(input.delivery, result));
      await deps.record(
        {
          id: input.delivery,
          forge: context.event.forge,
          event: input.event_name,
          normalized: context.event,
          planRunId: context.runId,
        },
        result,
      );
      if (deps.acks) {
        const forge = deps.forges[context.event.forge];
        const options = { signal: context.signal };
        const event = context.event;
        const said = await acknowledge(deps.acks, forge, event, input.delivery, result, options);
        if (said !== null) context.log.line('system', said);
      }
      return result;
    },
  };
}

/** One line for the plan node's log: what the delivery became, from which config, which runs. */
function planSummary(delivery: string, result: DeliveryResult): string {
  const config =
    result.configPath != null ? ` config ${result.configPath}@${result.configSha ?? '?'}` : '';
  const runs = result.runIds?.length ? `; runs ${result.runIds.join(', ')}` : '';
  const reason = result.reason ? ` (${result.reason})` : '';
  return `delivery ${delivery}: ${result.outcome}${reason}${config}${runs}`;
}

async function plan(
  deps: PlanDeps,
  context: HandlerContext,
  delivery: string,
): Promise<DeliveryResult> {
  // A Re-run retries runs it names: no config is read, no pipeline started (rerun.ts).
  if (context.event.kind === 'rerun') return rerunFromForge(context.runs, context.event);
  const options = { signal: context.signal };
  const forge = deps.forges[context.event.forge];
  const repo = repoRef(context.event);
  const scheduled = context.event.kind === 'schedule';
  const known = scheduled
    ? await atDefaultHead(context.event, forge, repo, options)
    : await withTagCommit(
        await withCommit(context.event, forge, repo, options),
        forge,
        repo,
        options,
      );
  if (known === null)
    return {
      outcome: 'no_config',
      reason: `the default branch ${context.event.repo.default_branch ?? ''} has no head commit`,
    };
  if ('gone' in known)
    return {
      outcome: 'no_config',
      reason: `the forge has no tag "${known.gone}" (deleted since?): no commit to read the config at or to report on`,
    };
  let event = known;
  const trust = async (who: Actor): Promise<TrustVerdict> => {
    const verdict = await forgeTrusts(who, forge, repo, deps.trustedUsers);
    return verdict.trusted
      ? verdict
      : trustedByPipeline(deps.handlers, forge, repo, event, who.login, verdict);
  };
  const actor = actorOf(event);
  const verdict = actor ? await trust(actor) : null;

  if (event.kind === 'comment') {
    const planned = await planComment(deps, context.runs, forge, repo, event, verdict, options);
    if (!('event' in planned)) return planned;
    event = planned.event;
  }
  const sha = eventSha(event);
  // An untrusted author's pull request does not decide what runs: the base branch's config
  // does, for the pull request's own events and for comments on it, whoever wrote them.
  const author = pullRequestAuthorOf(event);
  const sameAsActor = author?.login === actor?.login && author?.id === actor?.id;
  const authorVerdict = author === null ? null : sameAsActor ? verdict : await trust(author);
  const untrustedPr = authorVerdict !== null && !authorVerdict.trusted;
  // A release's and a tag's commit were asked for above; the tag is the last resort.
  const ownRef = sha ?? event.ref ?? (event.release ? `refs/tags/${event.release.tag}` : null);
  const configRef = untrustedPr ? await baseHead(forge, repo, event, options) : ownRef;
  if (configRef === null)
    return { outcome: 'no_config', reason: 'the event names no commit to read the config at' };
  const found = await findConfig(forge, repo, configRef, deps.configFiles, options);
  if (!found)
    await learnSchedules(
      deps.schedules,
      forge,
      repo,
      event,
      { path: null, compiled: null },
      options,
    );
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
  const first = await compileConfig(deps, context.runs, found, event);
  const paths = await withChangedPaths(
    forge,
    repo,
    event,
    first,
    (withPaths) => compileConfig(deps, context.runs, found, withPaths),
    options,
  );
  if ('gone' in paths) return { ...where, outcome: 'not_triggered', reason: paths.gone };
  const compiled = paths.compiled;
  event = paths.event;
  await learnSchedules(deps.schedules, forge, repo, event, { path: found.path, compiled }, options);
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
  // Only a manual start carries inputs; a forge's event reads the defaults.
  if (compiled.status === 'invalid-inputs')
    return {
      ...where,
      outcome: 'not_triggered',
      reason: compiled.errors.map((e) => e.message).join('; '),
    };
  if (compiled.status === 'not-triggered') {
    const reason = [
      ...compiled.misses.map((m) => `${m.trigger}: ${m.reason}`),
      ...(compiled.excluded ?? []).map((e) => `${e.job}: ${e.reason}`),
    ].join('; ');
    const answer = packitRejection(found.path, event, reason);
    if (answer?.ack.kind === 'help') return { ...where, outcome: 'command', ...answer };
    return { ...where, outcome: 'not_triggered', reason, ...(answer ? { ack: answer.ack } : {}) };
  }
  const started = await context.runs.start(compiled.graph, event, {
    idempotencyKey: `${delivery}:${compiled.graph.pipeline}`,
    configSource,
  });
  const said = [
    untrustedPr ? `${authorVerdict.why}: the config of ${event.pr?.base_ref} was used` : null,
    paths.note,
  ].filter((part) => part !== null);
  return {
    ...where,
    outcome: 'started',
    reason: said.length > 0 ? said.join('; ') : null,
    runIds: [started.runId],
    ...(event.kind === 'comment'
      ? { ack: doneAck(found.path, event, runPage(deps.publicUrl, started.runId)) }
      : {}),
  };
}

/**
 * A scheduled firing's decision says which due time it stands for and, after downtime, how many
 * were missed (they are not fired one by one): in the plan run's history and the delivery.
 */
function withFiring(result: DeliveryResult, event: Event): DeliveryResult {
  const firing = event.schedule;
  if (!firing) return result;
  const missed =
    firing.missed > 0
      ? `; ${firing.missed} earlier due time${firing.missed === 1 ? '' : 's'} since ${firing.missed_since} missed, fired once for all`
      : '';
  const said = `schedule "${firing.cron}" (${firing.timezone}) due at ${firing.due_at}${missed}`;
  return {
    ...result,
    reason: result.reason ? `${said}: ${result.reason}` : said,
    schedule: firing,
  };
}

/** A pipeline.yaml, or a .packit.yaml with what the latest run of the PR left (for re-runs). */
async function compileConfig(
  deps: PlanDeps,
  runs: RunControl,
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
    previous: packitComment ? await previousPackitNodes(runs, event) : null,
  });
}

/** A command that started a run: 👀 for a `/packit` one, as packit-service reacts. */
function doneAck(path: string, event: Event, runUrl: string): CommentAck {
  const parsed = isPackitFile(path) ? parsePackitComment(event.comment?.body ?? '') : undefined;
  if (parsed === undefined) return { kind: 'done' };
  // packit-service answers its dist-git retrigger commands in a comment as well.
  const accepted = parsed.ok && ACCEPTED_IN_A_COMMENT.has(parsed.command.name);
  return accepted
    ? { kind: 'done', by: 'packit', accepted: { runUrl } }
    : { kind: 'done', by: 'packit' };
}

/** The commands packit-service also answers with "The task was accepted." in a comment. */
const ACCEPTED_IN_A_COMMENT = new Set<string>(['koji-build', 'create-update']);

function runPage(publicUrl: string, runId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/runs/${encodeURIComponent(runId)}`;
}

/** `pipeline.yaml:14:5: unknown key "timout" … [schema]`: what fits in a status. */
function firstLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} [${d.rule}]`;
}

/** What the latest .packit.yaml run of the pull request at its current head left. */
function previousPackitNodes(runs: RunControl, event: Event) {
  const sha = eventSha(event);
  if (!event.pr || sha === null) return null;
  return runs.previousNodes({
    repo: event.repo.full_name,
    pr: event.pr.number,
    pipeline: PACKIT_PIPELINE,
    sha,
  });
}
