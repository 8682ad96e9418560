/**
 * A fake Koji hub for tests: XML-RPC over HTTPS at `/kojihub`, logins at `/kojihub/ssllogin`
 * granted to a TLS client certificate its CA signed (the user is the certificate's CN, as
 * Koji's ProxyDNs-less set-up has it), sessions checked as the hub checks them (id, key, and a
 * call number that must grow; in Koji-Session-* headers, or as query parameters when the hub
 * is made `headerAuth: false`), and the calls forgeflow makes: build, getTaskInfo,
 * getTaskChildren, getTaskResult, listBuilds, getLatestBuilds. It speaks the real shapes:
 * methodCall in, methodResponse or fault out (Koji's fault codes), keyword arguments as a last
 * struct with `__starstar`. Its XML reading and writing are its own, not forgeflow's.
 *
 * Each getTaskInfo of a build task moves it one step along its script (the last stays):
 * `['FREE', 'OPEN', 'CLOSED']` by default, `scriptNextTask(['OPEN', 'FAILED'])` for a failure.
 * A closed non-scratch task makes a build `<pkg>-1.0-1.<dist>` and tags it into
 * `<target minus -candidate>-updates-candidate`.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface FakeKojiTask {
  id: number;
  method: string;
  parent: number | null;
  owner: string;
  request: Value[];
  script: string[];
  reads: number;
  state: string;
  /** The child's result (an SRPM task's `{srpm, logs}`). */
  result: Value;
}

export interface FakeKojiBuild {
  build_id: number;
  nvr: string;
  name: string;
  task_id: number | null;
  tags: string[];
}

export interface FakeKojiCall {
  path: string;
  method: string;
  params: Value[];
  headers: IncomingMessage['headers'];
  query: Record<string, string>;
  /** The session's user, or null for an anonymous call. */
  user: string | null;
}

const STATES = ['FREE', 'OPEN', 'CLOSED', 'CANCELED', 'ASSIGNED', 'FAILED'];
const FAULT = { generic: 1000, auth: 1002, build: 1005, expired: 1007, sequence: 1008 };

export interface FakeKojiOptions {
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  /** Hosts whose git repositories builds may come from (Koji's allowed_scms). */
  allowedScmHosts?: string[];
  /** Build targets that exist. */
  targets?: string[];
  headerAuth?: boolean;
  defaultScript?: string[];
}

export class FakeKoji {
  readonly calls: FakeKojiCall[] = [];
  readonly tasks: FakeKojiTask[] = [];
  readonly builds: FakeKojiBuild[] = [];
  private server: Server | null = null;
  private base: string | null = null;
  private readonly sessions = new Map<
    number,
    { key: string; user: string; last: number; expired: boolean }
  >();
  private readonly scripts: string[][] = [];
  private faults: {
    method: string;
    kind: 'fault' | 'status' | 'drop';
    code: number;
    text: string;
  }[] = [];
  private nextTask = 100_001;
  private nextBuild = 2_000_001;
  private nextSession = 41;

  constructor(private readonly options: FakeKojiOptions) {}

  async start(): Promise<string> {
    if (this.base !== null) return this.base;
    const { cert, key, ca } = this.options.tls;
    // As Apache's `SSLVerifyClient optional`: anyone may call, only a verified cert logs in.
    const server = createServer(
      { cert, key, ca, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        this.receive(req, res).catch(() => res.destroy());
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/kojihub`;
    return this.base;
  }

  get url(): string {
    if (this.base === null) throw new Error('fake Koji not started');
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.base = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  scriptNextTask(states: string[]): this {
    this.scripts.push(states);
    return this;
  }

  /** The next call of `method` is answered with this fault (or HTTP status, or no answer). */
  failNext(method: string, kind: 'fault' | 'status' | 'drop', code = 500, text = 'scripted'): this {
    this.faults.push({ method, kind, code, text });
    return this;
  }

  /** A build already tagged (for getLatestBuilds). */
  addTaggedBuild(nvr: string, tag: string): this {
    const name = nvr.split('-').slice(0, -2).join('-');
    this.builds.push({ build_id: this.nextBuild++, nvr, name, task_id: null, tags: [tag] });
    return this;
  }

  /** Every session expires (the hub's session lifetime passed). */
  expireSessions(): void {
    for (const session of this.sessions.values()) session.expired = true;
  }

  callsOf(method: string): FakeKojiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://fake');
    if (req.method !== 'POST' || !['/kojihub', '/kojihub/ssllogin'].includes(url.pathname)) {
      res.writeHead(404).end('Not Found');
      return;
    }
    const { method, params } = parseCall(Buffer.concat(chunks).toString('utf8'));
    const call: FakeKojiCall = {
      path: url.pathname,
      method,
      params,
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      user: null,
    };
    this.calls.push(call);
    const fault = this.faults.find((f) => f.method === method);
    if (fault) {
      this.faults = this.faults.filter((f) => f !== fault);
      if (fault.kind === 'drop') return void req.socket.destroy();
      if (fault.kind === 'status') return void res.writeHead(fault.code).end('scripted');
      return this.reply(res, faultXml(fault.code, fault.text));
    }
    let answer: Value;
    try {
      answer = this.dispatch(call, req, url);
    } catch (error) {
      if (error instanceof Fault) return this.reply(res, faultXml(error.code, error.message));
      throw error;
    }
    this.reply(
      res,
      `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${valueXml(answer)}\n</param>\n</params>\n</methodResponse>\n`,
    );
  }

  private reply(res: ServerResponse, xml: string): void {
    res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
  }

  private dispatch(call: FakeKojiCall, req: IncomingMessage, url: URL): Value {
    const { method, params } = call;
    if (call.path.endsWith('/ssllogin')) {
      if (method !== 'sslLogin') throw new Fault(FAULT.generic, 'only sslLogin here');
      const socket = req.socket as TLSSocket;
      if (!socket.authorized) throw new Fault(FAULT.auth, 'could not verify client certificate');
      const cn = socket.getPeerCertificate().subject?.CN;
      const user = Array.isArray(cn) ? cn[0]! : (cn ?? '');
      const id = this.nextSession++;
      const key = `${id}-sessionkey${Math.random().toString(36).slice(2, 12)}`;
      this.sessions.set(id, { key, user, last: -1, expired: false });
      return {
        'session-id': id,
        'session-key': key,
        ...(this.options.headerAuth === false ? {} : { 'header-auth': true }),
      };
    }
    call.user = this.sessionUser(req, url);
    const [first, second, third] = params;
    switch (method) {
      case 'build':
        if (call.user === null)
          throw new Fault(FAULT.auth, 'you must be logged in for this operation');
        return this.build(first ?? null, second ?? null, third ?? null, call.user);
      case 'getTaskInfo':
        return this.taskInfo(Number(first));
      case 'getTaskChildren':
        return this.tasks.filter((t) => t.parent === Number(first)).map(taskStruct);
      case 'getTaskResult': {
        const task = this.tasks.find((t) => t.id === Number(first));
        if (!task) throw new Fault(FAULT.generic, `No such task: ${text(first ?? null)}`);
        if (task.state === 'FAILED')
          throw new Fault(
            FAULT.build,
            'error building package (arch x86_64), mock exited with status 30; see build.log',
          );
        if (task.state !== 'CLOSED')
          throw new Fault(FAULT.generic, `Task ${task.id} is not finished`);
        return task.result;
      }
      case 'listBuilds': {
        const taskId = (first as Record<string, Value>).taskID;
        return this.builds.filter((b) => b.task_id === taskId).map(buildStruct);
      }
      case 'getLatestBuilds': {
        const pkg = (second as Record<string, Value> | undefined)?.package;
        const found = this.builds.filter(
          (b) => b.tags.includes(text(first ?? null)) && b.name === pkg,
        );
        return found.slice(-1).map(buildStruct);
      }
      default:
        throw new Fault(FAULT.generic, `Invalid method: ${method}`);
    }
  }

  /** The session's user, checked as the hub does; null when the call carries none. */
  private sessionUser(req: IncomingMessage, url: URL): string | null {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const headerAuth = this.options.headerAuth !== false;
    const id =
      (headerAuth ? header('koji-session-id') : undefined) ?? url.searchParams.get('session-id');
    if (id === undefined || id === null) return null;
    const key =
      (headerAuth ? header('koji-session-key') : undefined) ?? url.searchParams.get('session-key');
    const callnum = Number(
      (headerAuth ? header('koji-session-callnum') : undefined) ?? url.searchParams.get('callnum'),
    );
    const session = this.sessions.get(Number(id));
    if (!session || session.key !== key)
      throw new Fault(FAULT.auth, 'Invalid session or bad credentials');
    if (session.expired) throw new Fault(FAULT.expired, `session "${id}" has expired`);
    if (!(callnum > session.last)) throw new Fault(FAULT.sequence, 'a call out of sequence');
    session.last = callnum;
    return session.user;
  }

  private build(src: Value, target: Value, opts: Value, owner: string): Value {
    const match = /^git\+(https?):\/\/([^/#?]+)(\/[^#?]+)#([0-9a-f]{40})$/.exec(text(src));
    if (!match) throw new Fault(FAULT.generic, `Invalid scm url: ${text(src)}`);
    const host = match[2]!;
    if (!(this.options.allowedScmHosts ?? ['src.fedoraproject.org']).includes(host))
      throw new Fault(FAULT.build, `scm policy does not allow ${host}`);
    if (!(this.options.targets ?? ['rawhide']).includes(text(target)))
      throw new Fault(FAULT.generic, `No such build target: ${text(target)}`);
    const task: FakeKojiTask = {
      id: this.nextTask++,
      method: 'build',
      parent: null,
      owner,
      request: [src, target, opts],
      script: this.scripts.shift() ?? this.options.defaultScript ?? ['FREE', 'OPEN', 'CLOSED'],
      reads: 0,
      state: 'FREE',
      result: null,
    };
    this.tasks.push(task);
    return task.id;
  }

  private taskInfo(id: number): Value {
    const task = this.tasks.find((t) => t.id === id);
    if (!task) return null;
    if (task.parent === null) {
      const previous = task.state;
      task.state = task.script[Math.min(task.reads, task.script.length - 1)]!;
      task.reads += 1;
      if (task.state === 'CLOSED' && previous !== 'CLOSED') this.finish(task);
    }
    return taskStruct(task);
  }

  /** The SRPM child and, unless scratch, the build and its tag. */
  private finish(task: FakeKojiTask): void {
    const [src = null, target = null, opts = null] = task.request;
    const pkg = /\/([^/]+?)(?:\.git)?#/.exec(text(src))?.[1] ?? 'unknown';
    const dist = text(target)
      .replace(/-candidate$/, '')
      .replace(/^f(\d+)$/, 'fc$1')
      .replace('rawhide', 'fc46');
    const nvr = `${pkg}-1.0-1.${dist}`;
    this.tasks.push({
      id: this.nextTask++,
      method: 'buildSRPMFromSCM',
      parent: task.id,
      owner: task.owner,
      request: [src],
      script: ['CLOSED'],
      reads: 0,
      state: 'CLOSED',
      result: { srpm: `tasks/${task.id % 10000}/${task.id + 1}/${nvr}.src.rpm`, logs: [] },
    });
    if ((opts as Record<string, Value>).scratch === true) return;
    const tag = `${text(target).replace(/-candidate$/, '')}-updates-candidate`;
    this.builds.push({ build_id: this.nextBuild++, nvr, name: pkg, task_id: task.id, tags: [tag] });
  }
}

/** A parameter as text (what Koji's str() of it would say). */
function text(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

class Fault extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function taskStruct(task: FakeKojiTask): Value {
  return {
    id: task.id,
    state: STATES.indexOf(task.state),
    method: task.method,
    parent: task.parent,
    owner: 7,
    arch: 'noarch',
    priority: 20,
    create_time: '2026-12-07 09:00:00.000000+00:00',
  };
}

function buildStruct(build: FakeKojiBuild): Value {
  const [version, release] = build.nvr.split('-').slice(-2);
  return {
    build_id: build.build_id,
    id: build.build_id,
    nvr: build.nvr,
    name: build.name,
    package_name: build.name,
    version: version ?? '',
    release: release ?? '',
    state: 1,
    task_id: build.task_id,
  };
}

// ---- the fake's own XML-RPC reading and writing ------------------------------------------

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function valueXml(value: Value): string {
  if (value === null) return '<value><nil/></value>';
  if (typeof value === 'string') return `<value><string>${esc(value)}</string></value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') return `<value><int>${value}</int></value>`;
  if (Array.isArray(value))
    return `<value><array><data>\n${value.map(valueXml).join('\n')}\n</data></array></value>`;
  const members = Object.entries(value)
    .map(([k, v]) => `<member>\n<name>${esc(k)}</name>\n${valueXml(v)}\n</member>`)
    .join('\n');
  return `<value><struct>\n${members}\n</struct></value>`;
}

function faultXml(code: number, text: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${valueXml({ faultCode: code, faultString: text })}\n</fault>\n</methodResponse>\n`;
}

function unesc(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Tokens of the request: tags and text between them. */
function parseCall(xml: string): { method: string; params: Value[] } {
  const method = /<methodName>([^<]*)<\/methodName>/.exec(xml)?.[1] ?? '';
  const tokens = [...xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([\w.]+)(\/?)>|([^<]+)/g)];
  let i = tokens.findIndex((t) => t[2] === 'params');
  const next = () => tokens[++i];
  const readValue = (): Value => {
    // at <value>
    let t = next()!;
    if (t[4] !== undefined && tokens[i + 1]?.[2] === 'value') {
      next();
      return unesc(t[4]);
    }
    while (t[4] !== undefined) t = next()!;
    const type = t[2]!;
    if (t[1] === '/' && type === 'value') return '';
    if (t[3] === '/') {
      next();
      return type === 'nil' ? null : '';
    }
    let result: Value;
    if (type === 'struct') {
      const obj: Record<string, Value> = {};
      for (t = next()!; !(t[1] === '/' && t[2] === 'struct'); t = next()!) {
        if (t[2] !== 'member' || t[1] === '/') continue;
        next(); // <name>
        const name = unesc(next()![4] ?? '');
        next(); // </name>
        while (tokens[i + 1]?.[4] !== undefined) next();
        next(); // <value>
        obj[name] = readValue();
      }
      result = obj;
    } else if (type === 'array') {
      const items: Value[] = [];
      for (t = next()!; !(t[1] === '/' && t[2] === 'array'); t = next()!)
        if (t[2] === 'value' && t[1] === '') items.push(readValue());
      result = items;
    } else {
      const text = tokens[i + 1]?.[4] !== undefined ? unesc(next()![4]!) : '';
      next(); // </type>
      result = ['int', 'i4', 'i8'].includes(type)
        ? Number(text)
        : type === 'boolean'
          ? text === '1'
          : text;
    }
    for (t = next()!; !(t[1] === '/' && t[2] === 'value'); t = next()!);
    return result;
  };
  const params: Value[] = [];
  for (let t = next(); t && !(t[1] === '/' && t[2] === 'params'); t = next())
    if (t[2] === 'value' && t[1] === '') params.push(readValue());
  return { method, params };
}
