-- Video: each camera's stream and what it covers, the recorder's runs and
-- their segments (the index of the footage on disk), evidence locks, and the
-- append-only audit of who watched, exported or locked which footage.
CREATE TABLE camera_setup (
    device TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- JSON array of counter numbers; empty for an overview camera.
    covers TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- One ffmpeg process's output: its own folder, its own init segment.
CREATE TABLE video_run (
    id INTEGER PRIMARY KEY,
    camera TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE video_segment (
    run INTEGER NOT NULL REFERENCES video_run (id),
    seq INTEGER NOT NULL,
    camera TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (run, seq)
) STRICT;
CREATE INDEX video_segment_time ON video_segment (camera, from_ms);
CREATE INDEX video_segment_age ON video_segment (from_ms);

CREATE TABLE evidence_lock (
    id INTEGER PRIMARY KEY,
    camera TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    by_staff TEXT NOT NULL,
    reason TEXT NOT NULL,
    unlocked_at_ms INTEGER,
    unlocked_by TEXT,
    unlock_reason TEXT
) STRICT;
CREATE INDEX evidence_lock_camera ON evidence_lock (camera, from_ms);

CREATE TABLE video_access (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    by_staff TEXT NOT NULL,
    camera TEXT NOT NULL,
    access TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER,
    note TEXT NOT NULL
) STRICT;
CREATE INDEX video_access_camera ON video_access (camera, id);

CREATE TRIGGER video_access_append_only_update BEFORE UPDATE ON video_access
BEGIN
    SELECT RAISE(ABORT, 'the video audit is append-only');
END;

CREATE TRIGGER video_access_append_only_delete BEFORE DELETE ON video_access
BEGIN
    SELECT RAISE(ABORT, 'the video audit is append-only');
END;
