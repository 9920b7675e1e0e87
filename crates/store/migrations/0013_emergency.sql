-- Emergency incidents: each one's latest state (the JSON of
-- emergency::Incident without its timeline) and its timeline, one row per
-- line, append-only: the record of who did what when.
CREATE TABLE incident (
    id INTEGER PRIMARY KEY,
    plan TEXT NOT NULL,
    drill INTEGER NOT NULL CHECK (drill IN (0, 1)),
    started_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER,
    snapshot TEXT NOT NULL
) STRICT;
CREATE INDEX incident_live ON incident (ended_at_ms) WHERE ended_at_ms IS NULL;

CREATE TABLE incident_line (
    incident INTEGER NOT NULL REFERENCES incident (id),
    seq INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (incident, seq)
) STRICT;

CREATE TRIGGER incident_line_append_only_update BEFORE UPDATE ON incident_line
BEGIN
    SELECT RAISE(ABORT, 'an incident''s timeline is append-only');
END;

CREATE TRIGGER incident_line_append_only_delete BEFORE DELETE ON incident_line
BEGIN
    SELECT RAISE(ABORT, 'an incident''s timeline is append-only');
END;
