-- Every hall's control commands to its devices, as the halls replicate them
-- (who asked what of which device, and how it ended): the columns
-- maintainers query by, beside the hall's whole command (`body`). A row
-- keeps the snapshot with the latest timestamp. Portable SQL.

CREATE TABLE hall_device_command (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    device TEXT NOT NULL,
    by_staff TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_at_ms BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);
