-- Poison pills, outputs stored once, and the end of a delivery's plan run.

-- Consecutive attempts of a node whose worker died while running them (its lease ran out: the
-- process was killed, ran out of memory, crashed or hung). Any attempt a worker reports itself
-- resets it; at the runtime's limit the node fails instead of taking down worker after worker,
-- whatever its retry policy says (maximum_attempts: 0 included).
ALTER TABLE forgeflow.nodes ADD COLUMN lost_attempts int NOT NULL DEFAULT 0;

-- A node's output is held once, by the history event that recorded it (NodeCompleted, or the
-- NodePolled of the latest poll): history is append-only, so the value never changes under
-- either reader. The node row points at that event instead of keeping a copy of its own, which
-- made a 100 MB output cost 200 MB.
ALTER TABLE forgeflow.nodes ADD COLUMN output_seq int;
UPDATE forgeflow.nodes n SET output_seq = (
    SELECT max(h.seq) FROM forgeflow.history h
    WHERE h.run_id = n.run_id AND h.node_id = n.node_id AND h.type IN ('NodeCompleted', 'NodePolled'))
  WHERE n.output IS NOT NULL;
ALTER TABLE forgeflow.nodes DROP COLUMN output;

-- A delivery whose plan run was canceled says so (a failed or timed-out one is `failed`).
ALTER TABLE forgeflow.deliveries DROP CONSTRAINT deliveries_outcome_check;
ALTER TABLE forgeflow.deliveries ADD CONSTRAINT deliveries_outcome_check
  CHECK (outcome IN ('planning', 'started', 'ignored', 'no_config', 'not_triggered',
    'invalid_config', 'untrusted', 'command', 'failed', 'canceled'));
-- The deliveries a plan run decides, found from the run when it ends.
CREATE INDEX deliveries_plan_run ON forgeflow.deliveries (plan_run_id) WHERE plan_run_id IS NOT NULL;
