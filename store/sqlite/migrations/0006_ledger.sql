-- 0006: the tamper-evident log (package ledger). Every write adds one
-- record, the leaf of a Merkle tree, and the tree's stored hashes (tlog's
-- layout: about two per leaf), in the transaction of the write itself.
-- idx is the leaf index and the rowid, so the records read in order by a
-- scan of the table. kind is ledger.Kind; ref is the id of the write (a
-- submission's client id); seq its sequence number; content_hash what the
-- leaf commits to. The index on seq finds the leaf of a submission that a
-- client sends again; seqs rise with idx, so it grows at its right edge.
CREATE TABLE ledger_records (
	idx          INTEGER PRIMARY KEY,
	kind         INTEGER NOT NULL,
	ref          TEXT    NOT NULL,
	seq          INTEGER NOT NULL,
	content_hash BLOB    NOT NULL CHECK (length(content_hash) = 32)
);
CREATE INDEX ledger_records_seq ON ledger_records (seq);

CREATE TABLE ledger_hashes (
	idx  INTEGER PRIMARY KEY,
	hash BLOB    NOT NULL CHECK (length(hash) = 32)
);

-- Signed tree heads: the note text as signed, and when (Unix ns, UTC).
CREATE TABLE ledger_checkpoints (
	size      INTEGER PRIMARY KEY,
	signed    TEXT    NOT NULL,
	signed_at INTEGER NOT NULL
);

-- The log only grows. (An edit by hand can drop these; the ledger is what
-- then tells.)
CREATE TRIGGER ledger_records_no_update BEFORE UPDATE ON ledger_records
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_records_no_delete BEFORE DELETE ON ledger_records
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_hashes_no_update BEFORE UPDATE ON ledger_hashes
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_hashes_no_delete BEFORE DELETE ON ledger_hashes
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
