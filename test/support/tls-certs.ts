/**
 * Throwaway certificates for the fake Koji hub and lookaside cache, made with openssl in a temporary folder: a CA,
 * the hub's certificate for 127.0.0.1 signed by it, a client certificate it signed (the
 * builder's, CN given), and a client certificate of another, untrusted CA. Removed by `remove()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** Paths of PEM files. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The client certificate and key in one file (as ~/.fedora.cert is). */
  clientPem: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate (and key, one file) no CA of the hub signed. */
  strangerPem: string;
  /** The same stranger's certificate and key as two files. */
  strangerCert: string;
  strangerKey: string;
  read(path: string): Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function selfSigned(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    subject,
  ]);
}

function signed(dir: string, name: string, subject: string, ca: string, ext?: string): void {
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  const extArgs = ext === undefined ? [] : ['-extfile', ext];
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-out',
    `${name}.crt`,
    ...extArgs,
  ]);
}

export function makeTestCertificates(clientCn = 'forgeflow-bot'): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-koji-tls-'));
  selfSigned(dir, 'ca', '/CN=forgeflow test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  signed(dir, 'server', '/CN=127.0.0.1', 'ca', 'server.ext');
  signed(dir, 'client', `/CN=${clientCn}`, 'ca');
  selfSigned(dir, 'stranger-ca', '/CN=another CA');
  signed(dir, 'stranger', `/CN=${clientCn}`, 'stranger-ca');
  const path = (name: string) => join(dir, name);
  const concat = (out: string, parts: string[]) =>
    writeFileSync(path(out), parts.map((p) => readFileSync(path(p), 'utf8')).join(''));
  concat('client.pem', ['client.crt', 'client.key']);
  concat('stranger.pem', ['stranger.crt', 'stranger.key']);
  return {
    dir,
    caCert: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientPem: path('client.pem'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    strangerPem: path('stranger.pem'),
    strangerCert: path('stranger.crt'),
    strangerKey: path('stranger.key'),
    read: (p) => readFileSync(p),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
