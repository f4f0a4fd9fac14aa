-- Webhook signing secrets are no longer kept in clear: each is sealed (AES-256-GCM) with the
-- platform transit key, which lives in a key file outside the database, and bound to its
-- endpoint id. Rows written before this migration keep their clear `secret` until
-- pagewire-jobs starts (`WebhookRepository.sealClearSecrets`), which seals each one and sets
-- `secret` to NULL; the sender reads a clear secret only for a row not converted yet.

ALTER TABLE webhook_endpoints
    MODIFY secret VARCHAR(64) CHARACTER SET ascii NULL,
    ADD COLUMN sealed_secret VARBINARY(128) NULL AFTER secret,
    ADD COLUMN secret_key_id VARCHAR(32) CHARACTER SET ascii NULL AFTER sealed_secret;
