-- Run once, when the PostgreSQL volume is first initialised: training-service's model registry gets a
-- database of its own (feature-service keeps its events in POSTGRES_DB); each service migrates its own
-- schema with Flyway, which wants a schema that no one else writes to.
CREATE DATABASE propensity_registry OWNER propensity;
