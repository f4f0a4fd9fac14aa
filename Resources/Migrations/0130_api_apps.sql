-- API apps (issue 11, the Concord guide's Apps tab): OAuth2 client registrations of a company that
-- act as one of its users, with up to two live client secrets, optional refresh tokens, and an
-- optional external issuer whose tokens are accepted for the app. Secrets and refresh tokens carry
-- 190+ bits from a CSPRNG and only their SHA-256 digest is stored.

CREATE TABLE api_apps (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    client_id VARCHAR(40) CHARACTER SET ascii NOT NULL,
    name VARCHAR(100) NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    acting_user_id BIGINT UNSIGNED NOT NULL,
    -- comma-separated: faxws, iws, amws
    resources VARCHAR(64) CHARACTER SET ascii NOT NULL,
    access_token_seconds INT UNSIGNED NOT NULL,
    refresh_tokens TINYINT(1) NOT NULL DEFAULT 0,
    refresh_token_seconds INT UNSIGNED NOT NULL,
    external_issuer VARCHAR(500) NULL,
    metadata_url VARCHAR(500) NULL,
    audience VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    created_by_user_id BIGINT UNSIGNED NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY api_apps_client_id (client_id),
    KEY api_apps_company (company_id),
    KEY api_apps_issuer (external_issuer(191)),
    CONSTRAINT api_apps_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id),
    CONSTRAINT api_apps_user_fk FOREIGN KEY (acting_user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The number of apps a company may register: 25 unless the platform lifted it (at most 60).
CREATE TABLE api_app_limits (
    company_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    max_apps INT UNSIGNED NOT NULL,
    CONSTRAINT api_app_limits_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE api_app_secrets (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    app_id BIGINT UNSIGNED NOT NULL,
    secret_prefix VARCHAR(16) CHARACTER SET ascii NOT NULL,
    secret_hash CHAR(64) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    last_used_at DATETIME(6) NULL,
    KEY api_app_secrets_app (app_id),
    CONSTRAINT api_app_secrets_app_fk FOREIGN KEY (app_id) REFERENCES api_apps (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE api_refresh_tokens (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    app_id BIGINT UNSIGNED NOT NULL,
    token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    -- a refresh token is used once: the token endpoint answers with a new one
    used_at DATETIME(6) NULL,
    UNIQUE KEY api_refresh_tokens_hash (token_hash),
    KEY api_refresh_tokens_app (app_id),
    CONSTRAINT api_refresh_tokens_app_fk FOREIGN KEY (app_id) REFERENCES api_apps (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The platform's token signing keys (ES256). The private key is sealed with the vault's transit
-- key (AES-256-GCM, key id recorded); a retired key stays published in the JWKS until every token
-- it signed has expired (`publish_until`).
CREATE TABLE signing_keys (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    kid VARCHAR(64) CHARACTER SET ascii NOT NULL,
    algorithm VARCHAR(16) CHARACTER SET ascii NOT NULL,
    public_x VARCHAR(64) CHARACTER SET ascii NOT NULL,
    public_y VARCHAR(64) CHARACTER SET ascii NOT NULL,
    private_sealed VARBINARY(512) NOT NULL,
    transit_key_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    retired_at DATETIME(6) NULL,
    publish_until DATETIME(6) NULL,
    UNIQUE KEY signing_keys_kid (kid)
) ENGINE = InnoDB;
