-- Where a run's config came from, as the plan step decided (DESIGN.md §4a): the commit it was
-- read at, and whether its author is trusted. Secrets are not given to a run whose config is
-- not. NULL for runs an operator started (the API, the CLI). Never updated, like the rest of
-- run_specs.
ALTER TABLE forgeflow.run_specs ADD COLUMN config_source jsonb;
