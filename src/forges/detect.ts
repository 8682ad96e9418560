/**
 * A payload file without its headers (`forgeflow plan --event payload.json`): which forge sent
 * it and which event it is. GitLab names its event in the body (`object_kind`); for GitHub the
 * name is only in a header, so it is inferred from the payload's distinctive keys.
 */
import type { Forge } from '../events/event.js';
import { isRecord } from './payload-readers.js';

export interface DetectedEvent {
  forge: Forge;
  /** `X-GitHub-Event` or `X-Gitlab-Event` as the forge would have sent it, or null when unknown. */
  eventName: string | null;
}

const GITLAB_HEADERS: Record<string, string> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  release: 'Release Hook',
  pipeline: 'Pipeline Hook',
  issue: 'Issue Hook',
};

export function detectEvent(payload: unknown): DetectedEvent {
  if (!isRecord(payload)) return { forge: 'github', eventName: null };
  if (typeof payload.object_kind === 'string') {
    return { forge: 'gitlab', eventName: GITLAB_HEADERS[payload.object_kind] ?? null };
  }
  return { forge: 'github', eventName: guessGitHubEvent(payload) };
}

function guessGitHubEvent(p: Record<string, unknown>): string | null {
  if (isRecord(p.pull_request) && !isRecord(p.review) && !isRecord(p.comment))
    return 'pull_request';
  if (isRecord(p.issue) && isRecord(p.comment)) return 'issue_comment';
  if (isRecord(p.release)) return 'release';
  if (typeof p.ref_type === 'string' && 'master_branch' in p) return 'create';
  if (typeof p.ref === 'string' && 'before' in p && 'after' in p) return 'push';
  if (typeof p.zen === 'string') return 'ping';
  return null;
}
