-- `on.schedule` (issue 16): the schedules each repository's default-branch config declares,
-- learned when a push to that branch is planned (src/webhooks/schedules/). One row per
-- forge, repository, pipeline file, cron and time zone. Firing claims due rows with
-- FOR UPDATE SKIP LOCKED under a short lease, and moves next_due in the transaction that starts
-- the firing's plan run (fenced on the next_due it read), so each due time fires once.
CREATE TABLE forgeflow.schedules (
  id uuid PRIMARY KEY,
  forge text NOT NULL CHECK (forge ~ '^[a-z][a-z0-9-]{0,39}$'),
  repo text NOT NULL,
  path text NOT NULL,
  cron text NOT NULL,
  timezone text NOT NULL,
  -- What a firing's event needs again: the event's repository, and a GitHub App's installation.
  repository jsonb NOT NULL,
  installation_id bigint,
  -- The earliest due time not fired yet.
  next_due timestamptz NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  -- A firer works on the row until then; past it another may (the firer died).
  claimed_until timestamptz,
  -- The last firing: when, for which due time, how many due times it stood in for, its plan run.
  last_fired_at timestamptz,
  last_due_at timestamptz,
  last_missed int,
  last_run_id uuid,
  -- The commit whose config declared it (the default branch's head when it was learned).
  learned_sha text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (forge, repo, path, cron, timezone)
);
CREATE INDEX schedules_due ON forgeflow.schedules (next_due) WHERE NOT paused;
