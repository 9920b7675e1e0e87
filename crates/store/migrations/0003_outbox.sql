-- Replication: the change log a node uploads, and how far each peer has acknowledged it.
-- `seq` is the rowid: rows are only ever appended inside the transaction of the
-- change itself, so sequence numbers are contiguous.

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    hlc TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;

CREATE TABLE sync_mark (
    peer TEXT PRIMARY KEY,
    acked_through INTEGER NOT NULL
) STRICT;
