/**
 * `--lease` / FORGEFLOW_LEASE and FORGEFLOW_WORKER_DEAD_AFTER (issue 19 item 1): durations as
 * pipelines write them or bare seconds, within bounds, the dead-after shorter than the lease.
 */
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/cli/settings.js';
import { durationSetting } from '../../src/cli/duration-setting.js';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  FORGEFLOW_EXEC_SANDBOX: 'none',
  ...extra,
});
const liveness = (extra: Record<string, string>, lease?: string) => {
  const s = readSettings(env(extra), lease === undefined ? {} : { lease });
  return [s.leaseMs, s.workerDeadAfterMs];
};

describe('the lease and the dead-after', () => {
  it('default to 30 s and 10 s', () => {
    expect(liveness({})).toEqual([30_000, 10_000]);
  });

  it('read --lease over FORGEFLOW_LEASE, as a duration or seconds', () => {
    expect(liveness({ FORGEFLOW_LEASE: '2m' })).toEqual([120_000, 10_000]);
    expect(liveness({ FORGEFLOW_LEASE: '2m' }, '45s')).toEqual([45_000, 10_000]);
    expect(liveness({}, '90')).toEqual([90_000, 10_000]);
    expect(liveness({}, '1m30s')).toEqual([90_000, 10_000]);
    expect(liveness({ FORGEFLOW_WORKER_DEAD_AFTER: '6s' })).toEqual([30_000, 6_000]);
  });

  it('refuse what is out of bounds or not a duration, saying why', () => {
    expect(() => liveness({}, '2s')).toThrow(
      '--lease / FORGEFLOW_LEASE must be within 5s–1h; got 2s',
    );
    expect(() => liveness({}, '2h')).toThrow('must be within 5s–1h');
    expect(() => liveness({}, 'soon')).toThrow(
      '--lease / FORGEFLOW_LEASE must be a duration such as 30s or 2m (5s–1h); got "soon"',
    );
    expect(() => liveness({}, '-5')).toThrow('must be a duration');
    expect(() => liveness({ FORGEFLOW_WORKER_DEAD_AFTER: '1s' })).toThrow(
      'FORGEFLOW_WORKER_DEAD_AFTER must be within 3s–10m',
    );
    expect(() => liveness({ FORGEFLOW_WORKER_DEAD_AFTER: '20s' }, '10s')).toThrow(
      'FORGEFLOW_WORKER_DEAD_AFTER (20s) must be shorter than the lease (10s)',
    );
  });

  it('parses bare seconds with a fraction', () => {
    expect(durationSetting('x', '7.5', { fallback: 1, min: 0, max: 10_000 })).toBe(7_500);
    expect(durationSetting('x', ' ', { fallback: 1, min: 0, max: 10_000 })).toBe(1);
  });
});
