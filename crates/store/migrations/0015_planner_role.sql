-- The planner role (预案编制, issue 15): the staff table's role check now
-- admits 'planner'. SQLite cannot change a CHECK in place, so the table is
-- rebuilt; the sessions that reference it are set aside and put back, so
-- nobody signed in is signed out by the upgrade.

CREATE TABLE staff_new (
    staff_no TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'emergency', 'planner')),
    hall_code TEXT NOT NULL REFERENCES hall (code),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,
    password_changed_at_ms INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    password_hlc TEXT,
    password_by_upper INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO staff_new (staff_no, name, role, hall_code, password_hash, failed_logins,
    locked_until_ms, password_changed_at_ms, active, password_hlc, password_by_upper)
SELECT staff_no, name, role, hall_code, password_hash, failed_logins,
    locked_until_ms, password_changed_at_ms, active, password_hlc, password_by_upper
FROM staff;

CREATE TEMP TABLE staff_session_kept AS SELECT * FROM staff_session;
DELETE FROM staff_session;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
INSERT INTO staff_session SELECT * FROM staff_session_kept;
DROP TABLE staff_session_kept;
