/**
 * The handlers a worker can run, by name. The runtime looks implementations up here; the
 * compiler only ever sees their specs (through `specsOf`), so it never imports handler code.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { catalogHandlers } from './catalog.js';
import { handlerServices } from './handler-services.js';
import type { Handler } from './types.js';

/** A name → handler map; two handlers with one name are a programming error. */
export function handlerRegistry(handlers: Iterable<Handler>): Map<string, Handler> {
  const registry = new Map<string, Handler>();
  for (const handler of handlers) {
    if (registry.has(handler.spec.name)) {
      throw new Error(`handler "${handler.spec.name}" is registered twice`);
    }
    registry.set(handler.spec.name, handler);
  }
  return registry;
}

/**
 * The catalog's handlers as a worker without the operator's services has them: exec and
 * http.request run; the forge and Packit handlers fail NotConfigured.
 */
export function builtInHandlers(): Map<string, Handler> {
  return handlerRegistry(catalogHandlers(handlerServices()));
}

/** The specs to build the compiler's registry from: `registryOf(specsOf(handlers))`. */
export function specsOf(handlers: ReadonlyMap<string, Handler>): HandlerSpec[] {
  return [...handlers.values()].map((handler) => handler.spec);
}
