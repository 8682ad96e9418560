/**
 * What a forge event is to Packit: which job triggers it selects and the ref it is about.
 *
 * - pull_request opened / reopened / synchronize → `pull_request` (ref: the PR's target branch).
 * - a push to a branch → `commit` (ref: the pushed branch).
 * - a release published (GitHub; GitLab's Release Hook `create`, normalized to published) →
 *   `release` (ref: the tag).
 *   GitHub's `created` is not one: a release published straight away sends `created` and
 *   `published`, and packit-service reacts to `published` only.
 * - a pushed tag → nothing. packit-service files GitLab's Tag Push Hook as a branch push named
 *   after the tag, which only a `branch` regex matching the tag would ever select; and a GitHub
 *   release pushes its tag too, so counting tags would run release jobs twice.
 * - a `/packit …` comment → the triggers its command acts on (see commandTriggers).
 */
import type { Event } from '../../events/event.js';
import { parsePackitComment } from './commands.js';
import type { JobTrigger, PackitCommand } from './types.js';

export interface PackitEvent {
  /** The job triggers the event selects, most often one. */
  triggers: JobTrigger[];
  /**
   * The PR's target branch, the pushed branch or the release's tag; null where unknown. For the
   * dist-git commands, the one branch to act on (null: all of them).
   */
  ref: string | null;
  /** The `/packit` command of a comment, or null for every other event. */
  command: PackitCommand | null;
}

export type EventTrigger = ({ ok: true } & PackitEvent) | { ok: false; reason: string };

const PULL_REQUEST_ACTIONS = ['opened', 'reopened', 'synchronize'];
/**
 * The release action that starts release jobs, per forge (one per release). Both say published
 * now (contracts/release-actions.ts); the table makes a new forge answer the question.
 */
const RELEASE_ACTION: Record<Event['forge'], string> = { github: 'published', gitlab: 'published' };

export function eventTrigger(event: Event): EventTrigger {
  switch (event.kind) {
    case 'pull_request':
      return PULL_REQUEST_ACTIONS.includes(event.action ?? '')
        ? ok(['pull_request'], event.pr?.base_ref ?? event.branch)
        : miss(
            `pull request action "${event.action ?? 'none'}" is not opened, reopened or synchronize`,
          );
    case 'push':
      if (event.deleted) return miss(`the push deleted branch "${event.branch ?? ''}"`);
      return ok(['commit'], event.branch);
    case 'tag':
      return miss(
        'a pushed tag starts no Packit job: release jobs run when the release is published',
      );
    case 'release':
      if (event.release?.draft) return miss('the release is a draft');
      return event.action === RELEASE_ACTION[event.forge]
        ? ok(['release'], event.release?.tag ?? event.tag)
        : miss(`release action "${event.action ?? 'none'}" is not ${RELEASE_ACTION[event.forge]}`);
    case 'comment':
      return commentTrigger(event);
    case 'manual':
      return miss('Packit jobs start from forge events and /packit comments, not manually');
    case 'schedule':
      return miss('Packit jobs start from forge events and /packit comments, not on a schedule');
    case 'rerun':
      return miss(
        'a Re-run starts no Packit job: it retries the failed nodes of the runs it names',
      );
  }
}

function commentTrigger(event: Event): EventTrigger {
  if (event.action !== 'created') return miss(`comment action "${event.action}" is not created`);
  const parsed = parsePackitComment(event.comment?.body ?? '');
  if (parsed === undefined) return miss('the comment is not a /packit command');
  if (!parsed.ok) return miss(parsed.error);
  const command = parsed.command;
  if (command.name === 'help') return miss('/packit help asks for help and runs nothing');
  // packit-service takes only these two on an issue (help is answered above).
  if (event.issue && !event.pr && command.name !== 'propose-downstream')
    return miss(
      `${command.name} acts on pull requests and commits; on an issue forgeflow takes propose-downstream and help`,
    );
  // As packit-service takes it: on an issue, for the latest release (plan/issue-comment.ts).
  if (command.name === 'propose-downstream' && !event.release?.tag)
    return miss('propose-downstream runs for the latest release: give it in a comment on an issue');
  const onPr = event.pr !== null;
  // `--commit BRANCH` / `--release TAG` pick those jobs, on a pull request as on a commit.
  if (command.commit !== null) return ok(['commit'], command.commit, command);
  if (command.release !== null) return ok(['release'], command.release, command);
  const triggers = commandTriggers(command.name, onPr);
  const ref = triggers.includes('pull_request')
    ? (event.pr?.base_ref ?? null)
    : triggers.includes('release')
      ? // An issue's propose-downstream acts on the latest release (plan/issue-comment.ts).
        (event.release?.tag ?? null)
      : DIST_GIT_COMMANDS.has(command.name)
        ? // The pull request's target branch; elsewhere every configured branch.
          (event.pr?.base_ref ?? null)
        : (event.repo.default_branch ?? event.branch);
  return ok(triggers, ref, command);
}

/** Commands of a dist-git repository: on a pull request they act on its target branch. */
const DIST_GIT_COMMANDS = new Set<PackitCommand['name']>([
  'koji-build',
  'create-update',
  'koji-tag',
]);

/**
 * The job triggers a command considers. Upstream commands on a pull request act on its
 * `pull_request` jobs, on a commit on the default branch's `commit` jobs; propose-downstream
 * and pull-from-upstream on `release` jobs (packit-service files issue comments as releases);
 * the dist-git commands on `commit` and `koji_build` jobs.
 */
export function commandTriggers(name: PackitCommand['name'], onPr: boolean): JobTrigger[] {
  switch (name) {
    case 'propose-downstream':
    case 'pull-from-upstream':
      return ['release'];
    case 'koji-build':
    case 'create-update':
    case 'koji-tag':
      return ['commit', 'koji_build'];
    default:
      return onPr ? ['pull_request'] : ['commit'];
  }
}

function ok(triggers: JobTrigger[], ref: string | null, command: PackitCommand | null = null) {
  return { ok: true as const, triggers, ref, command };
}

function miss(reason: string): EventTrigger {
  return { ok: false, reason };
}
