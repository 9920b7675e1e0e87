-- What the province owns, as this hall received it, and the account fields
-- replication needs: whether an account is active, and when and where its
-- password was last set (a hybrid-logical timestamp, JSON; NULL when it was
-- provisioned locally before replication).

CREATE TABLE owned (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    -- Field name -> versioned value (sync_proto::Versioned), JSON; NULL once deleted.
    body TEXT,
    PRIMARY KEY (kind, key)
) STRICT;

ALTER TABLE staff ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE staff ADD COLUMN password_hlc TEXT;
ALTER TABLE staff ADD COLUMN password_by_upper INTEGER NOT NULL DEFAULT 0;
