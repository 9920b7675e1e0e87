-- Every hall's device registry and alarms, as the halls replicate them: the
-- columns maintainers query by, beside the hall's whole record (`body`).
-- A row keeps the snapshot with the latest timestamp. Portable SQL.

CREATE TABLE hall_device (
    hall TEXT NOT NULL REFERENCES hall (code),
    id TEXT NOT NULL,
    hlc TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    added_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    -- When the hall took it out of its registry.
    removed_at_ms BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);

CREATE TABLE hall_alarm (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    fault TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    raised_at_ms BIGINT NOT NULL,
    cleared_at_ms BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);
