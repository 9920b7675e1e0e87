-- Releases of the desktop suite and their rollout. Artifacts are files in the
-- release directory, named by their SHA-256; these rows describe them.

CREATE TABLE release (
    version TEXT PRIMARY KEY,
    notes TEXT NOT NULL,
    channel TEXT NOT NULL,
    percent BIGINT NOT NULL,
    state TEXT NOT NULL,
    published_at_ms BIGINT NOT NULL
);

CREATE TABLE release_artifact (
    version TEXT NOT NULL REFERENCES release (version),
    -- What the updater asks for, e.g. linux-x86_64-deb.
    target TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    -- The updater's signature (base64 of the minisign signature file).
    signature TEXT NOT NULL,
    PRIMARY KEY (version, target)
);

-- 'pilot' halls get pilot releases first; 'all' is every other hall.
ALTER TABLE hall ADD COLUMN channel TEXT NOT NULL DEFAULT 'all';

-- What each PC last said about updating (arrives through the halls' change logs).
CREATE TABLE update_status (
    node TEXT PRIMARY KEY,
    hall TEXT NOT NULL REFERENCES hall (code),
    current_version TEXT NOT NULL,
    offered TEXT,
    state TEXT NOT NULL,
    detail TEXT,
    at_ms BIGINT NOT NULL
);
