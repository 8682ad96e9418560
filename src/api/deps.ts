/** What the API's routes are given: the database, the runtime and what they act through. */
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { ReleasesTable } from '../compiler/index.js';
import type { Db } from '../db/db.js';
import type { ForgeClients } from '../forges/clients.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Guard } from './auth.js';

export interface ApiDeps {
  db: Db;
  runtime: Runtime;
  clock: Clock;
  /** The compiler's view of the handlers the workers run. */
  handlers: HandlerRegistry;
  /** The Fedora/EPEL releases Packit's target aliases expand to; the built-in table when null. */
  packitReleases: ReleasesTable | null;
  forges: ForgeClients | null;
  /**
   * Guards reads (a no-op when reads are open) and writes. The server applies them to every
   * route under /api/ in an `onRequest` hook (auth.ts), before the body is read: a route
   * declares `config: { access: 'read' }` for a POST that only reads, and adds nothing else.
   */
  readGuard: Guard;
  writeGuard: Guard;
}
