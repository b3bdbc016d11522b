-- 0012: observers assigned to boxes, per election. election and box name
-- the registry without a foreign key (the registry is checked when an
-- assignment is written); person is a person of the organisation.
-- assigned_at is Unix nanoseconds in UTC; assigned_by names a user
-- without a foreign key, like a setting's author. A removal deletes the
-- row; its tombstone is a leaf of the ledger.
CREATE TABLE box_assignments (
	election    text COLLATE "C" NOT NULL,
	box         text COLLATE "C" NOT NULL,
	person      text COLLATE "C" NOT NULL REFERENCES org_people (id),
	assigned_at bigint NOT NULL,
	assigned_by text COLLATE "C" NOT NULL,
	note        text COLLATE "C" NOT NULL,
	PRIMARY KEY (election, box, person)
);
CREATE INDEX box_assignments_person ON box_assignments (person, election);
