/**
 * A real git server for checkout tests: node's http in front of `git http-backend` (CGI) over
 * bare repositories made here, as GitHub serves them: a token required (Basic
 * x-access-token:TOKEN, or Bearer), pull request heads under refs/pull/N/head, commits wanted by
 * id when reachable. It records every request (path, the Authorization it saw, whether it was a
 * fetch) and, while a request is open, looks through every process's command line for the token
 * (the client's git and git-remote-http are alive then).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** A POST to git-upload-pack: a fetch that sends objects (or negotiates). */
  uploadPack: boolean;
  status: number;
}

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A working repository to make commits in, pushed to the server's bare one. */
export class SourceRepo {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '--quiet', '--initial-branch=main');
  }

  /** Commits these files (path → text) and returns the commit id. */
  commit(files: Record<string, string>, message = 'change'): string {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      writeFileSync(path.join(this.dir, file), text);
    }
    git(this.dir, 'add', '--all');
    git(this.dir, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git(this.dir, 'rev-parse', 'HEAD');
  }

  push(bare: string, ...refspecs: string[]): void {
    git(this.dir, 'push', '--quiet', '--force', bare, ...refspecs);
  }
}

export class GitServer {
  readonly requests: SeenRequest[] = [];
  /** Command lines that held the token while a request was open (should stay empty). */
  readonly tokenInArgv: string[] = [];
  private server: Server | undefined;
  url = '';
  /** The token to require; null requires nothing. */
  token: string | null;

  constructor(
    readonly root: string,
    token: string | null,
  ) {
    this.token = token;
    mkdirSync(root, { recursive: true });
  }

  /** An empty bare repository `owner/name` as the forge's API would name it; its path. */
  repository(fullName: string): string {
    const bare = path.join(this.root, `${fullName}.git`);
    mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--quiet', '--bare');
    git(bare, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
    git(bare, 'config', 'http.receivepack', 'false');
    return bare;
  }

  fetches(): number {
    return this.requests.filter((r) => r.uploadPack).length;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const authorization = request.headers.authorization;
    const seen: SeenRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      authorization,
      uploadPack: request.method === 'POST' && url.pathname.endsWith('/git-upload-pack'),
      status: 0,
    };
    this.requests.push(seen);
    if (this.token !== null) this.lookForToken(this.token);
    if (this.token !== null && !this.accepts(authorization)) {
      seen.status = 401;
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      response.end('Bad credentials\n');
      return;
    }
    const body = await readBody(request);
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    // git may answer (a refusal, a GET) without reading its input: a closed pipe is no error.
    cgi.stdin.on('error', () => undefined);
    cgi.stdin.end(body);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => cgi.once('close', resolve));
    const output = Buffer.concat(chunks);
    const end = output.indexOf('\r\n\r\n');
    const [headEnd, bodyStart] = end === -1 ? [output.indexOf('\n\n'), 2] : [end, 4];
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of output.subarray(0, headEnd).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    seen.status = status;
    response.writeHead(status, headers);
    response.end(output.subarray(headEnd + bodyStart));
  }

  private accepts(authorization: string | undefined): boolean {
    if (authorization === undefined || this.token === null) return false;
    const basic = `Basic ${Buffer.from(`x-access-token:${this.token}`).toString('base64')}`;
    return authorization === basic || authorization === `Bearer ${this.token}`;
  }

  private lookForToken(token: string): void {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone already
      }
      const encoded = Buffer.from(`x-access-token:${token}`).toString('base64');
      if (cmdline.includes(token) || cmdline.includes(encoded))
        this.tokenInArgv.push(cmdline.replaceAll('\0', ' '));
    }
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
