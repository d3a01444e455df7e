-- Model registry on PostgreSQL. Keep in step with ../sqlite.

-- One row per model name: the version counter (assigned under this row's lock) and times.
CREATE TABLE models (
  name           TEXT   NOT NULL PRIMARY KEY,
  latest_version BIGINT NOT NULL,
  created_at_ms  BIGINT NOT NULL,
  updated_at_ms  BIGINT NOT NULL
);

-- Files (artifacts, reports) in pieces of 1 MiB: bounded memory on write, range reads without
-- loading a whole file, and no engine-specific large-object handling.
CREATE TABLE blob_chunks (
  blob_id TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  data    BYTEA   NOT NULL,
  PRIMARY KEY (blob_id, seq)
);

-- Immutable versions: the columns the registry queries and compares, plus the caller's opaque details.
CREATE TABLE model_versions (
  name                TEXT             NOT NULL REFERENCES models (name),
  version             BIGINT           NOT NULL,
  created_at_ms       BIGINT           NOT NULL,
  target              TEXT,
  feature_schema_hash TEXT             NOT NULL,
  threshold           DOUBLE PRECISION NOT NULL,
  artifact_format     TEXT             NOT NULL,
  artifact_blob_id    TEXT             NOT NULL,
  artifact_sha256     TEXT             NOT NULL,
  artifact_size_bytes BIGINT           NOT NULL,
  report_blob_id      TEXT,
  report_sha256       TEXT,
  report_size_bytes   BIGINT,
  metric_f1           DOUBLE PRECISION,
  metric_precision    DOUBLE PRECISION,
  metric_recall       DOUBLE PRECISION,
  metric_roc_auc      DOUBLE PRECISION,
  metric_pr_auc       DOUBLE PRECISION,
  metric_log_loss     DOUBLE PRECISION,
  metric_brier        DOUBLE PRECISION,
  details             BYTEA            NOT NULL,
  PRIMARY KEY (name, version)
);

-- Where each alias points now.
CREATE TABLE aliases (
  name          TEXT   NOT NULL,
  alias         TEXT   NOT NULL,
  version       BIGINT NOT NULL,
  changed_at_ms BIGINT NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
);

-- Every alias change, in commit order (id; alias changes take one advisory lock, so ids commit in
-- order): the watch feed, and the history rollback pops (a SET row is marked undone when rolled back).
CREATE TABLE alias_changes (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             TEXT     NOT NULL,
  alias            TEXT     NOT NULL,
  version          BIGINT   NOT NULL,
  previous_version BIGINT,
  kind             TEXT     NOT NULL,
  undone           SMALLINT NOT NULL DEFAULT 0,
  changed_at_ms    BIGINT   NOT NULL
);
CREATE INDEX alias_changes_history ON alias_changes (name, alias, id);
