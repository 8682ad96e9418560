/**
 * A server-like parent for test/handlers/exec-isolation.test.ts, run as its own process: it
 * reads its settings from its environment as `forgeflow serve` does (fake forge tokens, webhook
 * secrets and API token in that environment, a data directory with `api-token` and
 * `webhook-secret`), refuses to start without a working sandbox as `serve` does, and runs the
 * exec steps the test sends it (over IPC) through the real exec handler.
 * FORGEFLOW_TEST_STEPS_AS_CALLER=1 runs steps as `forgeflow run` does (as root: uid 0 with no
 * capabilities), which `serve` never does.
 */
import type { ExecInput } from '../../src/handlers/exec.js';
import { createExecHandler } from '../../src/handlers/exec.js';
import { probeSandbox } from '../../src/handlers/sandbox/probe.js';
import { toErrorInfo } from '../../src/contracts/errors.js';
import { readSettings } from '../../src/cli/settings.js';
import { API_TOKEN_FILE, storedSecret, webhookSecret } from '../../src/cli/webhook-secret.js';
import { testContext } from './context.js';

export type ServerRequest =
  { type: 'run'; id: number; input: ExecInput } | { type: 'abort'; id: number } | { type: 'stop' };

export type ServerReply =
  | { type: 'ready'; pid: number; uid: number; apiToken: string; webhookSecret: string }
  | { type: 'unavailable'; reason: string }
  | { type: 'started'; id: number }
  | { type: 'result'; id: number; output?: unknown; error?: unknown };

const send = (reply: ServerReply) => process.send?.(reply);
const settings = readSettings(process.env, {});
// As `forgeflow run` does as root: steps run as root itself, with every capability dropped.
if (process.env.FORGEFLOW_TEST_STEPS_AS_CALLER === '1')
  settings.execSandbox = { ...settings.execSandbox, user: 'caller' };
const exec = createExecHandler({ killGraceMs: 500 });
const running = new Map<number, AbortController>();

const problem = await probeSandbox(settings.execSandbox);
if (problem !== undefined) {
  send({ type: 'unavailable', reason: problem });
  process.exit(1);
}

process.on('message', (request: ServerRequest) => {
  if (request.type === 'stop') process.exit(0);
  if (request.type === 'abort') return running.get(request.id)?.abort('aborted by the test');
  const { context, controller } = testContext({
    execAllow: settings.execAllow,
    execSandbox: settings.execSandbox,
  });
  running.set(request.id, controller);
  send({ type: 'started', id: request.id });
  exec.run(request.input, context).then(
    (output) => send({ type: 'result', id: request.id, output }),
    (error: unknown) => send({ type: 'result', id: request.id, error: toErrorInfo(error) }),
  );
});

send({
  type: 'ready',
  pid: process.pid,
  uid: process.getuid?.() ?? -1,
  apiToken: storedSecret(settings.dataDir, API_TOKEN_FILE).secret,
  webhookSecret: webhookSecret(settings.dataDir).secret,
});
