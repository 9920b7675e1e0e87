-- The customer records of the province, the system of record (issue 16):
-- one row per account with its customer, meters, readings, bills and
-- payments (a customer::gen::Household as JSON), and the columns they are
-- found and fed by. Every change takes the next value of customer_seq in
-- its transaction (the row lock orders them), so a hall that pulled its
-- area "after version N" never misses a later change.

CREATE TABLE customer_seq (
    id BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO customer_seq (id, last) VALUES (1, 0);

CREATE TABLE customer_account (
    account_no TEXT PRIMARY KEY,
    area TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    id_card TEXT,
    body TEXT NOT NULL
);
CREATE INDEX customer_account_area_version ON customer_account (area, version);
CREATE INDEX customer_account_id_card ON customer_account (id_card);
