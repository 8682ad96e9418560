/**
 * Downloading the source archive a spec names. Its URL is the repository's to choose, so only
 * http(s) to an allowed origin is fetched — the upstream repository's own (and GitHub's
 * archive host for a github.com repository), plus the operator's FORGEFLOW_DISTGIT_SOURCE_ORIGINS
 * — each redirect checked the same way, within a size cap and a time limit. No credential is
 * ever sent. The file is written as it arrives and hashed (SHA512) on the way.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

import { HandlerError } from '../../contracts/errors.js';
import { badInput } from './names.js';

const MAX_REDIRECTS = 5;
export const SOURCE_TIMEOUT_MS = 10 * 60_000;

export interface Download {
  url: string;
  /** Where to write the archive. */
  file: string;
  allowedOrigins: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
}

/** The origins a download may reach for an upstream repository at `upstreamUrl`. */
export function allowedOrigins(upstreamUrl: string | null, extra: readonly string[]): string[] {
  const origins = [...extra.map(originOf)];
  if (upstreamUrl !== null) {
    const origin = originOf(upstreamUrl);
    origins.push(origin);
    // GitHub serves /archive/ from codeload.github.com (a redirect).
    if (origin === 'https://github.com') origins.push('https://codeload.github.com');
  }
  return [...new Set(origins.filter((o) => o !== ''))];
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : '';
  } catch {
    return '';
  }
}

function checkedUrl(url: string, allowed: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(`the source URL ${JSON.stringify(url.slice(0, 200))} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw badInput(`the source URL must be http(s), not ${parsed.protocol}`);
  if (parsed.username !== '' || parsed.password !== '')
    throw badInput('the source URL must not carry credentials');
  if (!allowed.includes(parsed.origin))
    throw badInput(
      `the source ${parsed.origin} is not an origin forgeflow downloads from (the upstream repository's, or FORGEFLOW_DISTGIT_SOURCE_ORIGINS: ${allowed.join(', ') || 'none'})`,
    );
  return parsed;
}

function unavailable(message: string, cause?: unknown): HandlerError {
  return new HandlerError('SourceDownloadFailed', message, { cause });
}

/** Downloads to `file`; resolves to its SHA512 (hex) and size. */
export async function downloadSource(job: Download): Promise<{ sha512: string; size: number }> {
  const timeout = AbortSignal.timeout(job.timeoutMs);
  const signal = AbortSignal.any([job.signal, timeout]);
  const fetchImpl = job.fetch ?? globalThis.fetch;
  let url = checkedUrl(job.url, job.allowedOrigins);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetchImpl(url, { redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS)
          throw badInput(`the source URL redirects more than ${MAX_REDIRECTS} times`);
        url = checkedUrl(new URL(response.headers.get('location')!, url).href, job.allowedOrigins);
        continue;
      }
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        const shown = `${url.origin}${url.pathname}`;
        if (response.status >= 500 || response.status === 429 || response.status === 408)
          throw unavailable(`downloading ${shown} answered ${response.status}`);
        throw badInput(`downloading ${shown} answered ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > job.maxBytes) {
        await response.body.cancel();
        throw tooLarge(job.maxBytes);
      }
      return await save(response.body, job.file, job.maxBytes);
    }
  } catch (error) {
    if (error instanceof HandlerError) throw error;
    if (job.signal.aborted) throw new HandlerError('Aborted', 'source download aborted');
    if (timeout.aborted)
      throw unavailable(
        `downloading the source took longer than ${Math.round(job.timeoutMs / 1000)} s`,
      );
    throw unavailable(`downloading the source failed: ${(error as Error).message}`, error);
  }
}

function tooLarge(max: number): HandlerError {
  return badInput(`the source archive is larger than ${max} bytes`);
}

async function save(
  body: ReadableStream<Uint8Array>,
  file: string,
  maxBytes: number,
): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { sha512: hash.digest('hex'), size };
}
