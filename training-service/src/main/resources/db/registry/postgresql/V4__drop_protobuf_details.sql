-- Every row has its details as JSON since V3.
ALTER TABLE model_versions DROP COLUMN details;
ALTER TABLE model_versions ALTER COLUMN details_json SET NOT NULL;
