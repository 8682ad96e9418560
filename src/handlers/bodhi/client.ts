/**
 * A client of Bodhi's REST API (what bodhi-client speaks): the CSRF token (`GET /csrf`), the
 * updates of a build (`GET /updates/?builds=NVR`) and a new update (`POST /updates/`).
 * Authentication is an OIDC access token sent as a bearer token (FORGEFLOW_BODHI_TOKEN);
 * Bodhi answers errors as `{"status": "error", "errors": [{"name", "description"}]}`, shown in
 * the HandlerError without the token.
 */
import { HandlerError } from '../../contracts/errors.js';
import { JsonService, trimUrl } from '../packit-http.js';

export const DEFAULT_BODHI_URL = 'https://bodhi.fedoraproject.org';

export interface BodhiSettings {
  /** The Bodhi instance (FORGEFLOW_BODHI_URL). */
  url: string;
  /** An OIDC access token of the account updates are made as (FORGEFLOW_BODHI_TOKEN). */
  token: string | null;
}

export interface BodhiClientOptions {
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface BodhiUpdate {
  alias: string;
  url: string;
  status: string;
  nvrs: string[];
}

const MAX_UPDATES = 100;

export class BodhiClient {
  readonly webUrl: string;
  private readonly api: JsonService;

  constructor(settings: BodhiSettings & { token: string }, options: BodhiClientOptions = {}) {
    this.webUrl = trimUrl(settings.url);
    this.api = new JsonService({
      name: 'Bodhi',
      errorPrefix: 'Bodhi',
      apiUrl: this.webUrl,
      headers: { authorization: `Bearer ${settings.token}` },
      secrets: [settings.token],
      authHint:
        'check FORGEFLOW_BODHI_TOKEN (an OIDC access token of the Fedora account, e.g. from bodhi-client login) and that the account may make updates of the package',
      explain: bodhiError,
      ...options,
    });
  }

  async csrfToken(signal?: AbortSignal): Promise<string> {
    const body = (await this.api.send({ method: 'GET', path: '/csrf' }, signal)) as {
      csrf_token?: unknown;
    } | null;
    const token = body?.csrf_token;
    if (typeof token !== 'string' || token === '' || token.length > 1000)
      throw badAnswer('GET /csrf', 'no csrf_token');
    return token;
  }

  /** The updates holding build `nvr`. */
  async updatesOf(nvr: string, signal?: AbortSignal): Promise<BodhiUpdate[]> {
    const body = (await this.api.send(
      { method: 'GET', path: '/updates/', query: { builds: nvr } },
      signal,
    )) as { updates?: unknown } | null;
    if (!Array.isArray(body?.updates)) throw badAnswer('GET /updates/', 'no updates list');
    return body.updates.slice(0, MAX_UPDATES).map((u) => this.updateOf(u, 'GET /updates/'));
  }

  async createUpdate(fields: Record<string, unknown>, signal?: AbortSignal): Promise<BodhiUpdate> {
    const body = await this.api.send({ method: 'POST', path: '/updates/', body: fields }, signal);
    return this.updateOf(body, 'POST /updates/');
  }

  private updateOf(value: unknown, what: string): BodhiUpdate {
    const update = (value ?? {}) as Record<string, unknown>;
    const { alias, status, builds } = update;
    if (typeof alias !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(alias))
      throw badAnswer(what, 'an update without an alias');
    const nvrs = Array.isArray(builds)
      ? builds
          .map((b) => (b as { nvr?: unknown } | null)?.nvr)
          .filter((n): n is string => typeof n === 'string')
      : [];
    return {
      alias,
      url: `${this.webUrl}/updates/${alias}`,
      status: typeof status === 'string' ? status : 'unknown',
      nvrs,
    };
  }
}

function bodhiError(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return typeof body === 'string' ? body : undefined;
  return errors
    .slice(0, 5)
    .map((e) => {
      const { name, description } = (e ?? {}) as { name?: unknown; description?: unknown };
      return `${typeof name === 'string' ? `${name}: ` : ''}${typeof description === 'string' ? description : ''}`;
    })
    .join('; ');
}

function badAnswer(what: string, why: string): HandlerError {
  return new HandlerError('BodhiBadResponse', `Bodhi ${what} answered ${why}`, {
    details: { service: 'Bodhi' },
  });
}
