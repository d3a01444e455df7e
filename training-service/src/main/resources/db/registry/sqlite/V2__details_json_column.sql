-- A version's details move from the serialized registry.v1.ModelVersion of V1 (the contract's wire
-- format, column `details`) to the registry's own JSON document with a schema version (see
-- VersionDetailsJson), so the contract can evolve without a data migration. V3 converts the rows
-- already stored; V4 drops the old column.
ALTER TABLE model_versions ADD COLUMN details_json TEXT;
