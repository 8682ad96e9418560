/**
 * `npm run fuzz`: mutates configs, webhook bodies and headers, and API parameters and bodies,
 * runs each input in a sandbox child under a time limit, a heap limit and an RSS cap, and
 * prints counts by target and outcome, the peak RSS and the seed. Exits 1 when any case came
 * to a bad outcome (fuzz/outcomes.ts), 2 when the fuzzer itself could not run.
 *
 *   npm run fuzz                                  # 2,000 cases per target, a new seed
 *   npm run fuzz -- --target configs --minutes 10 --seed 42
 *   npm run fuzz -- --target api --seed 42 --from 812 --iterations 1   # replay case 812
 *   npm run fuzz -- --minimize fuzz-findings/api/5xx/42-812.json       # shrink a finding
 *
 * Inputs that found something are kept under fuzz-findings/ (git-ignored).
 */
import { inspect } from 'node:util';
import { runCampaign } from './campaign.js';
import { parseFuzzArgs, USAGE, type FuzzArgs } from './args.js';
import { minimizeFinding } from './minimize/minimize.js';
import { formatReport } from './report.js';
import { targetsFor } from './targets.js';
import type { Tally } from './tally.js';

async function main(args: FuzzArgs): Promise<number> {
  const started = Date.now();
  // Ctrl-C: the cases running finish, then the report of what ran is printed.
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    process.stderr.write('fuzz: interrupted; finishing the cases running\n');
  });
  const chosen = await targetsFor(args);
  const { targets } = chosen;
  const tallies: Tally[] = [];
  try {
    for (const [i, target] of targets.entries()) {
      const share =
        args.minutes === null
          ? null
          : (args.minutes * 60_000 - (Date.now() - started)) / (targets.length - i);
      process.stderr.write(`fuzz: ${target.name}…\n`);
      tallies.push(
        await runCampaign(target, {
          seed: args.seed,
          from: args.from,
          iterations: args.iterations,
          ...(share === null ? {} : { deadline: Date.now() + Math.max(0, share) }),
          limits: args.limits,
          findingsDir: args.findingsDir,
          interrupted: () => interrupted,
          ...(args.verbose
            ? {
                onCase: (index, verdict, run, testCase) =>
                  process.stderr.write(
                    `${target.name} ${index} ${verdict.outcome} ${Math.round(run.ms)} ms ${Math.round(run.peakRssKb / 1024)} MB ${target.describe(testCase)}\n`,
                  ),
              }
            : {}),
          onProgress: (t) =>
            process.stderr.write(`fuzz: ${t.target}: ${t.cases} cases, ${t.bad} bad\n`),
        }),
      );
    }
  } finally {
    chosen.close();
  }
  const { timeoutMs, heapMb, rssCapMb } = args.limits;
  const header =
    `forgeflow fuzz — seed ${args.seed}, ${((Date.now() - started) / 60_000).toFixed(1)} min; ` +
    `limits: ${timeoutMs} ms per case, ${heapMb} MB heap, ${rssCapMb} MB RSS\n` +
    `replay: npm run fuzz -- --target ${args.targets.length > 1 ? 'all' : args.targets[0]} --seed ${args.seed} --iterations ${args.iterations === Number.MAX_SAFE_INTEGER ? Math.max(...tallies.map((t) => t.cases)) : args.iterations}${args.from ? ` --from ${args.from}` : ''}`;
  process.stdout.write(`${formatReport(tallies, header)}\n`);
  return tallies.some((t) => t.bad > 0) ? 1 : 0;
}

let args: FuzzArgs;
try {
  args = parseFuzzArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const work =
  args.minimize === null
    ? main(args)
    : minimizeFinding(args.minimize, args.limits, args.databaseUrl).then((summary) => {
        process.stdout.write(`${summary}\n`);
        return 0;
      });
work.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz: ${inspect(error)}\n`);
    process.exit(2);
  },
);
