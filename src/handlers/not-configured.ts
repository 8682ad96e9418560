/**
 * Handlers that cannot run for want of configuration fail with a non-retryable `NotConfigured`
 * saying what to set. Among them, the placeholders of the Packit job types forgeflow does not
 * integrate (Koji, Bodhi, Fedora dist-git, Image Builder): a `.packit.yaml` using them still
 * compiles, and its nodes fail saying what to register. An operator's handler of the same name
 * (`--handlers FILE`) replaces the placeholder; any other duplicate name stays an error.
 */
import type { PackitJobInput } from '../compiler/packit/handler-inputs.js';
import { PACKIT_HANDLERS } from '../compiler/packit/types.js';
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { nullableText, text } from './spec-fields.js';
import type { Handler } from './types.js';
import { HandlerError } from '../contracts/errors.js';

export const NOT_CONFIGURED = 'NotConfigured';

export function notConfigured(message: string): HandlerError {
  return new HandlerError(NOT_CONFIGURED, message, { nonRetryable: true });
}

export interface Placeholder {
  handler: string;
  /** The system forgeflow would need, as the message names it. */
  system: string;
  /** The Packit job type(s) compiled to this handler. */
  jobs: string;
}

/** The Packit job types forgeflow does not integrate: their handlers fail NotConfigured. */
export const PLACEHOLDERS: readonly Placeholder[] = [
  { handler: PACKIT_HANDLERS.kojiBuildTag, system: 'Koji', jobs: 'koji_build_tag' },
  {
    handler: PACKIT_HANDLERS.pullFromUpstream,
    system: 'Fedora dist-git',
    jobs: 'pull_from_upstream',
  },
  {
    handler: PACKIT_HANDLERS.syncFromDownstream,
    system: 'Fedora dist-git',
    jobs: 'sync_from_downstream',
  },
  { handler: PACKIT_HANDLERS.vmImageBuild, system: 'Image Builder', jobs: 'vm_image_build' },
];

/** The spec of a job type forgeflow does not integrate; its input is PackitJobInput. */
export function placeholderSpec({ handler, system, jobs }: Placeholder): HandlerSpec {
  return {
    name: handler,
    description: `Packit ${jobs} jobs. forgeflow has no ${system} integration: this fails NotConfigured unless the operator registers a handler named ${handler} (--handlers FILE).`,
    input: {
      type: 'object',
      properties: {
        job: text('The Packit job type.'),
        trigger: text('The job trigger.'),
        package: text('The package.'),
        target: nullableText('The dist-git branch or Koji target.'),
        identifier: nullableText("The job's identifier."),
        config: { type: 'object', description: "The job's package-level Packit configuration." },
      },
    },
  };
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

/** The placeholder of the job type `spec` names: it fails NotConfigured, saying what to register. */
export function placeholderHandler(spec: HandlerSpec): Handler {
  const placeholder: Handler<Partial<PackitJobInput>> = {
    spec,
    run: (input) => Promise.reject(notConfigured(placeholderMessage(spec.name, input))),
  };
  placeholders.add(placeholder);
  return placeholder;
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
