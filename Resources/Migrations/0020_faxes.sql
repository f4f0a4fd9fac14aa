-- Faxes, their attempts and message events; the scheduler's state lives here, not in memory.

CREATE TABLE faxes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    direction ENUM('outbound', 'inbound') NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NULL,
    state ENUM('submitted', 'rendering', 'queued', 'sending', 'retry_wait', 'delivered', 'partially_delivered',
               'failed', 'cancelled', 'receiving', 'received', 'delivering', 'delivery_failed') NOT NULL,
    result_code VARCHAR(40) CHARACTER SET ascii NULL,
    remote_number VARCHAR(20) CHARACTER SET ascii NOT NULL,
    caller_id VARCHAR(20) CHARACTER SET ascii NULL,
    quality ENUM('standard', 'fine', 'superfine') NOT NULL DEFAULT 'fine',
    pages INT NULL,
    pages_sent INT NOT NULL DEFAULT 0,
    attempts INT NOT NULL DEFAULT 0,
    max_attempts INT NOT NULL,
    retry_interval_seconds INT NOT NULL,
    cancel_requested TINYINT(1) NOT NULL DEFAULT 0,
    idempotency_key VARCHAR(191) NULL,
    request_hash CHAR(64) CHARACTER SET ascii NULL,
    scheduled_at DATETIME(6) NULL,
    next_attempt_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    completed_at DATETIME(6) NULL,
    UNIQUE KEY faxes_idempotency (user_id, idempotency_key, remote_number),
    KEY faxes_account (account_id, created_at),
    KEY faxes_company (company_id, direction, created_at),
    KEY faxes_state (state)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE fax_documents (
    fax_id BIGINT UNSIGNED NOT NULL,
    n INT NOT NULL,
    document_id BIGINT UNSIGNED NOT NULL,
    role ENUM('original', 'cover', 'rendered') NOT NULL,
    PRIMARY KEY (fax_id, role, n),
    CONSTRAINT fax_documents_fax_fk FOREIGN KEY (fax_id) REFERENCES faxes (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE fax_attempts (
    fax_id BIGINT UNSIGNED NOT NULL,
    n INT NOT NULL,
    started_at DATETIME(6) NOT NULL,
    ended_at DATETIME(6) NULL,
    worker VARCHAR(128) CHARACTER SET ascii NOT NULL,
    trunk VARCHAR(100) NULL,
    result_code VARCHAR(40) CHARACTER SET ascii NULL,
    sip_status INT NULL,
    t30_code INT NULL,
    pages_sent INT NOT NULL DEFAULT 0,
    bit_rate INT NULL,
    ecm TINYINT(1) NULL,
    remote_csid VARCHAR(40) NULL,
    detail VARCHAR(500) NULL,
    PRIMARY KEY (fax_id, n),
    CONSTRAINT fax_attempts_fax_fk FOREIGN KEY (fax_id) REFERENCES faxes (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE fax_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    fax_id BIGINT UNSIGNED NOT NULL,
    at DATETIME(6) NOT NULL,
    type VARCHAR(40) CHARACTER SET ascii NOT NULL,
    target VARCHAR(255) NULL,
    status VARCHAR(40) CHARACTER SET ascii NOT NULL,
    detail VARCHAR(500) NULL,
    KEY fax_events_fax (fax_id, at),
    CONSTRAINT fax_events_fax_fk FOREIGN KEY (fax_id) REFERENCES faxes (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One call at a time per destination number: the attempt holding the row until `until` owns the line.
CREATE TABLE destination_locks (
    remote_number VARCHAR(20) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    fax_id BIGINT UNSIGNED NOT NULL,
    until DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
