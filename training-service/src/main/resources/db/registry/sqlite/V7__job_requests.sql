-- Which training-service replica started the job of each StartTraining request id (the caller's
-- idempotency key), shared by every replica on this database: a retry that lands on another
-- replica finds the job instead of starting it a second time.
CREATE TABLE job_requests (
  request_id    TEXT   NOT NULL PRIMARY KEY,
  job_id        TEXT   NOT NULL,
  replica       TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL
);
