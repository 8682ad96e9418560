/**
 * A GitLab merge request as the forge-neutral `PullRequest`, and its actions in GitHub's words.
 *
 * Split from the normalizer because two hooks carry a merge request (the merge-request hook under
 * `object_attributes`, the note hook under `merge_request`) and both must read it the same way.
 */

import type { PullRequest } from '../../events/event.js';
import {
  arr,
  bool,
  needObj,
  needPrNumber,
  needStr,
  num,
  str,
  strings,
} from '../payload-readers.js';

type Payload = Record<string, unknown>;

/** A merge request read from `object_attributes` (MR hook) or `merge_request` (note hook). */
export function mergeRequest(p: Payload, at: 'object_attributes' | 'merge_request'): PullRequest {
  needObj(p, at);
  const number = needPrNumber(p, at, 'iid');
  const sourceProject = num(p, at, 'source_project_id');
  const targetProject = num(p, at, 'target_project_id');
  const state = str(p, at, 'state');
  // GitLab gives only author_id; `user` is whoever acted, the author only when the ids agree.
  const authorId = num(p, at, 'author_id');
  const author = authorId !== null && authorId === num(p, 'user', 'id');
  const labels =
    arr(p, at, 'labels') !== null
      ? strings(p, [at, 'labels'], 'title')
      : strings(p, ['labels'], 'title');
  return {
    number,
    title: str(p, at, 'title') ?? '',
    url: str(p, at, 'url'),
    author: author ? str(p, 'user', 'username') : null,
    head_sha: needStr(p, at, 'last_commit', 'id'),
    head_ref: str(p, at, 'source_branch'),
    base_ref: needStr(p, at, 'target_branch'),
    base_sha: null,
    labels,
    draft: bool(p, at, 'draft') ?? bool(p, at, 'work_in_progress') ?? false,
    merged: state === 'merged' || str(p, at, 'action') === 'merge',
    state,
    from_fork:
      sourceProject !== null && targetProject !== null ? sourceProject !== targetProject : null,
  };
}

/** GitLab's merge-request actions in GitHub's words; approvals pass through unchanged. */
export function mergeRequestAction(p: Payload): string | null {
  const action = str(p, 'object_attributes', 'action');
  switch (action) {
    case 'open':
      return 'opened';
    case 'reopen':
      return 'reopened';
    case 'close':
    case 'merge':
      return 'closed';
    case 'update':
      // oldrev is set only when the update pushed new commits.
      return (str(p, 'object_attributes', 'oldrev') ?? '') !== '' ? 'synchronize' : 'edited';
    default:
      return action;
  }
}
