-- Fixed-window event counters shared by every process (SMTP messages per sender and per client
-- address, password-reset requests), so a limit holds however many listeners or web workers run.
-- window_start is the start of the counter's window (UTC); old windows are purged as counting goes.
CREATE TABLE rate_counters (
    counter_key VARCHAR(320) NOT NULL,
    window_start DATETIME NOT NULL,
    hits INT UNSIGNED NOT NULL,
    PRIMARY KEY (counter_key, window_start),
    KEY rate_counters_window (window_start)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
