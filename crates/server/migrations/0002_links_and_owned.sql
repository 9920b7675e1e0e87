-- Maintainers, what the province knows of each hall's link, and the data the
-- province owns (fed down to the halls by cursor). Portable SQL.

CREATE TABLE maintainer (
    name TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE
);

-- How many changes were ever stored for an origin (exactly once: equals its log's
-- length), and the head of its log the origin last reported.
ALTER TABLE sync_origin ADD COLUMN changes_applied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_origin ADD COLUMN reported_head BIGINT NOT NULL DEFAULT 0;

ALTER TABLE hall ADD COLUMN last_contact_ms BIGINT;
ALTER TABLE hall ADD COLUMN last_refusal TEXT;
ALTER TABLE hall ADD COLUMN last_refusal_at_ms BIGINT;

-- The feed's position: every write of an owned record takes the next cursor.
CREATE TABLE feed_seq (
    id INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO feed_seq (id, last) VALUES (1, 0);

-- One row per owned record at its latest version. `scope` is the hall it is
-- meant for, or '*' for every hall. `body` maps each field to its versioned
-- value (sync_proto::Versioned); NULL once the record is deleted.
CREATE TABLE owned (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    scope TEXT NOT NULL,
    cursor BIGINT NOT NULL UNIQUE,
    hlc TEXT NOT NULL,
    body TEXT,
    PRIMARY KEY (kind, key)
);
CREATE INDEX owned_scope_cursor ON owned (scope, cursor);

-- How far each node has pulled the feed.
CREATE TABLE feed_mark (
    node TEXT PRIMARY KEY,
    hall TEXT NOT NULL REFERENCES hall (code),
    cursor BIGINT NOT NULL,
    at_ms BIGINT NOT NULL
);
