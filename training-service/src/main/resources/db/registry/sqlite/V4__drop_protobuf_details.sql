-- Every row has its details as JSON since V3. (SQLite cannot add NOT NULL to an existing column
-- without rebuilding the table; the registry reads a missing document as a corrupt record.)
ALTER TABLE model_versions DROP COLUMN details;
