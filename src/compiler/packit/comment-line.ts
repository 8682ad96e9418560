/**
 * Finding the command line of a `/packit …` comment and cutting it into words.
 *
 * As in packit-service, the first line (stripped) whose first word is exactly the prefix and
 * that has a word after it is the command; a bare `/packit` line is passed over, and
 * `/packit-stg` is another prefix. packit-service splits on whitespace only; forgeflow also
 * lets quotes group words (`--env "GREETING=hello world"`): `'…'` keeps everything as it is,
 * `"…"` lets `\"` and `\\` stand for `"` and `\`. Outside quotes a backslash is an ordinary
 * character.
 */

export type Words = { ok: true; words: string[] } | { ok: false; error: string };

/** The text after the prefix on the command line, or undefined when no line is a command. */
export function commandLine(body: string, prefix: string): string | undefined {
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    const first = line.split(/\s/, 1)[0];
    if (first !== prefix) continue;
    const rest = line.slice(prefix.length).trim();
    if (rest !== '') return rest;
  }
  return undefined;
}

/** The words of a command line. */
export function splitWords(line: string): Words {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < line.length) {
    const char = line[i]!;
    if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      i += 1;
    } else if (char === "'" || char === '"') {
      const quoted = readQuoted(line, i);
      if (quoted === undefined) return { ok: false, error: `the quote ${char} is never closed` };
      word = (word ?? '') + quoted.text;
      i = quoted.end;
    } else {
      word = (word ?? '') + char;
      i += 1;
    }
  }
  if (word !== null) words.push(word);
  return { ok: true, words };
}

/** The text of the quotation opening at `start`, and where it ends; undefined if unclosed. */
function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  const quote = line[start];
  let text = '';
  let i = start + 1;
  while (i < line.length) {
    const char = line[i]!;
    if (char === quote) return { text, end: i + 1 };
    const next = line[i + 1];
    if (quote === '"' && char === '\\' && (next === '"' || next === '\\')) {
      text += next;
      i += 2;
    } else {
      text += char;
      i += 1;
    }
  }
  return undefined;
}
