/**
 * Local stand-ins for Copr, Testing Farm, Koji, Bodhi, Fedora's dist-git and its lookaside
 * cache, for trying a Packit config on one machine (`npx tsx scripts/packit-fakes.ts`): the
 * same fake servers the tests use, speaking the real APIs' shapes, with every build and test
 * request passing at its first read. The fake Koji hub speaks HTTPS with a throwaway CA and
 * client certificate made here (openssl) and builds from src.fedoraproject.org and the forges;
 * it and Bodhi take the commit jobs of examples/packit.yaml (koji_build, bodhi_update). dist-git
 * (git over smart HTTP and Pagure's API, with the package `hello`) and the lookaside cache take
 * its release job (propose_downstream). Prints the environment `forgeflow run` needs to talk to
 * them; Ctrl-C stops them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeBodhi } from '../test/support/fake-bodhi.js';
import { FakeCopr } from '../test/support/fake-copr.js';
import { FakeDistGit } from '../test/support/fake-dist-git.js';
import { FakeKoji } from '../test/support/fake-koji.js';
import { FakeLookaside } from '../test/support/fake-lookaside.js';
import { FakeTestingFarm } from '../test/support/fake-testing-farm.js';
import { proposeEnv, seedDistGit } from '../test/support/dist-git-tour.js';
import { makeTestCertificates } from '../test/support/tls-certs.js';
import { githubExample } from '../test/support/webhook-payloads.js';

const COPR_LOGIN = 'tour-login';
const COPR_TOKEN = 'tour-copr-token';
const TF_TOKEN = 'tour-tf-token';
const BODHI_TOKEN = 'tour-bodhi-token';

const copr = new FakeCopr({ defaultStates: ['succeeded'] }).addUser(COPR_LOGIN, COPR_TOKEN, 'you');
const testingFarm = new FakeTestingFarm({ defaultSteps: ['passed'] }).addToken(TF_TOKEN);
const certs = makeTestCertificates('you');
const releases = [43, 44, 45, 46];
const koji = new FakeKoji({
  tls: {
    cert: certs.read(certs.serverCert),
    key: certs.read(certs.serverKey),
    ca: certs.read(certs.caCert),
  },
  allowedScmHosts: ['src.fedoraproject.org', 'github.com', 'gitlab.com'],
  targets: ['rawhide', ...releases.flatMap((n) => [`f${n}`, `f${n}-candidate`])],
  defaultScript: ['CLOSED'],
});
const bodhi = new FakeBodhi().addToken(BODHI_TOKEN, 'you');
const distGit = new FakeDistGit();
const lookaside = new FakeLookaside();
const [coprUrl, tfUrl, kojiUrl, bodhiUrl] = await Promise.all([
  copr.start(),
  testingFarm.start(),
  koji.start(),
  bodhi.start(),
  distGit.start(),
  lookaside.start(),
]);
seedDistGit(distGit);
// A release whose tag fits the example's upstream_tag_template (v{version}).
const release = githubExample('release', 'published');
(release.release as Record<string, unknown>).tag_name = 'v0.2.0';
const releaseFile = join(mkdtempSync(join(tmpdir(), 'forgeflow-tour-')), 'release-v0.2.0.json');
writeFileSync(releaseFile, JSON.stringify(release));
const distGitEnv = Object.entries(proposeEnv(distGit, lookaside))
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');

console.log(`fake Copr on ${coprUrl}, fake Testing Farm on ${tfUrl}, fake Koji on ${kojiUrl}, fake Bodhi on ${bodhiUrl}, fake dist-git on ${distGit.url}; in another shell:

export FORGEFLOW_COPR_URL=${coprUrl} FORGEFLOW_COPR_LOGIN=${COPR_LOGIN} FORGEFLOW_COPR_TOKEN=${COPR_TOKEN}
export FORGEFLOW_TESTING_FARM_URL=${tfUrl} FORGEFLOW_TESTING_FARM_TOKEN=${TF_TOKEN}
export FORGEFLOW_KOJI_URL=${kojiUrl} FORGEFLOW_KOJI_CERT=${certs.clientPem} FORGEFLOW_KOJI_CA=${certs.caCert}
export FORGEFLOW_BODHI_URL=${bodhiUrl} FORGEFLOW_BODHI_TOKEN=${BODHI_TOKEN}
export ${distGitEnv}

and for the release jobs (one dist-git pull request per branch, listed here when you stop):

forgeflow run examples/packit.yaml --event ${releaseFile}
`);

const stop = () => {
  const prs = distGit.pagure.pullRequests.map(
    (pr) => `  ${pr.branch}: ${distGit.url}/rpms/${pr.pkg}/pull-request/${pr.id}`,
  );
  const servers = [copr, testingFarm, koji, bodhi, distGit, lookaside];
  void Promise.all(servers.map((server) => server.stop())).then(() => {
    certs.remove();
    const kojiBuilds = koji.tasks.filter((t) => t.parent === null).length;
    console.log(
      `served ${copr.builds().length} Copr builds, ${testingFarm.testRequests().length} Testing Farm requests, ${kojiBuilds} Koji builds, ${bodhi.updates.length} Bodhi updates and ${prs.length} dist-git pull requests${prs.length ? `:\n${prs.join('\n')}` : ''}`,
    );
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
