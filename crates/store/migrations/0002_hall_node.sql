-- The hall node: the queue journal, hall devices and staff sessions.

-- Every accepted queue command, in order. Replaying a day's rows through the
-- queue engine rebuilds that day's state exactly.
CREATE TABLE queue_op (
    seq INTEGER PRIMARY KEY,
    day INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    command TEXT NOT NULL
) STRICT;
CREATE INDEX queue_op_day ON queue_op (day, seq);

-- One row per business day the queue opened: the first ticket id of the day
-- and the queue configuration in force (changes take effect at day start).
CREATE TABLE queue_day (
    day INTEGER PRIMARY KEY,
    first_id INTEGER NOT NULL,
    config TEXT NOT NULL
) STRICT;

CREATE TABLE device (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'display', 'pad')),
    counter INTEGER,
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    CHECK ((kind = 'pad') = (counter IS NOT NULL))
) STRICT;

CREATE TABLE staff_session (
    token_sha256 TEXT PRIMARY KEY,
    staff_no TEXT NOT NULL REFERENCES staff (staff_no),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;
