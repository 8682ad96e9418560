/**
 * The step's environment as the sandbox's STEP script reads it from stdin: a line with the name,
 * a line with the value escaped for `printf %b` (only a backslash and a newline need it). It
 * travels on a pipe, never on a command line, where any local user could read it.
 */
export function encodeEnvironment(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}\n${value.replace(/\\/g, '\\0134').replace(/\n/g, '\\0012')}\n`)
    .join('');
}
