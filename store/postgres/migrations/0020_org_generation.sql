-- 0020: a counter every write of kinds of position, units, people and
-- terms moves in the same transaction (an erasure too; assignments of
-- observers do not). A server holds the organisation's charts in memory
-- while it stands still, and reads them again when another instance
-- moved it, which it learns of when the user generation moves (every
-- such write moves that one too).
CREATE TABLE org_generation (
	one SMALLINT NOT NULL PRIMARY KEY CHECK (one = 1),
	gen BIGINT   NOT NULL
);
INSERT INTO org_generation (one, gen) VALUES (1, 0);
