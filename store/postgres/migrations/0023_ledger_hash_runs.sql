-- 0023: the ledger's stored hashes kept as runs, one row per run of
-- consecutive stored indexes instead of one row per hash. A group commit
-- adds about two stored hashes per leaf, all of them consecutive; as one
-- row per hash they were half the rows and a third of the index entries
-- a submission cost. hashes holds the run's hashes from stored index
-- first on, 32 bytes each, in order. A run holds at most 200 (6,400
-- bytes), so a row fits a page: stored PLAIN, it stays in the table,
-- never compressed (hashes do not compress) nor moved to a TOAST table
-- (four more rows and index entries a run), and a read takes its hash out
-- of the row it finds. Runs never overlap: every writer takes log_head's
-- lock and appends from the ledger's end.
CREATE TABLE ledger_hash_runs (
	first  bigint PRIMARY KEY,
	hashes bytea  NOT NULL CHECK (length(hashes) BETWEEN 32 AND 200 * 32 AND length(hashes) % 32 = 0)
);
ALTER TABLE ledger_hash_runs ALTER COLUMN hashes SET STORAGE PLAIN;

-- The hashes already stored move into runs: consecutive indexes (an
-- island keeps idx - row_number() constant) cut every 200.
INSERT INTO ledger_hash_runs (first, hashes)
SELECT min(idx), string_agg(hash, ''::bytea ORDER BY idx)
FROM (SELECT idx, hash, idx - row_number() OVER (ORDER BY idx) AS island,
		(row_number() OVER (ORDER BY idx) - 1) / 200 AS part
	FROM ledger_hashes) h
GROUP BY island, part;

DROP TABLE ledger_hashes;

CREATE TRIGGER ledger_hash_runs_append_only BEFORE UPDATE OR DELETE ON ledger_hash_runs
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_hash_runs_no_truncate BEFORE TRUNCATE ON ledger_hash_runs
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
