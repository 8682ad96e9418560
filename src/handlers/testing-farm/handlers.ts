/**
 * `testing_farm.run` (submit one request) and `testing_farm.request` (its poll: read the
 * request). The submitted request's id is heartbeated before the handler returns, so an
 * attempt that crashed in between finds it in `lastHeartbeatDetails` and does not submit twice.
 */
import type {
  TestingFarmRequestRef,
  TestingFarmRequestState,
} from '../../compiler/packit/handler-inputs.js';
import { notConfigured } from '../not-configured.js';
import { testingFarmRequestSpec, testingFarmRunSpec } from '../packit-catalog.js';
import { recordSubmitted } from '../packit-submit.js';
import type { Handler } from '../types.js';
import { HandlerError } from '../types.js';
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

/** A client, or NotConfigured naming the missing setting. */
export function testingFarmClientFactory(
  settings: TestingFarmSettings,
  options: TestingFarmClientOptions = {},
): () => TestingFarmClient {
  let client: TestingFarmClient | null = null;
  return () => {
    const { token } = settings;
    if (token === null || token === '')
      throw notConfigured(
        'Testing Farm is not configured: set FORGEFLOW_TESTING_FARM_TOKEN (a Testing Farm API key; FORGEFLOW_TESTING_FARM_URL for another instance) to run tests jobs',
      );
    client ??= new TestingFarmClient({ ...settings, token }, options);
    return client;
  };
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
      const earlier = earlierRequest(context.lastHeartbeatDetails);
      if (earlier !== null && (await tf.get(earlier, context.signal)) !== null) {
        context.logger.info(
          { request_id: earlier },
          'testing_farm.run: an earlier attempt submitted this request; not submitting again',
        );
        return { request_id: earlier, url: tf.requestUrl(earlier) };
      }
      const id = await tf.submit(body, context.signal);
      await recordSubmitted(context, 'testing_farm.run', { testing_farm_request_id: id });
      return { request_id: id, url: tf.requestUrl(id) };
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
      const details = { request_id: id, url, state, result: overall, summary: request.summary };
      const summary = request.summary ? ` (${request.summary})` : '';
      if (!FINAL.includes(state)) return { request_id: id, url, state, result: null, ended: false };
      if (state === 'complete' && overall !== null && PASSED.includes(overall))
        return { request_id: id, url, state, result: overall, ended: true };
      if (state === 'complete' && overall === 'failed')
        throw new HandlerError('TestsFailed', `tests failed${summary}: ${url}`, {
          nonRetryable: true,
          details,
        });
      const what =
        state === 'canceled' || state === 'cancel-requested'
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
