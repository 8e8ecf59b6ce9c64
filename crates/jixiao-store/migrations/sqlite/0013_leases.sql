-- Leases: which instance does a piece of background work (refreshing stale score summaries)
-- for now, so that several instances on one database do it once, not once each. A lease ends
-- at `until` (RFC 3339, UTC) unless its holder renews it. The PostgreSQL twin is
-- ../postgres/0013_leases.sql.
CREATE TABLE leases (
    name    TEXT NOT NULL PRIMARY KEY,
    holder  TEXT NOT NULL,
    until   TEXT NOT NULL
);
