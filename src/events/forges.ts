/**
 * The forges forgeflow speaks to, with the few facts every layer needs about each (a name to
 * show, what a repository path looks like). What a forge does — verify its webhooks, normalize
 * its payloads, its API client, its trust rule — is its adapter's (src/forges/adapters.ts).
 */
export const FORGES = {
  github: { title: 'GitHub', repoShape: 'owner/name', repoSegments: { min: 2, max: 2 } },
  // GitLab nests groups 20 deep: a project path has at most 21 segments.
  gitlab: {
    title: 'GitLab',
    repoShape: 'group/name or group/subgroup/…/name',
    repoSegments: { min: 2, max: 21 },
  },
} as const;

export type Forge = keyof typeof FORGES;

export const FORGE_NAMES = Object.keys(FORGES) as Forge[];

export function isForge(name: unknown): name is Forge {
  return typeof name === 'string' && Object.hasOwn(FORGES, name);
}
