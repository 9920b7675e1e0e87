-- The province's last offer of a release to the hall's PCs, per question as
-- the updater asks it (`{target}-{arch}-{bundle}/{current_version}`, the
-- hall's key): with the province out of reach the hall answers from it, also
-- after a restart. `offer` is the offer as the hall uses it (JSON); a question
-- the province answered with "nothing to install" has no row.

CREATE TABLE update_offer (
    asked TEXT PRIMARY KEY,
    offer TEXT NOT NULL,
    at_ms INTEGER NOT NULL
) STRICT;
