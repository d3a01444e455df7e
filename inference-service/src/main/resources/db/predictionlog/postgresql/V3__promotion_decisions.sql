-- The promotion policy's decisions (see README, "Challenger and promotion policy"), shared by every
-- replica on this database: one row per decision, newest read back by GetChallengerReport.
CREATE TABLE promotion_decisions (
  id BIGSERIAL PRIMARY KEY,
  model_name TEXT NOT NULL,
  decided_at_micros BIGINT NOT NULL,
  -- promote, rollback, hold, not_enough_data, no_challenger, conflict
  kind TEXT NOT NULL,
  production_version BIGINT NOT NULL,
  challenger_version BIGINT NOT NULL,
  resulting_production_version BIGINT NOT NULL,
  -- roc_auc or pr_auc; the difference and its interval are NULL when no comparison was made
  metric TEXT NOT NULL,
  difference DOUBLE PRECISION,
  difference_lower DOUBLE PRECISION,
  difference_upper DOUBLE PRECISION,
  reason TEXT NOT NULL,
  -- the replica (propensity.inference.promotion-policy.replica-id) that decided
  decided_by TEXT NOT NULL,
  -- the comparisons behind the decision, encoded by JdbcDecisionHistory; NULL when none was made
  promotion TEXT,
  regression TEXT
);
CREATE INDEX promotion_decisions_model_time ON promotion_decisions (model_name, decided_at_micros);

-- one row per model and run (time slot of one policy interval): the replica that inserted it decides
CREATE TABLE promotion_runs (
  model_name TEXT NOT NULL,
  run_slot BIGINT NOT NULL,
  claimed_by TEXT NOT NULL,
  claimed_at_micros BIGINT NOT NULL,
  PRIMARY KEY (model_name, run_slot)
);
