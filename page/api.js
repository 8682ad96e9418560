/**
 * The REST API as the page uses it (docs/api.md): reads, and the control calls that need the
 * API token (token.js asks for it and keeps it for the tab; it goes out as
 * `Authorization: Bearer …`). A read refused with 401 (a server with FORGEFLOW_API_READ=token)
 * asks for the token too, but only once: polling must not reopen a dialog the user closed.
 * Every failure becomes an ApiError carrying the problem's `detail`.
 */
import { forgetToken, requestToken, storedToken } from './token.js';

/** @import { Delivery, GraphSpec, HistoryPage, RunDetail, RunList, Validation } from './types.js' */

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status (0: no answer)
   * @param {string} code the problem's stable code
   * @param {string} title
   * @param {string} detail
   * @param {Record<string, unknown>} [problem] the whole problem document (`errors`, …)
   */
  constructor(status, code, title, detail, problem = {}) {
    super(`${title}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.problem = problem;
  }
}

/** The kept token when the user last closed the dialog for a read: no asking again for it. */
/** @type {string | null | undefined} */
let declinedWith;

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string | null} [token]
 * @returns {Promise<unknown>}
 */
async function request(method, path, body, token = storedToken()) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', 'No answer', `the server did not answer (${String(error)})`);
  }
  const text = await response.text();
  /** @type {unknown} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const problem = /** @type {{ code?: string, title?: string, detail?: string } | null} */ (json);
    throw new ApiError(
      response.status,
      problem?.code ?? `HTTP_${response.status}`,
      problem?.title ?? response.statusText ?? 'Request failed',
      problem?.detail ?? (text.slice(0, 300) || `${method} ${path} answered ${response.status}`),
      /** @type {Record<string, unknown>} */ (problem ?? {}),
    );
  }
  return json;
}

/**
 * A read: on 401, the token is asked for (unless declined for this token) and the read tried
 * again with it.
 * @param {string} path
 */
async function read(path) {
  try {
    return await request('GET', path);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    const kept = storedToken();
    if (kept === declinedWith) throw error;
    if (kept) forgetToken();
    const token = await requestToken('This server needs the API token to read runs.', !!kept);
    if (!token) {
      declinedWith = null;
      throw error;
    }
    return request('GET', path, undefined, token);
  }
}

/**
 * A control call with the token: asked for when none is kept, asked again when refused.
 * @param {string} path
 * @param {unknown} body
 * @param {string} what the action, for the dialog: `Retry`, `Cancel`, …
 */
async function control(path, body, what) {
  let refused = false;
  for (;;) {
    const token = storedToken() ?? (await requestToken(`${what} needs the API token.`, refused));
    if (!token)
      throw new ApiError(401, 'AUTH_REQUIRED', 'Token needed', 'no API token given: nothing done');
    try {
      return /** @type {{ outcome: string } & Record<string, unknown>} */ (
        await request('POST', path, body, token)
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      forgetToken();
      refused = true;
    }
  }
}

/** @param {string} id */
const runPath = (id) => `/api/v1/runs/${encodeURIComponent(id)}`;

export const api = {
  /** @param {URLSearchParams} query */
  runs: async (query) => /** @type {RunList} */ (await read(`/api/v1/runs?${query}`)),
  /** @param {string} id */
  run: async (id) => /** @type {RunDetail} */ (await read(runPath(id))),
  /** @param {string} id */
  graph: async (id) => /** @type {GraphSpec} */ (await read(`${runPath(id)}/graph`)),
  /** @param {string} id @param {number} after @param {number} limit */
  history: async (id, after, limit) =>
    /** @type {HistoryPage} */ (await read(`${runPath(id)}/history?after=${after}&limit=${limit}`)),
  /** @param {string} id */
  delivery: async (id) =>
    /** @type {Delivery} */ (await read(`/api/v1/deliveries/${encodeURIComponent(id)}`)),
  /** @param {string} id */
  cancel: (id) =>
    control(`${runPath(id)}/cancel`, { reason: 'canceled from the web page' }, 'Cancel'),
  /** @param {string} id */
  retry: (id) => control(`${runPath(id)}/retry`, undefined, 'Retry'),
  /** Diagnostics and declared inputs of a pipeline text (a read: no token needed unless reads need one). @param {string} pipeline */
  validate: async (pipeline) =>
    /** @type {Validation} */ (await request('POST', '/api/v1/validate', { pipeline })),
  /** Starts a manual run. @param {{ pipeline: string, repo?: string, inputs: Record<string, string | boolean> }} body */
  start: async (body) =>
    /** @type {{ run_id: string, created: boolean }} */ (
      /** @type {unknown} */ (await control('/api/v1/runs', body, 'Starting a run'))
    ),
  /** @param {string} id @param {string} name @param {unknown} payload */
  signal: (id, name, payload) =>
    control(`${runPath(id)}/signals/${encodeURIComponent(name)}`, { payload }, 'A signal'),
};
