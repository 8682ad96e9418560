/**
 * One planned (view, target) as a graph node: the handler its job type compiles to, its input
 * (config and event values written as literals, the build a test installs read through
 * `needs`), polling for Copr builds and Testing Farm requests, and Packit's status name.
 */
import type { Event } from '../../events/event.js';
import { DEFAULT_IF } from '../defaults.js';
import type { GraphNode, NodeAction } from '../../contracts/graph.js';
import { num } from './config-values.js';
import { coprBuildInput, DEFAULT_COPR_TIMEOUT_S } from './copr-input.js';
import { downstreamAction } from './downstream-input.js';
import type { PackitJobInput } from './handler-inputs.js';
import { nodeId, type JobIds } from './ids.js';
import { proposeDownstreamInput } from './propose-input.js';
import { literalText, literalValue } from './literal.js';
import type { PlannedNode } from './plan.js';
import {
  coprPoll,
  JOB_TIMEOUTS,
  SUBMIT_RETRY,
  SUBMIT_TIMEOUTS,
  testingFarmPoll,
} from './policies.js';
import { testingFarmInput } from './tests-input.js';
import { PACKIT_HANDLERS, type JobType, type JobView, type Target } from './types.js';

/** The handler of each job type without an integration of its own. */
const JOB_HANDLERS: Record<Exclude<JobType, 'copr_build' | 'tests'>, string> = {
  upstream_koji_build: PACKIT_HANDLERS.upstreamKojiBuild,
  koji_build: PACKIT_HANDLERS.kojiBuild,
  koji_build_tag: PACKIT_HANDLERS.kojiBuildTag,
  bodhi_update: PACKIT_HANDLERS.bodhiUpdate,
  propose_downstream: PACKIT_HANDLERS.proposeDownstream,
  pull_from_upstream: PACKIT_HANDLERS.pullFromUpstream,
  sync_from_downstream: PACKIT_HANDLERS.syncFromDownstream,
  vm_image_build: PACKIT_HANDLERS.vmImageBuild,
};

export interface NodeContext {
  event: Event;
  ref: string | null;
  ids: JobIds;
  /** `/packit test --env K=V` of the comment, if any. */
  commandEnv: Readonly<Record<string, string>>;
  /** The id of each copr_build view's submitting node (ids.ts coprSubmitIds). */
  submitIds: ReadonlyMap<JobView, string>;
}

function submitIdOf(view: JobView, ctx: NodeContext): string {
  const id = ctx.submitIds.get(view);
  if (id === undefined) throw new Error(`no Copr submission node for jobs[${view.index}]`);
  return id;
}

/** packit-service's first words on a build's and a test's status (its TASK_ACCEPTED, …). */
const ACCEPTED = 'The task was accepted.';
const WAITING_FOR_RPMS = 'Waiting for RPMs to be built...';

const RUN_ATTEMPT = '${{ run.attempt }}';

/** A template reading the output of node `id` (its job's, as `needs[…]` is keyed). */
function neededOutput(job: string, field = ''): string {
  return `\${{ needs['${job.replaceAll("'", "''")}'].output${field} }}`;
}

/**
 * The one node that submits a copr_build view's Copr build, for all its planned chroots (as
 * packit-service does); not reported itself: each chroot's node tells its status.
 */
export function coprSubmitNode(
  view: JobView,
  targets: readonly Target[],
  ctx: NodeContext,
): GraphNode {
  const id = submitIdOf(view, ctx);
  return {
    id,
    job: id,
    name: literalText(id),
    matrix: null,
    needs: [],
    if: DEFAULT_IF,
    action: {
      kind: 'activity',
      handler: PACKIT_HANDLERS.coprBuild,
      input: {
        ...literalValue(coprBuildInput(view, targets, ctx.event, ctx.ref)),
        run_attempt: RUN_ATTEMPT,
      },
      poll: null,
    },
    retry: SUBMIT_RETRY,
    timeouts: SUBMIT_TIMEOUTS,
    env: {},
    report: null,
  };
}

export function graphNode(planned: PlannedNode, ctx: NodeContext): GraphNode {
  const { view, target } = planned;
  const job = ctx.ids.of(view);
  const id = nodeId(job, target?.name ?? null);
  const build = planned.build;
  const needs =
    view.type === 'copr_build' && target
      ? [submitIdOf(view, ctx)]
      : build?.kind === 'node'
        ? [nodeId(ctx.ids.of(build.view), build.target)]
        : [];
  const statuses =
    view.type === 'copr_build'
      ? { accepted: ACCEPTED }
      : view.type === 'tests'
        ? { accepted: build?.kind === 'node' ? WAITING_FOR_RPMS : ACCEPTED }
        : null;
  return {
    id,
    job,
    name: literalText(id),
    matrix: target ? { target: target.name } : null,
    needs,
    if: DEFAULT_IF,
    action: actionOf(planned, ctx),
    retry: SUBMIT_RETRY,
    timeouts: view.type === 'copr_build' || view.type === 'tests' ? SUBMIT_TIMEOUTS : JOB_TIMEOUTS,
    env: {},
    report: literalText(planned.status),
    ...(statuses ? { statuses } : {}),
  };
}

function actionOf(planned: PlannedNode, ctx: NodeContext): NodeAction {
  const { view, target, build } = planned;
  const { event, ref } = ctx;
  if (view.type === 'copr_build' && target) {
    // Follows its chroot of the job's one build: the first read, then a poll until it ends.
    const submit = submitIdOf(view, ctx);
    return {
      kind: 'activity',
      handler: PACKIT_HANDLERS.coprBuildStatus,
      input: {
        build_id: neededOutput(submit, '.build_id'),
        owner: neededOutput(submit, '.owner'),
        project: neededOutput(submit, '.project'),
        chroot: literalText(target.name),
        url: neededOutput(submit, '.url'),
        // A run retry of the chroot after it failed builds it again alone (rebuild.ts).
        rebuild: {
          run_attempt: RUN_ATTEMPT,
          build_run_attempt: neededOutput(submit, '.run_attempt'),
          build: literalValue(coprBuildInput(view, [target], event, ref)),
        },
      },
      poll: coprPoll(
        PACKIT_HANDLERS.coprBuildStatus,
        num(view.config, 'timeout', DEFAULT_COPR_TIMEOUT_S),
      ),
    };
  }
  if (view.type === 'tests' && planned.test) {
    const input = literalValue(
      testingFarmInput(view, planned.test, event, ref, null, ctx.commandEnv),
    );
    // The build's poll ends with its CoprBuildStatus, which is a CoprBuildRef and more.
    input.copr_build =
      build?.kind === 'node'
        ? neededOutput(ctx.ids.of(build.view))
        : build?.kind === 'reused'
          ? literalValue(build.ref)
          : null;
    return {
      kind: 'activity',
      handler: PACKIT_HANDLERS.testingFarmRun,
      input,
      poll: testingFarmPoll(PACKIT_HANDLERS.testingFarmRequest),
    };
  }
  const downstream = downstreamAction(planned, ctx);
  if (downstream) return downstream;
  const input: PackitJobInput = {
    job: view.type,
    trigger: view.trigger,
    package: view.package,
    target: target?.name ?? null,
    identifier: view.identifier,
    config: view.config,
  };
  return {
    kind: 'activity',
    handler: JOB_HANDLERS[view.type as keyof typeof JOB_HANDLERS],
    input: literalValue(
      view.type === 'propose_downstream' ? proposeDownstreamInput(input, view, event) : input,
    ),
    poll: null,
  };
}
