-- 0017: photos of result sheets, the keying queue's leases and the
-- chains of custody of the signed paper. Times are Unix nanoseconds UTC.
-- A photo's bytes are in the table blobs, shared by every instance; here
-- only its SHA-256, recorded with the box and race it shows.
CREATE TABLE sheet_photos (
	seq     bigserial PRIMARY KEY,
	race    text COLLATE "C" NOT NULL,
	box     text COLLATE "C" NOT NULL,
	sha256  text COLLATE "C" NOT NULL,
	by_user text COLLATE "C" NOT NULL,
	at      bigint NOT NULL,
	bytes   bigint NOT NULL,
	width   integer NOT NULL,
	height  integer NOT NULL,
	UNIQUE (race, box, sha256)
);
CREATE INDEX sheet_photos_sum ON sheet_photos (sha256);

-- A lease hands one sheet to one volunteer until expires; outcome is
-- empty while it is open, then 'typed' (with the submission) or
-- 'reported' (with the reason).
CREATE TABLE keying_leases (
	id         text COLLATE "C" NOT NULL PRIMARY KEY,
	race       text COLLATE "C" NOT NULL,
	box        text COLLATE "C" NOT NULL,
	sha256     text COLLATE "C" NOT NULL,
	user_id    text COLLATE "C" NOT NULL,
	leased     bigint NOT NULL,
	expires    bigint NOT NULL,
	done       bigint NOT NULL,
	outcome    text COLLATE "C" NOT NULL,
	submission text COLLATE "C" NOT NULL,
	reason     text COLLATE "C" NOT NULL
);
CREATE INDEX keying_leases_user ON keying_leases (user_id, leased);
CREATE INDEX keying_leases_box ON keying_leases (race, box);

-- A box's chain of custody, numbered from 1; append-only.
CREATE TABLE custody (
	box      text COLLATE "C" NOT NULL,
	seq      integer NOT NULL,
	race     text COLLATE "C" NOT NULL,
	copy     text NOT NULL,
	holder   text NOT NULL,
	place    text COLLATE "C" NOT NULL,
	at       bigint NOT NULL,
	note     text NOT NULL,
	by_user  text COLLATE "C" NOT NULL,
	recorded bigint NOT NULL,
	PRIMARY KEY (box, seq)
);
CREATE FUNCTION custody_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'custody is append-only'; END $$;
CREATE TRIGGER custody_append_only BEFORE UPDATE OR DELETE ON custody
FOR EACH ROW EXECUTE FUNCTION custody_append_only();
