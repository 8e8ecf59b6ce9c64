-- An upload keeps the column mapping the office gave on the upload page (表头=角色, …), so
-- its confirmation reads the file exactly as its preview did.
-- The PostgreSQL twin is ../postgres/0015_pending_import_column_map.sql.
ALTER TABLE pending_imports ADD COLUMN column_map TEXT NOT NULL DEFAULT '';
