-- 0017: photos of result sheets, the keying queue's leases and the
-- chains of custody of the signed paper. Times are Unix nanoseconds UTC.
-- A photo's bytes are in the blob directory beside the database file;
-- here only its SHA-256, recorded with the box and race it shows.
CREATE TABLE sheet_photos (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	race    TEXT    NOT NULL,
	box     TEXT    NOT NULL,
	sha256  TEXT    NOT NULL,
	by_user TEXT    NOT NULL,
	at      INTEGER NOT NULL,
	bytes   INTEGER NOT NULL,
	width   INTEGER NOT NULL,
	height  INTEGER NOT NULL,
	UNIQUE (race, box, sha256)
);
CREATE INDEX sheet_photos_sum ON sheet_photos (sha256);

-- A lease hands one sheet to one volunteer until expires; outcome is
-- empty while it is open, then 'typed' (with the submission) or
-- 'reported' (with the reason).
CREATE TABLE keying_leases (
	id         TEXT    NOT NULL PRIMARY KEY,
	race       TEXT    NOT NULL,
	box        TEXT    NOT NULL,
	sha256     TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	leased     INTEGER NOT NULL,
	expires    INTEGER NOT NULL,
	done       INTEGER NOT NULL,
	outcome    TEXT    NOT NULL,
	submission TEXT    NOT NULL,
	reason     TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX keying_leases_user ON keying_leases (user_id, leased);
CREATE INDEX keying_leases_box ON keying_leases (race, box);

-- A box's chain of custody, numbered from 1; append-only.
CREATE TABLE custody (
	box      TEXT    NOT NULL,
	seq      INTEGER NOT NULL,
	race     TEXT    NOT NULL,
	copy     TEXT    NOT NULL,
	holder   TEXT    NOT NULL,
	place    TEXT    NOT NULL,
	at       INTEGER NOT NULL,
	note     TEXT    NOT NULL,
	by_user  TEXT    NOT NULL,
	recorded INTEGER NOT NULL,
	PRIMARY KEY (box, seq)
) WITHOUT ROWID;
CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody
BEGIN SELECT RAISE(ABORT, 'custody is append-only'); END;
CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody
BEGIN SELECT RAISE(ABORT, 'custody is append-only'); END;
