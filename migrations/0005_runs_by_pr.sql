-- The runs list filtered by pull request number alone (`?pr=12`, `forgeflow runs list --pr 12`):
-- runs_pull_request leads with the repository, so without it the list read the whole
-- newest-first index for the few runs of that number (53 ms and 4,300 buffers with 100,000 runs,
-- bench/api.ts). In the list's order, like the other filters' indexes.
CREATE INDEX runs_by_pr ON forgeflow.runs (pr, created_at DESC, id DESC) WHERE pr IS NOT NULL;
