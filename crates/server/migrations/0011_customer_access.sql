-- Who looked at which customer, at every hall (issue 16): the halls'
-- append-only customer audit as they replicate it, one line once.

CREATE TABLE hall_customer_access (
    hall TEXT NOT NULL REFERENCES hall (code),
    id BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    by_staff TEXT NOT NULL,
    -- record (a customer's record opened) or search.
    what TEXT NOT NULL,
    account TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (hall, id)
);
CREATE INDEX hall_customer_access_account ON hall_customer_access (account, at_ms);
