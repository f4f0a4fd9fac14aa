-- Fax numbers (DIDs) and what inbound faxes need.
--
-- A number sits in a reseller's (or the platform's) pool until a company takes it; it is then in the
-- company's inventory, unassigned, assigned to a user or a shared queue, or pending a port in.
-- Inbound calls look a number up by `e164`; everything else reaches it by id inside a scope.

CREATE TABLE numbers (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    e164 VARCHAR(20) CHARACTER SET ascii NOT NULL,
    pool_account_id BIGINT UNSIGNED NOT NULL,
    account_id BIGINT UNSIGNED NULL,
    state ENUM('available', 'unassigned', 'assigned', 'pending_port') NOT NULL,
    ported TINYINT(1) NOT NULL DEFAULT 0,
    user_id BIGINT UNSIGNED NULL,
    queue_name VARCHAR(100) NULL,
    region VARCHAR(60) NULL,
    city VARCHAR(100) NULL,
    area_code VARCHAR(8) CHARACTER SET ascii NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY numbers_e164 (e164),
    KEY numbers_account (account_id, state, e164),
    KEY numbers_pool (pool_account_id, state, area_code),
    KEY numbers_user (user_id),
    CONSTRAINT numbers_pool_fk FOREIGN KEY (pool_account_id) REFERENCES accounts (id),
    CONSTRAINT numbers_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE SET NULL,
    CONSTRAINT numbers_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- An inbound fax records the number it was received on and whether reception ended early.
ALTER TABLE faxes
    ADD COLUMN local_number VARCHAR(20) CHARACTER SET ascii NULL AFTER caller_id,
    ADD COLUMN partial TINYINT(1) NOT NULL DEFAULT 0 AFTER pages_sent,
    ADD COLUMN queue_name VARCHAR(100) NULL AFTER user_id;

ALTER TABLE fax_documents MODIFY role ENUM('original', 'cover', 'rendered', 'received') NOT NULL;
