-- A session ends after a while without use (idle timeout, 等保): the last time it was seen,
-- refreshed at most once a minute. '' for sessions opened before: seen now.
-- The twin is ../sqlite/0017_session_idle.sql.
ALTER TABLE sessions ADD COLUMN seen_at TEXT NOT NULL DEFAULT '';
