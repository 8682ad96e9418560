/**
 * Local stand-ins for Copr, Testing Farm, Koji and Bodhi, for trying a Packit config on one
 * machine (`npx tsx scripts/packit-fakes.ts`): the same fake servers the tests use, speaking the
 * real APIs' shapes, with every build and test request passing at its first read. The fake Koji
 * hub speaks HTTPS with a throwaway CA and client certificate made here (openssl), builds from
 * src.fedoraproject.org and the forges; it and Bodhi take the commit jobs of
 * examples/packit.yaml (koji_build, bodhi_update). Prints the environment `forgeflow run`
 * needs to talk to them; Ctrl-C stops them.
 */
import { FakeBodhi } from '../test/support/fake-bodhi.js';
import { FakeCopr } from '../test/support/fake-copr.js';
import { FakeKoji } from '../test/support/fake-koji.js';
import { FakeTestingFarm } from '../test/support/fake-testing-farm.js';
import { makeTestCertificates } from '../test/support/tls-certs.js';

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
const [coprUrl, tfUrl, kojiUrl, bodhiUrl] = await Promise.all([
  copr.start(),
  testingFarm.start(),
  koji.start(),
  bodhi.start(),
]);

console.log(`fake Copr on ${coprUrl}, fake Testing Farm on ${tfUrl}, fake Koji on ${kojiUrl}, fake Bodhi on ${bodhiUrl}; in another shell:

export FORGEFLOW_COPR_URL=${coprUrl} FORGEFLOW_COPR_LOGIN=${COPR_LOGIN} FORGEFLOW_COPR_TOKEN=${COPR_TOKEN}
export FORGEFLOW_TESTING_FARM_URL=${tfUrl} FORGEFLOW_TESTING_FARM_TOKEN=${TF_TOKEN}
export FORGEFLOW_KOJI_URL=${kojiUrl} FORGEFLOW_KOJI_CERT=${certs.clientPem} FORGEFLOW_KOJI_CA=${certs.caCert}
export FORGEFLOW_BODHI_URL=${bodhiUrl} FORGEFLOW_BODHI_TOKEN=${BODHI_TOKEN}
`);

const stop = () => {
  void Promise.all([copr.stop(), testingFarm.stop(), koji.stop(), bodhi.stop()]).then(() => {
    certs.remove();
    console.log(
      `served ${copr.builds().length} Copr builds, ${testingFarm.testRequests().length} Testing Farm requests, ${koji.tasks.filter((t) => t.parent === null).length} Koji builds and ${bodhi.updates.length} Bodhi updates`,
    );
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
