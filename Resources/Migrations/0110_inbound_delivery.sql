-- Delivery of received faxes (issue 9): one row per route and target of each delivery round
-- (the first delivery is round 1, every resubmission starts the next), so each route retries on
-- its own and the fax's state follows from its rows; plus what the inbound API needs.

CREATE TABLE inbound_deliveries (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    fax_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    round INT NOT NULL,
    route ENUM('email', 'sftp', 'https', 'api', 'archive_email', 'archive_sftp') NOT NULL,
    target VARCHAR(255) NOT NULL,
    -- The route's settings as they were when the round began (JSON), so a retry uses the same target.
    config_json TEXT NOT NULL,
    status ENUM('pending', 'delivered', 'failed') NOT NULL DEFAULT 'pending',
    attempts INT NOT NULL DEFAULT 0,
    last_error VARCHAR(500) NULL,
    created_at DATETIME(6) NOT NULL,
    finished_at DATETIME(6) NULL,
    UNIQUE KEY inbound_deliveries_once (fax_id, round, route, target),
    KEY inbound_deliveries_company (company_id, id),
    CONSTRAINT inbound_deliveries_fax_fk FOREIGN KEY (fax_id) REFERENCES faxes (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE faxes
    ADD COLUMN delivery_round INT NOT NULL DEFAULT 0 AFTER partial,
    ADD COLUMN acknowledged_at DATETIME(6) NULL AFTER completed_at,
    ADD KEY faxes_inbound_pull (company_id, direction, id);

-- The stamped TIFF and PDF made for delivery (the received TIFF stays as it arrived).
ALTER TABLE fax_documents MODIFY role ENUM('original', 'cover', 'rendered', 'received', 'delivery') NOT NULL;
