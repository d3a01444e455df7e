-- Campaigns recorded by `propensity targets --campaign`: the definition, one row per campaign.
CREATE TABLE campaigns (
  name            TEXT             PRIMARY KEY,
  model_name      TEXT             NOT NULL,
  model_version   BIGINT           NOT NULL,
  goal_type       SMALLINT         NOT NULL,
  window_start_ms BIGINT           NOT NULL,
  window_end_ms   BIGINT           NOT NULL,
  recorded_at_ms  BIGINT           NOT NULL
);
-- Targeted and control users of each campaign with the model's prediction for them.
CREATE TABLE campaign_members (
  campaign_name TEXT             NOT NULL REFERENCES campaigns (name),
  user_id       TEXT             NOT NULL,
  grp           SMALLINT         NOT NULL,
  probability   DOUBLE PRECISION NOT NULL,
  user_rank     BIGINT           NOT NULL,
  PRIMARY KEY (campaign_name, user_id)
);
