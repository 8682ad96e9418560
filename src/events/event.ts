/**
 * The forge-neutral event: what a GitHub or GitLab webhook means, in one shape.
 *
 * Pipelines, triggers and expressions (`${{ event.pr.number }}`) read this shape, never a forge's
 * raw payload (that stays reachable under `payload`). Field names follow GitHub's vocabulary;
 * GitLab's are translated (`open` → `opened`, a merge-request update with new commits →
 * `synchronize`) so one pipeline works on both forges.
 */

import type { Forge } from './forges.js';

export type { Forge };

/**
 * - `pull_request`: a pull request (GitHub) or merge request (GitLab) changed.
 * - `push`: commits pushed to a branch (or a branch deleted: `deleted: true`).
 * - `tag`: a tag pushed (`action: "pushed"`), created (GitHub `create`), or deleted.
 * - `release`: a release published, created, edited, …
 * - `comment`: a comment on a pull/merge request, on a commit, or on an issue (`issue`).
 * - `manual`: started through the API or CLI.
 * - `schedule`: an `on.schedule` cron fired, for the repository's default branch.
 * - `rerun`: someone pressed a forge's "Re-run" on a check forgeflow reported (GitHub
 *   `check_run` / `check_suite` `rerequested`): it retries runs, it starts no pipeline, and no
 *   `on:` names it.
 */
export type EventKind =
  'pull_request' | 'push' | 'tag' | 'release' | 'comment' | 'manual' | 'schedule' | 'rerun';

export const EVENT_KINDS: readonly EventKind[] = [
  'pull_request',
  'push',
  'tag',
  'release',
  'comment',
  'manual',
  'schedule',
  'rerun',
];

export interface Repository {
  /** `owner/name`; for GitLab the full namespace path (`group/subgroup/project`). */
  full_name: string;
  owner: string;
  name: string;
  /** The forge's numeric id (GitLab project id, GitHub repository id). */
  id: number | null;
  html_url: string | null;
  clone_url: string | null;
  default_branch: string | null;
  private: boolean | null;
}

export interface Actor {
  login: string;
  id: number | null;
}

export interface PullRequest {
  number: number;
  title: string;
  /** Web page of the pull/merge request. */
  url: string | null;
  author: string | null;
  head_sha: string | null;
  head_ref: string | null;
  base_ref: string | null;
  base_sha: string | null;
  labels: string[];
  draft: boolean;
  merged: boolean;
  state: string | null;
  /** True when the head lives in another repository (a fork). */
  from_fork: boolean | null;
}

export interface Comment {
  id: number;
  body: string;
  author: string;
  /** GitHub's author_association (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, …); null on GitLab. */
  author_association: string | null;
  url: string | null;
}

/** The issue a comment was written on (a comment on an issue, not on a pull request). */
export interface Issue {
  number: number;
  title: string;
  url: string | null;
  author: string | null;
  labels: string[];
  state: string | null;
}

export interface Release {
  tag: string;
  name: string | null;
  draft: boolean;
  prerelease: boolean;
  url: string | null;
}

/** What a `rerun` event asks to re-run: one check run, or a whole check suite of a commit. */
export interface RerunRequest {
  /** `check_run`: the Re-run of one check run; `check_suite`: "Re-run all" of the commit's suite. */
  of: 'check_run' | 'check_suite';
  /** The check run's (or suite's) id on the forge. */
  id: number | null;
  /** The check run's name (a reported node's context); null for a suite. */
  name: string | null;
  /** The check run's `external_id` (forgeflow puts its run id there); null when empty. */
  external_id: string | null;
  /** The App that made the check run or suite: only forgeflow's own are acted on. */
  app_id: number | null;
}

export interface Event {
  forge: Forge;
  kind: EventKind;
  /** The forge's action, in GitHub's words: opened, synchronize, closed, created, published, pushed, … */
  action: string | null;
  repo: Repository;
  /**
   * The commit the event is about; null where the payload does not say (GitHub comment,
   * release and tag `create` payloads): the plan step asks the forge before a run starts.
   */
  sha: string | null;
  /** The full git ref (`refs/heads/main`, `refs/tags/v1.0`), where there is one. */
  ref: string | null;
  branch: string | null;
  tag: string | null;
  pr: PullRequest | null;
  /**
   * A comment's issue when it was written on an issue (`pr` is null then). Only `/packit`
   * commands act there (propose-downstream, help), as packit-service takes them.
   */
  issue?: Issue | null;
  comment: Comment | null;
  release: Release | null;
  sender: Actor;
  /**
   * Files changed, where the forge sends them (pushes), or, for a pull request whose `paths`
   * filter needs them, as the plan step read them from the forge; null when unknown or incomplete.
   */
  changed_paths: string[] | null;
  /** A push that deleted its branch or tag. */
  deleted: boolean;
  /** The raw payload, as the forge sent it. */
  payload: unknown;
  /** A `schedule` event's firing (its payload has the cron too, as GitHub's `event.schedule`). */
  schedule?: ScheduleFiring;
  /** A `rerun` event's check run or suite. */
  rerun?: RerunRequest;
  /**
   * A manual run's input values as given (the API's `inputs`, `--input k=v`): the compiler
   * checks them against `on.manual.inputs` and puts the typed values in the graph. Not secrets.
   */
  inputs?: Record<string, unknown>;
}

/** Which cron fired, for which due time, and what it stands for after downtime. */
export interface ScheduleFiring {
  cron: string;
  /** The IANA time zone the cron is read in (`UTC` when the pipeline names none). */
  timezone: string;
  /** The pipeline file that declares it. */
  path: string;
  /** The due time this firing stands for (ISO 8601, UTC): the latest one that has passed. */
  due_at: string;
  /**
   * Due times that passed while no forgeflow process was firing and were not fired on their
   * own: after downtime a schedule fires once, for the latest due time, and says so here.
   */
  missed: number;
  /** The first of the missed due times (ISO 8601), or null when none was missed. */
  missed_since: string | null;
}

/**
 * What normalizing a webhook gives: an event (with how many characters were replaced to store
 * it, when any were: see src/events/storable-json.ts), or the reason forgeflow ignores it.
 * `impossible` marks a payload holding what no forge sends (a pull request number past
 * 2^31−1 or with a fraction, a repository path that is none, nesting past MAX_JSON_DEPTH):
 * it is refused with a 4xx and recorded nowhere, where an ignored one is recorded.
 */
export type NormalizeResult =
  | { ok: true; event: Event; substituted?: number }
  | { ok: false; ignored: string; impossible?: true };
