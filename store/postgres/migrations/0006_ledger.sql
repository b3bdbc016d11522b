-- 0006: the tamper-evident log (package ledger). Every write adds one
-- record, the leaf of a Merkle tree, and the tree's stored hashes (tlog's
-- layout: about two per leaf), in the transaction of the write itself,
-- while it holds the lock of log_head: leaves follow the log's one total
-- order. idx is the leaf index; kind is ledger.Kind; ref is the id of the
-- write (a submission's client id); seq its sequence number; content_hash
-- what the leaf commits to. The index on seq finds the leaf of a
-- submission that a client sends again.
CREATE TABLE ledger_records (
	idx          bigint   PRIMARY KEY,
	kind         smallint NOT NULL,
	ref          text     NOT NULL,
	seq          bigint   NOT NULL,
	content_hash bytea    NOT NULL CHECK (length(content_hash) = 32)
);
CREATE INDEX ledger_records_seq ON ledger_records (seq);

CREATE TABLE ledger_hashes (
	idx  bigint PRIMARY KEY,
	hash bytea  NOT NULL CHECK (length(hash) = 32)
);

-- Signed tree heads: the note text as signed, and when (Unix ns, UTC).
CREATE TABLE ledger_checkpoints (
	size      bigint PRIMARY KEY,
	signed    text   NOT NULL,
	signed_at bigint NOT NULL
);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the ledger is append-only';
END $$;
CREATE TRIGGER ledger_records_append_only BEFORE UPDATE OR DELETE ON ledger_records
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_hashes_append_only BEFORE UPDATE OR DELETE ON ledger_hashes
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_records_no_truncate BEFORE TRUNCATE ON ledger_records
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_hashes_no_truncate BEFORE TRUNCATE ON ledger_hashes
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
