-- The desktop app's outbox: messages for its hall node (update reports) kept
-- until the hall has accepted them, across restarts (the "installed" report is
-- made by the new version, which may be closed before anyone signs in). It
-- lives in the app's own database, next to the hall node's. `seq` is never
-- reused (AUTOINCREMENT), so a row is delivered in order and removed once.
-- `body` is the message as JSON text; what it holds is the app's business.

CREATE TABLE desk_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL
) STRICT;
