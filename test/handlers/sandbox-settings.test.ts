/**
 * The sandbox's settings and its start-up check: what FORGEFLOW_EXEC_SANDBOX and friends accept,
 * that the probe really sets a sandbox up, and that `serve` and `worker` with exec enabled refuse
 * to start, in one sentence, where it cannot be set up.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { mountFlagsIn } from '../../src/handlers/sandbox/mount-flags.js';
import { probeSandbox, sandboxUnavailable } from '../../src/handlers/sandbox/probe.js';
import { linkTargetsOutside } from '../../src/handlers/sandbox/root-tree.js';
import {
  DEFAULT_HIDDEN,
  defaultSandboxSettings,
  NOBODY,
  readSandboxSettings,
} from '../../src/handlers/sandbox/settings.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-sandbox-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sandbox settings', () => {
  it('defaults to the namespace sandbox, nobody, a workspace root per user, and hides the data directory', () => {
    const settings = readSandboxSettings({}, undefined, ['./.forgeflow']);
    expect(settings).toEqual({
      mode: 'namespaces',
      workspaceRoot: path.join(tmpdir(), `forgeflow-workspaces-${process.getuid!()}`),
      user: NOBODY,
      readOnly: [],
      hidden: [...DEFAULT_HIDDEN, path.resolve('.forgeflow')],
      network: 'host',
    });
  });

  it('reads the flag before FORGEFLOW_EXEC_SANDBOX, and the other variables', () => {
    const env = {
      FORGEFLOW_EXEC_SANDBOX: 'namespaces',
      FORGEFLOW_EXEC_WORKSPACES: '/srv/work',
      FORGEFLOW_EXEC_SANDBOX_USER: '2000:3000',
      FORGEFLOW_EXEC_SANDBOX_READONLY: '/opt/tools, /srv/ci',
      FORGEFLOW_EXEC_NETWORK: 'none',
    };
    expect(readSandboxSettings(env, undefined, [])).toMatchObject({
      mode: 'namespaces',
      workspaceRoot: '/srv/work',
      user: { uid: 2000, gid: 3000 },
      readOnly: ['/opt/tools', '/srv/ci'],
      network: 'none',
    });
    expect(
      readSandboxSettings({ ...env, FORGEFLOW_EXEC_NETWORK: 'host' }, 'none', []),
    ).toMatchObject({ mode: 'none', network: 'host' });
    expect(
      readSandboxSettings({ FORGEFLOW_EXEC_SANDBOX_USER: '4242' }, undefined, []),
    ).toMatchObject({ user: { uid: 4242, gid: 4242 } });
  });

  it('says what is wrong with a setting', () => {
    const problem = (env: NodeJS.ProcessEnv, flag?: string, secrets: string[] = []) =>
      readSandboxSettings(env, flag, secrets);
    expect(problem({}, 'bubblewrap')).toBe(
      '--exec-sandbox / FORGEFLOW_EXEC_SANDBOX must be namespaces or none, not "bubblewrap"',
    );
    expect(problem({ FORGEFLOW_EXEC_SANDBOX_USER: '0' })).toContain('uid or uid:gid (not 0)');
    expect(problem({ FORGEFLOW_EXEC_NETWORK: 'bridge' })).toBe(
      'FORGEFLOW_EXEC_NETWORK must be host or none, not "bridge"',
    );
    expect(problem({ FORGEFLOW_EXEC_NETWORK: 'none' }, 'none')).toContain('needs the sandbox');
    expect(problem({ FORGEFLOW_EXEC_SANDBOX_USER: 'nobody' })).toContain('not "nobody"');
    expect(problem({ FORGEFLOW_EXEC_SANDBOX_READONLY: 'tools' })).toContain('absolute folders');
    expect(problem({ FORGEFLOW_EXEC_SANDBOX_READONLY: '/tmp/tools' })).toBe(
      'FORGEFLOW_EXEC_SANDBOX_READONLY cannot give /tmp/tools: the sandbox has its own /tmp',
    );
    expect(problem({ FORGEFLOW_EXEC_SANDBOX_READONLY: '/' })).toContain('cannot give /');
    expect(problem({ FORGEFLOW_EXEC_WORKSPACES: '/srv/ff/work' }, undefined, ['/srv/ff'])).toBe(
      'FORGEFLOW_EXEC_WORKSPACES (/srv/ff/work) must not be inside /srv/ff',
    );
  });
});

describe('host mount flags a read-only bind keeps', () => {
  const mountinfo = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '30 22 0:40 / /tmp rw,nosuid,nodev,noexec,relatime shared:2 - tmpfs tmpfs rw',
    '31 30 0:41 / /tmp/exec\\040ok rw,nosuid shared:3 - tmpfs tmpfs rw',
    '32 22 0:42 / /srv rw,noatime - xfs /dev/vdb rw',
    '33 22 0:43 / /srv rw,nodev,nosuid - tmpfs over rw',
  ].join('\n');
  const flagsOf = mountFlagsIn(mountinfo);

  it('takes the flags of the deepest (and, stacked, the latest) mount holding a path', () => {
    expect(flagsOf('/usr/bin')).toEqual(['relatime']);
    expect(flagsOf('/tmp/forgeflow-workspaces-0/attempt-x')).toEqual([
      'nosuid',
      'nodev',
      'noexec',
      'relatime',
    ]);
    expect(flagsOf('/tmp/exec ok/tools')).toEqual(['nosuid']);
    expect(flagsOf('/tmp/exec')).toEqual(['nosuid', 'nodev', 'noexec', 'relatime']);
    expect(flagsOf('/srv/data')).toEqual(['nodev', 'nosuid']);
  });
});

describe('configuration that links out of /etc', () => {
  it('has its target given to steps when no bind shows it, and nothing else', async () => {
    // Not under /tmp: the sandbox has its own, so nothing there could be given.
    const base = mkdtempSync(path.join('/var/tmp', 'forgeflow-links-'));
    try {
      const etc = path.join(base, 'etc');
      const run = path.join(base, 'run', 'resolve');
      mkdirSync(etc);
      mkdirSync(run, { recursive: true });
      writeFileSync(path.join(run, 'stub-resolv.conf'), 'nameserver 127.0.0.53\n');
      symlinkSync('../run/resolve/stub-resolv.conf', path.join(etc, 'resolv.conf'));
      symlinkSync('hosts.real', path.join(etc, 'hosts'));
      writeFileSync(path.join(etc, 'hosts.real'), '');
      symlinkSync('../run/missing', path.join(etc, 'dangling'));
      writeFileSync(path.join(etc, 'plain'), '');
      const links = ['resolv.conf', 'hosts', 'dangling', 'plain', 'absent'].map((name) =>
        path.join(etc, name),
      );
      const binds = [{ host: etc, inside: '/etc' }];
      expect(await linkTargetsOutside(links, binds)).toEqual([path.join(run, 'stub-resolv.conf')]);
      expect(await linkTargetsOutside(links, [...binds, { host: base, inside: base }])).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('the sandbox probe', () => {
  it('sets a sandbox up and runs `true` in it, leaving nothing behind', async () => {
    const workspaceRoot = path.join(dir, 'ok');
    expect(await probeSandbox(defaultSandboxSettings({ workspaceRoot }))).toBeUndefined();
    expect(
      await probeSandbox(defaultSandboxSettings({ mode: 'none', workspaceRoot })),
    ).toBeUndefined();
  });

  it('says why when it cannot: a workspace root another user could swap under it', async () => {
    const real = path.join(dir, 'real');
    mkdirSync(real);
    const link = path.join(dir, 'link');
    symlinkSync(real, link);
    expect(await probeSandbox(defaultSandboxSettings({ workspaceRoot: link }))).toBe(
      `the exec workspace root ${link} is a symbolic link`,
    );
  });

  it('stops serve and worker with exec enabled, in one sentence that says how to opt out', async () => {
    const link = path.join(dir, 'link-2');
    symlinkSync(dir, link);
    const saved = { ...process.env };
    Object.assign(process.env, {
      FORGEFLOW_EXEC_ALLOW: 'echo',
      FORGEFLOW_EXEC_WORKSPACES: link,
    });
    try {
      const reason = `the exec workspace root ${link} is a symbolic link`;
      const serve = await runCli('serve', '--port', '0', '--data-dir', path.join(dir, 'data'));
      expect([serve.code, serve.err.trim()]).toEqual([
        2,
        expect.stringContaining(sandboxUnavailable(reason)),
      ]);
      expect(serve.err).toContain('FORGEFLOW_EXEC_SANDBOX=none');
      const worker = await runCli('worker', '--database-url', 'postgres://127.0.0.1:1/none');
      expect([worker.code, worker.err]).toEqual([
        2,
        expect.stringContaining(sandboxUnavailable(reason)),
      ]);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
