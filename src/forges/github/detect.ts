/**
 * Which GitHub event a payload file is (`forgeflow plan --event payload.json`): GitHub names
 * its event only in the `X-GitHub-Event` header, so it is inferred from distinctive keys.
 */
import { isRecord } from '../payload-readers.js';

export function guessGitHubEvent(p: Readonly<Record<string, unknown>>): string | null {
  if (isRecord(p.pull_request) && !isRecord(p.review) && !isRecord(p.comment))
    return 'pull_request';
  if (isRecord(p.issue) && isRecord(p.comment)) return 'issue_comment';
  if (isRecord(p.release)) return 'release';
  if (isRecord(p.check_run)) return 'check_run';
  if (isRecord(p.check_suite)) return 'check_suite';
  if (typeof p.ref_type === 'string' && 'master_branch' in p) return 'create';
  if (typeof p.ref === 'string' && 'before' in p && 'after' in p) return 'push';
  if (typeof p.zen === 'string') return 'ping';
  return null;
}
