// Real .packit.yaml files must load; Packit's own invalid examples must fail with Packit's
// meaning, at the line of the mistake.
import { describe, expect, it } from 'vitest';
import { fixtures, load } from './helpers.js';

/**
 * Job views per file, counted by reading each file: one per job × trigger × selected package.
 * copr: 5 + 4 + 1 copr_build packages, then two one-package tests jobs; packit: koji_build
 * runs on "commit | koji_build"; podman: every job names one of its three package variants.
 */
const VIEWS: Record<string, number> = {
  'ansible__pylibssh.yaml': 3,
  'bootc-dev__bootc.yaml': 8,
  'cockpit-project__cockpit.yaml': 9,
  'containers__podman.yaml': 10,
  'fedora-copr__copr.yaml': 12,
  'packit__packit.yaml': 10,
  'systemd__systemd.yaml': 2,
  'teemtee__tmt.yaml': 18,
};

/** The line of each mistake, read from the files (line 1 is the SOURCE comment). */
const ERROR_LINES: Record<string, number> = {
  '11-unknown-key-in-job.yaml': 8,
  '13-unknown-job-type.yaml': 6,
  '14-unknown-trigger.yaml': 7,
  '15-missing-trigger.yaml': 6,
  '17-job-references-undefined-package.yaml': 8,
  // The yaml parser stops at `pull_request`, where the plain value runs on into the
  // over-indented `targets:` of line 7 (PyYAML reports line 7; both name the mistake).
  '27-yaml-syntax-error.yaml': 6,
};

/** `# EXPECTED ERROR (substring): …`, where `...` stands for anything and `.+` is a regex. */
function expectedError(text: string): RegExp {
  const line = /^# EXPECTED ERROR \(substring\): (.*)$/m.exec(text)?.[1];
  if (!line) throw new Error('fixture without EXPECTED ERROR');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = line
    .split('...')
    .map((part) => part.split('.+').map(escape).join('.+'))
    .join('.*');
  return new RegExp(pattern);
}

describe('real Packit configs', () => {
  const valid = fixtures('valid');

  it('covers every fixture', () => {
    expect(valid.map((f) => f.name).sort()).toEqual(Object.keys(VIEWS).sort());
  });

  it.each(valid)('$name loads with no errors and the expected job views', ({ name, text }) => {
    const result = load(text, name.split('__')[1]?.replace(/\.yaml$/, ''));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!result.ok) throw new Error('not ok');
    expect(result.config.jobs).toHaveLength(VIEWS[name]!);
  });
});

describe("Packit's invalid examples", () => {
  const invalid = fixtures('invalid');

  it('covers every fixture', () => {
    expect(invalid.map((f) => f.name).sort()).toEqual(Object.keys(ERROR_LINES).sort());
  });

  it.each(invalid)("$name fails with Packit's error at its line", ({ name, text }) => {
    const result = load(text);
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const matching = errors.filter((d) => expectedError(text).test(d.message));
    expect(matching, JSON.stringify(errors, null, 2)).toHaveLength(1);
    expect(matching[0]!.line).toBe(ERROR_LINES[name]);
    expect(errors).toHaveLength(1);
  });
});
