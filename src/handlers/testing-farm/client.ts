/**
 * A client of the Testing Farm API v0.1: submit a request (`POST /v0.1/requests`) and read one
 * (`GET /v0.1/requests/{id}`). The token (FORGEFLOW_TESTING_FARM_TOKEN) goes in an
 * `Authorization: Bearer` header, never in the body.
 */
import { stringField } from '../../forges/json-fields.js';
import { JsonService, trimUrl } from '../packit-http.js';
import { HandlerError } from '../../contracts/errors.js';

export const DEFAULT_TESTING_FARM_URL = 'https://api.testing-farm.io';
/** Where Testing Farm keeps a request's results (its artifacts viewer): `<this>/<request id>`. */
export const DEFAULT_TESTING_FARM_ARTIFACTS_URL = 'https://artifacts.dev.testing-farm.io';

export interface TestingFarmSettings {
  /** The API (FORGEFLOW_TESTING_FARM_URL); `/v0.1` is added unless it is there. */
  url: string;
  /** The API token (FORGEFLOW_TESTING_FARM_TOKEN). */
  token: string | null;
  /** The artifacts viewer (FORGEFLOW_TESTING_FARM_ARTIFACTS_URL). */
  artifactsUrl: string;
}

export interface TestingFarmClientOptions {
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** `GET /v0.1/requests/{id}`: the fields forgeflow reads. */
export interface TestingFarmRequest {
  id: string;
  /** new, queued, running, complete, error, canceled, cancel-requested */
  state: string;
  /** `result.overall`: passed, failed, error, skipped, unknown; null while it runs. */
  overall: string | null;
  summary: string | null;
  /** `run.artifacts`, once known. */
  artifacts: string | null;
}

export class TestingFarmClient {
  readonly artifactsUrl: string;
  private readonly api: JsonService;

  constructor(
    settings: TestingFarmSettings & { token: string },
    options: TestingFarmClientOptions = {},
  ) {
    const base = trimUrl(settings.url);
    this.artifactsUrl = trimUrl(settings.artifactsUrl);
    this.api = new JsonService({
      name: 'Testing Farm',
      errorPrefix: 'TestingFarm',
      apiUrl: base.endsWith('/v0.1') ? base : `${base}/v0.1`,
      headers: { authorization: `Bearer ${settings.token}` },
      secrets: [settings.token],
      authHint:
        'check FORGEFLOW_TESTING_FARM_TOKEN (a Testing Farm API key) and FORGEFLOW_TESTING_FARM_URL',
      explain: testingFarmError,
      ...options,
    });
  }

  /** Submits a request; answers its id. */
  async submit(body: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    const answer = await this.api.send({ method: 'POST', path: '/requests', body }, signal);
    const id = stringField(answer, 'id');
    if (id === undefined || id === '')
      throw new HandlerError(
        'TestingFarmBadResponse',
        'Testing Farm POST /requests: no id in the answer',
      );
    return id;
  }

  /** The request, or null when Testing Farm does not know it (404). */
  async get(id: string, signal?: AbortSignal): Promise<TestingFarmRequest | null> {
    const answer = await this.api.send(
      { method: 'GET', path: `/requests/${encodeURIComponent(id)}`, notFoundIsNull: true },
      signal,
    );
    if (answer === null) return null;
    const state = stringField(answer, 'state');
    if (state === undefined)
      throw new HandlerError(
        'TestingFarmBadResponse',
        `Testing Farm GET /requests/${id}: no state in the answer`,
      );
    return {
      id: stringField(answer, 'id') ?? id,
      state,
      overall: stringField(answer, 'result', 'overall') ?? null,
      summary: stringField(answer, 'result', 'summary') ?? null,
      artifacts: stringField(answer, 'run', 'artifacts') ?? null,
    };
  }

  requestUrl(id: string): string {
    return `${this.artifactsUrl}/${encodeURIComponent(id)}`;
  }
}

/** Testing Farm explains in `message`, validation errors in `errors` (or FastAPI's `detail`). */
function testingFarmError(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    return trimmed === '' || trimmed.startsWith('<') ? undefined : trimmed;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, errors, detail } = body as Record<string, unknown>;
  const parts = [message, errors, detail]
    .filter((part) => part !== undefined && part !== null)
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
  return parts.length === 0 ? undefined : parts.join('; ');
}
