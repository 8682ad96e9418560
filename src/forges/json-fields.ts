/** Reading fields out of a forge's JSON answer without trusting its shape. */
export function field(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function stringField(value: unknown, ...keys: string[]): string | undefined {
  const found = field(value, ...keys);
  return typeof found === 'string' ? found : undefined;
}

export function numberField(value: unknown, ...keys: string[]): number | undefined {
  const found = field(value, ...keys);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/**
 * A forge error body's explanation: GitHub/GitLab `message` (GitLab: sometimes an object), or
 * GitLab's `error`; a plain-text body as it is, but not a proxy's HTML page.
 */
export function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text === '' || text.startsWith('<') ? undefined : text;
  }
  const message = field(body, 'message') ?? field(body, 'error');
  if (message === undefined || message === null) return undefined;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
