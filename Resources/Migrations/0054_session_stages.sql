-- A session can be signed in but not yet let through: the password has expired under the
-- security policy and must be changed first ('password_change').
ALTER TABLE portal_sessions ADD COLUMN stage ENUM('active', 'password_change') NOT NULL DEFAULT 'active' AFTER csrf_token;
