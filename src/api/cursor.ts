/**
 * Keyset cursors for newest-first lists: the (created_at, id) of the last row of a page,
 * opaque to clients (base64url). A cursor that does not decode is the client's error, said so.
 */
export interface Keyset {
  at: Date;
  id: string;
}

export function encodeCursor(key: Keyset): string {
  return Buffer.from(`${key.at.toISOString()}|${key.id}`, 'utf8').toString('base64url');
}

/** undefined when `text` is not a cursor this server made. */
export function decodeCursor(text: string): Keyset | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  const [at, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (at === undefined || id === undefined || extra !== undefined) return undefined;
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) return undefined;
  if (!/^[A-Za-z0-9._:-]{1,250}$/.test(id)) return undefined;
  return { at: date, id };
}
