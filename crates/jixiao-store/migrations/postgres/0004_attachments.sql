-- Evidence (佐证材料) attached to a progress report. The bytes live in the database, not in a
-- folder the web server serves: downloads go through the permission check, several instances
-- see the same files, and a backup of the database is a backup of everything.
-- The SQLite twin is ../sqlite/0004_attachments.sql: change both together.
CREATE TABLE attachments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id     BIGINT  NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          BIGINT  NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BYTEA    NOT NULL,
    uploaded_by   BIGINT  REFERENCES users(id),
    uploaded_at   TEXT    NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id);
