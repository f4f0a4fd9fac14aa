-- The last OPTIONS check of each trunk (periodic, or asked for from the admin pages), so the
-- portal can show whether a carrier answers without sending a fax.
ALTER TABLE trunks
    ADD COLUMN last_check_at DATETIME(6) NULL,
    ADD COLUMN last_check_status INT NULL,
    ADD COLUMN last_check_rtt_ms INT NULL,
    ADD COLUMN last_check_detail VARCHAR(255) NULL;
