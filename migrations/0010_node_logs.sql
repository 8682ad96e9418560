-- Live logs (DESIGN.md §2): what a node's handlers printed, line by line, masked and bounded.
-- A node's log is one numbered sequence of lines across its attempts; each stored chunk holds
-- the lines one flush of one attempt wrote (a chatty step costs one INSERT per flush, not per
-- line). Keyed by run_id first, like every run-scoped table (§5).

-- One row per node that logged anything: the next line number, what is kept, and what the size
-- limit made it drop (the oldest chunks go first, so the tail is kept). Writers of one node
-- serialize on this row, so line numbers become visible in order.
CREATE TABLE forgeflow.node_log_totals (
  run_id uuid NOT NULL,
  node_id text NOT NULL,
  next_line bigint NOT NULL,
  kept_bytes bigint NOT NULL,
  dropped_lines bigint NOT NULL DEFAULT 0,
  dropped_bytes bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, node_id),
  FOREIGN KEY (run_id, node_id) REFERENCES forgeflow.nodes (run_id, node_id) ON DELETE CASCADE
);

-- `lines` is a JSON array of [at_ms, stream, text] (stream: 'o' stdout, 'e' stderr, 's' system),
-- numbered first_line, first_line + 1, …; `bytes` is their text's UTF-8 size.
CREATE TABLE forgeflow.node_logs (
  run_id uuid NOT NULL,
  node_id text NOT NULL,
  first_line bigint NOT NULL,
  line_count int NOT NULL CHECK (line_count > 0),
  attempt int NOT NULL,
  bytes int NOT NULL,
  lines jsonb NOT NULL,
  PRIMARY KEY (run_id, node_id, first_line),
  FOREIGN KEY (run_id, node_id) REFERENCES forgeflow.node_log_totals (run_id, node_id)
    ON DELETE CASCADE
);
