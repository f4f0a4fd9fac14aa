-- E-mail notices sent about a fax: one row per (fax, notice) once the relay accepted it, so a
-- notice retried after a mail-server outage (or a repeated work item) is never sent twice.

CREATE TABLE fax_notifications (
    fax_id BIGINT UNSIGNED NOT NULL,
    notice VARCHAR(20) CHARACTER SET ascii NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    message_id VARCHAR(200) CHARACTER SET ascii NOT NULL,
    sent_at DATETIME(6) NOT NULL,
    PRIMARY KEY (fax_id, notice),
    CONSTRAINT fax_notifications_fax_fk FOREIGN KEY (fax_id) REFERENCES faxes (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
