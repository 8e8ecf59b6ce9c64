-- A file uploaded for import waits here between its preview and the admin's confirmation;
-- confirmed or abandoned uploads are removed (abandoned ones after a day).
-- The SQLite twin is ../sqlite/0006_pending_imports.sql: change both together.
CREATE TABLE pending_imports (
    id          TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    unit        TEXT    NOT NULL DEFAULT '',
    period      TEXT    NOT NULL DEFAULT '',
    data        BYTEA    NOT NULL,
    created_at  TEXT    NOT NULL
);
