-- What an administrator records about a user beyond name and e-mail: contact details (for
-- cover pages) and the custom fields that flow into reports (cost centre, employee id).
ALTER TABLE users
    ADD COLUMN phone VARCHAR(40) NOT NULL DEFAULT '' AFTER display_name,
    ADD COLUMN job_title VARCHAR(100) NOT NULL DEFAULT '' AFTER phone,
    ADD COLUMN cost_centre VARCHAR(100) NOT NULL DEFAULT '' AFTER job_title,
    ADD COLUMN employee_id VARCHAR(100) NOT NULL DEFAULT '' AFTER cost_centre;
