-- Cover page templates uploaded by an account level (the guide's Coverpage tab: upload, rename,
-- replace, delete). A template is available to users at its level and below; it is referred to
-- as `custom-<id>` by settings (`coverpage.template`) and by cover page requests.

CREATE TABLE cover_pages (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(100) NOT NULL,
    source MEDIUMTEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY cover_pages_name (account_id, name),
    CONSTRAINT cover_pages_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
