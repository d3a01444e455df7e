-- Signatures of versions (issue 16): the registry's own, made after the artifact passed the
-- registration checks, and the uploader's, verified at registration. Each is the key id, the
-- algorithm and the signature bytes in base64; all three or none. Versions registered before stay
-- unsigned (NULL): the registry never signs bytes after the fact, since a signature says they were
-- checked when stored.
ALTER TABLE model_versions ADD COLUMN signature_key_id TEXT;
ALTER TABLE model_versions ADD COLUMN signature_algorithm TEXT;
ALTER TABLE model_versions ADD COLUMN signature TEXT;
ALTER TABLE model_versions ADD COLUMN upload_signature_key_id TEXT;
ALTER TABLE model_versions ADD COLUMN upload_signature_algorithm TEXT;
ALTER TABLE model_versions ADD COLUMN upload_signature TEXT;
