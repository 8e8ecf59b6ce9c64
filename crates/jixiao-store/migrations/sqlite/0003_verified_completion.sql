-- A reviewer's correction of the reader's completion (完成审核值): it wins over the reading and
-- is kept when the text changes, until the reviewer changes or clears it.
-- The PostgreSQL twin is ../postgres/0003_verified_completion.sql: change both together.
ALTER TABLE progress_reports ADD COLUMN verified_completion REAL;
ALTER TABLE progress_reports ADD COLUMN verified_reason TEXT;
ALTER TABLE progress_reports ADD COLUMN verified_by INTEGER REFERENCES users(id);
ALTER TABLE progress_reports ADD COLUMN verified_at TEXT;
