-- 0023: the ledger appended by the database. A group of submissions
-- whose writer does not know the ledger's tip (another instance committed
-- since its last group) used to take log_head's lock, read the ledger's
-- size, wait for the writer to hash the leaves on the tree's edge, and
-- commit in a second round trip: the lock every instance needs was held
-- across a round trip to one of them. ledger_append_leaves hashes the
-- leaves where the lock is held, so such a group is one round trip too.
--
-- It computes exactly what package ledger computes (record.go, tree.go):
-- a leaf is SHA-256(0x00 || version 1 || kind || seq (8 bytes, big-endian)
-- || len(id) (2 bytes, big-endian) || id (UTF-8) || content hash), an
-- inner node SHA-256(0x01 || left || right), stored in tlog's order (the
-- hash of node n at level l at stored index StoredHashIndex(l, n), which
-- is 2x - popcount(x) + l for x = (n+1)*2^l - 1). The Go writer hashes the
-- same leaves again from the edge returned and refuses to trust a group
-- whose hashes differ; TestLedgerAppendLeavesMatchesGo compares the two on
-- random logs.
--
-- The caller must hold log_head's row lock: the size and edge it reads
-- are then the ones no other writer can move before the commit.
CREATE FUNCTION ledger_append_leaves(kinds smallint[], refs text[], seqs bigint[], contents bytea[],
	seq_shift bigint, OUT first_leaf bigint, OUT old_edge bytea[], OUT hashes bytea[])
LANGUAGE plpgsql AS $$
DECLARE
	size   bigint;
	levels int;
	edge   bytea[];
	leaves bytea[];
	h      bytea;
	lft    bytea;
	t      int;
BEGIN
	SELECT coalesce(max(idx) + 1, 0) INTO size FROM ledger_records;
	first_leaf := size;
	levels := 0;
	WHILE (size >> levels) > 0 LOOP
		levels := levels + 1;
	END LOOP;
	-- The edge: the latest node at each level, node (size >> l) - 1.
	SELECT array_agg(lh.hash ORDER BY e.l) INTO edge
	FROM (SELECT l, ((size >> l) << l) - 1 AS x FROM generate_series(0, levels - 1) AS g(l)) AS e
	JOIN ledger_hashes lh ON lh.idx = 2 * e.x - bit_count(e.x::bit(64)) + e.l;
	IF coalesce(array_length(edge, 1), 0) <> levels THEN
		RAISE EXCEPTION 'ledger_append_leaves: % of the % hashes of the edge of a tree of % leaves are stored',
			coalesce(array_length(edge, 1), 0), levels, size;
	END IF;
	old_edge := coalesce(edge, '{}');
	SELECT array_agg(sha256('\x0001'::bytea || set_byte('\x00'::bytea, 0, u.kind) || int8send(u.seq + seq_shift)
		|| int2send(octet_length(convert_to(u.ref, 'UTF8'))::smallint) || convert_to(u.ref, 'UTF8') || u.content)
		ORDER BY u.o) INTO leaves
	FROM unnest(kinds, refs, seqs, contents) WITH ORDINALITY AS u(kind, ref, seq, content, o);
	hashes := '{}';
	FOR i IN 1 .. coalesce(array_length(leaves, 1), 0) LOOP
		h := leaves[i];
		hashes := hashes || h;
		-- Each trailing 1 bit of the leaf's index completes a subtree with
		-- the edge's node at that level.
		t := 0;
		WHILE ((size + i - 1) >> t) & 1 = 1 LOOP
			lft := edge[t + 1];
			edge[t + 1] := h;
			h := sha256('\x01'::bytea || lft || h);
			hashes := hashes || h;
			t := t + 1;
		END LOOP;
		edge[t + 1] := h;
	END LOOP;
	INSERT INTO ledger_records (idx, kind, ref, seq, content_hash)
	SELECT size + u.o - 1, u.kind, u.ref, u.seq + seq_shift, u.content
	FROM unnest(kinds, refs, seqs, contents) WITH ORDINALITY AS u(kind, ref, seq, content, o);
	-- The first new stored hash is leaf size's: StoredHashIndex(0, size).
	INSERT INTO ledger_hashes (idx, hash)
	SELECT 2 * size - bit_count(size::bit(64)) + u.o - 1, u.h
	FROM unnest(hashes) WITH ORDINALITY AS u(h, o);
END $$;
