-- Programs for the halls' screens (notices, scrolling texts, images, videos),
-- the halls each is for, and their media files (kept in the media directory,
-- named by SHA-256). What halls pull is the `owned` feed (kind 'program');
-- these rows are the maintainers' view and decide which hall may download
-- which file. Portable SQL.

CREATE TABLE program (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- 1: every hall; 0: the halls in program_hall.
    all_halls BIGINT NOT NULL,
    asset_sha256 TEXT,
    withdrawn BIGINT NOT NULL,
    -- The sync_proto::owned::ProgramRecord as published.
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE program_hall (
    program TEXT NOT NULL REFERENCES program (id),
    hall TEXT NOT NULL REFERENCES hall (code),
    PRIMARY KEY (program, hall)
);

CREATE TABLE program_asset (
    sha256 TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    uploaded_at_ms BIGINT NOT NULL
);
