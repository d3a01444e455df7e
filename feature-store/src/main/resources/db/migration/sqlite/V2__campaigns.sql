-- Campaigns recorded by `propensity targets --campaign`: the definition, one row per campaign.
CREATE TABLE campaigns (
  name            TEXT    PRIMARY KEY,
  model_name      TEXT    NOT NULL,
  model_version   INTEGER NOT NULL,
  goal_type       INTEGER NOT NULL,
  window_start_ms INTEGER NOT NULL,
  window_end_ms   INTEGER NOT NULL,
  recorded_at_ms  INTEGER NOT NULL
);
-- Targeted and control users of each campaign with the model's prediction for them.
CREATE TABLE campaign_members (
  campaign_name TEXT    NOT NULL REFERENCES campaigns (name),
  user_id       TEXT    NOT NULL,
  grp           INTEGER NOT NULL,
  probability   REAL    NOT NULL,
  user_rank     INTEGER NOT NULL,
  PRIMARY KEY (campaign_name, user_id)
);
