/**
 * `koji.build` and `koji.scratch_build` (submit one build task) and `koji.task` (their poll).
 * The task id is heartbeated before the handler returns, so an attempt that crashed in between
 * finds it and does not build twice. On CLOSED the poll finds the build's NVR: the build a
 * task made (listBuilds), or for a scratch build the SRPM its buildSRPMFromSCM child made.
 */
import type {
  KojiBuildInput,
  KojiTaskRef,
  KojiTaskState,
} from '../../compiler/packit/handler-inputs.js';
import { HandlerError } from '../../contracts/errors.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { submitOnce } from '../packit-submit.js';
import type { Handler, HandlerContext } from '../types.js';
import type { KojiClient } from './client.js';
import { BRANCH, COMMIT, NVR, PACKAGE, repositoryProblem } from './shapes.js';

export type KojiBuildRunInput = Pick<
  KojiBuildInput,
  'package' | 'target' | 'repository' | 'commit'
> &
  Partial<KojiBuildInput>;
export type KojiTaskRunInput = Pick<KojiTaskRef, 'task_id'> & Partial<KojiTaskRef>;

const REASON_CHARS = 500;

function badInput(message: string): HandlerError {
  return new HandlerError('KojiBadInput', message, { nonRetryable: true });
}

/** The input's source and options, checked before anything is sent. */
function checked(input: KojiBuildRunInput, scratchAlways: boolean) {
  const { package: pkg, target, repository, commit } = input;
  if (!PACKAGE.test(pkg))
    throw badInput(`not a package name: ${JSON.stringify(pkg.slice(0, 120))}`);
  if (!BRANCH.test(target))
    throw badInput(`not a Koji target: ${JSON.stringify(target.slice(0, 120))}`);
  if (!COMMIT.test(commit))
    throw badInput(`Koji builds a full commit hash, not ${JSON.stringify(commit.slice(0, 120))}`);
  const problem = repositoryProblem(repository);
  if (problem !== null) throw badInput(`the repository URL is refused: ${problem}`);
  const branch = input.dist_git_branch ?? null;
  if (branch !== null && !BRANCH.test(branch))
    throw badInput(`not a dist-git branch: ${JSON.stringify(branch.slice(0, 120))}`);
  return {
    pkg,
    target,
    branch,
    source: `git+${repository}#${commit}`,
    scratch: scratchAlways || (input.scratch ?? false),
  };
}

interface SubmittedTask {
  koji_task_id: number;
  source: string;
  target: string;
}

export function kojiBuildHandler(
  spec: HandlerSpec,
  client: () => KojiClient,
  scratchAlways: boolean,
): Handler<KojiBuildRunInput, KojiTaskRef> {
  return {
    spec,
    async run(input, context) {
      const { pkg, target, branch, source, scratch } = checked(input, scratchAlways);
      const koji = client();
      const taskId = await submitOnce(context, spec.name, {
        earlier: (details) => {
          const found = details as Partial<SubmittedTask> | null | undefined;
          return typeof found?.koji_task_id === 'number' &&
            found.source === source &&
            found.target === target
            ? found.koji_task_id
            : null;
        },
        exists: async (id) => (await koji.getTaskInfo(id, context.signal)) !== null,
        submit: () => koji.build(source, target, { scratch }, context.signal),
        record: (id) => ({ koji_task_id: id, source, target }) satisfies SubmittedTask,
      });
      const url = koji.taskUrl(taskId);
      context.log.line(
        'system',
        `Koji ${scratch ? 'scratch ' : ''}build task ${taskId} of ${pkg} for ${target}: ${url}`,
      );
      return { task_id: taskId, url, package: pkg, target, scratch, dist_git_branch: branch };
    },
  };
}

export function kojiTaskHandler(
  spec: HandlerSpec,
  client: () => KojiClient,
): Handler<KojiTaskRunInput, KojiTaskState> {
  return {
    spec,
    async run(input, context) {
      const koji = client();
      const id = input.task_id;
      const ref: KojiTaskRef = {
        task_id: id,
        url: input.url ?? koji.taskUrl(id),
        package: input.package ?? '',
        target: input.target ?? '',
        scratch: input.scratch ?? false,
        dist_git_branch: input.dist_git_branch ?? null,
      };
      const task = await koji.getTaskInfo(id, context.signal);
      if (task === null)
        throw new HandlerError('KojiFault', `Koji has no task ${id}`, { nonRetryable: true });
      if (task.state === 'FAILED' || task.state === 'CANCELED') {
        const reason = task.state === 'FAILED' ? await failureReason(koji, id, context) : null;
        throw new HandlerError(
          'KojiBuildFailed',
          `Koji build task ${id} ${task.state === 'FAILED' ? 'failed' : 'was canceled'}${reason ? `: ${reason}` : ''} (${ref.url})`,
          { nonRetryable: true, details: { ...ref, state: task.state } },
        );
      }
      if (task.state !== 'CLOSED')
        return { ...ref, state: task.state, ended: false, nvr: null, build_id: null };
      const built = ref.scratch
        ? await scratchNvr(koji, id, context)
        : await buildOf(koji, id, context);
      context.log.line('system', `Koji task ${id} closed: ${built.nvr ?? 'no NVR found'}`);
      return { ...ref, state: task.state, ended: true, ...built };
    },
  };
}

/** A failed task's result is a fault: its text says why. */
async function failureReason(
  koji: KojiClient,
  id: number,
  context: HandlerContext,
): Promise<string | null> {
  try {
    await koji.getTaskResult(id, context.signal);
    return null;
  } catch (error) {
    if (error instanceof HandlerError && error.type === 'KojiFault')
      return error.message.replace(/^Koji getTaskResult failed: /, '').slice(0, REASON_CHARS);
    throw error;
  }
}

async function buildOf(koji: KojiClient, id: number, context: HandlerContext) {
  const [build] = await koji.listBuildsOfTask(id, context.signal);
  if (build === undefined || !NVR.test(build.nvr))
    throw new HandlerError('KojiFault', `Koji task ${id} closed without a build`, {
      nonRetryable: true,
    });
  return { nvr: build.nvr, build_id: build.build_id };
}

/** A scratch build has no build record: its NVR is its SRPM's name. */
async function scratchNvr(koji: KojiClient, id: number, context: HandlerContext) {
  const children = await koji.getTaskChildren(id, context.signal);
  const srpmTask = children.find((t) => t.method === 'buildSRPMFromSCM' && t.state === 'CLOSED');
  if (srpmTask === undefined) return { nvr: null, build_id: null };
  const result = (await koji.getTaskResult(srpmTask.id, context.signal)) as { srpm?: unknown };
  const srpm = typeof result === 'object' && result !== null ? result.srpm : undefined;
  const name = typeof srpm === 'string' ? (srpm.split('/').pop() ?? '') : '';
  const nvr = name.endsWith('.src.rpm') ? name.slice(0, -'.src.rpm'.length) : '';
  return { nvr: NVR.test(nvr) ? nvr : null, build_id: null };
}
