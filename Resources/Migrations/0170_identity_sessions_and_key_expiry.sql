-- Identity (issue 11), second part.
--
-- A portal session started by a company's OpenID Connect provider keeps the provider's ID token,
-- so that signing out of the portal also ends the provider's session (RP-initiated logout with
-- id_token_hint). The row goes with the session and with the connection.
CREATE TABLE oidc_sessions (
    session_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    id_token TEXT CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY oidc_sessions_company (company_id),
    CONSTRAINT oidc_sessions_session_fk FOREIGN KEY (session_hash) REFERENCES portal_sessions (token_hash) ON DELETE CASCADE,
    CONSTRAINT oidc_sessions_company_fk FOREIGN KEY (company_id) REFERENCES oidc_connections (company_id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The latest expiry of any access token a signing key signed: a retired key stays in the JWKS
-- until then (plus the verifiers' clock skew), and the scheduled rotation removes it after.
ALTER TABLE signing_keys ADD COLUMN tokens_expire_by DATETIME(6) NULL AFTER publish_until;
