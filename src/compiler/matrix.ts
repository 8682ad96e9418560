/**
 * Matrix expansion with GitHub Actions' rules: the cartesian product in key order, minus every
 * combination an `exclude` entry matches, then each `include` entry either extends the
 * combinations it does not contradict or, when it extends none, is added as a new one.
 */

export type MatrixValue = string | number | boolean;
export type Combination = Record<string, MatrixValue>;

export const LIMITS = { maxCombinations: 256 };

export function expandMatrix(matrix: Record<string, unknown>): {
  combinations: Combination[];
  tooMany: boolean;
} {
  const keys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  let combinations: Combination[] = [{}];
  for (const key of keys) {
    const values = (Array.isArray(matrix[key]) ? matrix[key] : []).filter(isScalar);
    if (combinations.length * values.length > LIMITS.maxCombinations * 4)
      return { combinations: [], tooMany: true };
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  if (keys.length === 0) combinations = [];
  for (const exclusion of entries(matrix.exclude)) {
    combinations = combinations.filter(
      (c) => !Object.entries(exclusion).every(([k, v]) => c[k] === v),
    );
  }
  const original = combinations.map((c) => ({ ...c }));
  for (const inclusion of entries(matrix.include)) {
    let extended = false;
    original.forEach((base, i) => {
      const conflicts = Object.entries(inclusion).some(([k, v]) => k in base && base[k] !== v);
      if (!conflicts) {
        combinations[i] = { ...combinations[i], ...inclusion };
        extended = true;
      }
    });
    if (!extended) combinations.push({ ...inclusion });
  }
  return { combinations, tooMany: combinations.length > LIMITS.maxCombinations };
}

function isScalar(value: unknown): value is MatrixValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function entries(value: unknown): Combination[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e),
    )
    .map(
      (e) => Object.fromEntries(Object.entries(e).filter(([, v]) => isScalar(v))) as Combination,
    );
}

/** `fedora-41-x86_64` or `fedora-41, x86_64`: the part of a node id in brackets. */
export function combinationLabel(combination: Combination): string {
  return Object.values(combination).map(String).join(', ');
}
