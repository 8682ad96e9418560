import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPENSUSE,
  DEFAULT_RELEASES,
  compareMinors,
  parseReleasesTable,
} from '../../../src/compiler/packit/releases.js';

describe('DEFAULT_RELEASES', () => {
  it('describes 2026-12-01: Fedora 43-45 stable, Rawhide 46, EPEL 8, 9, 10 (10.3 trailing, 10.4 leading)', () => {
    expect(DEFAULT_RELEASES).toEqual({
      as_of: '2026-12-01',
      fedora: { rawhide: 46, branched: null, stable: [43, 44, 45] },
      epel: { majors: [8, 9, 10], minors: ['10.3', '10.4'] },
      // opensuse-distro-aliases' CACHED_ACTIVE_DISTRIBUTION_ALIASES (2026-06-24)
      opensuse: { leap: ['15.6', '16.0', '16.1'], leap_micro: ['6.1', '6.2'], tumbleweed: true },
    });
  });

  it('passes its own check unchanged', () => {
    expect(parseReleasesTable(JSON.parse(JSON.stringify(DEFAULT_RELEASES)))).toEqual({
      ok: true,
      table: DEFAULT_RELEASES,
    });
  });
});

describe('parseReleasesTable', () => {
  const valid = {
    as_of: '2025-08-01',
    fedora: { rawhide: 44, branched: 43, stable: [42, 41] },
    epel: { majors: [10, 9, 8], minors: ['10.1', '10.0'] },
  };

  it('sorts the lists oldest first', () => {
    expect(parseReleasesTable(valid)).toEqual({
      ok: true,
      table: {
        as_of: '2025-08-01',
        fedora: { rawhide: 44, branched: 43, stable: [41, 42] },
        epel: { majors: [8, 9, 10], minors: ['10.0', '10.1'] },
        opensuse: DEFAULT_OPENSUSE,
      },
    });
  });

  it('keeps the built-in openSUSE list when the table has none, and checks one it has', () => {
    const own = { leap: ['16.0', '15.6'], leap_micro: [], tumbleweed: false };
    const result = parseReleasesTable({ ...valid, opensuse: own });
    expect(result.ok && result.table.opensuse).toEqual({
      leap: ['15.6', '16.0'],
      leap_micro: [],
      tumbleweed: false,
    });
    const partial = parseReleasesTable({ ...valid, opensuse: { leap: ['16.0'] } });
    expect(partial.ok && partial.table.opensuse).toEqual({
      leap: ['16.0'],
      leap_micro: [],
      tumbleweed: false,
    });
  });

  it('takes missing minors as none', () => {
    const result = parseReleasesTable({ ...valid, epel: { majors: [9] } });
    expect(result.ok && result.table.epel).toEqual({ majors: [9], minors: [] });
  });

  const error = (value: unknown): string => {
    const result = parseReleasesTable(value);
    if (result.ok) throw new Error('expected an error');
    return result.error;
  };

  it.each([
    [null, 'must be an object {as_of, fedora, epel, opensuse?}, got null'],
    [[], 'got a list'],
    [{ ...valid, as_of: '2025-02-30' }, '"as_of" must be a date like "2026-12-01"'],
    [{ ...valid, as_of: 20250801 }, '"as_of" must be a date'],
    [{ ...valid, extra: 1 }, 'unknown key "extra" in the releases table'],
    [{ ...valid, fedora: [] }, '"fedora" must be an object'],
    [
      { ...valid, fedora: { ...valid.fedora, rawhide: '44' } },
      '"fedora.rawhide" must be a version number, got "44" (string)',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, branched: 0 } },
      '"fedora.branched" must be a version number or null',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, stable: [] } },
      '"fedora.stable" must be a non-empty list',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, stable: [41, 41.5] } },
      '"fedora.stable" must hold positive whole numbers, got 41.5 (number)',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, stable: [41, 41] } },
      '"fedora.stable" lists a version twice',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, stable: [41, 44] } },
      '"fedora.stable" must be older than Rawhide (44), got 44',
    ],
    [
      { ...valid, fedora: { ...valid.fedora, branched: 42 } },
      '"fedora.branched" (42) must be newer than the stable releases',
    ],
    [{ ...valid, fedora: { ...valid.fedora, version: 1 } }, 'unknown key "version" in "fedora"'],
    [
      { ...valid, epel: { majors: [8], minors: ['10.1'] } },
      '"10.1" belongs to EPEL 10, which is not in "majors"',
    ],
    [
      { ...valid, epel: { majors: [10], minors: ['10'] } },
      '"10" is not a minor version like "10.1"',
    ],
    [
      { ...valid, epel: { majors: [10], minors: [10.1] } },
      '"epel.minors" must be a list of strings',
    ],
    [
      { ...valid, epel: { majors: [10], minors: ['10.1', '10.1'] } },
      '"epel.minors" lists a version twice',
    ],
    [{ ...valid, epel: 'all' }, '"epel" must be an object {majors, minors}'],
    [{ ...valid, opensuse: [] }, '"opensuse" must be an object {leap, leap_micro, tumbleweed}'],
    [{ ...valid, opensuse: { leap: ['15'] } }, '"opensuse.leap" must be a list of versions'],
    [
      { ...valid, opensuse: { leap_micro: ['6.1', '6.1'] } },
      '"opensuse.leap_micro" lists a version twice',
    ],
    [{ ...valid, opensuse: { tumbleweed: 'yes' } }, '"opensuse.tumbleweed" must be true or false'],
    [{ ...valid, opensuse: { slowroll: true } }, 'unknown key "slowroll" in "opensuse"'],
  ])('rejects %j', (value, message) => {
    expect(error(value)).toContain(message);
  });

  it('reports every problem at once', () => {
    const message = error({ as_of: 'today', fedora: { rawhide: 0 }, epel: {} });
    expect(message).toMatch(/^invalid releases table: /);
    expect(message.split('; ').length).toBeGreaterThanOrEqual(3);
  });
});

describe('compareMinors', () => {
  it('orders minors by number, not text', () => {
    expect(['10.10', '10.2', '9.9'].sort(compareMinors)).toEqual(['9.9', '10.2', '10.10']);
  });
});
