-- Personal API tokens: created and revoked by their user in the web app, stored as SHA-256
-- hashes, scoped read or read-write, and bound to the user's role and units at each request.
-- The PostgreSQL twin is ../postgres/0009_api_tokens.sql: change both together.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    -- read / write (write includes read)
    scope         TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
