/**
 * A throwaway certificate authority for tests of client-certificate authentication: a CA, a
 * server certificate for 127.0.0.1, and a client certificate, made by `openssl` (argv, no
 * shell) in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  /** PEM file paths. */
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from another CA (the server must refuse it). */
  strangerCert: string;
  strangerKey: string;
  read(path: string): Buffer;
  remove(): void;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A new key `<name>.key` and `out`: a request (`-new`) or a self-signed certificate (`-x509`). */
function newKey(dir: string, name: string, subject: string, kind: '-new' | '-x509'): void {
  const out = join(dir, `${name}.${kind === '-new' ? 'csr' : 'crt'}`);
  openssl([
    ...['req', kind, '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`)],
    ...['-out', out, '-subj', subject, ...(kind === '-x509' ? ['-days', '2'] : [])],
  ]);
}

function sign(dir: string, name: string, ca: string, extensions?: string): void {
  openssl([
    ...['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${ca}.crt`)],
    ...['-CAkey', join(dir, `${ca}.key`), '-CAcreateserial', '-days', '2'],
    ...['-out', join(dir, `${name}.crt`)],
    ...(extensions ? ['-extfile', extensions] : []),
  ]);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-certs-'));
  newKey(dir, 'ca', '/CN=forgeflow test CA', '-x509');
  newKey(dir, 'other-ca', '/CN=someone else', '-x509');
  const san = join(dir, 'san.ext');
  writeFileSync(san, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  newKey(dir, 'server', '/CN=127.0.0.1', '-new');
  sign(dir, 'server', 'ca', san);
  newKey(dir, 'client', '/CN=packit', '-new');
  sign(dir, 'client', 'ca');
  newKey(dir, 'stranger', '/CN=packit', '-new');
  sign(dir, 'stranger', 'other-ca');
  const at = (file: string) => join(dir, file);
  return {
    dir,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    strangerCert: at('stranger.crt'),
    strangerKey: at('stranger.key'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
