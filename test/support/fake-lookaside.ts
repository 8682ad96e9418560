/**
 * A fake lookaside cache: `upload.cgi` as Fedora's speaks to fedpkg (multipart form: `name`,
 * `sha512sum`, `filename` → `Available` / `Missing`; `name`, `sha512sum`, `file` → stored,
 * after checking the hash), and downloads at `/<name>/<filename>/sha512/<hash>/<filename>`.
 * Over HTTPS with `tls`, an upload needs a client certificate the given CA signed (403
 * otherwise, as mod_ssl's SSLVerifyClient would refuse it). Parses the form from raw bytes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';

import { LocalServer } from './local-server.js';

export interface LookasideTls {
  cert: Buffer;
  key: Buffer;
  /** The CA client certificates must come from. */
  ca: Buffer;
}

export interface StoredSource {
  name: string;
  filename: string;
  sha512: string;
  content: Buffer;
}

export class FakeLookaside extends LocalServer {
  readonly stored: StoredSource[] = [];
  /** Every upload.cgi call: its fields (the file's size for `file`) and answer. */
  readonly calls: { fields: Record<string, string>; status: number; answer: string }[] = [];
  private failures: number[] = [];

  constructor(private readonly tls: LookasideTls | null = null) {
    super();
  }

  /** The next upload.cgi calls answer these statuses. */
  failNext(...statuses: number[]): this {
    this.failures.push(...statuses);
    return this;
  }

  protected makeServer(): Server {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.receive(req, res).catch(() => res.destroy());
    };
    return this.tls
      ? createTlsServer({ ...this.tls, requestCert: true, rejectUnauthorized: false }, handler)
      : createServer(handler);
  }

  protected override basePath(): string {
    return '/repo/pkgs';
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'GET') {
      const [, , name, filename, , hash] = path.replace(/^\/repo\/pkgs/, '').split('/');
      const found = this.stored.find(
        (s) => s.name === name && s.filename === filename && s.sha512 === hash,
      );
      res.writeHead(found ? 200 : 404).end(found?.content ?? 'Not Found');
      return;
    }
    if (req.method !== 'POST' || path !== '/repo/pkgs/upload.cgi') {
      res.writeHead(404).end('Not Found');
      return;
    }
    const fields = multipart(Buffer.concat(chunks), req.headers['content-type'] ?? '');
    const shown = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [
        k,
        k === 'file' ? `${v.length} bytes` : v.toString('utf8'),
      ]),
    );
    const answer = (status: number, text: string) => {
      this.calls.push({ fields: shown, status, answer: text });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    const failure = this.failures.shift();
    if (failure !== undefined) return answer(failure, 'Internal Server Error');
    if (this.tls && !(req.socket as TLSSocket).authorized)
      return answer(403, 'Forbidden: no valid client certificate');
    const name = shown.name ?? '';
    const hash = shown.sha512sum ?? '';
    if (!/^[0-9a-f]{128}$/.test(hash)) return answer(200, 'Required checksum is not present');
    const file = fields.file;
    if (file === undefined) {
      const have = this.stored.some(
        (s) => s.name === name && s.filename === shown.filename && s.sha512 === hash,
      );
      return answer(200, have ? 'Available' : 'Missing');
    }
    if (createHash('sha512').update(file).digest('hex') !== hash)
      return answer(400, 'Checksum does not match');
    const filename = fileNames.get(file) ?? '';
    // Like upload.cgi, a file it has already is not stored twice (two uploads racing).
    if (!this.stored.some((s) => s.name === name && s.filename === filename && s.sha512 === hash))
      this.stored.push({ name, filename, sha512: hash, content: file });
    return answer(200, `File ${fileNames.get(file)} size ${file.length} SHA512 ${hash} stored OK`);
  }
}

const fileNames = new WeakMap<Buffer, string>();

/** The parts of a multipart/form-data body, by name (a file part's name is kept aside). */
function multipart(body: Buffer, contentType: string): Record<string, Buffer> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (boundary === undefined) return {};
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Record<string, Buffer> = {};
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name !== undefined) {
      const value = Buffer.from(part.subarray(split + 4));
      if (filename !== undefined) fileNames.set(value, filename);
      parts[name] = value;
    }
    at = next;
  }
  return parts;
}
