-- The chain's head follows each appended entry inside the database, so an append costs two
-- statements (take the head, insert the entry) instead of three: on a deadline every statement
-- is a round trip to the database's thread. The head is still taken first (`UPDATE … RETURNING`),
-- which keeps appends serialised. The PostgreSQL twin is
-- ../postgres/0012_audit_head_follows_the_log.sql.
CREATE TRIGGER audit_log_moves_the_head AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE id = 1;
END;
