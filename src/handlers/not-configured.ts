/**
 * Placeholders for the Packit job types forgeflow does not integrate (Koji, Bodhi, Fedora
 * dist-git, Image Builder): a `.packit.yaml` using them still compiles, and its nodes fail with
 * a non-retryable `NotConfigured` that says what to register. An operator's handler of the same
 * name (`--handlers FILE`) replaces the placeholder; any other duplicate name stays an error.
 */
import type { PackitJobInput } from '../compiler/packit/handler-inputs.js';
import { PLACEHOLDERS, placeholderSpec } from './packit-catalog.js';
import type { Handler } from './types.js';
import { HandlerError } from '../contracts/errors.js';

export const NOT_CONFIGURED = 'NotConfigured';

export function notConfigured(message: string): HandlerError {
  return new HandlerError(NOT_CONFIGURED, message, { nonRetryable: true });
}

/** What the operator reads: the missing integration, the handler name to register, the job. */
export function placeholderMessage(handler: string, input?: Partial<PackitJobInput>): string {
  const found = PLACEHOLDERS.find((p) => p.handler === handler);
  const system = found?.system ?? 'integration';
  const jobs = found?.jobs ?? handler;
  const what = [
    input?.package ? `package ${input.package}` : null,
    input?.target ? `target ${input.target}` : null,
    input?.identifier ? `identifier ${input.identifier}` : null,
  ].filter((part): part is string => part !== null);
  const about = what.length === 0 ? '' : ` (this one: ${what.join(', ')})`;
  return (
    `forgeflow has no ${system} integration: register a handler named ${handler} ` +
    `(forgeflow serve --handlers ./my-handlers.js) to run ${jobs} jobs${about}`
  );
}

const placeholders = new WeakSet<Handler>();

/** One placeholder handler per Packit job type forgeflow does not integrate. */
export function notConfiguredHandlers(): Handler[] {
  return PLACEHOLDERS.map(({ handler, system, jobs }) => {
    const placeholder: Handler<Partial<PackitJobInput>> = {
      spec: placeholderSpec(handler, system, jobs),
      run: (input) => Promise.reject(notConfigured(placeholderMessage(handler, input))),
    };
    placeholders.add(placeholder);
    return placeholder;
  });
}

export function isPlaceholder(handler: Handler): boolean {
  return placeholders.has(handler);
}

/**
 * `handlers` with the operator's `extra` added: an extra handler named like a placeholder
 * takes its place. Other duplicates are left for `handlerRegistry` to refuse.
 */
export function withOperatorHandlers(
  handlers: readonly Handler[],
  extra: readonly Handler[],
): Handler[] {
  const names = new Set(extra.map((handler) => handler.spec.name));
  return [
    ...handlers.filter((handler) => !(isPlaceholder(handler) && names.has(handler.spec.name))),
    ...extra,
  ];
}
