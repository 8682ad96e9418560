/**
 * Run ids as text. A run id is a UUID; the start of one (what `forgeflow runs show 3f2a91c0`
 * takes, like git's short hashes) is 4 or more of its hex digits, written with the UUID's
 * dashes or without any. The API's `id_prefix` and the CLI read it with the same rule, and the
 * runtime turns it into the range of ids it covers, which the primary key's index walks.
 */

/** A run id: a plain UUID in either case (not `urn:uuid:…`, which PostgreSQL's uuid type refuses). */
export const RUN_ID =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Fewer digits would match one run in 4,096 or more: a search, not a name. */
export const RUN_ID_PREFIX_MIN_DIGITS = 4;

const HEX = '[0-9a-fA-F]';
/**
 * The start of a run id: 4 to 32 hex digits; with dashes only where the UUID's text has them
 * (after the 8th, 12th, 16th and 20th digit). Every part is bounded (36 characters at most),
 * so a match takes bounded time on any input.
 */
export const RUN_ID_PREFIX = new RegExp(
  `^(?:${HEX}{${RUN_ID_PREFIX_MIN_DIGITS},32}|${HEX}{8}-(?:${HEX}{0,4}|${HEX}{4}-(?:${HEX}{0,4}|${HEX}{4}-(?:${HEX}{0,4}|${HEX}{4}-${HEX}{0,12}))))$`,
);

/** The digits of a UUID's text between its dashes. */
const GROUPS = [8, 4, 4, 4, 12];

/**
 * The lowest and the highest run id that start with `prefix` (a RUN_ID_PREFIX): PostgreSQL
 * orders uuids as their hex digits read left to right, so these two bound exactly the ids
 * with that start.
 */
export function runIdRange(prefix: string): { low: string; high: string } {
  if (!RUN_ID_PREFIX.test(prefix)) throw new Error(`not the start of a run id: "${prefix}"`);
  const digits = prefix.replaceAll('-', '').toLowerCase();
  return { low: asUuid(digits.padEnd(32, '0')), high: asUuid(digits.padEnd(32, 'f')) };
}

function asUuid(digits: string): string {
  let at = 0;
  return GROUPS.map((length) => digits.slice(at, (at += length))).join('-');
}
