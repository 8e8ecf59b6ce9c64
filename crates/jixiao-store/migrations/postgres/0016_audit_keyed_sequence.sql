-- A keyed audit log: each entry written with the installation's audit key (kept outside the
-- database) carries its place in the sequence and the id of the key that signed it, so an
-- entry edited, removed or inserted in the database, or a chain rebuilt without the key, no
-- longer verifies. Entries written before (or without a key) keep seq 0 and key_id ''.
-- The twin is ../sqlite/0016_audit_keyed_sequence.sql.
ALTER TABLE audit_log ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
