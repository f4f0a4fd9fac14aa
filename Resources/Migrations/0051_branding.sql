-- White label: a brand per reseller or company, and the host names that select it.
-- A request's Host header picks the brand; an unknown host gets the platform brand.

CREATE TABLE brands (
    account_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    page_title VARCHAR(200) NOT NULL,
    logo_url VARCHAR(500) NULL,
    footer_text VARCHAR(500) NOT NULL DEFAULT '',
    primary_colour CHAR(7) CHARACTER SET ascii NOT NULL DEFAULT '#1f4e79',
    accent_colour CHAR(7) CHARACTER SET ascii NOT NULL DEFAULT '#f0a500',
    support_email VARCHAR(254) NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT brands_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE brand_domains (
    host VARCHAR(253) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    KEY brand_domains_account (account_id),
    CONSTRAINT brand_domains_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
