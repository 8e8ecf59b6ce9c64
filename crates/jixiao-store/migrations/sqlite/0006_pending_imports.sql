-- A file uploaded for import waits here between its preview and the admin's confirmation;
-- confirmed or abandoned uploads are removed (abandoned ones after a day).
-- The PostgreSQL twin is ../postgres/0006_pending_imports.sql: change both together.
CREATE TABLE pending_imports (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    unit        TEXT    NOT NULL DEFAULT '',
    period      TEXT    NOT NULL DEFAULT '',
    data        BLOB    NOT NULL,
    created_at  TEXT    NOT NULL
);
