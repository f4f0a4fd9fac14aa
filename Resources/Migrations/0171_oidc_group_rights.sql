-- Single sign-on: IdP groups → administrator rights (issue 11). JSON object: group name -> list of
-- AdminRight raw values, granted at the node where a user created just in time lands.
ALTER TABLE oidc_connections ADD COLUMN group_rights TEXT NULL AFTER group_departments;
