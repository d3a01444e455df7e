-- Model registry, embedded default (SQLite). Keep in step with ../postgresql.

-- One row per model name: the version counter (assigned under this row's write lock) and times.
CREATE TABLE models (
  name           TEXT    NOT NULL PRIMARY KEY,
  latest_version INTEGER NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);

-- Files (artifacts, reports) in pieces of 1 MiB: bounded memory on write, range reads without
-- loading a whole file, and no engine-specific large-object handling.
CREATE TABLE blob_chunks (
  blob_id TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  data    BLOB    NOT NULL,
  PRIMARY KEY (blob_id, seq)
);

-- Immutable versions: the columns the registry queries and compares, plus the caller's opaque details.
CREATE TABLE model_versions (
  name                TEXT    NOT NULL REFERENCES models (name),
  version             INTEGER NOT NULL,
  created_at_ms       INTEGER NOT NULL,
  target              TEXT,
  feature_schema_hash TEXT    NOT NULL,
  threshold           REAL    NOT NULL,
  artifact_format     TEXT    NOT NULL,
  artifact_blob_id    TEXT    NOT NULL,
  artifact_sha256     TEXT    NOT NULL,
  artifact_size_bytes INTEGER NOT NULL,
  report_blob_id      TEXT,
  report_sha256       TEXT,
  report_size_bytes   INTEGER,
  metric_f1           REAL,
  metric_precision    REAL,
  metric_recall       REAL,
  metric_roc_auc      REAL,
  metric_pr_auc       REAL,
  metric_log_loss     REAL,
  metric_brier        REAL,
  details             BLOB    NOT NULL,
  PRIMARY KEY (name, version)
);

-- Where each alias points now.
CREATE TABLE aliases (
  name          TEXT    NOT NULL,
  alias         TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  changed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
);

-- Every alias change, in commit order (id): the watch feed, and the history rollback pops
-- (a SET row is marked undone when rolled back).
CREATE TABLE alias_changes (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT    NOT NULL,
  alias            TEXT    NOT NULL,
  version          INTEGER NOT NULL,
  previous_version INTEGER,
  kind             TEXT    NOT NULL,
  undone           INTEGER NOT NULL DEFAULT 0,
  changed_at_ms    INTEGER NOT NULL
);
CREATE INDEX alias_changes_history ON alias_changes (name, alias, id);
