-- 0012: observers assigned to boxes, per election. election and box name
-- the registry without a foreign key (the registry is checked when an
-- assignment is written); person is a person of the organisation.
-- assigned_at is Unix nanoseconds in UTC; assigned_by names a user
-- without a foreign key, like a setting's author. A removal deletes the
-- row; its tombstone is a leaf of the ledger.
CREATE TABLE box_assignments (
	election    TEXT    NOT NULL,
	box         TEXT    NOT NULL,
	person      TEXT    NOT NULL REFERENCES org_people (id),
	assigned_at INTEGER NOT NULL,
	assigned_by TEXT    NOT NULL,
	note        TEXT    NOT NULL,
	PRIMARY KEY (election, box, person)
) WITHOUT ROWID;
CREATE INDEX box_assignments_person ON box_assignments (person, election);
