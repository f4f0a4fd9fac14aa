-- Trunks belong to the platform (NULL) or to a reseller that brings its own carrier; a reseller
-- manages and orders only its own trunks and the platform's.
ALTER TABLE trunks
    ADD COLUMN owner_account_id BIGINT UNSIGNED NULL AFTER name,
    ADD KEY trunks_owner (owner_account_id),
    ADD CONSTRAINT trunks_owner_fk FOREIGN KEY (owner_account_id) REFERENCES accounts (id);
