-- ChatOps acknowledgements (issue 17 item 5): what forgeflow answered on the forge to a pull
-- request comment's command (src/webhooks/comment-acks.ts, src/handlers/plan/chatops-ack.ts).
-- One row per comment forgeflow answers: the delivery whose plan decided and its decision (a
-- retried plan attempt of that delivery replays it instead of acting twice), and what was
-- posted (the reaction, the one reply), so no comment is answered twice.
CREATE TABLE forgeflow.comment_acks (
  forge text NOT NULL,
  repo text NOT NULL,
  comment_id bigint NOT NULL,
  pr int NOT NULL,
  author text NOT NULL,
  delivery_id text NOT NULL,
  decision jsonb NOT NULL,
  reaction text,
  reacted_at timestamptz,
  -- The delivery that may post the comment's one reply; then the reply's id.
  reply_claimed_by text,
  reply_id bigint,
  replied_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (forge, repo, comment_id)
);
CREATE INDEX comment_acks_created ON forgeflow.comment_acks (created_at);

-- The flood guard: one reply of a kind (a refusal) per author and pull request in a window.
-- The comment whose reply opened the window, and when; a later comment may reply only once
-- replied_at is older than the window (claimed in one conditional upsert).
CREATE TABLE forgeflow.comment_reply_windows (
  forge text NOT NULL,
  repo text NOT NULL,
  pr int NOT NULL,
  author text NOT NULL,
  kind text NOT NULL,
  comment_id bigint NOT NULL,
  replied_at timestamptz NOT NULL,
  PRIMARY KEY (forge, repo, pr, author, kind)
);
