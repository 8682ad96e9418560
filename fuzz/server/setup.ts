/**
 * What the fuzzer and its server child agree on: the secrets the server is configured with
 * (the fuzzer signs with them), the repository the fake forges hold, and the shapes of a case
 * (one HTTP request) and of its answer.
 */

export const WEBHOOK_SECRET = 'fuzz-github-webhook-secret';
export const GITLAB_WEBHOOK_TOKEN = 'fuzz-gitlab-webhook-token';
export const API_TOKEN = 'fuzz-api-token';
export const GITHUB_API_TOKEN = 'fuzz-github-api-token';
export const GITLAB_API_TOKEN = 'fuzz-gitlab-api-token';

/** A repository both fake forges hold, with a pipeline.yaml on `main`. */
export const REPO = 'octo/app';
export const REPO_SHA = 'c0ffee'.padEnd(40, '0');
export const REPO_PIPELINE = `version: 1
on: [manual, push, pull_request]
jobs:
  wait:
    wait_for: { signal: go, timeout: 1d }
  build:
    needs: [wait]
    uses: exec
    with: { command: [echo, "\${{ event.sha }}"] }
`;

export type ServerInit = {
  db: { kind: 'pglite'; snapshot: string } | { kind: 'postgres'; url: string };
};

/** Placeholders a URL may hold, replaced by the child with what it seeded. */
export const PLACEHOLDERS = ['{queued}', '{finished}', '{delivery}'] as const;

export interface HttpCase {
  /** `open`: reads need no token; `guarded`: FORGEFLOW_API_READ=token. */
  app: 'open' | 'guarded';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** After a 2xx webhook: read the delivery and its plan run back through the API. */
  readBack?: boolean;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  /** The problem document's code, when there is one. */
  code: string | null;
  detail: string;
  /** Tables whose row counts the request changed. */
  rowsChanged: string[];
  /** What the fake forges were asked during the request: `github GET /repos/… -> 404`. */
  forgeRequests: string[];
  /** What the server logged as an error during the request (the cause of a 500). */
  serverErrors: string[];
  /** Diagnostics in the answer that break their contract. */
  badDiagnostic: {
    outcome: 'internal-compiler-error' | 'diagnostic-without-line-col';
    detail: string;
  } | null;
  /** Reading back what a webhook stored: the first status ≥ 500, if any. */
  readBackFailure: string | null;
}
