-- SIP trunks toward carriers, which accounts use them (in order, for failover), and the
-- channels in use on each (a row per call, with a lease so a dead worker frees its channel).

CREATE TABLE trunks (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    active TINYINT(1) NOT NULL DEFAULT 1,
    host VARCHAR(255) CHARACTER SET ascii NOT NULL,
    port INT NOT NULL DEFAULT 5060,
    transport ENUM('udp', 'tcp') NOT NULL DEFAULT 'udp',
    -- NULL username: IP authentication only.
    username VARCHAR(100) NULL,
    password VARCHAR(255) NULL,
    -- Seconds to ask a REGISTER for; NULL for trunks that do not need registration.
    register_expires INT NULL,
    -- Caller-ID rule: NULL sends the fax's own caller ID; otherwise this number replaces it.
    caller_id_override VARCHAR(20) CHARACTER SET ascii NULL,
    max_channels INT NOT NULL DEFAULT 30,
    t38_allowed TINYINT(1) NOT NULL DEFAULT 1,
    ecm TINYINT(1) NOT NULL DEFAULT 1,
    v17_allowed TINYINT(1) NOT NULL DEFAULT 1,
    codecs VARCHAR(40) CHARACTER SET ascii NOT NULL DEFAULT 'PCMU,PCMA',
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY trunks_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The trunks a reseller, company or department uses, in priority order; the nearest account
-- on the path that has rows wins, and an account tree with none uses every active trunk.
CREATE TABLE account_trunks (
    account_id BIGINT UNSIGNED NOT NULL,
    trunk_id BIGINT UNSIGNED NOT NULL,
    priority INT NOT NULL,
    PRIMARY KEY (account_id, trunk_id),
    KEY account_trunks_order (account_id, priority),
    CONSTRAINT account_trunks_trunk_fk FOREIGN KEY (trunk_id) REFERENCES trunks (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE trunk_channels (
    trunk_id BIGINT UNSIGNED NOT NULL,
    call_key VARCHAR(64) CHARACTER SET ascii NOT NULL,
    until DATETIME(6) NOT NULL,
    PRIMARY KEY (trunk_id, call_key),
    CONSTRAINT trunk_channels_trunk_fk FOREIGN KEY (trunk_id) REFERENCES trunks (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
