-- A sending address a user adds for themselves works only after they open the link e-mailed to
-- it (an administrator's additions need none). Only the SHA-256 of each one-time token is stored.
CREATE TABLE sending_address_verifications (
    token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    address VARCHAR(254) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    used_at DATETIME(6) NULL,
    KEY sending_address_verifications_user (user_id),
    CONSTRAINT sending_address_verifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
