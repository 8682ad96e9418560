-- The runs list of the API and the page: newest first, top-level runs unless asked, filtered by
-- repository, pipeline or commit, paged by (created_at, id) keysets. Each filter has an index
-- in the list's order, so a page costs its size whatever the table holds.
DROP INDEX forgeflow.runs_newest;
CREATE INDEX runs_newest ON forgeflow.runs (created_at DESC, id DESC) WHERE parent_run_id IS NULL;
CREATE INDEX runs_newest_all ON forgeflow.runs (created_at DESC, id DESC);
CREATE INDEX runs_by_repo ON forgeflow.runs (repo, created_at DESC, id DESC);
CREATE INDEX runs_by_pipeline ON forgeflow.runs (pipeline, created_at DESC, id DESC);
CREATE INDEX runs_by_sha ON forgeflow.runs (sha text_pattern_ops);
CREATE INDEX runs_by_status ON forgeflow.runs (status, created_at DESC, id DESC);
