-- 业务预办理: forms staff fill for waiting customers against their tickets
-- (ticket ids are unique across days), append-only: a correction is a new
-- row, the latest counts; who filled each one and when is kept.
CREATE TABLE ticket_preprocess (
    seq INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    by_staff TEXT NOT NULL,
    form TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_preprocess_ticket ON ticket_preprocess (ticket, seq);

CREATE TRIGGER ticket_preprocess_append_only_update BEFORE UPDATE ON ticket_preprocess
BEGIN
    SELECT RAISE(ABORT, 'pre-processing forms are append-only');
END;

CREATE TRIGGER ticket_preprocess_append_only_delete BEFORE DELETE ON ticket_preprocess
BEGIN
    SELECT RAISE(ABORT, 'pre-processing forms are append-only');
END;
