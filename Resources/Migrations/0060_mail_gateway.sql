-- E-mail to fax: which domain belongs to which company, the addresses users may send from,
-- and every message the SMTP gateway accepted. A message row (and its raw bytes, encrypted in
-- the vault as a 'message/rfc822' original) is committed before the gateway answers 250, so a
-- crash after that still produces the fax or the refusal notice.

-- `<number>@<domain>`: the domain picks the company (a subdomain of the reseller's domain or one
-- the company owns). Stored lower-case, without a trailing dot.
CREATE TABLE fax_domains (
    domain VARCHAR(253) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY fax_domains_company (company_id),
    CONSTRAINT fax_domains_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Addresses a user may e-mail faxes from, besides the user's own e-mail address.
-- company_id is the user's company, so one address belongs to at most one user per company.
CREATE TABLE user_sending_addresses (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    address VARCHAR(254) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY user_sending_addresses_address (company_id, address),
    KEY user_sending_addresses_user (user_id),
    CONSTRAINT user_sending_addresses_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_sending_addresses_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per message accepted at SMTP level (250 given). Envelope data in clear, the message
-- itself only in the vault (document_id). state: received → accepted (faxes created) | refused
-- (with the result code), each answered by a notice unless the message was automatic.
CREATE TABLE mail_messages (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    document_id BIGINT UNSIGNED NOT NULL,
    state ENUM('received', 'accepted', 'refused') NOT NULL DEFAULT 'received',
    client_ip VARCHAR(45) CHARACTER SET ascii NOT NULL,
    helo VARCHAR(255) NOT NULL DEFAULT '',
    return_path VARCHAR(254) NOT NULL DEFAULT '',
    recipients_json TEXT NOT NULL,
    byte_count INT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NULL,
    from_address VARCHAR(254) NULL,
    result_code VARCHAR(40) CHARACTER SET ascii NULL,
    detail VARCHAR(1000) NULL,
    fax_ids_json TEXT NULL,
    notice VARCHAR(40) CHARACTER SET ascii NULL,
    received_at DATETIME(6) NOT NULL,
    processed_at DATETIME(6) NULL,
    KEY mail_messages_company (company_id, received_at),
    KEY mail_messages_state (state),
    CONSTRAINT mail_messages_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id),
    CONSTRAINT mail_messages_document_fk FOREIGN KEY (document_id) REFERENCES documents (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
