-- Requests to port existing numbers in (Concord "Number Porting", eComFax): the request's data,
-- its numbers, its documents (CSR, bill, the generated and the signed LOA, all in the vault),
-- the electronic signature of the LOA, and the notes thread between customer and porting team.

CREATE TABLE port_requests (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tracking_id VARCHAR(20) CHARACTER SET ascii NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    created_by BIGINT UNSIGNED NULL,
    state ENUM('new', 'pending', 'in_progress', 'scheduled', 'completed', 'rejected', 'cancelled') NOT NULL,
    contact_name VARCHAR(200) NOT NULL,
    contact_email VARCHAR(254) NOT NULL,
    contact_phone VARCHAR(40) NOT NULL DEFAULT '',
    country_code VARCHAR(4) CHARACTER SET ascii NOT NULL,
    btn VARCHAR(20) CHARACTER SET ascii NOT NULL,
    business_name VARCHAR(200) NOT NULL,
    service_addresses_json TEXT NOT NULL,
    instructions TEXT NULL,
    assign_user_id BIGINT UNSIGNED NULL,
    foc_date DATE NULL,
    rejection_reason VARCHAR(1000) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    submitted_at DATETIME(6) NULL,
    completed_at DATETIME(6) NULL,
    UNIQUE KEY port_requests_tracking (tracking_id),
    KEY port_requests_company (company_id, created_at),
    CONSTRAINT port_requests_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT port_requests_user_fk FOREIGN KEY (assign_user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE port_request_numbers (
    request_id BIGINT UNSIGNED NOT NULL,
    e164 VARCHAR(20) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (request_id, e164),
    CONSTRAINT port_request_numbers_fk FOREIGN KEY (request_id) REFERENCES port_requests (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE port_request_documents (
    request_id BIGINT UNSIGNED NOT NULL,
    document_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('csr', 'bill', 'loa', 'signed_loa', 'other') NOT NULL,
    file_name VARCHAR(255) NOT NULL,
    uploaded_by BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (request_id, document_id),
    KEY port_request_documents_kind (request_id, kind, created_at),
    CONSTRAINT port_request_documents_fk FOREIGN KEY (request_id) REFERENCES port_requests (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per signature; the latest counts. `terms_digest` is the SHA-256 of the LOA's terms
-- (BTN, business name, addresses, numbers) at signing: an edit after signing needs a new one.
CREATE TABLE port_request_signatures (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id BIGINT UNSIGNED NOT NULL,
    signer_name VARCHAR(200) NOT NULL,
    signer_title VARCHAR(200) NOT NULL,
    signed_on DATE NOT NULL,
    signer_ip VARCHAR(45) CHARACTER SET ascii NOT NULL,
    signed_by BIGINT UNSIGNED NULL,
    terms_digest CHAR(64) CHARACTER SET ascii NOT NULL,
    document_id BIGINT UNSIGNED NULL,
    at DATETIME(6) NOT NULL,
    KEY port_request_signatures_request (request_id, id),
    CONSTRAINT port_request_signatures_fk FOREIGN KEY (request_id) REFERENCES port_requests (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE port_request_notes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id BIGINT UNSIGNED NOT NULL,
    author_id BIGINT UNSIGNED NULL,
    author_name VARCHAR(254) NOT NULL,
    staff TINYINT(1) NOT NULL DEFAULT 0,
    automatic TINYINT(1) NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY port_request_notes_request (request_id, id),
    CONSTRAINT port_request_notes_fk FOREIGN KEY (request_id) REFERENCES port_requests (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
