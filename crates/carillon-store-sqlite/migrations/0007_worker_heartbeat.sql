-- Worker heartbeat: when a delivery worker was last seen running, so the command line can say
-- that no worker is running instead of waiting silently. Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- One row: every worker writes the latest time it has seen (a later time never goes back).
CREATE TABLE worker_heartbeat (
    id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seen_at INTEGER NOT NULL
) STRICT;
