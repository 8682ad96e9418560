/**
 * forgeflow's status states in GitHub's two vocabularies: commit statuses (any token; four
 * states, so "running" is "pending", "canceled" is "error" and "skipped" is "success", each with
 * a description saying so) and check runs (Apps only; a status and a conclusion). A skipped job
 * is posted as GitHub Actions posts one: a check run concluded `skipped`, or, on the statuses
 * API, which has no such state, `success`: both satisfy a required check, as Actions' do.
 */
import type { CommitStatus, StatusState } from '../client.js';
import { nodeSummary } from '../node-summary.js';
import { truncate } from '../text.js';

/** GitHub answers 422 to a longer commit-status description. */
export const STATUS_DESCRIPTION_MAX = 140;
/** Check-run output titles are short; summaries may hold 65,535 characters. */
const TITLE_MAX = 140;
const SUMMARY_MAX = 65_535;

export type GitHubStatusState = 'pending' | 'success' | 'failure' | 'error';

export interface GitHubStatusBody {
  state: GitHubStatusState;
  context: string;
  description?: string;
  target_url?: string;
}

const STATUS_STATE: Record<StatusState, GitHubStatusState> = {
  pending: 'pending',
  running: 'pending',
  success: 'success',
  failure: 'failure',
  error: 'error',
  canceled: 'error',
  skipped: 'success',
};

/** Said when the caller gives no description, so what GitHub cannot show is still visible. */
const WORDS: Record<StatusState, string> = {
  pending: 'Queued',
  running: 'Running',
  success: 'Succeeded',
  failure: 'Failed',
  error: 'Errored',
  canceled: 'Canceled',
  skipped: 'Skipped',
};

export function commitStatusBody(status: CommitStatus): GitHubStatusBody {
  const lossy = STATUS_STATE[status.state] !== status.state;
  const description = status.description ?? (lossy ? WORDS[status.state] : undefined);
  return {
    state: STATUS_STATE[status.state],
    context: status.context,
    ...(description === undefined
      ? {}
      : { description: truncate(description, STATUS_DESCRIPTION_MAX) }),
    ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
  };
}

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';
export type CheckRunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface CheckRunFields {
  name: string;
  status: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  details_url?: string;
  output: { title: string; summary: string };
}

const CHECK_RUN: Record<StatusState, [CheckRunStatus, CheckRunConclusion?]> = {
  pending: ['queued'],
  running: ['in_progress'],
  success: ['completed', 'success'],
  failure: ['completed', 'failure'],
  error: ['completed', 'failure'],
  canceled: ['completed', 'cancelled'],
  skipped: ['completed', 'skipped'],
};

export function checkRunFields(status: CommitStatus): CheckRunFields {
  const [runStatus, conclusion] = CHECK_RUN[status.state];
  const text = status.description ?? WORDS[status.state];
  return {
    name: status.context,
    status: runStatus,
    ...(conclusion === undefined ? {} : { conclusion }),
    ...(status.targetUrl === undefined ? {} : { details_url: status.targetUrl }),
    output: {
      title: truncate(text, TITLE_MAX),
      // A node's end shows its facts (node-summary.ts); the states before it, their words.
      summary: truncate(status.facts ? nodeSummary(status.facts) : text, SUMMARY_MAX),
    },
  };
}
