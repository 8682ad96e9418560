-- A graph is stored once, however many runs execute it: 10,000 runs of one pipeline used to hold
-- 10,000 copies of it in run_specs. `hash` is the sha256 of the graph's jsonb text, computed by
-- Postgres here and on every insert (insert-runs.ts): all of the graph, the compiler's `hash`
-- field included, so two rows never share a hash unless their graphs are the same. The
-- compiler's hash alone would not do: it leaves out that field, and a graph can carry a stale
-- one (an altered copy of a compiled graph keeps it).
CREATE TABLE forgeflow.graphs (
  hash text PRIMARY KEY,
  graph jsonb NOT NULL
);

-- runs.graph_hash becomes that key: the run row names the graph it always finishes on
-- (DESIGN.md §4), and run_specs keeps the event and where the config came from. No foreign key:
-- its check would lock the one graph row thousands of runs share (FOR KEY SHARE) on each of their
-- inserts; the statement that inserts runs inserts their graphs, and no graph is ever deleted.
ALTER TABLE forgeflow.run_specs ADD COLUMN graph_hash text;
UPDATE forgeflow.run_specs SET graph_hash = encode(sha256(convert_to(graph::text, 'UTF8')), 'hex');
INSERT INTO forgeflow.graphs (hash, graph)
  SELECT DISTINCT ON (graph_hash) graph_hash, graph FROM forgeflow.run_specs ORDER BY graph_hash;
UPDATE forgeflow.runs r SET graph_hash = s.graph_hash FROM forgeflow.run_specs s WHERE s.run_id = r.id;
ALTER TABLE forgeflow.run_specs DROP COLUMN graph_hash, DROP COLUMN graph;
