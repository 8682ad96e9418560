/**
 * A fake Fedora dist-git for tests: one local HTTP server that is, like src.fedoraproject.org,
 * both the git server and Pagure. git is real: `git http-backend` run as a CGI program (the
 * smart HTTP protocol, clones and pushes as git speaks them), over bare repositories
 * `rpms/<pkg>.git` and `forks/<user>/rpms/<pkg>.git`; reads are anonymous, pushes need HTTP
 * Basic with a user and their API token, to that user's own fork. Requests under `/api/0/`
 * go to the fake Pagure API (fake-pagure.ts), which forks by copying the bare repository.
 *
 *   const distGit = new FakeDistGit().addUser('packit', 'pagure-token');
 *   await distGit.start();  distGit.addPackage('hello', { 'hello.spec': '…' }, ['main', 'f45']);
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakePagure } from './fake-pagure.js';
import { LocalServer } from './local-server.js';

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export class FakeDistGit extends LocalServer {
  readonly root = mkdtempSync(join(tmpdir(), 'fake-dist-git-'));
  readonly pagure: FakePagure;
  /** Every git request: path, service and who authenticated. */
  readonly gitRequests: { path: string; service: string | null; user: string | null }[] = [];
  constructor() {
    super();
    this.pagure = new FakePagure(this);
  }

  addUser(user: string, token: string): this {
    this.pagure.addUser(user, token);
    return this;
  }

  /** `rpms/<pkg>.git` with one commit of `files` on each of `branches`. */
  addPackage(pkg: string, files: Record<string, string>, branches: string[] = ['main']): void {
    const bare = this.repoPath(`rpms/${pkg}.git`);
    git(['init', '--quiet', '--bare', bare]);
    const work = mkdtempSync(join(tmpdir(), 'fake-dist-git-work-'));
    try {
      git(['init', '--quiet', '-b', branches[0]!, work]);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), text);
      }
      git(['-C', work, 'add', '--all']);
      git([
        '-C',
        work,
        '-c',
        'user.name=Fedora',
        '-c',
        'user.email=f@example.org',
        'commit',
        '-qm',
        'init',
      ]);
      for (const branch of branches)
        git(['-C', work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    this.pagure.addProject(pkg);
  }

  /** The bare repository at a path under the root (`rpms/x.git`, `forks/u/rpms/x.git`). */
  repoPath(relative: string): string {
    return join(this.root, relative);
  }

  /** `git` in a bare repository of the fake, for a test to look into. */
  show(relative: string, ...args: string[]): string {
    return git(['--git-dir', this.repoPath(relative), ...args]);
  }

  /** Copies `rpms/<pkg>.git` to `<user>`'s fork (what Pagure's fork does). */
  fork(pkg: string, user: string): void {
    const target = this.repoPath(`forks/${user}/rpms/${pkg}.git`);
    mkdirSync(join(target, '..'), { recursive: true });
    git(['clone', '--quiet', '--bare', this.repoPath(`rpms/${pkg}.git`), target]);
  }

  override async start(): Promise<string> {
    await this.pagure.start();
    return super.start();
  }

  protected makeServer(): Server {
    return createServer((req, res) => {
      this.receive(req, res).catch(() => res.destroy());
    });
  }

  override async stop(): Promise<void> {
    await Promise.all([this.pagure.stop(), super.stop()]);
    rmSync(this.root, { recursive: true, force: true });
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/api/0/')) return this.toPagure(req, res, url);
    const service =
      url.searchParams.get('service') ??
      /\/(git-(?:upload|receive)-pack)$/.exec(url.pathname)?.[1] ??
      null;
    const user = this.pagure.userOfBasic(req.headers.authorization);
    this.gitRequests.push({ path: url.pathname, service, user });
    if (service === 'git-receive-pack') {
      const owner = /^\/forks\/([^/]+)\//.exec(url.pathname)?.[1];
      if (user === null) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="dist-git"' }).end('Unauthorized\n');
        return;
      }
      if (owner !== user) {
        res.writeHead(403).end('Forbidden: you may push to your own fork only\n');
        return;
      }
    }
    await cgi(req, res, url, this.root, user);
  }

  /** The API is the fake Pagure's: forwarded as it came. */
  private async toPagure(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = req.method ?? 'GET';
    const answer = await fetch(`${this.pagure.url}${url.pathname}${url.search}`, {
      method,
      headers,
      ...(method === 'GET' ? {} : { body: Buffer.concat(chunks) }),
    });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
      ...(answer.headers.get('retry-after')
        ? { 'retry-after': answer.headers.get('retry-after')! }
        : {}),
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  }
}

/** `git http-backend` as CGI: the request in its environment and stdin, its answer parsed. */
function cgi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  root: string,
  user: string | null,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_HTTP_RECEIVE_PACK: 'true',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }
          : {}),
        ...(req.headers['git-protocol']
          ? { GIT_PROTOCOL: String(req.headers['git-protocol']) }
          : {}),
        ...(user ? { REMOTE_USER: user } : {}),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.once('error', reject);
    child.once('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
      resolve();
    });
  });
}

export function git(args: string[]): string {
  return execFileSync('git', args, { env: GIT_ENV, encoding: 'utf8' });
}
