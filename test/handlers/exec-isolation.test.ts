/**
 * Issue 12 §4: a step cannot reach the server's secrets by any path. A real server-like process
 * (exec-server.ts) holds fake forge tokens, webhook secrets and an API token in its environment,
 * keeps `api-token` and `webhook-secret` in its data directory and a key in its operator's HOME,
 * and runs exec steps through the real handler in the default sandbox. Each step below tries one
 * way in (the values it needs travel in `env`); a test fails when a read succeeds (the step then
 * prints REACHED) or when any secret shows anywhere in what the step returned.
 *
 * The server runs as each identity this machine allows: as root dropping steps to uid 65534
 * (serve's default), as root keeping uid 0 without capabilities (what `forgeflow run` does), and
 * as an unprivileged user whose steps run as itself in a user namespace.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ExecInput, ExecOutput } from '../../src/handlers/exec.js';
import type { ErrorInfo } from '../../src/contracts/errors.js';
import type { ServerReply, ServerRequest } from './exec-server.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./exec-server.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Identity {
  name: string;
  /** The server's uid and gid (the test's own when it cannot switch). */
  uid: number;
  gid: number;
  stepsAsCaller: boolean;
}

const ourUid = process.getuid!();
const ourGid = process.getgid!();
const IDENTITIES: Identity[] =
  ourUid === 0
    ? [
        { name: 'root, steps as uid 65534', uid: 0, gid: 0, stepsAsCaller: false },
        { name: 'root, steps as root without capabilities', uid: 0, gid: 0, stepsAsCaller: true },
        {
          name: 'uid 65534, steps in a user namespace',
          uid: 65534,
          gid: 65534,
          stepsAsCaller: false,
        },
      ]
    : [
        {
          name: `uid ${ourUid}, steps in a user namespace`,
          uid: ourUid,
          gid: ourGid,
          stepsAsCaller: false,
        },
      ];

const token = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

interface Ran {
  output?: ExecOutput;
  error?: ErrorInfo;
  /** Everything the step returned, as the API would show it. */
  text: string;
}

/** The server-like process, its files, and the steps it runs for the test. */
class Server {
  // Not under /tmp: the sandbox has a /tmp of its own, so it cannot be given a folder there.
  readonly base = mkdtempSync(path.join('/var/tmp', 'forgeflow-isolation-'));
  /** The server's working directory, read-only inside the sandbox (as a tools folder would be). */
  readonly srv = path.join(this.base, 'srv');
  readonly dataDir = path.join(this.srv, '.forgeflow');
  readonly home = path.join(this.base, 'home');
  readonly workspaces = path.join(this.base, 'workspaces');
  readonly env = {
    GITHUB_TOKEN: token('ghp_'),
    GITLAB_TOKEN: token('glpat-'),
    GITHUB_WEBHOOK_SECRET: token('gh-hook-'),
    GITLAB_WEBHOOK_TOKEN: token('gl-hook-'),
    FORGEFLOW_API_TOKEN: token('api-'),
    FORGEFLOW_COPR_TOKEN: token('copr-'),
  };
  readonly sshKey = token('ssh-key-');
  secrets: string[] = [];
  pid = 0;
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: ServerReply) => void>();

  constructor(readonly identity: Identity) {}

  async start(): Promise<void> {
    mkdirSync(path.join(this.home, '.ssh'), { recursive: true });
    writeFileSync(path.join(this.home, '.ssh', 'id_ed25519'), this.sshKey, { mode: 0o600 });
    mkdirSync(this.srv);
    writeFileSync(path.join(this.srv, 'tool.sh'), '#!/bin/sh\necho tool ran\n', { mode: 0o755 });
    for (const folder of [this.base, this.srv]) chmodSync(folder, 0o755);
    if (this.identity.uid !== ourUid) chownTree(this.base, this.identity.uid, this.identity.gid);
    const child = fork(SERVER_SCRIPT, [], {
      execArgv: ['--import', TSX],
      cwd: this.srv,
      env: {
        PATH: process.env.PATH,
        LANG: 'C.UTF-8',
        HOME: this.home,
        ...this.env,
        FORGEFLOW_EXEC_ALLOW: '*',
        FORGEFLOW_EXEC_WORKSPACES: this.workspaces,
        FORGEFLOW_EXEC_SANDBOX_READONLY: this.srv,
        ...(this.identity.stepsAsCaller ? { FORGEFLOW_TEST_STEPS_AS_CALLER: '1' } : {}),
      },
      ...(this.identity.uid !== ourUid ? { uid: this.identity.uid, gid: this.identity.gid } : {}),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    const ready = await new Promise<ServerReply>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) =>
        reject(new Error(`the server exited (${code}) before it was ready`)),
      );
    });
    if (ready.type !== 'ready')
      throw new Error(`the server did not start: ${JSON.stringify(ready)}`);
    this.pid = ready.pid;
    expect(ready.uid).toBe(this.identity.uid);
    this.secrets = [...Object.values(this.env), ready.apiToken, ready.webhookSecret, this.sshKey];
    child.on('message', (reply: ServerReply) => {
      if ('id' in reply && reply.type === 'result') this.waiting.get(reply.id)?.(reply);
    });
  }

  /** Starts a step; `result` settles when it ends. */
  begin(input: ExecInput): { id: number; result: Promise<Ran> } {
    const id = ++this.nextId;
    const result = new Promise<Ran>((resolve) => {
      this.waiting.set(id, (reply) => {
        this.waiting.delete(id);
        const { output, error } = reply as { output?: ExecOutput; error?: ErrorInfo };
        resolve({ output, error, text: JSON.stringify({ output, error }) });
      });
    });
    this.child!.send({ type: 'run', id, input } satisfies ServerRequest);
    return { id, result };
  }

  run(input: ExecInput): Promise<Ran> {
    return this.begin(input).result;
  }

  abort(id: number): void {
    this.child!.send({ type: 'abort', id } satisfies ServerRequest);
  }

  /** A sh script with these values in env (and these arguments), returning no secret at all. */
  async probe(script: string, env: Record<string, string> = {}, args: string[] = []): Promise<Ran> {
    const ran = await this.run({ command: ['sh', '-c', script, 'probe', ...args], env });
    for (const secret of this.secrets) expect(ran.text).not.toContain(secret);
    return ran;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ServerRequest);
      await exited;
    }
    rmSync(this.base, { recursive: true, force: true });
  }
}

function chownTree(folder: string, uid: number, gid: number): void {
  chownSync(folder, uid, gid);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) chownTree(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}

/** Polls (a real process has to write it) for at most ~10 s. */
async function waitForFile(find: () => string | undefined): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the file never appeared');
}

describe.each(IDENTITIES)('exec isolation: a server as $name', (identity) => {
  const server = new Server(identity);
  beforeAll(() => server.start(), 60_000);
  afterAll(() => server.stop());

  it('keeps the data directory and its secrets readable by the server only (0700, 0600)', () => {
    expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
    for (const file of ['api-token', 'webhook-secret'])
      expect(statSync(path.join(server.dataDir, file)).mode & 0o777).toBe(0o600);
  });

  it("cannot read its parent's environment, nor pid 1's", async () => {
    const ran = await server.probe(
      'tr "\\0" "\\n" < /proc/$PPID/environ; echo ---; tr "\\0" "\\n" < /proc/1/environ',
    );
    // Both are the sandbox's own init, whose environment is PATH alone.
    expect(ran.output?.stdout).toMatch(/^PATH=[^\n]*\n---\nPATH=[^\n]*\n$/);
  });

  it('sees in /proc only the sandbox’s own processes: no environ or cmdline of the server', async () => {
    const ran = await server.probe(
      'for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done 2>&1; ls -d /proc/[0-9]*',
    );
    expect(ran.output?.stdout).not.toContain('exec-server');
    expect(ran.output?.stdout).not.toContain('loader.mjs');
    const pids = ran.output!.stdout.match(/^\/proc\/\d+$/gm) ?? [];
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.length).toBeLessThanOrEqual(6);
  });

  it("cannot reach the server's process: its /proc entry, memory, fds, or a signal", async () => {
    const ran = await server.probe(
      [
        'cd /proc/$SERVER_PID 2>/dev/null && echo REACHED:proc-entry',
        '(exec 3< /proc/$SERVER_PID/mem) 2>/dev/null && echo REACHED:mem',
        'tr "\\0" "\\n" < /proc/$SERVER_PID/environ 2>/dev/null && echo REACHED:environ',
        'ls /proc/$SERVER_PID/fd 2>/dev/null && echo REACHED:fd',
        'kill -0 $SERVER_PID 2>/dev/null && echo REACHED:kill-0',
        'kill -TERM $SERVER_PID 2>/dev/null && echo REACHED:kill',
        'echo done',
      ].join('\n'),
      { SERVER_PID: String(server.pid) },
    );
    expect(ran.output?.stdout).toBe('done\n');
    // Everything the step may signal is in its sandbox: kill -1 reaches nothing of the server.
    // (Only ever sent from inside the sandbox's own PID namespace: were the sandbox broken,
    // it would reach every process of the step's uid on this machine.)
    const all = await server.probe(
      'if grep -q forgeflow-step /proc/1/cmdline && ! kill -0 "$SERVER_PID"; then kill -KILL -1; echo signalled; fi',
      { SERVER_PID: String(server.pid) },
    );
    expect(all.output?.stdout).toBe('signalled\n');
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    expect((await server.probe('echo still serving')).output?.stdout).toBe('still serving\n');
  });

  it('cannot read the data directory by its absolute path, even inside a folder it is given', async () => {
    const ran = await server.probe(
      [
        '"$SRV/tool.sh"', // the folder is there, read-only…
        'cat "$DATA/api-token" 2>/dev/null && echo REACHED:api-token',
        'cat "$DATA/webhook-secret" 2>/dev/null && echo REACHED:webhook-secret',
        'ls -A "$DATA" 2>/dev/null | grep . && echo REACHED:listing',
        // …and the mask over the data directory cannot be lifted from a namespace of its own.
        'unshare --user --map-root-user --mount sh -c \'umount -l "$DATA"; cat "$DATA/api-token"\' 2>/dev/null && echo REACHED:unmasked',
        'echo done',
      ].join('\n'),
      { SRV: server.srv, DATA: server.dataDir },
    );
    expect(ran.output?.stdout).toBe('tool ran\ndone\n');
  });

  it("cannot read the operator's HOME; its own HOME is private", async () => {
    const ran = await server.probe(
      [
        'cat "$OPERATOR_HOME/.ssh/id_ed25519" 2>/dev/null && echo REACHED:key',
        'ls -A "$OPERATOR_HOME" 2>/dev/null && echo REACHED:home',
        'ls -A /root 2>/dev/null | grep . && echo REACHED:root',
        'echo "HOME=$HOME"; ls -A /home',
      ].join('\n'),
      { OPERATOR_HOME: server.home },
    );
    expect(ran.output?.stdout).toBe('HOME=/home/forgeflow\nforgeflow\n');
  });

  it("cannot read another attempt's working directory while both run", async () => {
    const secret = token('attempt-a-');
    server.secrets.push(secret);
    const first = server.begin({
      shell: 'printf %s "$SECRET" > mine; exec sleep 600',
      env: { SECRET: secret },
    });
    let firstEnded = false;
    void first.result.then(() => (firstEnded = true));
    const mine = await waitForFile(() =>
      readdirSync(server.workspaces)
        .map((attempt) => path.join(server.workspaces, attempt, 'work', 'mine'))
        .find((file) => existsSync(file)),
    );
    const ran = await server.probe(
      [
        'cat "$MINE" 2>/dev/null && echo REACHED:by-path',
        'ls -A "$ATTEMPT" 2>/dev/null && echo REACHED:listing',
        'ls -A "$WORKSPACES" 2>/dev/null && echo REACHED:root',
        'cat /proc/[0-9]*/root/workspace/mine /proc/[0-9]*/cwd/mine 2>/dev/null && echo REACHED:proc',
        'find / -path /proc -prune -o -name mine -print 2>/dev/null | grep . && echo REACHED:find',
        'echo done',
      ].join('\n'),
      { MINE: mine, ATTEMPT: path.dirname(path.dirname(mine)), WORKSPACES: server.workspaces },
    );
    expect(ran.output?.stdout).toBe('done\n');
    expect(firstEnded).toBe(false); // it was running all along
    server.abort(first.id);
    expect((await first.result).error?.type).toBe('Aborted');
  });

  it('cannot write outside its working directory, /tmp and HOME, which are its own', async () => {
    const name = token('forgeflow-escape-');
    const outside = ['/', '/etc', '/usr', '/tmp', server.srv, server.dataDir].map((folder) =>
      path.join(folder, name),
    );
    const wrote = await server.probe(
      [
        'for f in "$@"; do (echo x > "$f") 2>/dev/null && echo "WROTE $f"; done',
        'echo ok > here && echo ok > /tmp/t && echo ok > "$HOME/h" && cat here /tmp/t "$HOME/h"',
      ].join('\n'),
      {},
      outside,
    );
    // /tmp inside is the attempt's own: writing there is fine, and lands nowhere on the host.
    expect(wrote.output?.stdout).toBe(`WROTE /tmp/${name}\nok\nok\nok\n`);
    for (const file of outside) {
      const escaped = existsSync(file);
      if (escaped) rmSync(file);
      expect(escaped, file).toBe(false);
    }
  });

  it('still runs ordinary work: a make-like script, env, exit codes, signals and abort', async () => {
    const build = await server.probe(
      [
        'mkdir -p src out',
        'printf "alpha\\n" > src/a.txt; printf "beta\\n" > src/b.txt',
        'for f in src/*.txt; do (tr a-z A-Z < "$f" > "out/$(basename "$f" .txt).up") & done; wait',
        'cat out/a.up out/b.up',
        'echo "$GREETING" > "$HOME/.cache"; cat "$HOME/.cache"; mktemp >/dev/null && echo tmp ok',
        // Left for the cleanup to remove: folders even their owner may not write.
        'mkdir -p out/locked/inner && touch out/locked/inner/f && chmod 500 out/locked/inner out/locked',
      ].join('\n'),
      { GREETING: 'hello from env' },
    );
    expect(build.output?.stdout).toBe('ALPHA\nBETA\nhello from env\ntmp ok\n');
    expect((await server.probe('exit 7')).error).toMatchObject({
      type: 'ExitCode',
      details: { exit_code: 7 },
    });
    expect((await server.probe('kill -TERM $$')).error).toMatchObject({
      type: 'Signal',
      details: { signal: 'SIGTERM' },
    });
    const slow = server.begin({ command: ['sleep', '600'] });
    server.abort(slow.id);
    expect((await slow.result).error?.type).toBe('Aborted');
  });

  it('leaves no attempt directory behind', () => {
    expect(readdirSync(server.workspaces)).toEqual([]);
  });
});
