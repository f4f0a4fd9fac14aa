-- The work queue: at-least-once jobs claimed with SELECT ... FOR UPDATE SKIP LOCKED and a lease.
-- A 'ready' row is claimable once run_at has passed. Claiming sets run_at = lease_until (the end of
-- the lease), so leased rows drop out of the claim index range by themselves and an expired lease
-- makes the row claimable again with no sweeper.

CREATE TABLE work (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    kind VARCHAR(64) CHARACTER SET ascii NOT NULL,
    payload_json MEDIUMTEXT NOT NULL,
    state ENUM('ready', 'dead') NOT NULL DEFAULT 'ready',
    run_at DATETIME(6) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    max_attempts INT NOT NULL DEFAULT 10,
    lease_owner VARCHAR(128) CHARACTER SET ascii NULL,
    lease_until DATETIME(6) NULL,
    last_error VARCHAR(2000) NULL,
    dedupe_key VARCHAR(191) CHARACTER SET ascii NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY work_dedupe (dedupe_key),
    KEY work_claim (state, run_at, kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every running process says who and where it is; the dashboard and lease owners read it.
CREATE TABLE processes (
    id VARCHAR(128) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    role VARCHAR(32) CHARACTER SET ascii NOT NULL,
    host VARCHAR(255) NOT NULL,
    pid INT NOT NULL,
    version VARCHAR(32) NOT NULL,
    started_at DATETIME(6) NOT NULL,
    last_seen DATETIME(6) NOT NULL,
    KEY processes_seen (last_seen)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
