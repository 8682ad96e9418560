/**
 * What the rest of forgeflow asks of a forge's REST API, whichever forge it is: read a file at a
 * commit, report a commit status, comment on a pull/merge request, and the few look-ups the
 * trust rules need (DESIGN.md §4a). GitHub and GitLab implement it in `github/client.ts` and
 * `gitlab/client.ts`; `clients.ts` builds both from the operator's settings.
 *
 * Every method throws a `HandlerError` (src/contracts/errors.ts) on failure, typed so the
 * runtime's retry policy applies (see `http-errors.ts`), and never a token in its message.
 */
import type { NodeEndFacts } from '../contracts/report-facts.js';
import type { Forge } from '../events/event.js';
import type { ChangedFiles, PullRequestCommits } from './changed-files.js';

export type { Forge };
export type { ChangedFiles, PullRequestCommits };

export interface RepoRef {
  forge: Forge;
  /** `owner/name`; GitLab: the full namespace path (`group/subgroup/project`). */
  full_name: string;
  /** GitLab project id, GitHub repository id. */
  id: number | null;
  /** GitHub App installation id from the webhook payload (`installation.id`). */
  installationId?: number | null;
}

/** `skipped`: a reported job that did not run (its `if:` false, or a need failed). */
export type StatusState =
  'pending' | 'running' | 'success' | 'failure' | 'error' | 'canceled' | 'skipped';

export const STATUS_STATES: readonly StatusState[] = [
  'pending',
  'running',
  'success',
  'failure',
  'error',
  'canceled',
  'skipped',
];

export interface CommitStatus {
  /** GitHub status context / check-run name; GitLab status name. */
  context: string;
  state: StatusState;
  description?: string;
  targetUrl?: string;
  /**
   * The forgeflow run posting it. A GitHub App's check run carries it as `external_id`, which
   * GitHub sends back when someone presses Re-run on it, so the Re-run names its run.
   */
  runId?: string;
  /** A reported node's end: a GitHub App check run shows it as its summary; others ignore it. */
  facts?: NodeEndFacts;
}

/** Per call: a caller's AbortSignal (a handler's `context.signal`), on top of the client's timeout. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What pullRequestHead answers. */
export interface PullRequestHead {
  sha: string;
  ref: string;
  /** The target branch, where the forge says. */
  baseRef: string | null;
}

/**
 * Where a comment is: a pull/merge request, by its number, or an issue. Both forges number
 * them apart (GitLab's `!5` and `#5` are two things), so the issue is said.
 */
export type Thread = number | { issue: number };

/** The latest release of a repository, as `latestRelease` answers. */
export interface LatestRelease {
  tag: string;
  name: string | null;
  url: string | null;
}

/** A reaction on a comment, in GitHub's words (GitLab's award emoji: `+1` is `thumbsup`, …). */
export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface ForgeClient {
  readonly forge: Forge;
  /**
   * The App this client posts check runs as (a GitHub App's id), absent when it posts commit
   * statuses only: a Re-run of a check made by another App is not forgeflow's to act on.
   */
  readonly appId?: string;
  /** The file's text at `ref` (always pass a commit sha), or null when there is no such file (404). */
  readFile(repo: RepoRef, path: string, ref: string, options?: CallOptions): Promise<string | null>;
  /**
   * Sets a commit status (GitHub: commit status, or a check run when authenticated as an App;
   * GitLab: commit status). Idempotent: a repeated state is a no-op, GitLab's 400 "Cannot
   * transition status" included.
   */
  setStatus(repo: RepoRef, sha: string, status: CommitStatus, options?: CallOptions): Promise<void>;
  /** A comment on a pull/merge request or an issue (GitHub issue comment; GitLab note). */
  comment(
    repo: RepoRef,
    on: Thread,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null }>;
  /**
   * Replaces the body of a comment forgeflow posted on a pull/merge request (GitHub issue
   * comment, GitLab MR note); null when it is gone (deleted: 404).
   */
  updateComment(
    repo: RepoRef,
    pr: number,
    commentId: number,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null } | null>;
  /**
   * Head sha and branch of a pull/merge request, and the branch it targets (GitHub comment
   * payloads carry neither). null when not found.
   */
  pullRequestHead(
    repo: RepoRef,
    pr: number,
    options?: CallOptions,
  ): Promise<PullRequestHead | null>;
  /**
   * The commit a tag points at, an annotated tag peeled to its commit (a release names its tag,
   * not its commit; GitHub's `create` names no commit). null when the forge has no such tag.
   */
  tagCommit(repo: RepoRef, tag: string, options?: CallOptions): Promise<string | null>;
  /**
   * The files a pull/merge request changes (a renamed file with its old and new path), read
   * page by page within `CHANGED_FILES_LIMITS` (changed-files.ts) and kept per head commit;
   * `{paths: null, why}` when the list cannot be known whole. null when the forge no longer
   * knows the pull request (404).
   */
  changedFiles(
    repo: RepoRef,
    pr: PullRequestCommits,
    options?: CallOptions,
  ): Promise<ChangedFiles | null>;
  /**
   * The repository's latest release (GitHub: the latest published, non-prerelease one; GitLab:
   * the newest by release date); null when it has none. `/packit propose-downstream` on an
   * issue acts on it, as packit-service does.
   */
  latestRelease(repo: RepoRef, options?: CallOptions): Promise<LatestRelease | null>;
  /** The commit a branch points at (an untrusted author's PR config is read from the base branch head). null when not found. */
  branchHead(repo: RepoRef, branch: string, options?: CallOptions): Promise<string | null>;
  /**
   * GitLab: the user's access level in the project (members/all, inherited included; 30 =
   * developer), null when not a member. GitHub: null (author_association comes in the payload).
   */
  accessLevel(repo: RepoRef, userId: number, options?: CallOptions): Promise<number | null>;
  /**
   * A reaction on a comment of a pull/merge request or an issue (GitHub: on the issue comment;
   * GitLab: an award emoji on the note). Idempotent: a reaction already there is done.
   */
  react(
    repo: RepoRef,
    on: Thread,
    commentId: number,
    reaction: Reaction,
    options?: CallOptions,
  ): Promise<void>;
}
