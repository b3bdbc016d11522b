-- 0023: nothing changes on SQLite. PostgreSQL's 0023 lets the database
-- hash a group's ledger leaves under the log's lock, for instances that
-- share it; SQLite has one writer, which always knows the ledger's edge.
-- The numbers of the two stores' migrations stay the same.
SELECT 1;
