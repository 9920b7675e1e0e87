-- The province: halls with their upload credentials, each origin's replication
-- mark, and what the halls sent up. Portable SQL: runs on PostgreSQL and SQLite.

CREATE TABLE hall (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE
);

CREATE TABLE sync_origin (
    origin TEXT PRIMARY KEY,
    hall TEXT NOT NULL REFERENCES hall (code),
    applied_through BIGINT NOT NULL,
    last_at_ms BIGINT NOT NULL
);

-- The latest snapshot of every ticket of every hall (with its service and rating).
CREATE TABLE ticket (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    day BIGINT NOT NULL,
    no TEXT NOT NULL,
    business TEXT NOT NULL,
    state TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);

CREATE TABLE counter_event (
    hall TEXT NOT NULL REFERENCES hall (code),
    key TEXT NOT NULL,
    hlc TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, key)
);
