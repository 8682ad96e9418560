-- Control flow between activities: stopping a run (cancel, its deadline), continue-as-new of
-- polling child runs, signals, concurrency groups and the tasks that carry work between runs.

-- A run that handed its work to a fresh run (continue-as-new) ends `continued`.
ALTER TABLE forgeflow.runs DROP CONSTRAINT runs_status_check;
ALTER TABLE forgeflow.runs ADD CONSTRAINT runs_status_check
  CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'timed_out', 'continued'));

-- A run being stopped, and how it will end: canceled (asked to) or timed_out (its deadline).
-- Its running attempts are aborted and report; nothing new starts except `always()` cleanup.
ALTER TABLE forgeflow.runs DROP COLUMN cancel_requested;
ALTER TABLE forgeflow.runs ADD COLUMN stopping text CHECK (stopping IN ('canceled', 'timed_out'));

-- A polling child run belongs to one attempt of its parent node: a completion from the child of
-- an earlier attempt (before a retry of the run) is recognised and ignored.
ALTER TABLE forgeflow.runs ADD COLUMN parent_attempt int;

-- Arrival order in a concurrency group (a sequence, not a clock: two arrivals in one
-- millisecond still queue in order). Set on every arrival, a retry of the run included.
CREATE SEQUENCE forgeflow.group_arrivals;
ALTER TABLE forgeflow.runs ADD COLUMN group_seq bigint;
CREATE INDEX runs_group_active ON forgeflow.runs (concurrency_group, group_seq)
  WHERE concurrency_group IS NOT NULL AND status IN ('queued', 'running');

-- Task kinds beyond attempts and node timers, all due at due_at and claimed like any task:
--   child    a child run ended: apply it to the parent node (node_id = the parent node)
--   deadline the run's own timeout (node_id = '')
--   dequeue  the run's concurrency group may be free: start it if it is next (node_id = '')
--   cancel   cancel the run (a newer run of its group asked; node_id = '')
-- Work that concerns another run always travels as a task of that run, so a transaction only
-- ever changes the run it locked (and creates new ones): no lock cycles between runs.
ALTER TABLE forgeflow.tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE forgeflow.tasks ADD CONSTRAINT tasks_kind_check
  CHECK (kind IN ('attempt', 'timer', 'child', 'deadline', 'dequeue', 'cancel'));
ALTER TABLE forgeflow.tasks ADD COLUMN payload jsonb;
-- Attempts wait for a free slot of a worker; every other task needs no slot and must not wait
-- behind a backlog of attempts (a deadline fires while every slot is busy): two ready indexes,
-- each read with its own LIMIT.
DROP INDEX forgeflow.tasks_ready;
CREATE INDEX tasks_ready ON forgeflow.tasks (due_at, id) WHERE lease_owner IS NULL AND kind = 'attempt';
CREATE INDEX tasks_ready_internal ON forgeflow.tasks (due_at, id) WHERE lease_owner IS NULL AND kind <> 'attempt';
-- Set on a leased attempt when its run is being stopped: the lease keeper aborts it even when
-- the NOTIFY was missed.
ALTER TABLE forgeflow.tasks ADD COLUMN canceled boolean NOT NULL DEFAULT false;

-- Signals a run received: consumed by the node they woke, or buffered (consumed_by IS NULL)
-- until a node waits for them, oldest first.
CREATE TABLE forgeflow.signals (
  run_id uuid NOT NULL REFERENCES forgeflow.runs (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  name text NOT NULL,
  payload jsonb,
  received_at timestamptz NOT NULL,
  consumed_by text,
  consumed_at timestamptz,
  PRIMARY KEY (run_id, id)
);
CREATE INDEX signals_buffered ON forgeflow.signals (run_id, name, id) WHERE consumed_by IS NULL;
