/**
 * Shrinking a JSON body that still parses: drop object keys and array items, shallowest
 * first, keeping each drop after which the request still fails the same way; then shrink the
 * long strings that are left. Bodies that do not survive JSON.parse and JSON.stringify unchanged
 * (raw literals, deep nesting spliced in, bytes that are not UTF-8) are shrunk as text.
 */
import { shrinkText, type StillFails } from './shrink-text.js';

type Container = Record<string, unknown> | unknown[];
type Key = string | number;

function entries(node: Container): Key[] {
  return Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
}

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

export async function shrinkJson(
  value: unknown,
  stillFails: StillFails,
  attempts = 800,
): Promise<unknown> {
  let budget = attempts;
  const root = { value: structuredClone(value) } as Record<string, unknown>;
  const text = () => JSON.stringify(root.value);
  const queue: Container[] = [root];
  while (queue.length > 0 && budget > 0) {
    const node = queue.shift()!;
    for (const key of entries(node).reverse()) {
      if (node === root || budget <= 0) continue;
      const saved = (node as Record<Key, unknown>)[key];
      budget--;
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete node[key as string];
      if (await stillFails(text())) continue;
      if (Array.isArray(node)) node.splice(Number(key), 0, saved);
      else node[key as string] = saved;
    }
    for (const key of entries(node)) {
      const child = (node as Record<Key, unknown>)[key];
      if (isContainer(child)) queue.push(child);
    }
  }
  // What is left of long strings: the characters that matter.
  const strings: [Record<Key, unknown>, Key][] = [];
  const walk = (node: unknown) => {
    if (!isContainer(node)) return;
    for (const key of entries(node)) {
      const child = (node as Record<Key, unknown>)[key];
      if (typeof child === 'string' && child.length > 40)
        strings.push([node as Record<Key, unknown>, key]);
      walk(child);
    }
  };
  walk(root.value);
  for (const [node, key] of strings) {
    if (budget <= 0) break;
    // Halve it while it still fails (a length limit needs only its length), then cut chars.
    let kept = node[key] as string;
    while (kept.length > 40 && budget-- > 0) {
      node[key] = kept.slice(0, Math.ceil(kept.length / 2));
      if (!(await stillFails(text()))) break;
      kept = node[key] as string;
    }
    node[key] = kept;
    node[key] = await shrinkText(
      kept,
      (candidate) => {
        node[key] = candidate;
        return stillFails(text());
      },
      Math.min(budget, 80),
    );
    budget -= 80;
  }
  return root.value;
}
