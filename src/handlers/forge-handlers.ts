/**
 * `forge.status` and `forge.comment`: commit statuses and pull/merge request comments on the
 * forge the run's event came from, through the forge clients (src/forges), which turn outages
 * and rate limits into retryable errors. Reported nodes post through `forge.status` too.
 * Without forge clients (`forgeflow run`) they are still known handlers, so a pipeline using
 * them compiles as it does on a server; they fail NotConfigured when they run.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import type { NodeEndFacts } from '../contracts/report-facts.js';
import type { ForgeClient, StatusState } from '../forges/client.js';
import type { ForgeClients } from '../forges/clients.js';
import { eventSha, repoRef } from '../forges/repo-ref.js';
import { notConfigured } from './not-configured.js';
import type { Handler, HandlerContext } from './types.js';
import { HandlerError } from '../contracts/errors.js';

export const forgeStatusSpec: HandlerSpec = {
  name: 'forge.status',
  description: "Set a commit status on the event's forge.",
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['state', 'context'],
    properties: {
      state: {
        enum: ['pending', 'running', 'success', 'failure', 'error', 'canceled', 'skipped'],
      },
      context: { type: 'string', description: 'The status name, e.g. build:fedora-41-x86_64.' },
      description: { type: 'string' },
      target_url: { type: 'string' },
      sha: { type: 'string', description: "Default: the event's commit." },
    },
  },
};

export const forgeCommentSpec: HandlerSpec = {
  name: 'forge.comment',
  description: "Comment on the event's pull or merge request.",
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['body'],
    properties: {
      body: { type: 'string', minLength: 1 },
      pr: { type: 'integer', description: "Default: the event's pull request." },
    },
  },
};

interface StatusInput {
  state: StatusState;
  context: string;
  description?: string;
  target_url?: string;
  sha?: string;
  /**
   * A reported node's end (report.ts statusInput): forgeflow's own, never a pipeline's (the
   * spec does not offer it, so no `with:` can set it); a GitHub App check run shows it.
   */
  facts?: NodeEndFacts;
}

interface CommentInput {
  body: string;
  pr?: number;
}

/** A handler that posts through the event's forge client, or fails NotConfigured without one. */
function onTheForge<Input>(
  spec: HandlerSpec,
  clients: ForgeClients | null,
  post: (forge: ForgeClient, input: Input, context: HandlerContext) => Promise<unknown>,
): Handler<Input> {
  return {
    spec,
    async run(input, context) {
      if (clients === null)
        throw notConfigured(
          `${spec.name} needs a forge client, which forgeflow run has not: it posts to the forge from forgeflow serve or forgeflow worker (with GITHUB_TOKEN, a GitHub App or GITLAB_TOKEN)`,
        );
      return post(clients[context.event.forge], input, context);
    },
  };
}

export function forgeStatusHandler(clients: ForgeClients | null): Handler<StatusInput> {
  return onTheForge<StatusInput>(forgeStatusSpec, clients, async (forge, input, context) => {
    const sha = input.sha ?? eventSha(context.event);
    if (sha === null)
      throw new HandlerError('NoCommit', 'the event names no commit to set a status on; pass sha', {
        nonRetryable: true,
      });
    await forge.setStatus(
      repoRef(context.event),
      sha,
      {
        context: input.context,
        state: input.state,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.target_url !== undefined ? { targetUrl: input.target_url } : {}),
        runId: context.runId,
        ...(input.facts !== undefined ? { facts: input.facts } : {}),
      },
      { signal: context.signal },
    );
    return { sha, context: input.context, state: input.state };
  });
}

export function forgeCommentHandler(clients: ForgeClients | null): Handler<CommentInput> {
  return onTheForge<CommentInput>(forgeCommentSpec, clients, async (forge, input, context) => {
    const pr = input.pr ?? context.event.pr?.number;
    if (pr === undefined)
      throw new HandlerError(
        'NoPullRequest',
        'the event is not about a pull or merge request; pass pr',
        { nonRetryable: true },
      );
    return forge.comment(repoRef(context.event), pr, input.body, { signal: context.signal });
  });
}
