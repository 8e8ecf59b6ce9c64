-- 等保 2.0: a password expires (its age counted from password_changed_at; NULL until the next
-- login or change, which starts the clock), and a new one may not repeat the last five.
-- The twin is ../postgres/0025_password_age.sql.
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
CREATE TABLE password_history (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        TEXT   NOT NULL,
    replaced_at TEXT   NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, replaced_at);
