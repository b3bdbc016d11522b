-- 0021: the members of the ledger's batch leaves (ledger.Batch). A bulk
-- change (a national organisation imported at once) is a leaf per 4,096
-- records instead of one per record; its records are kept here, beside
-- the leaf idx of ledger_records, in package ledger's encoding, so an
-- audit checks each against its row and a record's inclusion can still be
-- proven. Append-only like the rest of the ledger.
CREATE TABLE ledger_batches (
	idx     INTEGER PRIMARY KEY,
	members BLOB    NOT NULL
);

CREATE TRIGGER ledger_batches_no_update BEFORE UPDATE ON ledger_batches
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_batches_no_delete BEFORE DELETE ON ledger_batches
BEGIN
	SELECT RAISE(ABORT, 'the ledger is append-only');
END;
