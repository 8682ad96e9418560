/**
 * `--retention` / FORGEFLOW_RETENTION (issue 19 item 4): key=age pairs over the defaults, a
 * status's own age over `runs` wherever it is written, `forever` for one key or for all, and a
 * sentence for each mistake.
 */
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/cli/settings.js';
import {
  DEFAULT_RETENTION,
  KEEP_FOREVER,
  formatRetention,
  parseRetention,
} from '../../src/contracts/retention.js';

const DAY = 86_400_000;
const settings = (env: Record<string, string>, retention?: string) =>
  readSettings(
    { FORGEFLOW_EXEC_SANDBOX: 'none', ...env },
    retention === undefined ? {} : { retention },
  ).retention;

describe('the retention setting', () => {
  it('defaults to 90 days for runs of every status, 30 for deliveries and comments', () => {
    expect(settings({})).toEqual(DEFAULT_RETENTION);
    expect(formatRetention(DEFAULT_RETENTION)).toBe(
      'succeeded=90d,failed=90d,canceled=90d,timed_out=90d,deliveries=30d,comments=30d,summaries=90d,tombstones=365d',
    );
  });

  it('reads --retention over FORGEFLOW_RETENTION, a status over runs wherever written', () => {
    expect(settings({ FORGEFLOW_RETENTION: 'runs=30d' }).runs).toEqual({
      succeeded: 30 * DAY,
      failed: 30 * DAY,
      canceled: 30 * DAY,
      timed_out: 30 * DAY,
    });
    const both = {
      succeeded: 7 * DAY,
      failed: 180 * DAY,
      canceled: 180 * DAY,
      timed_out: 180 * DAY,
    };
    expect(settings({}, 'succeeded=7d, runs=180d').runs).toEqual(both);
    expect(settings({}, 'runs=180d,succeeded=7d').runs).toEqual(both);
    expect(settings({ FORGEFLOW_RETENTION: 'runs=1d' }, 'deliveries=3d')).toEqual({
      ...DEFAULT_RETENTION,
      deliveries: 3 * DAY,
    });
    expect(settings({}, 'failed=forever,tombstones=1d12h').runs.failed).toBeNull();
  });

  it('keeps everything with `forever`, and one kind with key=forever', () => {
    expect(settings({ FORGEFLOW_RETENTION: 'forever' })).toEqual(KEEP_FOREVER);
    expect(parseRetention('deliveries=forever')).toEqual({
      ...DEFAULT_RETENTION,
      deliveries: null,
    });
    expect(settings({}, 'runs=forever').runs).toEqual(KEEP_FOREVER.runs);
  });

  it('refuses each mistake with a sentence that says it', () => {
    expect(() => settings({}, 'logs=30d')).toThrow(
      '--retention / FORGEFLOW_RETENTION: "logs" is not a retention setting; use runs, succeeded, failed, canceled, timed_out, deliveries, comments, summaries, tombstones (as key=age)',
    );
    expect(() => settings({ FORGEFLOW_RETENTION: 'runs' })).toThrow(
      'runs needs one age, as runs=30d or runs=forever',
    );
    expect(() => settings({}, 'runs=30d=1')).toThrow('runs needs one age');
    expect(() => settings({}, 'runs=30')).toThrow(
      'runs=30: an age is a duration with its unit (30d, 12h) or forever',
    );
    expect(() => settings({}, 'failed=1d,failed=2d')).toThrow('failed is given twice');
    expect(() => settings({}, 'succeeded=10m')).toThrow(
      'succeeded=10m: must be within 1h–3650d, or forever',
    );
    // A delivery younger than GitHub's 3 days of redelivery tells a redelivery from a new one.
    expect(() => settings({}, 'deliveries=2d')).toThrow(
      'deliveries=2d: must be within 3d–3650d, or forever',
    );
    expect(() => settings({}, 'comments=1d')).toThrow('must be within 3d–3650d');
    expect(() => settings({}, 'tombstones=4000d')).toThrow('must be within 1d–3650d');
  });
});
