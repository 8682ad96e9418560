/** What every forge client takes besides the operator's settings for its forge. */
export interface ForgeClientOptions {
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** The clock rate-limit resets are measured against. */
  now?: () => number;
  /** Largest file `readFile` returns, default 10 MiB. */
  maxFileBytes?: number;
  /** A client library's own warnings (Octokit's); default console. */
  log?: ForgeLog;
}

export interface ForgeLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
