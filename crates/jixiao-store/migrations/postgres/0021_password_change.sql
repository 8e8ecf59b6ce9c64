-- An account whose password the office set (a reset, a new account) must choose its own at its
-- next login (等保 2.0: 口令定期更换, 初始口令修改). The twin is ../sqlite/0021_password_change.sql.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
