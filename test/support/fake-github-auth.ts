/**
 * Who is calling the fake GitHub: a personal access token, an App (a JWT signed with the App's
 * private key, verified here with its public key, with GitHub's checks on iss/iat/exp), or an
 * installation token the fake minted at `POST /app/installations/{id}/access_tokens`.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakeApp {
  id: number;
  slug: string;
  /** SPKI PEM or a KeyObject; private keys are accepted too (the public half is used). */
  publicKey: string | KeyObject;
}

export interface FakeInstallation {
  id: number;
  /** `owner/name`s this installation may reach; undefined = all (`repository_selection: all`). */
  repositories?: string[];
  permissions: Record<string, string>;
}

export type Caller =
  | { kind: 'token'; user: FakeUser }
  | { kind: 'app' }
  | { kind: 'installation'; installation: FakeInstallation; user: FakeUser };

export type AuthResult = { ok: true; caller: Caller } | { ok: false; status: 401; message: string };

export const DEFAULT_INSTALLATION_PERMISSIONS: Record<string, string> = {
  checks: 'write',
  contents: 'read',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
  statuses: 'write',
};

/** A GitHub App key pair as GitHub issues it: the private key PKCS#1 PEM, the public key SPKI PEM. */
export function generateAppKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
}

const JWT_NOT_DECODED = 'A JSON web token could not be decoded';

export class FakeGitHubAuth {
  readonly tokens = new Map<string, FakeUser>();
  readonly installations = new Map<number, FakeInstallation>();
  /** Minted installation tokens: token → installation id and expiry (epoch ms). */
  readonly installationTokens = new Map<string, { installationId: number; expiresAt: number }>();
  app: (FakeApp & { key: KeyObject }) | null = null;

  constructor(private readonly now: () => number) {}

  setApp(app: FakeApp): void {
    this.app = { ...app, key: createPublicKey(app.publicKey) };
  }

  botUser(): FakeUser {
    return { login: `${this.app?.slug ?? 'app'}[bot]`, id: 41898282, type: 'Bot' };
  }

  authenticate(headers: IncomingHttpHeaders): AuthResult | null {
    const header = headers.authorization;
    if (header === undefined) return null;
    const match = /^(token|bearer)\s+(\S+)$/i.exec(header.trim());
    const credential = match?.[2];
    if (credential === undefined) return { ok: false, status: 401, message: 'Bad credentials' };
    const user = this.tokens.get(credential);
    if (user !== undefined) return { ok: true, caller: { kind: 'token', user } };
    const minted = this.installationTokens.get(credential);
    if (minted !== undefined) {
      const installation = this.installations.get(minted.installationId);
      if (minted.expiresAt <= this.now() || installation === undefined) {
        return { ok: false, status: 401, message: 'Bad credentials' };
      }
      return { ok: true, caller: { kind: 'installation', installation, user: this.botUser() } };
    }
    if (credential.split('.').length === 3) return this.verifyJwt(credential);
    return { ok: false, status: 401, message: 'Bad credentials' };
  }

  mint(installation: FakeInstallation): { token: string; expiresAt: number } {
    const token = `ghs_${randomBytes(27).toString('base64url').slice(0, 36)}`;
    const expiresAt = this.now() + 60 * 60 * 1000;
    this.installationTokens.set(token, { installationId: installation.id, expiresAt });
    return { token, expiresAt };
  }

  private verifyJwt(jwt: string): AuthResult {
    const fail = (message: string): AuthResult => ({ ok: false, status: 401, message });
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    if (this.app === null) return fail(JWT_NOT_DECODED);
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
        alg?: unknown;
      };
      if (head.alg !== 'RS256') return fail(JWT_NOT_DECODED);
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return fail(JWT_NOT_DECODED);
    }
    const signed = Buffer.from(`${header}.${payload}`);
    if (!verify('RSA-SHA256', signed, this.app.key, Buffer.from(signature, 'base64url'))) {
      return fail(JWT_NOT_DECODED);
    }
    if (String(claims.iss) !== String(this.app.id)) return fail(JWT_NOT_DECODED);
    const now = Math.floor(this.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + 60) {
      return fail(
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
      );
    }
    if (typeof claims.exp !== 'number' || claims.exp <= now) {
      return fail(
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
      );
    }
    if (claims.exp > now + 600) {
      return fail("'Expiration time' claim ('exp') is too far in the future.");
    }
    return { ok: true, caller: { kind: 'app' } };
  }
}
