-- Emergency plans and area outages the province publishes (what halls pull is
-- the `owned` feed, kinds 'plan' and 'outage'; these rows are the maintainers'
-- view and say which halls hold a copy), and every hall's incidents and their
-- timeline lines as the halls replicate them: the columns maintainers query
-- by, beside the hall's body as sent. An incident keeps the snapshot with the
-- latest timestamp; a timeline line never changes, so it is stored once.
-- Portable SQL.

CREATE TABLE emergency_plan (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- 1: every hall; 0: the halls in emergency_plan_hall.
    all_halls BIGINT NOT NULL,
    withdrawn BIGINT NOT NULL,
    -- The emergency::Plan as published.
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE emergency_plan_hall (
    plan TEXT NOT NULL REFERENCES emergency_plan (id),
    hall TEXT NOT NULL REFERENCES hall (code),
    PRIMARY KEY (plan, hall)
);

CREATE TABLE area_outage (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    from_ms BIGINT NOT NULL,
    until_ms BIGINT NOT NULL,
    withdrawn BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE area_outage_hall (
    outage TEXT NOT NULL REFERENCES area_outage (id),
    hall TEXT NOT NULL REFERENCES hall (code),
    PRIMARY KEY (outage, hall)
);

CREATE TABLE incident (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    plan_name TEXT NOT NULL,
    event TEXT NOT NULL,
    level TEXT NOT NULL,
    drill BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    -- Staff number of who holds it now.
    duty TEXT NOT NULL,
    -- NULL while it runs.
    ended_at_ms BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);
CREATE INDEX incident_started ON incident (started_at_ms);

CREATE TABLE incident_entry (
    hall TEXT NOT NULL REFERENCES hall (code),
    incident BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, incident, seq)
);

-- Nearby halls' waits: today's waiting tickets of a hall.
CREATE INDEX ticket_hall_day_state ON ticket (hall, day, state);
