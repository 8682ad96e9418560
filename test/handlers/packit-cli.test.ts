/**
 * `forgeflow serve` and `forgeflow worker` with `--handlers`, in process on the embedded
 * database: the server compiles pipelines against the Packit handlers and the operator's (the
 * catalog `forgeflow validate` checks against, and the operator's names on top), and
 * a handlers file that does not load stops the command with a usage error before it starts.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { serveCommand } from '../../src/cli/commands/serve.js';
import { workerCommand } from '../../src/cli/commands/worker.js';
import { UsageError, type Io } from '../../src/cli/io.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-packit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): Io & { text: () => string } {
  let out = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (out += text),
    color: false,
    readFile: () => '',
    text: () => out,
  };
}

function writeTemp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const handlersFile = join(dir, 'handlers.mjs');
writeFileSync(
  handlersFile,
  `export default [{
  spec: { name: 'acme.sign', description: 'sign', input: { type: 'object', required: ['file'] } },
  run: async (input) => ({ signed: input.file }),
}];
`,
);

describe('forgeflow serve --handlers', () => {
  it(
    'compiles pipelines against the Packit handlers and the operator’s',
    { timeout: 60_000 },
    async () => {
      const signals = new EventEmitter();
      const output = io();
      const saved = process.env.LOG_LEVEL;
      process.env.LOG_LEVEL = 'silent';
      const serving = serveCommand(
        ['--port', '0', '--data-dir', join(dir, 'serve'), '--handlers', handlersFile],
        output,
        signals,
      );
      try {
        let address: string | undefined;
        for (let i = 0; i < 600 && address === undefined; i++) {
          address = /forgeflow is serving on (http:\/\/\S+)/.exec(output.text())?.[1];
          if (address === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(address, output.text()).toBeDefined();
        const validate = async (pipeline: string) =>
          (await (
            await fetch(`${address}/api/v1/validate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ pipeline }),
            })
          ).json()) as { valid: boolean; diagnostics: { message: string }[] };
        const ok = await validate(`version: 1
on: push
jobs:
  build:
    uses: copr.build
    with: { project: p, chroot: fedora-41-x86_64, clone_url: "https://x.example/r.git", committish: "\${{ event.sha }}" }
  sign:
    needs: build
    uses: acme.sign
    with: { file: widgets.rpm }
  koji:
    uses: koji.tag
`);
        expect(ok).toEqual({ valid: true, diagnostics: [], inputs: [] });
        const bad = await validate(`version: 1
on: push
jobs:
  sign:
    uses: acme.sign
    with: {}
`);
        expect(bad.valid).toBe(false);
        expect(bad.diagnostics[0]?.message).toContain('file');
        // One catalog: serve knows the names `forgeflow validate` knows, and the operator's.
        const unknown = `version: 1
on: push
jobs:
  a:
    uses: zzzzzzzzzzzzzzzzzzzz
  b:
    uses: forgeflow.plan
`;
        const served = await validate(unknown);
        const known = (message = '') => /known handlers: (.*)$/.exec(message)?.[1]?.split(', ');
        const local = await runCli(
          'validate',
          '--format',
          'json',
          writeTemp('unknown.yaml', unknown),
        );
        const cli = JSON.parse(local.out) as { message: string }[];
        expect(known(cli[0]?.message)).toEqual([...builtInRegistry.keys()].sort());
        expect(known(served.diagnostics[0]?.message)).toEqual(
          [...builtInRegistry.keys(), 'acme.sign'].sort(),
        );
        // The plan handler is forgeflow's own: no pipeline may name it, here or there.
        expect(served.diagnostics[1]?.message).toContain('unknown handler "forgeflow.plan"');
        expect(cli[1]?.message).toContain('unknown handler "forgeflow.plan"');
      } finally {
        signals.emit('SIGTERM');
        expect(await serving).toBe(0);
        if (saved === undefined) delete process.env.LOG_LEVEL;
        else process.env.LOG_LEVEL = saved;
      }
    },
  );
});

describe('forgeflow worker --handlers', () => {
  it('stops with a usage error before opening the database when the file does not load', async () => {
    const error = await workerCommand(
      ['--data-dir', join(dir, 'worker'), '--handlers', join(dir, 'missing.mjs')],
      io(),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('cannot load it');
  });
});
