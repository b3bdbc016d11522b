-- 0021: the members of the ledger's batch leaves (ledger.Batch). A bulk
-- change (a national organisation imported at once) is a leaf per 4,096
-- records instead of one per record; its records are kept here, beside
-- the leaf idx of ledger_records, in package ledger's encoding, so an
-- audit checks each against its row and a record's inclusion can still be
-- proven. Append-only like the rest of the ledger.
CREATE TABLE ledger_batches (
	idx     bigint PRIMARY KEY,
	members bytea  NOT NULL
);

CREATE TRIGGER ledger_batches_append_only BEFORE UPDATE OR DELETE ON ledger_batches
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_batches_no_truncate BEFORE TRUNCATE ON ledger_batches
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
