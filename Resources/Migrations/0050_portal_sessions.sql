-- Portal sign-in: server-side sessions, lockout bookkeeping and password history.
-- A session row is keyed by the SHA-256 of the cookie's random token, so a database dump
-- reveals no usable cookie. Every worker process reads the same rows: nothing lives in memory.

CREATE TABLE portal_sessions (
    token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    csrf_token CHAR(43) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    idle_timeout_seconds INT NOT NULL,
    remote_address VARCHAR(45) CHARACTER SET ascii NULL,
    user_agent VARCHAR(255) NULL,
    KEY portal_sessions_user (user_id),
    CONSTRAINT portal_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A lockout that ends by itself (NULL with status 'locked' means until an admin unlocks).
ALTER TABLE users ADD COLUMN locked_until DATETIME(6) NULL AFTER failed_sign_ins;

CREATE TABLE password_history (
    user_id BIGINT UNSIGNED NOT NULL,
    changed_at DATETIME(6) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    KEY password_history_user (user_id, changed_at),
    CONSTRAINT password_history_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
