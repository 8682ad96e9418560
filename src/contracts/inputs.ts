/**
 * The values a run's `${{ inputs.NAME }}` reads, and the problems a start with wrong values gets:
 * shared by the compiler (which resolves them into the graph), the runtime (which reads them from
 * the graph), the API (which answers the problems) and the CLI (which prints them).
 */
export type InputValue = string | number | boolean;

/** Every declared input by name, in declaration order; null where no value and no default. */
export type InputValues = Record<string, InputValue | null>;

/** One wrong input at start time: `input` is its name (or "" for the inputs as a whole). */
export interface InputProblem {
  input: string;
  message: string;
}
