-- Single sign-on through a company's own OpenID Connect provider (issue 11). The client secret is
-- sealed with the vault's transit key (AES-256-GCM bound to the company id); the sign-in page finds
-- the connection by the e-mail domain, and a domain belongs to one company only.

CREATE TABLE oidc_connections (
    company_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    issuer VARCHAR(500) NOT NULL,
    client_id VARCHAR(255) NOT NULL,
    client_secret_sealed VARBINARY(1024) NOT NULL,
    transit_key_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    scopes VARCHAR(255) NOT NULL DEFAULT 'openid email profile',
    claim_email VARCHAR(64) NOT NULL DEFAULT 'email',
    claim_name VARCHAR(64) NOT NULL DEFAULT 'name',
    claim_groups VARCHAR(64) NOT NULL DEFAULT 'groups',
    -- JSON object: IdP group name -> department account id
    group_departments TEXT NOT NULL,
    jit_users TINYINT(1) NOT NULL DEFAULT 0,
    sso_only TINYINT(1) NOT NULL DEFAULT 0,
    enabled TINYINT(1) NOT NULL DEFAULT 1,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT oidc_connections_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE oidc_email_domains (
    domain VARCHAR(253) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    KEY oidc_email_domains_company (company_id),
    CONSTRAINT oidc_email_domains_company_fk FOREIGN KEY (company_id) REFERENCES oidc_connections (company_id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- An authorization request in flight: the state (its digest), the nonce and the PKCE verifier,
-- used once by the callback and valid for ten minutes.
CREATE TABLE oidc_login_states (
    state_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    nonce VARCHAR(64) CHARACTER SET ascii NOT NULL,
    code_verifier VARCHAR(128) CHARACTER SET ascii NOT NULL,
    redirect_uri VARCHAR(500) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    KEY oidc_login_states_expiry (expires_at),
    CONSTRAINT oidc_login_states_company_fk FOREIGN KEY (company_id) REFERENCES oidc_connections (company_id) ON DELETE CASCADE
) ENGINE = InnoDB;
