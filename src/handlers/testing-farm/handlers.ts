/**
 * `testing_farm.run` (submit one request) and `testing_farm.request` (its poll: read the
 * request). The submitted request's id is heartbeated before the handler returns, so an
 * attempt that crashed in between finds it in `lastHeartbeatDetails` and does not submit twice.
 */
import type {
  TestingFarmRequestRef,
  TestingFarmRequestState,
} from '../../compiler/packit/handler-inputs.js';
import { testingFarmRequestSpec, testingFarmRunSpec } from './specs.js';
import { lazyClient, submitOnce } from '../packit-submit.js';
import type { Handler } from '../types.js';
import { HandlerError } from '../../contracts/errors.js';
import {
  TestingFarmClient,
  type TestingFarmClientOptions,
  type TestingFarmSettings,
} from './client.js';
import { testingFarmRequestBody, type TestingFarmRunRunInput } from './request-body.js';

export type TestingFarmRequestRunInput = Pick<TestingFarmRequestRef, 'request_id'> &
  Partial<TestingFarmRequestRef>;

/**
 * Request states that will not change any more (`complete` says more in result.overall);
 * new, queued, running and states this code does not know yet are waited on.
 */
const FINAL = ['complete', 'error', 'canceled', 'cancel-requested'];
const PASSED = ['passed', 'skipped'];

/** packit-service's words (its TestingFarmHandler and TestingFarmResultsHandler). */
export const TESTING_FARM_WORDS = {
  submitted: 'Tests have been submitted ...',
  running: 'Tests are running ...',
  passed: 'Tests passed ...',
  failed: 'Tests failed ...',
  canceled: 'Tests canceled ...',
  error: 'Error ...',
} as const;

/** A status linking to the request's artifacts: Testing Farm's summary first, as Packit shows it. */
function told(description: string, url: string, summary?: string | null) {
  return {
    state: 'running' as const,
    description: summary ? summary : description,
    target_url: url,
  };
}

/** A client, or NotConfigured naming the missing setting. */
export function testingFarmClientFactory(
  settings: TestingFarmSettings,
  options: TestingFarmClientOptions = {},
): () => TestingFarmClient {
  return lazyClient(
    () =>
      settings.token
        ? null
        : 'Testing Farm is not configured: set FORGEFLOW_TESTING_FARM_TOKEN (a Testing Farm API key; FORGEFLOW_TESTING_FARM_URL for another instance) to run tests jobs',
    () => new TestingFarmClient({ ...settings, token: settings.token! }, options),
  );
}

function earlierRequest(details: unknown): string | null {
  const id = (details as { testing_farm_request_id?: unknown } | null | undefined)
    ?.testing_farm_request_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

export function testingFarmRunHandler(
  client: () => TestingFarmClient,
): Handler<TestingFarmRunRunInput, TestingFarmRequestRef> {
  return {
    spec: testingFarmRunSpec,
    async run(input, context) {
      const tf = client();
      const { body, ignored } = testingFarmRequestBody(input);
      if (ignored.length > 0)
        context.logger.warn(
          { ignored },
          'testing_farm.run: only test, environments and settings of tf_extra_params are merged',
        );
      const id = await submitOnce(context, 'testing_farm.run', {
        earlier: earlierRequest,
        exists: async (earlier) => (await tf.get(earlier, context.signal)) !== null,
        submit: () => tf.submit(body, context.signal),
        record: (requestId) => ({ testing_farm_request_id: requestId }),
      });
      const url = tf.requestUrl(id);
      context.log.line('system', `Testing Farm request ${id}: ${url}`);
      return { request_id: id, url, status: told(TESTING_FARM_WORDS.submitted, url) };
    },
  };
}

export function testingFarmRequestHandler(
  client: () => TestingFarmClient,
): Handler<TestingFarmRequestRunInput, TestingFarmRequestState> {
  return {
    spec: testingFarmRequestSpec,
    async run(input, context) {
      const tf = client();
      const id = input.request_id;
      const url = input.url ?? tf.requestUrl(id);
      const request = await tf.get(id, context.signal);
      if (request === null)
        throw new HandlerError('TestingFarmNotFound', `Testing Farm has no request ${id}`, {
          nonRetryable: true,
        });
      const { state, overall } = request;
      const base = { request_id: id, url, state, result: overall, summary: request.summary };
      const summary = request.summary ? ` (${request.summary})` : '';
      if (!FINAL.includes(state)) {
        const words =
          state === 'running' ? TESTING_FARM_WORDS.running : TESTING_FARM_WORDS.submitted;
        return { request_id: id, url, state, result: null, ended: false, status: told(words, url) };
      }
      if (state === 'complete' && overall !== null && PASSED.includes(overall)) {
        const status = told(TESTING_FARM_WORDS.passed, url, request.summary);
        return { request_id: id, url, state, result: overall, ended: true, status };
      }
      if (state === 'complete' && overall === 'failed')
        throw new HandlerError('TestsFailed', `tests failed${summary}: ${url}`, {
          nonRetryable: true,
          details: { ...base, status: told(TESTING_FARM_WORDS.failed, url, request.summary) },
        });
      const canceled = state === 'canceled' || state === 'cancel-requested';
      const details = {
        ...base,
        status: told(
          canceled ? TESTING_FARM_WORDS.canceled : TESTING_FARM_WORDS.error,
          url,
          request.summary,
        ),
      };
      const what = canceled
        ? 'was canceled'
        : state === 'complete'
          ? `ended with result ${overall ?? 'none'}`
          : `ended in state ${state}`;
      throw new HandlerError(
        'TestingFarmError',
        `Testing Farm request ${id} ${what}${summary}: ${url}`,
        {
          nonRetryable: true,
          details,
        },
      );
    },
  };
}
