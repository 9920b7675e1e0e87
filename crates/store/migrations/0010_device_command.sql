-- The control commands sent to the hall's devices: each command's latest
-- state (the JSON of devices::Command) and an append-only journal of every
-- change, the audit trail of who asked what of which device and how it ended.
CREATE TABLE device_command (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    final INTEGER NOT NULL CHECK (final IN (0, 1)),
    requested_at_ms INTEGER NOT NULL,
    snapshot TEXT NOT NULL
) STRICT;
CREATE INDEX device_command_device ON device_command (device, id);
CREATE INDEX device_command_live ON device_command (final) WHERE final = 0;

CREATE TABLE device_command_event (
    seq INTEGER PRIMARY KEY,
    command INTEGER NOT NULL REFERENCES device_command (id),
    at_ms INTEGER NOT NULL,
    snapshot TEXT NOT NULL
) STRICT;
CREATE INDEX device_command_event_command ON device_command_event (command, seq);

CREATE TRIGGER device_command_event_append_only_update BEFORE UPDATE ON device_command_event
BEGIN
    SELECT RAISE(ABORT, 'the command journal is append-only');
END;

CREATE TRIGGER device_command_event_append_only_delete BEFORE DELETE ON device_command_event
BEGIN
    SELECT RAISE(ABORT, 'the command journal is append-only');
END;
