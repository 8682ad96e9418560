/**
 * Front-end 2, .packit.yaml: a GitHub pull request builds the package in Copr for one chroot
 * and then runs its tests in Testing Farm on that build, each a first call and a polling child
 * (every 30 s, done on the second poll), reported under Packit's status names. One chroot: two
 * would put two children's ends into the parent's history in an order the clock cannot fix.
 */
import { runToEnd, type ReplayCase } from '../case.js';
import { packitStandIns } from '../packit-stand-ins.js';
import { githubExampleEvent } from './events.js';

export const packitYamlCase: ReplayCase = {
  name: 'packit-yaml',
  covers: '.packit.yaml: copr_build then tests of the same chroot, each polling a child run',
  config: {
    file: '.packit.yaml',
    text: `# A package built in Copr and tested in Testing Farm on every pull request.
specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-44-x86_64]
  - job: tests
    trigger: pull_request
    targets: [fedora-44-x86_64]
    tmt_plan: /plans/smoke
`,
  },
  event: () => githubExampleEvent('pull_request', 'pull_request-opened'),
  handlers: packitStandIns,
  drive: runToEnd,
};
