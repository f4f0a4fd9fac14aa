-- Webhook endpoints per company and the log of every delivery. The signing secret is kept so
-- pagewire-jobs can sign each request (HMAC-SHA256); it is shown to the company admin once.

CREATE TABLE webhook_endpoints (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT UNSIGNED NOT NULL,
    url VARCHAR(2000) NOT NULL,
    events VARCHAR(255) CHARACTER SET ascii NOT NULL,
    secret VARCHAR(64) CHARACTER SET ascii NOT NULL,
    active TINYINT(1) NOT NULL DEFAULT 1,
    created_by_user_id BIGINT UNSIGNED NULL,
    created_at DATETIME(6) NOT NULL,
    KEY webhook_endpoints_company (company_id, active),
    CONSTRAINT webhook_endpoints_company_fk FOREIGN KEY (company_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per (endpoint, fax, event): redelivery reuses the row and its event id.
CREATE TABLE webhook_deliveries (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    endpoint_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    fax_id BIGINT UNSIGNED NOT NULL,
    event VARCHAR(40) CHARACTER SET ascii NOT NULL,
    payload_json MEDIUMTEXT NOT NULL,
    status ENUM('pending', 'delivered', 'failed') NOT NULL DEFAULT 'pending',
    attempts INT NOT NULL DEFAULT 0,
    last_status_code INT NULL,
    last_error VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    last_attempt_at DATETIME(6) NULL,
    delivered_at DATETIME(6) NULL,
    UNIQUE KEY webhook_deliveries_once (endpoint_id, fax_id, event),
    KEY webhook_deliveries_company (company_id, id),
    CONSTRAINT webhook_deliveries_endpoint_fk FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
