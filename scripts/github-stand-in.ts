/**
 * A local stand-in for GitHub, for the README's tour of schedules (`npx tsx
 * scripts/github-stand-in.ts`): the test suite's fake GitHub (the real API's shapes) holding one
 * repository whose default branch carries examples/nightly.yaml as its pipeline.yaml. It prints
 * the environment `forgeflow serve` needs to read from it, waits for that server to answer, and
 * then delivers the example push to the default branch, signed with the server's webhook secret
 * (read from the data directory), so the server learns the pipeline's schedules. Ctrl-C stops it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitHub } from '../test/support/fake-github.js';
import { githubHeaders } from '../test/support/webhook-payloads.js';

const TOKEN = 'tour-github-token';
const server = process.env.FORGEFLOW_SERVER ?? 'http://localhost:8080';
const dataDir = process.env.FORGEFLOW_DATA_DIR ?? '.forgeflow';
const payload = JSON.parse(readFileSync('examples/events/github-push-branch.json', 'utf8')) as {
  after: string;
  ref: string;
  repository: { full_name: string; default_branch: string };
};
const repo = payload.repository.full_name;

const github = new FakeGitHub()
  .addToken(TOKEN)
  .addRepo(repo, { defaultBranch: payload.repository.default_branch })
  .setFile(repo, payload.after, 'pipeline.yaml', readFileSync('examples/nightly.yaml', 'utf8'))
  .setBranch(repo, payload.repository.default_branch, payload.after);
const url = await github.start();

console.log(`a GitHub stand-in on ${url}, holding ${repo}; start the server in another shell with:

GITHUB_API_URL=${url} GITHUB_TOKEN=${TOKEN} npm start

waiting for ${server} to push ${payload.ref} to it…`);

async function serverReady(): Promise<boolean> {
  try {
    return (await fetch(`${server}/readyz`)).ok;
  } catch {
    return false;
  }
}

while (!(await serverReady())) await new Promise((wake) => setTimeout(wake, 500));
const body = JSON.stringify(payload);
const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim();
const answer = await fetch(`${server}/webhooks/github`, {
  method: 'POST',
  headers: githubHeaders('push', body, secret),
  body,
});
console.log(
  `pushed: the server answered ${answer.status}; now: npx forgeflow schedules list (Ctrl-C here when done)`,
);

const stop = () => void github.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
