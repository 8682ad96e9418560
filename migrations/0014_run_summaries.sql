-- The one comment forgeflow keeps on a pull/merge request per pipeline (issue 17): a failed run
-- posts it, later runs edit it in place (src/handlers/run-summary.ts, src/webhooks/run-summaries.ts).
-- One row per forge, repository, pull request and pipeline: the forge's comment id (GitHub issue
-- comment, GitLab MR note; null while none was posted), and the newest run it speaks for, so an
-- older run's summary arriving late never replaces a newer one's. A post in flight holds a short
-- lease (lease_owner: its run id), so two runs' summaries never post two comments at once.
CREATE TABLE forgeflow.run_summaries (
  forge text NOT NULL,
  repo text NOT NULL,
  pr int NOT NULL,
  pipeline text NOT NULL,
  comment_id bigint,
  comment_url text,
  state text NOT NULL CHECK (state IN ('failing', 'passing')),
  sha text,
  run_id uuid NOT NULL,
  run_created_at timestamptz NOT NULL,
  run_attempt int NOT NULL,
  lease_owner uuid,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (forge, repo, pr, pipeline)
);
