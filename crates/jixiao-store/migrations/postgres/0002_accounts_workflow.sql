-- Accounts, sessions, the review workflow of progress reports, and the audit log.
-- The SQLite twin is ../sqlite/0002_accounts_workflow.sql: change both together.

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    -- argon2id PHC string
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'reviewer', 'reporter', 'viewer')),
    unit_id        BIGINT  NOT NULL REFERENCES units(id),
    -- zh-CN / en; NULL follows the browser
    locale         TEXT,
    failed_logins  BIGINT  NOT NULL DEFAULT 0,
    locked_until   TEXT,
    active         BIGINT  NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL
);

-- Sessions live in the database so that several instances share them. The id is the SHA-256
-- of the cookie's token: a stolen database does not give working cookies.
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

ALTER TABLE progress_reports ADD COLUMN self_score DOUBLE PRECISION;
-- why the reviewer returned it; shown to the reporter until the next submission
ALTER TABLE progress_reports ADD COLUMN return_reason TEXT;
ALTER TABLE progress_reports ADD COLUMN submitted_at TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewed_at TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewer_id BIGINT  REFERENCES users(id);
ALTER TABLE progress_reports ADD COLUMN updated_by BIGINT  REFERENCES users(id);

-- Every write, append-only, each entry chained to the one before by hash.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    BIGINT ,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   BIGINT ,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);

-- The head of the audit chain. Every audited transaction updates this one row first, which
-- serialises appends (a row lock on PostgreSQL, the write lock on SQLite) so the chain never forks.
CREATE TABLE audit_head (
    id    BIGINT  PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
