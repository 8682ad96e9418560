/**
 * A GitLab payload file names its event in the body (`object_kind`); this is the
 * `X-Gitlab-Event` header GitLab would have sent with it.
 */
const GITLAB_HEADERS: Readonly<Record<string, string>> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  release: 'Release Hook',
  pipeline: 'Pipeline Hook',
  issue: 'Issue Hook',
};

export function gitlabEventOf(
  payload: Readonly<Record<string, unknown>>,
): { eventName: string | null } | undefined {
  const kind = payload.object_kind;
  if (typeof kind !== 'string') return undefined;
  return { eventName: Object.hasOwn(GITLAB_HEADERS, kind) ? GITLAB_HEADERS[kind]! : null };
}
