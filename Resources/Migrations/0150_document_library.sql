-- The document library (issue 7): documents a user stores once, with a title and a quality, and
-- picks again when sending. The content is a vault document (kind 'original', sealed to the
-- company key, no transit copy unless the company is in managed mode); each fax submission gets its own copy,
-- so the library keeps its document whatever happens to the faxes, and retention leaves it alone.

CREATE TABLE library_documents (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    company_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NULL,
    document_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(200) NOT NULL,
    file_name VARCHAR(255) NOT NULL,
    quality ENUM('standard', 'fine', 'superfine') NOT NULL,
    pages INT UNSIGNED NOT NULL,
    byte_count BIGINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY library_documents_document (document_id),
    KEY library_documents_account (account_id, title),
    CONSTRAINT library_documents_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT library_documents_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT library_documents_document_fk FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
