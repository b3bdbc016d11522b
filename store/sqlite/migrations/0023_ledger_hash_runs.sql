-- 0023: PostgreSQL keeps the ledger's stored hashes as runs, one row per
-- run of consecutive stored indexes (its 0023_ledger_hash_runs.sql). SQLite
-- keeps one row per hash in ledger_hashes, whose primary key is the rowid:
-- a hash costs one row and no index entry of its own, and the writer's
-- statements are not round trips. The number is kept so that a schema
-- version means the same in both backends (sandik migrate-store).
SELECT 1;
