/**
 * The lookaside cache's upload.cgi, as fedpkg (pyrpkg) speaks it: a multipart form POST of
 * `name`, `sha512sum` and `filename` answers `Available` or `Missing`; a POST of `name`,
 * `sha512sum`, `file` (and `mtime`) stores it. Authentication is the client certificate
 * (FORGEFLOW_LOOKASIDE_CERT/_KEY, with FORGEFLOW_LOOKASIDE_CA to trust a private CA); Kerberos,
 * which Fedora's instance asks for, is not supported (docs/packit.md).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';

import { HandlerError } from '../../contracts/errors.js';
import { trimUrl } from '../packit-http.js';

const ANSWER_MAX_BYTES = 64 * 1024;

export interface LookasideSettings {
  url: string;
  cert: string | null;
  key: string | null;
  ca: string | null;
  timeoutMs: number;
}

type Field = [name: string, value: string];

export class LookasideClient {
  private readonly base: string;
  private readonly tls: https.AgentOptions;

  constructor(private readonly settings: LookasideSettings) {
    this.base = trimUrl(settings.url);
    const read = (path: string | null) => (path === null ? undefined : readFileSync(path));
    this.tls = {
      cert: read(settings.cert),
      key: read(settings.key ?? settings.cert),
      ca: read(settings.ca),
    };
  }

  /** Whether the cache has `filename` of `pkg` with this hash. */
  async has(pkg: string, filename: string, sha512: string, signal: AbortSignal): Promise<boolean> {
    const answer = await this.post(
      [
        ['name', pkg],
        ['sha512sum', sha512],
        ['filename', filename],
      ],
      null,
      signal,
    );
    if (answer === 'Available') return true;
    if (answer === 'Missing' || answer === 'Required checksum is not present') return false;
    throw new HandlerError(
      'LookasideUnavailable',
      `the lookaside cache answered ${JSON.stringify(answer.slice(0, 100))} to a check (Available or Missing expected)`,
    );
  }

  async upload(
    pkg: string,
    file: { path: string; filename: string; sha512: string },
    signal: AbortSignal,
  ): Promise<void> {
    await this.post(
      [
        ['name', pkg],
        ['sha512sum', file.sha512],
        ['mtime', String(Math.floor(Date.now() / 1000))],
      ],
      file,
      signal,
    );
  }

  /** The form POSTed to upload.cgi, the file streamed last; resolves to the answer's text. */
  private async post(
    fields: readonly Field[],
    file: { path: string; filename: string } | null,
    signal: AbortSignal,
  ): Promise<string> {
    const boundary = `forgeflow${randomBytes(12).toString('hex')}`;
    const parts = fields.map(
      ([name, value]) =>
        `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    const head = file
      ? `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`
      : '';
    const tail = `${file ? '\r\n' : ''}--${boundary}--\r\n`;
    const url = new URL(`${this.base}/upload.cgi`);
    const limits = AbortSignal.any([signal, AbortSignal.timeout(this.settings.timeoutMs)]);
    const options = {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      signal: limits,
    };
    const request =
      url.protocol === 'https:'
        ? https.request(url, { ...options, ...this.tls })
        : http.request(url, options);
    const answered = once(request, 'response') as Promise<[http.IncomingMessage]>;
    try {
      request.write(parts.join('') + head);
      if (file) {
        for await (const chunk of createReadStream(file.path)) {
          if (!request.write(chunk)) await once(request, 'drain');
        }
      }
      request.end(tail);
      const [response] = await answered;
      const text = await readBounded(response);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return text.trim();
      throw this.failure(status, text);
    } catch (error) {
      request.destroy();
      if (error instanceof HandlerError) throw error;
      if (signal.aborted) throw new HandlerError('Aborted', 'lookaside upload aborted');
      throw new HandlerError(
        'LookasideUnavailable',
        `the lookaside cache ${url.origin} did not answer: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private failure(status: number, text: string): HandlerError {
    const said = text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    const message = `the lookaside cache's upload.cgi answered ${status}${said ? `: ${said}` : ''}`;
    if (status === 401 || status === 403)
      return new HandlerError(
        'LookasideAuthError',
        `${message}; check FORGEFLOW_LOOKASIDE_CERT and FORGEFLOW_LOOKASIDE_KEY (a client certificate the cache accepts for this package)`,
        { nonRetryable: true },
      );
    if (status >= 500 || status === 408 || status === 429)
      return new HandlerError('LookasideUnavailable', message);
    return new HandlerError('LookasideRequestError', message, { nonRetryable: true });
  }
}

async function readBounded(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size < ANSWER_MAX_BYTES) chunks.push(chunk.subarray(0, ANSWER_MAX_BYTES - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
