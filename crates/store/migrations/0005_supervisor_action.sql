-- The supervisors' audit trail: what a supervisor did to the queue from the
-- board (paused or signed off a counter, moved or called a waiting ticket),
-- who, on which counter or ticket, why and when. One row per accepted action,
-- inserted in the transaction of the journal row it explains (`op` is that
-- row's `queue_op.seq`). Append-only: rows are never changed or deleted.

CREATE TABLE supervisor_action (
    id INTEGER PRIMARY KEY,
    op INTEGER NOT NULL,
    day INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    staff_no TEXT NOT NULL,
    staff_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('pause', 'close', 'transfer', 'call')),
    -- The counter acted on, called to, or a ticket was moved to.
    counter INTEGER,
    -- The clerk signed in at that counter at the time.
    clerk TEXT,
    ticket TEXT,
    to_business TEXT,
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200)
) STRICT;
CREATE INDEX supervisor_action_day ON supervisor_action (day, id);

CREATE TRIGGER supervisor_action_append_only_update BEFORE UPDATE ON supervisor_action
BEGIN
    SELECT RAISE(ABORT, 'the supervisor audit trail is append-only');
END;

CREATE TRIGGER supervisor_action_append_only_delete BEFORE DELETE ON supervisor_action
BEGIN
    SELECT RAISE(ABORT, 'the supervisor audit trail is append-only');
END;
