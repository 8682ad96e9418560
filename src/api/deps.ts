/** What the API's routes are given: the database, the runtime and what they act through. */
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { HandlerRegistry } from '../compiler/handler-spec.js';
import type { Db } from '../db/db.js';
import type { ForgeClients } from '../forges/clients.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';

export interface ApiDeps {
  db: Db;
  runtime: Runtime;
  clock: Clock;
  /** The compiler's view of the handlers the workers run. */
  handlers: HandlerRegistry;
  forges: ForgeClients | null;
  /** Guards reads (a no-op when reads are open); writes always use `writeGuard`. */
  readGuard: preHandlerAsyncHookHandler;
  writeGuard: preHandlerAsyncHookHandler;
}
