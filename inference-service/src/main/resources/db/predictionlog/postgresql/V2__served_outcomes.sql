-- Outcomes joined to served predictions (see README, "Live performance"): one row per answer whose
-- outcome is final, keyed as the answer is known on every replica.
CREATE TABLE served_outcomes (
  request_id TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  model_alias TEXT NOT NULL,
  model_version BIGINT NOT NULL,
  served_at_micros BIGINT NOT NULL,
  model_name TEXT NOT NULL,
  -- POSITIVE, NEGATIVE or NOT_ELIGIBLE
  status TEXT NOT NULL,
  known_at_micros BIGINT NOT NULL,
  PRIMARY KEY (request_id, row_index, model_alias, model_version, served_at_micros)
);
CREATE INDEX served_outcomes_model_time ON served_outcomes (model_name, served_at_micros);

-- per model version: every answer served up to this position (served time, then row id) is joined
CREATE TABLE outcome_watermarks (
  model_name TEXT NOT NULL,
  model_version BIGINT NOT NULL,
  served_at_micros BIGINT NOT NULL,
  row_id BIGINT NOT NULL,
  updated_at_micros BIGINT NOT NULL,
  PRIMARY KEY (model_name, model_version)
);
