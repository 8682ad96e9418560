/**
 * Local stand-ins for Copr and Testing Farm, for trying a Packit config on one machine
 * (`npx tsx scripts/packit-fakes.ts`): the same fake servers the tests use, speaking the real
 * APIs' shapes, with every build and test request passing at its first read. Prints the
 * environment `forgeflow run` needs to talk to them; Ctrl-C stops them.
 */
import { FakeCopr } from '../test/support/fake-copr.js';
import { FakeTestingFarm } from '../test/support/fake-testing-farm.js';

const COPR_LOGIN = 'tour-login';
const COPR_TOKEN = 'tour-copr-token';
const TF_TOKEN = 'tour-tf-token';

const copr = new FakeCopr({ defaultStates: ['succeeded'] }).addUser(COPR_LOGIN, COPR_TOKEN, 'you');
const testingFarm = new FakeTestingFarm({ defaultSteps: ['passed'] }).addToken(TF_TOKEN);
const [coprUrl, tfUrl] = await Promise.all([copr.start(), testingFarm.start()]);

console.log(`fake Copr on ${coprUrl}, fake Testing Farm on ${tfUrl}; in another shell:

export FORGEFLOW_COPR_URL=${coprUrl} FORGEFLOW_COPR_LOGIN=${COPR_LOGIN} FORGEFLOW_COPR_TOKEN=${COPR_TOKEN}
export FORGEFLOW_TESTING_FARM_URL=${tfUrl} FORGEFLOW_TESTING_FARM_TOKEN=${TF_TOKEN}
`);

const stop = () => {
  void Promise.all([copr.stop(), testingFarm.stop()]).then(() => {
    console.log(
      `served ${copr.builds().length} Copr builds and ${testingFarm.testRequests().length} Testing Farm requests`,
    );
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
