-- Halls, staff accounts, settings and the login audit trail of one node.
-- Migrations are append-only: never edit one that has shipped.

CREATE TABLE hall (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    staff_no TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'emergency')),
    hall_code TEXT NOT NULL REFERENCES hall (code),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,
    password_changed_at_ms INTEGER
) STRICT;

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE login_event (
    id INTEGER PRIMARY KEY,
    staff_no TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'bad_password', 'unknown_staff', 'locked'))
) STRICT;
