-- The served-prediction log: one row per recorded answer (see README, "Served-prediction log").
CREATE TABLE served_predictions (
  id BIGSERIAL PRIMARY KEY,
  request_id VARCHAR(128) NOT NULL,
  row_index INTEGER NOT NULL,
  served_at_micros BIGINT NOT NULL,
  endpoint VARCHAR(32) NOT NULL,
  user_id TEXT,
  model_name TEXT NOT NULL,
  model_version BIGINT NOT NULL,
  model_alias TEXT NOT NULL,
  schema_hash TEXT NOT NULL,
  -- little-endian IEEE 754 doubles in schema order; NULL when not recorded
  features BYTEA,
  features_sha256 CHAR(64),
  probability DOUBLE PRECISION NOT NULL,
  decision BOOLEAN NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  cold_start BOOLEAN NOT NULL,
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
