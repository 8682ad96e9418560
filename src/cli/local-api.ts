/**
 * The API of a `forgeflow run` process, so another shell can signal its run. The run holds the
 * embedded database (and its lock) for as long as it runs, so no `forgeflow serve` can open it
 * meanwhile: the run's own process answers instead, on a loopback port of its own, with a token
 * made for this run and kept in the data directory (readable by this user only) while it lasts.
 * Reads need the token too: nobody else on the machine has business with a local run.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { buildServer } from '../api/server.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { Db } from '../db/db.js';
import type { Runtime } from '../runtime/runtime.js';

/** The token's file in the data directory; its path goes into the commands `run` prints. */
export const RUN_TOKEN_FILE = 'run-api-token';

export interface LocalApi {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The absolute path of the file holding the token. */
  tokenFile: string;
  close(): Promise<void>;
}

export async function openLocalApi(
  deps: { db: Db; runtime: Runtime; handlers: HandlerRegistry; logger: Logger },
  dataDir: string,
): Promise<LocalApi> {
  const token = randomBytes(32).toString('hex');
  const tokenFile = join(resolve(dataDir), RUN_TOKEN_FILE);
  // A fresh file ('wx' after removing any old one): never written through a planted link.
  rmSync(tokenFile, { force: true });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    const app = await buildServer({
      db: deps.db,
      runtime: deps.runtime,
      clock: deps.runtime.engine.clock,
      logger: deps.logger,
      handlers: deps.handlers,
      auth: { token, readsNeedToken: true },
      // No secrets: the webhook routes refuse every delivery (a local run takes none).
      webhooks: {
        githubSecret: null,
        gitlabToken: null,
        gitlabSigningToken: null,
        bodyLimit: 1024,
      },
    });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      let closed: Promise<void> | undefined;
      return {
        url,
        tokenFile,
        close: () => (closed ??= app.close().then(() => rmSync(tokenFile, { force: true }))),
      };
    } catch (error) {
      await app.close();
      throw error;
    }
  } catch (error) {
    rmSync(tokenFile, { force: true });
    throw error;
  }
}
