-- The document vault: encrypted documents, company key pairs and who may open them,
-- retention policies and the audit log. No column holds a document or a private key in clear:
-- chunks are AES-256-GCM ciphertext, document keys are sealed (HPKE, X25519) to a company key,
-- company private keys are sealed to user keys, user private keys are wrapped by a key derived
-- from the user's password (Argon2id). See docs/vault.md.

-- One X25519 key pair per user; the private half wrapped by Argon2id(password, kdf_salt).
CREATE TABLE vault_user_keys (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    public_key VARBINARY(32) NOT NULL,
    wrapped_private_key VARBINARY(128) NOT NULL,
    kdf_salt VARBINARY(32) NOT NULL,
    kdf_iterations INT UNSIGNED NOT NULL,
    kdf_memory_kib INT UNSIGNED NOT NULL,
    kdf_parallelism INT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT vault_user_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A company's vault: its mode and the public half of the recovery key shown once to the first admin.
CREATE TABLE company_vaults (
    company_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    mode ENUM('private', 'managed') NOT NULL DEFAULT 'private',
    recovery_public_key VARBINARY(32) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT company_vaults_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Company key pairs. The active one receives new documents; a retired one keeps its private half
-- sealed to its successor, so documents sealed to it stay readable after a rotation.
CREATE TABLE company_keys (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    public_key VARBINARY(32) NOT NULL,
    state ENUM('active', 'retired') NOT NULL,
    recovery_sealed_private_key VARBINARY(160) NOT NULL,
    successor_id BIGINT UNSIGNED NULL,
    successor_sealed_private_key VARBINARY(160) NULL,
    created_at DATETIME(6) NOT NULL,
    retired_at DATETIME(6) NULL,
    KEY company_keys_company (company_id, state),
    CONSTRAINT company_keys_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id),
    CONSTRAINT company_keys_successor_fk FOREIGN KEY (successor_id) REFERENCES company_keys (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A company private key sealed to one user's public key: that user is a key holder.
CREATE TABLE company_key_grants (
    company_key_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    sealed_private_key VARBINARY(160) NOT NULL,
    granted_by_user_id BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (company_key_id, user_id),
    KEY company_key_grants_user (user_id),
    KEY company_key_grants_company (company_id),
    CONSTRAINT company_key_grants_key_fk FOREIGN KEY (company_key_id) REFERENCES company_keys (id) ON DELETE CASCADE,
    CONSTRAINT company_key_grants_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- A signed-in user's private key wrapped by a per-session secret that only the cookie carries.
CREATE TABLE vault_sessions (
    id VARBINARY(32) NOT NULL PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    wrapped_private_key VARBINARY(128) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    KEY vault_sessions_user (user_id),
    KEY vault_sessions_expiry (expires_at),
    CONSTRAINT vault_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Documents: metadata in clear, content in document_chunks, key sealed to a company key and,
-- while the system processes the document (or in managed mode), wrapped by the transit key.
CREATE TABLE documents (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('original', 'fax_tiff', 'delivery_pdf') NOT NULL,
    content_type VARCHAR(100) CHARACTER SET ascii NOT NULL,
    state ENUM('writing', 'stored', 'expired') NOT NULL,
    byte_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
    chunk_count INT UNSIGNED NOT NULL DEFAULT 0,
    company_key_id BIGINT UNSIGNED NULL,
    sealed_key VARBINARY(160) NULL,
    transit_hold TINYINT(1) NOT NULL DEFAULT 1,
    transit_key_id VARCHAR(32) CHARACTER SET ascii NULL,
    transit_wrapped_key VARBINARY(128) NULL,
    created_at DATETIME(6) NOT NULL,
    expired_at DATETIME(6) NULL,
    KEY documents_company_created (company_id, created_at),
    KEY documents_transit (transit_key_id),
    KEY documents_company_key (company_key_id),
    CONSTRAINT documents_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id),
    CONSTRAINT documents_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT documents_company_key_fk FOREIGN KEY (company_key_id) REFERENCES company_keys (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- 1 MiB plaintext per chunk; bytes = AES-256-GCM ciphertext + tag, nonce and AAD bind (document, n, final).
CREATE TABLE document_chunks (
    document_id BIGINT UNSIGNED NOT NULL,
    n INT UNSIGNED NOT NULL,
    bytes MEDIUMBLOB NOT NULL,
    PRIMARY KEY (document_id, n),
    CONSTRAINT document_chunks_document_fk FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Retention limits set by the platform per company and the company's own choice within them.
CREATE TABLE retention_policies (
    company_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    min_days INT UNSIGNED NOT NULL,
    max_days INT UNSIGNED NOT NULL,
    chosen_days INT UNSIGNED NULL,
    metadata_days INT UNSIGNED NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT retention_policies_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Append-only: who did what, where, from which address. Never content or secrets.
CREATE TABLE audit_log (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at DATETIME(6) NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    actor_kind ENUM('user', 'system', 'api_app') NOT NULL,
    actor_user_id BIGINT UNSIGNED NULL,
    actor_label VARCHAR(254) NOT NULL DEFAULT '',
    action VARCHAR(64) CHARACTER SET ascii NOT NULL,
    target_type VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
    target_id VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
    ip VARCHAR(45) CHARACTER SET ascii NULL,
    detail VARCHAR(1000) NOT NULL DEFAULT '',
    KEY audit_log_account_at (account_id, at),
    KEY audit_log_at (at),
    KEY audit_log_action (action, at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
