/**
 * Cycles in a directed graph of named nodes: the compiler's `needs` check and the house's
 * import check (scripts/architecture, which eslint loads as plain JavaScript: hence this file is
 * JavaScript, typed with JSDoc) both ask "which nodes reach each other, and by which loop?".
 * Iterative, so a cycle of thousands of nodes does not overflow the stack.
 */

/**
 * Tarjan's strongly connected components, each component once; every node reached is in one.
 * @param {readonly string[]} nodes
 * @param {ReadonlyMap<string, readonly string[]>} edges
 * @returns {string[][]}
 */
export function stronglyConnected(nodes, edges) {
  let counter = 0;
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {Set<string>} */ const onStack = new Set();
  /** @type {string[]} */ const stack = [];
  /** @type {string[][]} */ const result = [];
  /** @param {string} node */
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
  };
  /** @param {string} node @param {number} value */
  const lower = (node, value) => low.set(node, Math.min(low.get(node) ?? value, value));
  for (const root of nodes) {
    if (index.has(root)) continue;
    /** @type {{ node: string, next: number }[]} */
    const work = [{ node: root, next: 0 }];
    visit(root);
    while (work.length > 0) {
      const frame = /** @type {{ node: string, next: number }} */ (work.at(-1));
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = /** @type {string} */ (targets[frame.next++]);
        if (!index.has(target)) {
          visit(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lower(frame.node, index.get(target) ?? 0);
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) lower(parent.node, low.get(frame.node) ?? 0);
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      /** @type {string[]} */
      const component = [];
      let member;
      do {
        member = /** @type {string} */ (stack.pop());
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      result.push(component);
    }
  }
  return result;
}

/**
 * The shortest walk start → … → start inside one component (breadth first).
 * @param {string} start
 * @param {ReadonlyMap<string, readonly string[]>} edges
 * @param {ReadonlySet<string>} members
 * @returns {string[]}
 */
export function cyclePath(start, edges, members) {
  /** @type {Map<string, string>} */ const previous = new Map();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = /** @type {string} */ (queue[head]);
    for (const target of edges.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (
          let at = /** @type {string | undefined} */ (node);
          at !== undefined && at !== start;
          at = previous.get(at)
        )
          path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
