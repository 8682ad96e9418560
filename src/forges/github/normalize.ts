/**
 * GitHub webhook payload → forge-neutral `Event`.
 *
 * This is the only place that knows GitHub's payload shapes; everything downstream (triggers,
 * expressions, runs) reads `Event`. It decides which GitHub events start pipelines at all, and
 * mirrors GitHub Actions' conventions where pipelines expect them (a pull request's `branch` is
 * the base branch, as Actions' `branches:` filter matches). Payloads are untrusted: a missing or
 * mistyped field gives an `ignored` reason, never an exception.
 */

import type {
  Actor,
  Event,
  NormalizeResult,
  Issue,
  PullRequest,
  RerunRequest,
  Repository,
} from '../../events/event.js';
import {
  accept,
  arr,
  baseEvent,
  bool,
  commitPaths,
  guard,
  ignore,
  isFullSha,
  isNullSha,
  isRecord,
  Malformed,
  needNum,
  needObj,
  needPrNumber,
  needRepoName,
  needStr,
  num,
  obj,
  splitFullName,
  splitRef,
  str,
  strings,
} from '../payload-readers.js';
import { truncate } from '../text.js';

type Payload = Record<string, unknown>;

export const GITHUB_HANDLED_EVENTS = [
  'pull_request',
  'push',
  'create',
  'release',
  'issue_comment',
  'check_run',
  'check_suite',
] as const;

/** GitHub sends at most this many commits in a push payload; a list this long may be cut. */
const PUSH_COMMITS_CAP = 2048;

export function normalizeGitHub(eventName: string, payload: unknown): NormalizeResult {
  const handler = handlerFor(eventName);
  if (handler === 'ping') return ignore('ping: GitHub checking the webhook');
  if (handler === null) {
    return ignore(
      `GitHub event "${eventName}" is not one forgeflow handles ` +
        `(it handles ${GITHUB_HANDLED_EVENTS.join(', ')})`,
    );
  }
  const context = `GitHub ${eventName} payload`;
  if (!isRecord(payload)) return ignore(`malformed ${context}: not a JSON object`);
  return guard(context, () => handler(payload));
}

function handlerFor(eventName: string): ((p: Payload) => NormalizeResult) | 'ping' | null {
  switch (eventName) {
    case 'pull_request':
      return pullRequestEvent;
    case 'push':
      return pushEvent;
    case 'create':
      return createEvent;
    case 'release':
      return releaseEvent;
    case 'issue_comment':
      return issueCommentEvent;
    case 'check_run':
      return checkRunEvent;
    case 'check_suite':
      return checkSuiteEvent;
    case 'ping':
      return 'ping';
    default:
      return null;
  }
}

function repository(p: Payload): Repository {
  needObj(p, 'repository');
  const full_name = needRepoName('github', p, 'repository', 'full_name');
  const split = splitFullName(full_name);
  return {
    full_name,
    owner: str(p, 'repository', 'owner', 'login') ?? split.owner,
    name: str(p, 'repository', 'name') ?? split.name,
    id: num(p, 'repository', 'id'),
    html_url: str(p, 'repository', 'html_url'),
    clone_url: str(p, 'repository', 'clone_url'),
    default_branch: str(p, 'repository', 'default_branch'),
    private: bool(p, 'repository', 'private'),
  };
}

/** GitHub always names a sender; an empty login (matching no allow-list) if it does not. */
function sender(p: Payload): Actor {
  return { login: str(p, 'sender', 'login') ?? '', id: num(p, 'sender', 'id') };
}

function start(kind: Event['kind'], p: Payload): Event {
  return baseEvent('github', kind, repository(p), sender(p), p);
}

function pullRequestEvent(p: Payload): NormalizeResult {
  const event = start('pull_request', p);
  needObj(p, 'pull_request');
  const number = needPrNumber(p, 'pull_request', 'number');
  const headSha = needStr(p, 'pull_request', 'head', 'sha');
  const baseRef = needStr(p, 'pull_request', 'base', 'ref');
  // A deleted fork leaves head.repo null: treat it as a fork (the less trusted case).
  const headRepo = obj(p, 'pull_request', 'head', 'repo');
  const baseFullName = str(p, 'pull_request', 'base', 'repo', 'full_name') ?? event.repo.full_name;
  const pr: PullRequest = {
    number,
    title: str(p, 'pull_request', 'title') ?? '',
    url: str(p, 'pull_request', 'html_url'),
    author: str(p, 'pull_request', 'user', 'login'),
    head_sha: headSha,
    head_ref: str(p, 'pull_request', 'head', 'ref'),
    base_ref: baseRef,
    base_sha: str(p, 'pull_request', 'base', 'sha'),
    labels: strings(p, ['pull_request', 'labels'], 'name'),
    draft: bool(p, 'pull_request', 'draft') ?? false,
    merged: bool(p, 'pull_request', 'merged') ?? str(p, 'pull_request', 'merged_at') !== null,
    state: str(p, 'pull_request', 'state'),
    from_fork: headRepo === null || str(headRepo, 'full_name') !== baseFullName,
  };
  return accept({
    ...event,
    action: str(p, 'action'),
    sha: headSha,
    ref: `refs/pull/${number}/head`,
    branch: baseRef,
    pr,
  });
}

function pushEvent(p: Payload): NormalizeResult {
  const event = start('push', p);
  const ref = needStr(p, 'ref');
  const target = splitRef(ref);
  if (target === null) return ignore(`push to ${ref}: neither a branch nor a tag`);
  const after = str(p, 'after');
  const deleted = bool(p, 'deleted') === true || isNullSha(after);
  const commits = arr(p, 'commits');
  return accept({
    ...event,
    kind: target.type === 'branch' ? 'push' : 'tag',
    action: deleted ? 'deleted' : 'pushed',
    // An annotated tag's push names the tag object in `after`, and its commit in `head_commit`
    // (https://github.blog/changelog/2021-10-01-the-push-webhook-payload-provides-a-consistent-head_commit-on-tag-creation/):
    // statuses go on commits, so a tag without one is left for the plan step to ask about.
    sha: deleted ? null : target.type === 'tag' ? str(p, 'head_commit', 'id') : after,
    ref,
    branch: target.type === 'branch' ? target.name : null,
    tag: target.type === 'tag' ? target.name : null,
    // A missing list, or one at GitHub's cap, does not tell every changed file.
    changed_paths:
      commits === null || commits.length >= PUSH_COMMITS_CAP ? null : commitPaths(commits),
    deleted,
  });
}

function createEvent(p: Payload): NormalizeResult {
  const refType = needStr(p, 'ref_type');
  if (refType === 'branch') {
    return ignore('branch creation: the push event for the branch starts push pipelines');
  }
  if (refType !== 'tag')
    throw new Malformed(`ref_type should be "tag" or "branch", is "${refType}"`);
  const event = start('tag', p);
  const tag = needStr(p, 'ref');
  // The payload names no commit: sha stays null for a later layer to resolve.
  return accept({ ...event, action: 'created', ref: `refs/tags/${tag}`, tag });
}

function releaseEvent(p: Payload): NormalizeResult {
  const event = start('release', p);
  needObj(p, 'release');
  const tag = needStr(p, 'release', 'tag_name');
  // target_commitish is usually a branch name; only a full sha says which commit.
  const commitish = str(p, 'release', 'target_commitish');
  return accept({
    ...event,
    action: str(p, 'action'),
    sha: isFullSha(commitish) ? commitish : null,
    ref: `refs/tags/${tag}`,
    tag,
    release: {
      tag,
      name: str(p, 'release', 'name'),
      draft: bool(p, 'release', 'draft') ?? false,
      prerelease: bool(p, 'release', 'prerelease') ?? false,
      url: str(p, 'release', 'html_url'),
    },
  });
}

function issueCommentEvent(p: Payload): NormalizeResult {
  const event = start('comment', p);
  needObj(p, 'issue');
  const number = needPrNumber(p, 'issue', 'number');
  needObj(p, 'comment');
  const comment = {
    id: needNum(p, 'comment', 'id'),
    body: str(p, 'comment', 'body') ?? '',
    author: str(p, 'comment', 'user', 'login') ?? '',
    author_association: str(p, 'comment', 'author_association'),
    url: str(p, 'comment', 'html_url'),
  };
  if (obj(p, 'issue', 'pull_request') === null) {
    const issue: Issue = {
      number,
      title: str(p, 'issue', 'title') ?? '',
      url: str(p, 'issue', 'html_url'),
      author: str(p, 'issue', 'user', 'login'),
      labels: strings(p, ['issue', 'labels'], 'name'),
      state: str(p, 'issue', 'state'),
    };
    return accept({ ...event, action: str(p, 'action'), issue, comment });
  }
  // GitHub sends neither head nor base with a comment: a later layer asks the API.
  const pr: PullRequest = {
    number,
    title: str(p, 'issue', 'title') ?? '',
    url: str(p, 'issue', 'pull_request', 'html_url') ?? str(p, 'issue', 'html_url'),
    author: str(p, 'issue', 'user', 'login'),
    head_sha: null,
    head_ref: null,
    base_ref: null,
    base_sha: null,
    labels: strings(p, ['issue', 'labels'], 'name'),
    draft: bool(p, 'issue', 'draft') ?? false,
    merged: str(p, 'issue', 'pull_request', 'merged_at') !== null,
    state: str(p, 'issue', 'state'),
    from_fork: null,
  };
  return accept({
    ...event,
    action: str(p, 'action'),
    pr,
    comment,
  });
}

/**
 * The Re-run button of a check run (`check_run` `rerequested`): GitHub sends it only to the App
 * that made the check run, and only a user with write access can press it. Its other actions
 * (created, completed: forgeflow's own posts coming back; requested_action) start nothing.
 */
function checkRunEvent(p: Payload): NormalizeResult {
  const action = str(p, 'action');
  if (action !== 'rerequested') return notRerun('check_run', action);
  needObj(p, 'check_run');
  return rerunEvent(p, needStr(p, 'check_run', 'head_sha'), {
    of: 'check_run',
    id: num(p, 'check_run', 'id'),
    name: needStr(p, 'check_run', 'name'),
    external_id: str(p, 'check_run', 'external_id') || null,
    app_id: num(p, 'check_run', 'app', 'id'),
  });
}

/** "Re-run all" (or failed) jobs of a commit's check suite (`check_suite` `rerequested`). */
function checkSuiteEvent(p: Payload): NormalizeResult {
  const action = str(p, 'action');
  if (action !== 'rerequested') return notRerun('check_suite', action);
  needObj(p, 'check_suite');
  return rerunEvent(p, needStr(p, 'check_suite', 'head_sha'), {
    of: 'check_suite',
    id: num(p, 'check_suite', 'id'),
    name: null,
    external_id: null,
    app_id: num(p, 'check_suite', 'app', 'id'),
  });
}

/** The commit the check is on; no branch (a suite's head_branch may be a fork's). */
function rerunEvent(p: Payload, sha: string, rerun: RerunRequest): NormalizeResult {
  return accept({ ...start('rerun', p), action: 'rerequested', sha, rerun });
}

function notRerun(eventName: string, action: string | null): NormalizeResult {
  const said = `${eventName} action "${truncate(action ?? 'none', 40)}"`;
  return ignore(
    action === 'requested_action'
      ? `${said}: forgeflow's check runs offer no actions`
      : `${said}: forgeflow acts only on "rerequested" (the Re-run button)`,
  );
}
