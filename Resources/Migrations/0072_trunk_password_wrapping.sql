-- Trunk digest passwords at rest: wrapped (AES-256-GCM) with a key derived from the platform
-- transit key, which lives in a file outside the database. SQL cannot encrypt with that key, so
-- the rows are converted by `pagewire-telephony` at start-up (`TrunkRepository.sealPasswords`):
-- it wraps each clear `password` into these columns and sets `password` to NULL.
ALTER TABLE trunks
    ADD COLUMN password_key_id VARCHAR(32) CHARACTER SET ascii NULL AFTER password,
    ADD COLUMN password_wrapped VARBINARY(512) NULL AFTER password_key_id;
