-- no-transaction
-- 三员分立 (等保 2.0 level 3): three roles run the system apart from the appraisal's roles —
-- 系统管理员 (sysadmin: accounts, units), 安全管理员 (secadmin: roles, locks), 审计管理员
-- (auditor: the audit log). Today's admins stay the appraisal's 考核办 (admin); the system
-- accounts are made with `jixiao user add --role sysadmin|secadmin|auditor`.
-- The twin is ../postgres/0024_separation_of_duties.sql.
--
-- SQLite cannot alter a CHECK constraint: the table is rebuilt as SQLite's documentation
-- prescribes (foreign keys off outside a transaction, a new table, copy, drop, rename, check).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE users_rebuilt (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    -- argon2id PHC string
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'reviewer', 'reporter', 'viewer',
                                                    'sysadmin', 'secadmin', 'auditor')),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    -- zh-CN / en; NULL follows the browser
    locale         TEXT,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    email          TEXT
);
INSERT INTO users_rebuilt (id, username, display_name, password_hash, role, unit_id, locale,
                           failed_logins, locked_until, active, created_at,
                           must_change_password, email)
    SELECT id, username, display_name, password_hash, role, unit_id, locale,
           failed_logins, locked_until, active, created_at, must_change_password, email
    FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
