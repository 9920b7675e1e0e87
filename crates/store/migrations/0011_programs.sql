-- Programs on the hall's screens. The province's programs arrive with its feed
-- (`owned`, kind 'program'); this hall's own notices are kept here, and so is
-- the list of the province's media files fetched into the node's cache (files
-- named by SHA-256, checked against it before they are listed).

CREATE TABLE local_program (
    id TEXT PRIMARY KEY,
    -- The devices::program::Program as JSON.
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE program_asset (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    fetched_at_ms INTEGER NOT NULL
) STRICT;
