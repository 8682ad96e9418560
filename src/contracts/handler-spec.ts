/**
 * What the compiler needs to know about a handler: its name and input schema. The caller passes
 * the registry (built-in handlers plus any the operator registered), so the compiler never
 * imports handler code.
 */

export interface HandlerSpec {
  name: string;
  description: string;
  /** JSON Schema of the handler's `with:` input. */
  input: Record<string, unknown>;
  /** Input fields run by a shell; `${{ }}` there is a script-injection error. */
  scriptFields?: readonly string[];
}

export type HandlerRegistry = ReadonlyMap<string, HandlerSpec>;

export function registryOf(specs: readonly HandlerSpec[]): HandlerRegistry {
  return new Map(specs.map((spec) => [spec.name, spec]));
}
