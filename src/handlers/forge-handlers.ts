/**
 * `forge.status` and `forge.comment`: commit statuses and pull/merge request comments on the
 * forge the run's event came from, through the forge clients (src/forges), which turn outages
 * and rate limits into retryable errors. Reported nodes post through `forge.status` too.
 */
import type { ForgeClient, StatusState } from '../forges/client.js';
import type { ForgeClients } from '../forges/clients.js';
import { eventSha, repoRef } from '../forges/repo-ref.js';
import { forgeCommentSpec, forgeStatusSpec } from './catalog.js';
import { notConfigured } from './not-configured.js';
import type { Handler, HandlerContext } from './types.js';
import { HandlerError } from '../contracts/errors.js';

interface StatusInput {
  state: StatusState;
  context: string;
  description?: string;
  target_url?: string;
  sha?: string;
}

interface CommentInput {
  body: string;
  pr?: number;
}

function clientFor(clients: ForgeClients, context: HandlerContext): ForgeClient {
  return clients[context.event.forge];
}

export function forgeStatusHandler(clients: ForgeClients): Handler<StatusInput> {
  return {
    spec: forgeStatusSpec,
    async run(input, context) {
      const sha = input.sha ?? eventSha(context.event);
      if (sha === null)
        throw new HandlerError(
          'NoCommit',
          'the event names no commit to set a status on; pass sha',
          {
            nonRetryable: true,
          },
        );
      await clientFor(clients, context).setStatus(
        repoRef(context.event),
        sha,
        {
          context: input.context,
          state: input.state,
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.target_url !== undefined ? { targetUrl: input.target_url } : {}),
        },
        { signal: context.signal },
      );
      return { sha, context: input.context, state: input.state };
    },
  };
}

export function forgeCommentHandler(clients: ForgeClients): Handler<CommentInput> {
  return {
    spec: forgeCommentSpec,
    async run(input, context) {
      const pr = input.pr ?? context.event.pr?.number;
      if (pr === undefined)
        throw new HandlerError(
          'NoPullRequest',
          'the event is not about a pull or merge request; pass pr',
          { nonRetryable: true },
        );
      return clientFor(clients, context).comment(repoRef(context.event), pr, input.body, {
        signal: context.signal,
      });
    },
  };
}

export function forgeHandlers(clients: ForgeClients): Handler[] {
  return [forgeStatusHandler(clients), forgeCommentHandler(clients)] as Handler[];
}

/**
 * forge.status and forge.comment where there are no forge clients (`forgeflow run`): still
 * known handlers, so a pipeline using them compiles as it does on a server; they fail
 * NotConfigured when they run.
 */
export function noForgeHandlers(): Handler[] {
  return [forgeStatusSpec, forgeCommentSpec].map((spec) => ({
    spec,
    run: () =>
      Promise.reject(
        notConfigured(
          `${spec.name} needs a forge client, which forgeflow run has not: it posts to the forge from forgeflow serve or forgeflow worker (with GITHUB_TOKEN, a GitHub App or GITLAB_TOKEN)`,
        ),
      ),
  }));
}
