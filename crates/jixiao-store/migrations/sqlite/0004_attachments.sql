-- Evidence (佐证材料) attached to a progress report. The bytes live in the database, not in a
-- folder the web server serves: downloads go through the permission check, several instances
-- see the same files, and a backup of the database is a backup of everything.
-- The PostgreSQL twin is ../postgres/0004_attachments.sql: change both together.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id     INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    uploaded_by   INTEGER REFERENCES users(id),
    uploaded_at   TEXT    NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id);
