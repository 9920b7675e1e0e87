-- The customers of the hall's service area, held offline: each account as the province last sent it
-- (sync_proto::customers), the pull's mark, and the append-only audit of who looked at whom.

-- One row per account. `body` is the whole `customer::gen::Household` as JSON; the other columns are
-- copies of it for lookups. `version` is the province's customer sequence: a row is only ever replaced
-- by a higher one. `brought_at_ms` is the province's `at_ms` of the page that brought this version.
CREATE TABLE customer_account (
    account_no TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    area TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    id_card TEXT,
    phones TEXT NOT NULL,
    grade TEXT NOT NULL,
    brought_at_ms INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX customer_account_id_card ON customer_account (id_card) WHERE id_card IS NOT NULL;
-- A name prefix (`name >= ? AND name < ? || char(0x10FFFF)`) for queries too short for trigrams.
CREATE INDEX customer_account_name ON customer_account (name);

-- Each phone of each account (the `phones` column split), kept by the store's writes.
CREATE TABLE customer_phone (
    phone TEXT NOT NULL,
    account_no TEXT NOT NULL REFERENCES customer_account (account_no) ON DELETE CASCADE,
    PRIMARY KEY (phone, account_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_phone_account ON customer_phone (account_no);

-- Fuzzy search over name, address and phones: trigrams match any substring of 3 characters or more.
-- Its rowid is the account number as an integer (ten digits), so it never depends on
-- customer_account's implicit rowid (which VACUUM may renumber).
CREATE VIRTUAL TABLE customer_fts USING fts5(name, address, phones, tokenize = 'trigram');

CREATE TRIGGER customer_fts_insert AFTER INSERT ON customer_account
BEGIN
    INSERT INTO customer_fts (rowid, name, address, phones)
    VALUES (CAST(new.account_no AS INTEGER), new.name, new.address, new.phones);
END;

CREATE TRIGGER customer_fts_update AFTER UPDATE OF name, address, phones ON customer_account
BEGIN
    DELETE FROM customer_fts WHERE rowid = CAST(old.account_no AS INTEGER);
    INSERT INTO customer_fts (rowid, name, address, phones)
    VALUES (CAST(new.account_no AS INTEGER), new.name, new.address, new.phones);
END;

CREATE TRIGGER customer_fts_delete AFTER DELETE ON customer_account
BEGIN
    DELETE FROM customer_fts WHERE rowid = CAST(old.account_no AS INTEGER);
END;

-- How far the pull got: one row. `version` is the highest version asked past (the page's `next`),
-- `at_ms` the province's time of the last page, `pulled_at_ms` this hall's time when it was applied,
-- `caught_up_at_ms` the province's time of the last page that said nothing more waits.
CREATE TABLE customer_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    area TEXT,
    version INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    pulled_at_ms INTEGER NOT NULL,
    caught_up_at_ms INTEGER
) STRICT;

-- Who looked at whom: a record opened (`record`, its account) or a search (`search`, the query
-- as kept: an ID card or phone number masked, at most 60 characters; the number of hits).
CREATE TABLE customer_access (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    staff_no TEXT NOT NULL,
    role TEXT NOT NULL,
    what TEXT NOT NULL CHECK (what IN ('record', 'search')),
    account_no TEXT,
    query TEXT,
    hits INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_access_account ON customer_access (account_no, id) WHERE account_no IS NOT NULL;

CREATE TRIGGER customer_access_append_only_update BEFORE UPDATE ON customer_access
BEGIN
    SELECT RAISE(ABORT, 'the customer audit is append-only');
END;

CREATE TRIGGER customer_access_append_only_delete BEFORE DELETE ON customer_access
BEGIN
    SELECT RAISE(ABORT, 'the customer audit is append-only');
END;
