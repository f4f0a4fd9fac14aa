-- Outbox and inbox pages walk faxes newest first by id within an account (admins) or a user
-- (plain users); these indexes let a page stop after its 50 rows, however many faxes exist.
CREATE INDEX faxes_account_list ON faxes (account_id, direction, id);
CREATE INDEX faxes_user_list ON faxes (user_id, direction, id);
