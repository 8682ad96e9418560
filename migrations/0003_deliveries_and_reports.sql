-- Webhook deliveries and commit-status reports.

-- One row per accepted webhook delivery, keyed by the forge's delivery id (the same on a
-- redelivery), with what became of it: the runs it started, or why none.
CREATE TABLE forgeflow.deliveries (
  id text PRIMARY KEY,
  forge text NOT NULL CHECK (forge IN ('github', 'gitlab')),
  event text NOT NULL,
  action text,
  repo text,
  sha text,
  pr int,
  sender text,
  received_at timestamptz NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('planning', 'started', 'ignored', 'no_config',
    'not_triggered', 'invalid_config', 'untrusted', 'command', 'failed')),
  reason text,
  plan_run_id uuid,
  run_ids uuid[] NOT NULL DEFAULT '{}',
  -- Which file and commit the config came from (an untrusted author's pull request: the base).
  config_path text,
  config_sha text,
  diagnostics jsonb,
  updated_at timestamptz NOT NULL
);
CREATE INDEX deliveries_newest ON forgeflow.deliveries (received_at DESC, id DESC);

-- The runs of a pull request, newest first (ChatOps acts on the latest).
CREATE INDEX runs_pull_request ON forgeflow.runs (repo, pr, created_at DESC) WHERE pr IS NOT NULL;

-- A node's commit-status context (its `report:` template, evaluated when it is scheduled).
ALTER TABLE forgeflow.nodes ADD COLUMN report text;

-- `report` tasks carry the statuses of one reported node still to be posted, oldest first
-- (payload: a JSON array), delivered in order by a worker through the `forge.status` handler.
-- Like attempts they call a handler, so they take a worker's slot: the ready indexes split
-- tasks that run handlers from those applied in the claim.
ALTER TABLE forgeflow.tasks DROP CONSTRAINT tasks_kind_check;
-- `signal` tasks carry signals to a polling child run (payload: a JSON array, oldest first).
ALTER TABLE forgeflow.tasks ADD CONSTRAINT tasks_kind_check
  CHECK (kind IN ('attempt', 'timer', 'child', 'deadline', 'dequeue', 'cancel', 'report', 'signal'));
DROP INDEX forgeflow.tasks_ready;
DROP INDEX forgeflow.tasks_ready_internal;
CREATE INDEX tasks_ready ON forgeflow.tasks (due_at, id)
  WHERE lease_owner IS NULL AND kind IN ('attempt', 'report');
CREATE INDEX tasks_ready_internal ON forgeflow.tasks (due_at, id)
  WHERE lease_owner IS NULL AND kind NOT IN ('attempt', 'report');
