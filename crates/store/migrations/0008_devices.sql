-- The hall's device registry (every kind of devices::DeviceKind, its place on
-- the floor plan, counter, dependencies and credential), the alarms with
-- their journal, and maintenance windows.

-- The device table of 0002 knew kiosks, displays and pads only; its CHECKs
-- cannot be altered in SQLite, so it is rebuilt with the rows it holds (their
-- tokens keep working).
CREATE TABLE device_registry (
    id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'pad', 'display', 'terminal', 'counter_pc', 'camera', 'switch', 'ups')),
    name TEXT NOT NULL,
    spot_x INTEGER NOT NULL DEFAULT 0 CHECK (spot_x BETWEEN 0 AND 1000),
    spot_y INTEGER NOT NULL DEFAULT 0 CHECK (spot_y BETWEEN 0 AND 1000),
    counter INTEGER,
    -- A JSON array of device ids.
    depends_on TEXT NOT NULL DEFAULT '[]',
    -- Web devices: the bearer token's SHA-256.
    token_sha256 TEXT UNIQUE,
    -- MQTT devices: the password's SHA-256 (the username is the device id).
    secret_sha256 TEXT,
    added_at_ms INTEGER NOT NULL DEFAULT 0,
    revoked_at_ms INTEGER,
    CHECK ((kind IN ('pad', 'counter_pc')) = (counter IS NOT NULL))
) STRICT;

INSERT INTO device_registry (id, kind, name, counter, token_sha256)
    SELECT id, kind, name, counter, token_sha256 FROM device;
DROP TABLE device;
ALTER TABLE device_registry RENAME TO device;

-- Each alarm's latest snapshot (the JSON of devices::Alarm) and the columns it is queried by.
CREATE TABLE alarm (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
    severity TEXT NOT NULL,
    raised_at_ms INTEGER NOT NULL,
    cleared_at_ms INTEGER,
    snapshot TEXT NOT NULL
) STRICT;
CREATE INDEX alarm_open ON alarm (state) WHERE state <> 'cleared';
CREATE INDEX alarm_cleared ON alarm (cleared_at_ms);

-- One row per change of an alarm, in order: append-only.
CREATE TABLE alarm_event (
    seq INTEGER PRIMARY KEY,
    alarm INTEGER NOT NULL REFERENCES alarm (id),
    transition TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    snapshot TEXT NOT NULL
) STRICT;
CREATE INDEX alarm_event_alarm ON alarm_event (alarm, seq);

CREATE TRIGGER alarm_event_append_only_update BEFORE UPDATE ON alarm_event
BEGIN
    SELECT RAISE(ABORT, 'the alarm journal is append-only');
END;

CREATE TRIGGER alarm_event_append_only_delete BEFORE DELETE ON alarm_event
BEGIN
    SELECT RAISE(ABORT, 'the alarm journal is append-only');
END;

-- A device being serviced until `until_ms`: its new alarms are not raised.
CREATE TABLE device_maintenance (
    device TEXT PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
    until_ms INTEGER NOT NULL,
    by_staff TEXT NOT NULL,
    note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 200),
    started_at_ms INTEGER NOT NULL
) STRICT;
