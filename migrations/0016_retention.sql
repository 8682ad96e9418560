-- Retention (issue 19): finished runs, deliveries and the small side tables are deleted once
-- they are older than the operator's retention (src/contracts/retention.ts), a few hundred at a
-- time, each batch one short transaction (src/runtime/prune-runs.ts, src/webhooks/prune.ts).

-- Finished top-level runs, oldest first within each final status: a batch reads the first few
-- hundred entries of one status past its cutoff, not the table. (A child run goes with its
-- top-level run, found through runs_parent.)
CREATE INDEX runs_finished ON forgeflow.runs (status, finished_at)
  WHERE parent_run_id IS NULL AND finished_at IS NOT NULL;

-- Whether any run still uses a graph, asked when the runs that used it are pruned.
CREATE INDEX runs_graph ON forgeflow.runs (graph_hash);

-- Graphs whose runs were pruned, to be deleted if no run uses them any more. Kept apart from
-- the run batch so that the graph step's short lock on `graphs` (prune-graphs.ts) is taken in
-- a transaction of its own; a row here survives a pruner that died between the two.
CREATE TABLE forgeflow.graph_checks (
  hash text PRIMARY KEY
);

-- What is left of a pruned top-level run, so the API answers 410 RUN_PRUNED (when it finished,
-- how, when it was pruned) instead of 404. A few dozen bytes a run; pruned in turn after the
-- tombstones' own retention.
CREATE TABLE forgeflow.run_tombstones (
  id uuid PRIMARY KEY,
  pipeline text NOT NULL,
  repo text NOT NULL,
  trigger text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  pruned_at timestamptz NOT NULL
);
CREATE INDEX run_tombstones_pruned ON forgeflow.run_tombstones (pruned_at);

-- The side tables' ages, in the order their batches read them.
CREATE INDEX comment_reply_windows_replied ON forgeflow.comment_reply_windows (replied_at);
CREATE INDEX run_summaries_updated ON forgeflow.run_summaries (updated_at);
-- deliveries_newest (received_at DESC, id DESC) and comment_acks_created already serve theirs.

-- Periodic chores shared by every serve and worker process: the one whose claim moves due_at
-- on does the chore this time (src/runtime/pruner.ts). A row, not an advisory lock: PGlite has
-- one session, and a pooled connection outlives nothing.
CREATE TABLE forgeflow.chores (
  name text PRIMARY KEY,
  due_at timestamptz NOT NULL,
  claimed_by text,
  claimed_at timestamptz
);
INSERT INTO forgeflow.chores (name, due_at) VALUES ('prune', '-infinity');
