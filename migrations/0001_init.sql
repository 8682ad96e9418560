-- forgeflow's runtime state. Every run-scoped table is keyed by run_id first, and every
-- statement that changes a run touches that run only, so these tables can be distributed by
-- run_id (Citus) without rewriting the runtime; `tasks` is the one table read across runs.
-- Times always come from the application's clock as parameters, never from now(), so tests
-- can move time.

CREATE SCHEMA IF NOT EXISTS forgeflow;

CREATE TABLE forgeflow.runs (
  id uuid PRIMARY KEY,
  parent_run_id uuid,
  parent_node_id text,
  pipeline text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'timed_out')),
  graph_hash text NOT NULL,
  trigger text NOT NULL,
  repo text NOT NULL,
  sha text,
  pr int,
  attempt int NOT NULL DEFAULT 1,
  idempotency_key text UNIQUE,
  concurrency_group text,
  cancel_requested boolean NOT NULL DEFAULT false,
  error jsonb,
  history_length int NOT NULL DEFAULT 0,
  -- nodes not yet in a final state; the run ends when it reaches 0
  unfinished_nodes int NOT NULL CHECK (unfinished_nodes >= 0),
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  deadline_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE INDEX runs_newest ON forgeflow.runs (created_at DESC, id DESC);
CREATE INDEX runs_parent ON forgeflow.runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX runs_active ON forgeflow.runs (status) WHERE status IN ('queued', 'running');

-- What a run was started with: its compiled graph and its event. Never updated, and kept apart
-- from `runs` so the run row that every transaction of the run updates stays narrow (an UPDATE
-- copies the whole row).
CREATE TABLE forgeflow.run_specs (
  run_id uuid PRIMARY KEY REFERENCES forgeflow.runs (id) ON DELETE CASCADE,
  graph jsonb NOT NULL,
  event jsonb NOT NULL
);

CREATE TABLE forgeflow.nodes (
  run_id uuid NOT NULL REFERENCES forgeflow.runs (id) ON DELETE CASCADE,
  node_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'scheduled', 'running', 'retrying', 'waiting',
    'succeeded', 'failed', 'timed_out', 'skipped', 'canceled')),
  -- needs of this node that have not finished yet; the node is decided when it reaches 0
  waiting_on int NOT NULL,
  -- the number of the latest attempt, and how many attempts failed or timed out (an attempt
  -- interrupted by a worker shutting down does not count against maximum_attempts)
  attempt int NOT NULL DEFAULT 0,
  failures int NOT NULL DEFAULT 0,
  input jsonb,
  output jsonb,
  error jsonb,
  heartbeat_details jsonb,
  scheduled_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  deadline_at timestamptz,
  PRIMARY KEY (run_id, node_id)
);

CREATE TABLE forgeflow.attempts (
  run_id uuid NOT NULL,
  node_id text NOT NULL,
  attempt int NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'timed_out', 'canceled')),
  worker text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  heartbeat_at timestamptz,
  error jsonb,
  PRIMARY KEY (run_id, node_id, attempt),
  FOREIGN KEY (run_id, node_id) REFERENCES forgeflow.nodes (run_id, node_id) ON DELETE CASCADE
);

-- A queue row: an attempt to run, or a timer, due at due_at. Claimed under a lease
-- (lease_owner, lease_expires_at) that the owning worker keeps extending while it works.
-- expires_at is the earliest of the deadlines that apply (lease, schedule-to-start,
-- start-to-close, heartbeat, schedule-to-close), so the sweeper finds everything overdue with
-- one indexed range scan, and idle timers cost nothing.
CREATE TABLE forgeflow.tasks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL,
  node_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('attempt', 'timer')),
  attempt int NOT NULL,
  due_at timestamptz NOT NULL,
  lease_owner text,
  lease_expires_at timestamptz,
  queue_deadline_at timestamptz,
  attempt_deadline_at timestamptz,
  heartbeat_deadline_at timestamptz,
  node_deadline_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (run_id, node_id, kind)
);
-- A queue table churns: vacuum and analyze it by row counts, not by a fraction of its size, so
-- the planner keeps claiming through the index in order instead of sorting a stale backlog.
ALTER TABLE forgeflow.tasks SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
CREATE INDEX tasks_ready ON forgeflow.tasks (due_at, id) WHERE lease_owner IS NULL;
CREATE INDEX tasks_expiring ON forgeflow.tasks (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE forgeflow.history (
  run_id uuid NOT NULL REFERENCES forgeflow.runs (id) ON DELETE CASCADE,
  seq int NOT NULL,
  type text NOT NULL,
  node_id text,
  attempt int,
  at timestamptz NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (run_id, seq)
);
