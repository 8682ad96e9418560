/**
 * Delta debugging on text: remove chunks of lines, halving the chunk size down to one line,
 * then chunks of characters, keeping every removal after which the input still fails the same
 * way. Bounded by an attempt budget (a hang costs a time limit per attempt).
 */

export type StillFails = (candidate: string) => Promise<boolean>;

async function shrinkUnits(
  units: string[],
  join: (units: string[]) => string,
  stillFails: StillFails,
  budget: { attempts: number },
): Promise<string[]> {
  let current = units;
  for (
    let size = Math.max(1, Math.floor(current.length / 2));
    size >= 1;
    size = Math.floor(size / 2)
  ) {
    for (let start = 0; start < current.length && budget.attempts > 0;) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      budget.attempts--;
      if (candidate.length < current.length && (await stillFails(join(candidate))))
        current = candidate;
      else start += size;
    }
    if (size === 1 || budget.attempts <= 0) break;
  }
  return current;
}

export async function shrinkText(
  text: string,
  stillFails: StillFails,
  attempts = 400,
): Promise<string> {
  const budget = { attempts };
  const lines = await shrinkUnits(text.split('\n'), (l) => l.join('\n'), stillFails, budget);
  const chars = await shrinkUnits([...lines.join('\n')], (c) => c.join(''), stillFails, budget);
  return chars.join('');
}
