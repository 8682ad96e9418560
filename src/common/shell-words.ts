/** POSIX shell words, for scripts forgeflow writes and for commands it tells people to type. */

/** A shell word that is exactly `value`, always quoted. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `value` as a shell word: bare when the shell would read it unchanged, else quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}
