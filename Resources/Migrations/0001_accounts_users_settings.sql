-- The account tree, people, admin rights and inherited settings.
-- accounts.path is the chain of ids from the platform root, e.g. '/1/4/9/': a subtree is a
-- prefix match on an index, so every tenant-scoped query can say "path LIKE '<scope>%'".

CREATE TABLE accounts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    parent_id BIGINT UNSIGNED NULL,
    kind ENUM('platform', 'reseller', 'company', 'department') NOT NULL,
    name VARCHAR(200) NOT NULL,
    path VARCHAR(1000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    company_id BIGINT UNSIGNED NULL,
    status ENUM('active', 'suspended') NOT NULL DEFAULT 'active',
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY accounts_path (path),
    KEY accounts_parent (parent_id),
    KEY accounts_company (company_id),
    CONSTRAINT accounts_parent_fk FOREIGN KEY (parent_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    username VARCHAR(254) NOT NULL,
    email VARCHAR(254) NOT NULL,
    display_name VARCHAR(200) NOT NULL DEFAULT '',
    password_hash VARCHAR(255) NULL,
    status ENUM('active', 'locked') NOT NULL DEFAULT 'active',
    failed_sign_ins INT NOT NULL DEFAULT 0,
    password_changed_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY users_username (username),
    KEY users_email (email),
    KEY users_account (account_id),
    CONSTRAINT users_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A user is an administrator of one node (and so of its subtree) with a set of rights.
CREATE TABLE admin_grants (
    user_id BIGINT UNSIGNED NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    rights VARCHAR(1000) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, account_id),
    KEY admin_grants_account (account_id),
    CONSTRAINT admin_grants_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT admin_grants_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Overrides at an account node; resolution walks user -> departments -> company -> reseller -> platform.
CREATE TABLE account_settings (
    account_id BIGINT UNSIGNED NOT NULL,
    setting_key VARCHAR(100) CHARACTER SET ascii NOT NULL,
    value_json TEXT NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (account_id, setting_key),
    CONSTRAINT account_settings_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE user_settings (
    user_id BIGINT UNSIGNED NOT NULL,
    setting_key VARCHAR(100) CHARACTER SET ascii NOT NULL,
    value_json TEXT NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, setting_key),
    CONSTRAINT user_settings_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
