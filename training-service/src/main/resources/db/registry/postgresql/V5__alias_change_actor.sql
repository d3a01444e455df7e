-- Who made each alias change (issue 16 audit): the authenticated principal's name, or
-- 'anonymous (insecure)' when the service runs without authentication. Changes recorded before this
-- column existed were never attributed.
ALTER TABLE alias_changes ADD COLUMN actor TEXT NOT NULL DEFAULT 'unknown (before audit)';
