-- Who last published or withdrew a plan: a planner's staff number when a
-- hall relayed it (issue 15's editor), NULL when a maintainer did.
ALTER TABLE emergency_plan ADD COLUMN published_by TEXT;
