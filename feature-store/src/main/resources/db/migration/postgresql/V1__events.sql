-- Behaviour events, one row per accepted event; event_id is the deduplication key.
CREATE TABLE events (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id       TEXT             NOT NULL UNIQUE,
  user_id        TEXT             NOT NULL,
  session_id     TEXT,
  occurred_at_ms BIGINT           NOT NULL,
  type           SMALLINT         NOT NULL,
  page           TEXT,
  item_id        TEXT,
  category       TEXT,
  price          DOUBLE PRECISION,
  quantity       INTEGER          NOT NULL,
  dwell_ms       BIGINT,
  device         TEXT,
  traffic_source TEXT,
  attributes     TEXT,
  ingested_at_ms BIGINT           NOT NULL
);
-- per-user, time-ordered scans (features, training sets)
CREATE INDEX events_user_time ON events (user_id, occurred_at_ms);
-- time-range scans (overview, rolling cutoffs)
CREATE INDEX events_time ON events (occurred_at_ms);
