-- The served-prediction log: one row per recorded answer (see README, "Served-prediction log").
CREATE TABLE served_predictions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  served_at_micros INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  user_id TEXT,
  model_name TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  model_alias TEXT NOT NULL,
  schema_hash TEXT NOT NULL,
  -- little-endian IEEE 754 doubles in schema order; NULL when not recorded
  features BLOB,
  features_sha256 TEXT,
  probability REAL NOT NULL,
  decision INTEGER NOT NULL,
  threshold REAL NOT NULL,
  cold_start INTEGER NOT NULL,
  -- one line per factor: url-encoded name, value, contribution
  factors TEXT NOT NULL
);
CREATE INDEX served_predictions_model_time ON served_predictions (model_name, model_version, served_at_micros);
CREATE INDEX served_predictions_time ON served_predictions (served_at_micros);
CREATE INDEX served_predictions_user ON served_predictions (user_id);
CREATE INDEX served_predictions_request ON served_predictions (request_id);

-- feature names (and categorical levels) of each schema hash a row refers to
CREATE TABLE served_prediction_schemas (
  schema_hash TEXT PRIMARY KEY,
  features TEXT NOT NULL
);
