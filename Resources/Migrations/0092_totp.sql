-- TOTP (RFC 6238) for platform and reseller staff: a session opened with the password alone waits
-- in stage 'second_factor' until a code is given. The shared secret is stored wrapped with the
-- platform transit key (AES-GCM, bound to the user id), so a database dump alone reveals no secret;
-- last_step refuses a code used before (replay).
ALTER TABLE portal_sessions MODIFY COLUMN stage ENUM('active', 'password_change', 'second_factor') NOT NULL DEFAULT 'active';

CREATE TABLE user_totp (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    transit_key_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    sealed_secret VARBINARY(255) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    confirmed_at DATETIME(6) NULL,
    last_step BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT user_totp_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
