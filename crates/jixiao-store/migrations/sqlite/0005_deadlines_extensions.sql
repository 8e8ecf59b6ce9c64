-- Deadlines lock a period; extensions (延期申请) reopen one task of one unit until a date.
-- periods.deadline (from 0001) holds the instant the period locks, RFC 3339 UTC: the end of
-- the deadline day in China Standard Time. A reviewer's direct unlock is an extension it
-- grants itself. The PostgreSQL twin is ../postgres/0005_deadlines_extensions.sql.
CREATE TABLE extensions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id       INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    period_id     INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    reason        TEXT    NOT NULL,
    -- the instant the extension ends, RFC 3339 UTC
    until         TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    requested_by  INTEGER REFERENCES users(id),
    decided_by    INTEGER REFERENCES users(id),
    created_at    TEXT    NOT NULL,
    decided_at    TEXT
);
CREATE INDEX extensions_by_task ON extensions (task_id, period_id);
