-- Workers say they are alive (issue 19). Each worker process keeps a row here and moves
-- `dead_at` forward every couple of seconds (one UPDATE of its own row). A row past its
-- `dead_at` belongs to a process that stopped beating (SIGKILL, out of memory, a lost machine):
-- any worker's beat deletes it and releases the tasks it held at once, instead of waiting for
-- their leases to run out. A graceful stop deletes the row. A worker without a row (one of an
-- older version) keeps the lease as its only liveness signal.
CREATE TABLE forgeflow.workers (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  beat_at timestamptz NOT NULL,
  -- The worker's own judgment of when it is dead (its beat time plus its dead-after setting),
  -- so workers configured differently never judge each other by the wrong measure.
  dead_at timestamptz NOT NULL
);
