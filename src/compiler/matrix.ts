/**
 * Matrix expansion with GitHub Actions' rules: the cartesian product in key order, minus every
 * combination an `exclude` entry matches, then each `include` entry either extends the
 * combinations it does not contradict or, when it extends none, is added as a new one.
 */
import type { Combination, MatrixValue } from '../contracts/graph.js';
import { COMPILE_LIMITS, count } from './limits.js';

export interface Expansion {
  combinations: Combination[];
  /** Why the matrix was not expanded (`makes more than 256 combinations`), if it was not. */
  refused?: string;
}

// Checks, the size count and the graph builder all expand the same matrix: once is enough.
const expanded = new WeakMap<object, Expansion>();

/**
 * Bounded work: at most 4 × maxCombinations combinations are ever made, `include` and `exclude`
 * take at most maxMatrixEntries entries each, and each include is matched against at most
 * maxCombinations combinations.
 */
export function expandMatrix(matrix: Record<string, unknown>): Expansion {
  let result = expanded.get(matrix);
  if (!result) {
    result = expand(matrix);
    expanded.set(matrix, result);
  }
  return result;
}

function expand(matrix: Record<string, unknown>): Expansion {
  const { maxCombinations, maxMatrixEntries } = COMPILE_LIMITS;
  const tooMany = `makes more than ${count(maxCombinations)} combinations`;
  for (const list of ['include', 'exclude'] as const) {
    const length = Array.isArray(matrix[list]) ? (matrix[list] as unknown[]).length : 0;
    if (length > maxMatrixEntries)
      return {
        combinations: [],
        refused: `has ${count(length)} "${list}" entries; a matrix may have at most ${count(maxMatrixEntries)}`,
      };
  }
  const keys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  let combinations: Combination[] = [{}];
  for (const key of keys) {
    const values = (Array.isArray(matrix[key]) ? matrix[key] : []).filter(isScalar);
    if (combinations.length * values.length > maxCombinations * 4)
      return { combinations: [], refused: tooMany };
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  if (keys.length === 0) combinations = [];
  for (const exclusion of entries(matrix.exclude)) {
    combinations = combinations.filter((c) => !exclusion.every(([k, v]) => c[k] === v));
  }
  // `include` only adds: past the limit already, it cannot come back under it.
  if (combinations.length > maxCombinations) return { combinations: [], refused: tooMany };
  const original = combinations.map((c) => ({ ...c }));
  for (const inclusion of entries(matrix.include)) {
    let extended = false;
    original.forEach((base, i) => {
      const conflicts = inclusion.some(([k, v]) => k in base && base[k] !== v);
      if (!conflicts) {
        combinations[i] = { ...combinations[i], ...Object.fromEntries(inclusion) };
        extended = true;
      }
    });
    if (!extended) combinations.push(Object.fromEntries<MatrixValue>(inclusion));
    if (combinations.length > maxCombinations) return { combinations: [], refused: tooMany };
  }
  return { combinations };
}

function isScalar(value: unknown): value is MatrixValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The scalar entries of each `include` or `exclude` item. */
function entries(value: unknown): [string, MatrixValue][][] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e),
    )
    .map((e) =>
      Object.entries(e).filter((entry): entry is [string, MatrixValue] => isScalar(entry[1])),
    );
}

/** `fedora-41-x86_64` or `fedora-41, x86_64`: the part of a node id in brackets. */
export function combinationLabel(combination: Combination): string {
  return Object.values(combination).map(String).join(', ');
}
