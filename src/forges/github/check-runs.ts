/**
 * A status as a check run: the App's latest check run of that name on the commit is updated
 * while it is open; a finished one is left as history and a new run supersedes it (GitHub shows
 * the latest per name). Posting what the latest run already says is a no-op.
 */
import type { CallOptions } from '../client.js';
import { field, numberField, stringField } from '../json-fields.js';
import { urlSegment } from '../repo-paths.js';
import type { CheckRunFields } from './status-mapping.js';
import type { Session } from './sessions.js';
import type { GitHubTransport } from './transport.js';

export interface CheckRunTarget {
  repoPath: string;
  sha: string;
  appId: number | string | undefined;
  now: () => number;
  /** The run posting (CommitStatus.runId): GitHub echoes it in a Re-run's check_run webhook. */
  externalId?: string | undefined;
}

interface ExistingRun {
  id: number;
  status: string | undefined;
  conclusion: string | undefined;
  detailsUrl: string | undefined;
  title: string | undefined;
  summary: string | undefined;
}

export async function upsertCheckRun(
  transport: GitHubTransport,
  session: Session,
  target: CheckRunTarget,
  fields: CheckRunFields,
  call?: CallOptions,
): Promise<void> {
  const existing = await latestRun(transport, session, target, fields.name, call);
  if (existing !== null && same(existing, fields)) return;
  const completedAt =
    fields.status === 'completed' ? { completed_at: new Date(target.now()).toISOString() } : {};
  const externalId = target.externalId === undefined ? {} : { external_id: target.externalId };
  if (existing !== null && existing.status !== 'completed') {
    await transport.json(
      session,
      {
        method: 'PATCH',
        path: `${target.repoPath}/check-runs/${existing.id}`,
        body: { ...fields, ...completedAt, ...externalId },
      },
      call,
    );
    return;
  }
  await transport.json(
    session,
    {
      method: 'POST',
      path: `${target.repoPath}/check-runs`,
      body: { ...fields, head_sha: target.sha, ...completedAt, ...externalId },
    },
    call,
  );
}

async function latestRun(
  transport: GitHubTransport,
  session: Session,
  target: CheckRunTarget,
  name: string,
  call?: CallOptions,
): Promise<ExistingRun | null> {
  const appId =
    typeof target.appId === 'number' || /^\d+$/.test(target.appId ?? '') ? target.appId : undefined;
  const answer = await transport.json(
    session,
    {
      method: 'GET',
      path: `${target.repoPath}/commits/${urlSegment(target.sha, 'commit')}/check-runs`,
      query: { check_name: name, filter: 'latest', app_id: appId, per_page: 1 },
    },
    call,
  );
  const runs = field(answer, 'check_runs');
  const run: unknown = Array.isArray(runs) ? runs[0] : undefined;
  const id = numberField(run, 'id');
  if (id === undefined) return null;
  return {
    id,
    status: stringField(run, 'status'),
    conclusion: stringField(run, 'conclusion'),
    detailsUrl: stringField(run, 'details_url'),
    title: stringField(run, 'output', 'title'),
    summary: stringField(run, 'output', 'summary'),
  };
}

function same(run: ExistingRun, fields: CheckRunFields): boolean {
  return (
    run.status === fields.status &&
    (run.conclusion ?? undefined) === fields.conclusion &&
    (fields.details_url === undefined || run.detailsUrl === fields.details_url) &&
    run.title === fields.output.title &&
    run.summary === fields.output.summary
  );
}
