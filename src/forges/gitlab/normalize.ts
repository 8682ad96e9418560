/**
 * GitLab webhook payload → forge-neutral `Event`.
 *
 * The only place that knows GitLab's payload shapes. Its job beyond reading fields is translation:
 * GitLab's vocabulary (merge requests, `open`, `update`, notes, tag_push) becomes GitHub's
 * (pull requests, `opened`, `synchronize`, comments, tags), so one pipeline definition triggers
 * the same way on both forges. `object_kind` in the body is the source of truth; the
 * `X-Gitlab-Event` header is only a fallback. Payloads are untrusted: a missing or mistyped field
 * gives an `ignored` reason, never an exception.
 */

import type {
  Actor,
  Event,
  Issue,
  NormalizeResult,
  PullRequest,
  Repository,
} from '../../events/event.js';
import { GITLAB_RELEASE_ACTION } from '../../contracts/release-actions.js';
import { mergeRequest, mergeRequestAction } from './merge-request.js';
import {
  accept,
  arr,
  at,
  baseEvent,
  describeValue,
  bool,
  commitPaths,
  guard,
  ignore,
  isNullSha,
  isRecord,
  needNum,
  needObj,
  needPrNumber,
  needRepoName,
  needStr,
  num,
  splitFullName,
  splitRef,
  str,
  strings,
} from '../payload-readers.js';

type Payload = Record<string, unknown>;

export const GITLAB_HANDLED_KINDS = [
  'merge_request',
  'push',
  'tag_push',
  'note',
  'release',
] as const;

/** `X-Gitlab-Event` → `object_kind`, for bodies that lack one. */
const HEADER_KINDS: ReadonlyMap<string, string> = new Map([
  ['Push Hook', 'push'],
  ['Tag Push Hook', 'tag_push'],
  ['Merge Request Hook', 'merge_request'],
  ['Note Hook', 'note'],
  ['Confidential Note Hook', 'note'],
  ['Release Hook', 'release'],
  ['Pipeline Hook', 'pipeline'],
  ['Job Hook', 'build'],
  ['Issue Hook', 'issue'],
  ['Confidential Issue Hook', 'issue'],
  ['Wiki Page Hook', 'wiki_page'],
  ['Deployment Hook', 'deployment'],
]);

/** GitLab's visibility_level for public projects (0 private, 10 internal). */
const PUBLIC_VISIBILITY = 20;

export function normalizeGitLab(eventHeader: string | null, payload: unknown): NormalizeResult {
  if (!isRecord(payload)) return ignore('malformed GitLab payload: not a JSON object');
  const objectKind = at(payload, ['object_kind']);
  if (objectKind !== undefined && typeof objectKind !== 'string') {
    return ignore(
      `malformed GitLab payload: object_kind should be a string, is ${describeValue(objectKind)}`,
    );
  }
  const kind =
    typeof objectKind === 'string'
      ? objectKind
      : eventHeader === null
        ? undefined
        : HEADER_KINDS.get(eventHeader);
  if (kind === undefined) {
    return ignore(
      eventHeader === null
        ? 'GitLab payload has no object_kind and no X-Gitlab-Event header'
        : `GitLab event "${eventHeader}" is not one forgeflow handles and the payload has no object_kind`,
    );
  }
  const handler = handlerFor(kind);
  if (handler === null) {
    return ignore(
      `GitLab ${kind} event is not one forgeflow handles ` +
        `(it handles ${GITLAB_HANDLED_KINDS.join(', ')})`,
    );
  }
  return guard(`GitLab ${kind} payload`, () => handler(payload));
}

function handlerFor(kind: string): ((p: Payload) => NormalizeResult) | null {
  switch (kind) {
    case 'merge_request':
      return mergeRequestEvent;
    case 'push':
    case 'tag_push':
      return pushEvent;
    case 'note':
      return noteEvent;
    case 'release':
      return releaseEvent;
    default:
      return null;
  }
}

function repository(p: Payload): Repository {
  needObj(p, 'project');
  const full_name = needRepoName('gitlab', p, 'project', 'path_with_namespace');
  const { owner, name } = splitFullName(full_name);
  const level = num(p, 'project', 'visibility_level');
  // Some payloads (group hooks) carry `visibility: "public"` instead of the numeric level.
  const visibility = str(p, 'project', 'visibility');
  return {
    full_name,
    owner,
    name,
    id: num(p, 'project', 'id'),
    html_url: str(p, 'project', 'web_url'),
    clone_url: str(p, 'project', 'git_http_url'),
    default_branch: str(p, 'project', 'default_branch'),
    private:
      level !== null
        ? level !== PUBLIC_VISIBILITY
        : visibility !== null
          ? visibility !== 'public'
          : null,
  };
}

/** Push payloads name the pusher flat (`user_username`), the others under `user`. */
function sender(p: Payload): Actor {
  if (str(p, 'user_username') !== null || str(p, 'user_name') !== null) {
    return { login: str(p, 'user_username') ?? str(p, 'user_name') ?? '', id: num(p, 'user_id') };
  }
  // Release payloads name nobody: an empty login matches no allow-list.
  return { login: str(p, 'user', 'username') ?? '', id: num(p, 'user', 'id') };
}

function start(kind: Event['kind'], p: Payload): Event {
  return baseEvent('gitlab', kind, repository(p), sender(p), p);
}

function onMergeRequest(event: Event, pr: PullRequest): Event {
  return {
    ...event,
    sha: pr.head_sha,
    ref: `refs/merge-requests/${pr.number}/head`,
    branch: pr.base_ref,
    pr,
  };
}

function mergeRequestEvent(p: Payload): NormalizeResult {
  const event = start('pull_request', p);
  const pr = mergeRequest(p, 'object_attributes');
  return accept({ ...onMergeRequest(event, pr), action: mergeRequestAction(p) });
}

function pushEvent(p: Payload): NormalizeResult {
  const event = start('push', p);
  const ref = needStr(p, 'ref');
  const target = splitRef(ref);
  if (target === null) return ignore(`GitLab push to ${ref}: neither a branch nor a tag`);
  const after = str(p, 'after');
  const deleted = isNullSha(after);
  const commits = arr(p, 'commits');
  // GitLab sends at most 20 commits; total_commits_count says how many were pushed.
  const total = num(p, 'total_commits_count');
  const complete = commits !== null && (total === null || total <= commits.length);
  return accept({
    ...event,
    kind: target.type === 'branch' ? 'push' : 'tag',
    action: deleted ? 'deleted' : 'pushed',
    sha: deleted ? null : (str(p, 'checkout_sha') ?? after),
    ref,
    branch: target.type === 'branch' ? target.name : null,
    tag: target.type === 'tag' ? target.name : null,
    changed_paths: complete ? commitPaths(commits) : null,
    deleted,
  });
}

/** Older GitLab sends notes without an action; its note hook fired only for new comments. */
function noteAction(p: Payload): string | null {
  const action = str(p, 'object_attributes', 'action');
  if (action === null || action === 'create') return 'created';
  if (action === 'update') return 'edited';
  return action;
}

function noteEvent(p: Payload): NormalizeResult {
  const type = needStr(p, 'object_attributes', 'noteable_type');
  if (type !== 'MergeRequest' && type !== 'Commit' && type !== 'Issue') {
    return ignore(`GitLab note on ${type}, not on a merge request, commit or issue`);
  }
  const event: Event = {
    ...start('comment', p),
    action: noteAction(p),
    comment: {
      id: needNum(p, 'object_attributes', 'id'),
      body: str(p, 'object_attributes', 'note') ?? '',
      author: str(p, 'user', 'username') ?? '',
      author_association: null,
      url: str(p, 'object_attributes', 'url'),
    },
  };
  if (type === 'MergeRequest') {
    return accept(onMergeRequest(event, mergeRequest(p, 'merge_request')));
  }
  if (type === 'Issue') return accept({ ...event, issue: noteIssue(p) });
  return accept({ ...event, sha: needStr(p, 'commit', 'id') });
}

/** The issue of a note hook (`issue`); its page is the note's URL without the anchor. */
function noteIssue(p: Payload): Issue {
  needObj(p, 'issue');
  const authorId = num(p, 'issue', 'author_id');
  const byActor = authorId !== null && authorId === num(p, 'user', 'id');
  return {
    number: needPrNumber(p, 'issue', 'iid'),
    title: str(p, 'issue', 'title') ?? '',
    url: str(p, 'issue', 'url') ?? str(p, 'object_attributes', 'url')?.split('#')[0] ?? null,
    author: byActor ? str(p, 'user', 'username') : null,
    labels: strings(p, ['issue', 'labels'], 'title'),
    state: str(p, 'issue', 'state'),
  };
}

function releaseEvent(p: Payload): NormalizeResult {
  const event = start('release', p);
  const tag = needStr(p, 'tag');
  const action = str(p, 'action');
  return accept({
    ...event,
    // In GitHub's words (contracts/release-actions.ts); the raw word stays in event.payload.
    action: action === null ? null : (GITLAB_RELEASE_ACTION.get(action) ?? action),
    sha: str(p, 'commit', 'id'),
    ref: `refs/tags/${tag}`,
    tag,
    release: {
      tag,
      name: str(p, 'name'),
      draft: false,
      prerelease: bool(p, 'upcoming_release') ?? false,
      url: str(p, 'url'),
    },
  });
}
