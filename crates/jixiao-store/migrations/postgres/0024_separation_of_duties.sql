-- 三员分立 (等保 2.0 level 3): three roles run the system apart from the appraisal's roles —
-- 系统管理员 (sysadmin: accounts, units), 安全管理员 (secadmin: roles, locks), 审计管理员
-- (auditor: the audit log). Today's admins stay the appraisal's 考核办 (admin); the system
-- accounts are made with `jixiao user add --role sysadmin|secadmin|auditor`.
-- The twin is ../sqlite/0024_separation_of_duties.sql.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'reviewer', 'reporter', 'viewer', 'sysadmin', 'secadmin', 'auditor'));
