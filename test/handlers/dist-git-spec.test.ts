/**
 * The text edits of a release sync (the spec is never given to rpm), the `sources` file, and
 * the names taken from a repository: what is refused, and what is written.
 */
import { describe, expect, it } from 'vitest';

import { HandlerError } from '../../src/contracts/errors.js';
import {
  checkedBranch,
  checkedFileName,
  checkedPackage,
  checkedPath,
  forkBranch,
  versionOfTag,
} from '../../src/handlers/dist-git/names.js';
import { parseSourcesFile, sourcesFile } from '../../src/handlers/dist-git/sources-file.js';
import {
  changelogEntry,
  sourceFileName,
  sourceUrl,
  withChangelog,
  withVersion,
} from '../../src/handlers/dist-git/spec-edit.js';

const SPEC = `%global forgeurl https://github.com/acme/hello
Name:           hello
Version:        0.9
Release:        3%{?dist}
URL:            %{forgeurl}
Source0:        %{url}/archive/v%{version}/%{name}-%{version}.tar.gz

%description
Hello.

%changelog
* Mon Jan 05 2026 Upstream <up@example.org> - 0.9-1
- upstream's own entry
`;

const DIST_GIT_SPEC = `Name: hello
Version: 0.8
%changelog
* Sun Jan 04 2026 Fedora Packager <fp@example.org> - 0.8-2
- rebuilt
`;

function refused(run: () => unknown): HandlerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).type).toBe('DistGitBadInput');
    expect((error as HandlerError).nonRetryable).toBe(true);
    return error as HandlerError;
  }
  throw new Error('not refused');
}

describe('spec edits', () => {
  it('sets Version, resets Release and keeps the rest', () => {
    const edited = withVersion(SPEC, '1.2.0');
    expect(edited).toContain('Version:        1.2.0\n');
    expect(edited).toContain('Release:        1%{?dist}\n');
    expect(edited.replace('1.2.0', '0.9').replace('1%{?dist}', '3%{?dist}')).toBe(SPEC);
  });

  it('leaves %autorelease alone, and refuses a spec without Version', () => {
    expect(withVersion('Version: 1\nRelease: %autorelease\n', '2')).toBe(
      'Version: 2\nRelease: %autorelease\n',
    );
    refused(() => withVersion('Name: x\n', '2'));
  });

  it("adds the entry above dist-git's changelog, or upstream's with sync_changelog", () => {
    const entry = changelogEntry(
      '1.2.0',
      'Packit <hello@packit.dev>',
      new Date('2026-12-07T09:00:00Z'),
    );
    expect(entry).toBe(
      '* Mon Dec 07 2026 Packit <hello@packit.dev> - 1.2.0-1\n- Update to 1.2.0 upstream release\n',
    );
    const kept = withChangelog(SPEC, DIST_GIT_SPEC, entry, false);
    expect(kept.slice(kept.indexOf('%changelog'))).toBe(
      `%changelog\n${entry}\n* Sun Jan 04 2026 Fedora Packager <fp@example.org> - 0.8-2\n- rebuilt\n`,
    );
    const synced = withChangelog(SPEC, DIST_GIT_SPEC, entry, true);
    expect(synced).toContain(`%changelog\n${entry}\n* Mon Jan 05 2026 Upstream`);
    expect(withChangelog('Name: x\n%changelog\n%autochangelog\n', null, entry, false)).toBe(
      'Name: x\n%changelog\n%autochangelog\n',
    );
  });

  it('expands the source URL from the spec’s own definitions only', () => {
    expect(sourceUrl(withVersion(SPEC, '1.2.0'), 'Source0')).toBe(
      'https://github.com/acme/hello/archive/v1.2.0/hello-1.2.0.tar.gz',
    );
    expect(sourceUrl('Source: https://x.org/a-%{?missing}1.tgz\n', 'Source0')).toBe(
      'https://x.org/a-1.tgz',
    );
    expect(sourceUrl('Source0: hello.tar.gz\n', 'Source0')).toBeNull();
    // A shell macro, a Lua one, an unknown one: refused, never run or guessed.
    for (const value of ['%(curl evil)', '%{lua: os.execute("id")}', '%{undefined_macro}'])
      refused(() => sourceUrl(`Source0: https://x.org/${value}.tgz\n`, 'Source0'));
    refused(() => sourceUrl('%global a %{a}%{a}\nSource0: https://x.org/%{a}\n', 'Source0'));
    refused(() => sourceUrl('Source0: https://x.org/a\n', 'Patch0'));
  });

  it('names the file after the URL or its #/ fragment', () => {
    expect(sourceFileName('https://x.org/dl/hello-1.tar.gz?x=1')).toBe('hello-1.tar.gz');
    expect(sourceFileName('https://x.org/archive/v1.tar.gz#/hello-1.tar.gz')).toBe(
      'hello-1.tar.gz',
    );
  });
});

describe('the sources file', () => {
  it('is one SHA512 line per source and reads back', () => {
    const hash = 'ab'.repeat(64);
    const text = sourcesFile([{ filename: 'hello-1.tar.gz', sha512: hash }]);
    expect(text).toBe(`SHA512 (hello-1.tar.gz) = ${hash}\n`);
    expect(parseSourcesFile(`${text}junk\n`)).toEqual([
      { filename: 'hello-1.tar.gz', sha512: hash },
    ]);
    refused(() => sourcesFile([{ filename: '../../etc/passwd', sha512: hash }]));
  });
});

describe('names from the repository', () => {
  it('reads the version under the tag template', () => {
    expect(versionOfTag('v1.2.0', 'v{version}')).toBe('1.2.0');
    expect(versionOfTag('1.0~rc1', '{version}')).toBe('1.0~rc1');
    expect(versionOfTag('hello-2.0-final', 'hello-{version}-final')).toBe('2.0');
    refused(() => versionOfTag('1.2.0', 'v{version}'));
    refused(() => versionOfTag('v', 'v{version}'));
    refused(() => versionOfTag('v1.0-1', 'v{version}'));
    refused(() => versionOfTag('v1;rm -rf /', 'v{version}'));
    refused(() => versionOfTag('v$(id)', 'v{version}'));
    refused(() => versionOfTag('v1', 'release'));
  });

  it('names the fork branch the same for a release and branch, and refuses bad refs', () => {
    expect(forkBranch('1.2.0', 'f45')).toBe('1.2.0-f45-update-propose_downstream');
    expect(forkBranch('1.0~rc1', 'main')).toBe('1.0-rc1-main-update-propose_downstream');
    expect(checkedBranch('epel10.1')).toBe('epel10.1');
    for (const bad of ['-f', 'a..b', 'x.lock', 'x/y', 'main ', '@{0}', ''])
      refused(() => checkedBranch(bad));
  });

  it('refuses package and file names that are not plain', () => {
    expect(checkedPackage('python-foo_bar+1')).toBe('python-foo_bar+1');
    for (const bad of ['-x', '../x', 'a/b', 'a b', '.hidden']) refused(() => checkedPackage(bad));
    for (const bad of ['a/b.tgz', '..tgz', 'x"y', '-rf']) refused(() => checkedFileName(bad));
  });

  it('keeps paths inside the repository', () => {
    expect(checkedPath('./packaging/hello.spec', 'x')).toEqual(['packaging', 'hello.spec']);
    for (const bad of [
      '/etc/passwd',
      '../x',
      'a/../../x',
      '.git/config',
      'a/.GIT/hooks/x',
      'a\0b',
      '',
    ])
      refused(() => checkedPath(bad, 'files_to_sync'));
  });
});
