-- Every hall's video audit and evidence locks, as the halls replicate them:
-- who looked at, exported, locked or unlocked which camera's footage, and
-- which footage is kept past retention as evidence. The columns maintainers
-- query by, beside the hall's whole record (`body`). An audit line never
-- changes, so it is stored once; a lock keeps the snapshot with the latest
-- timestamp (it changes when unlocked). Portable SQL.

CREATE TABLE hall_video_access (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    by_staff TEXT NOT NULL,
    camera TEXT NOT NULL,
    -- live, playback, export, lock, unlock (or a newer one as spelled).
    access TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);

CREATE TABLE hall_evidence_lock (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    camera TEXT NOT NULL,
    by_staff TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    -- When it was released; NULL while the footage is held.
    unlocked_at_ms BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);
