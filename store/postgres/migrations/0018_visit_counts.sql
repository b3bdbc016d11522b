-- 0018: the visits and open commitments of each area, counted as they
-- are written, so the province table reads one row an area instead of
-- counting every visit and commitment (see docs/visits.md). Triggers
-- keep the counts in the transaction of the write that changes them,
-- whichever statement makes it; visit writes hold the organisation's
-- lock, so two never race on a row. n_overdue counts the open
-- commitments due before visit_counts_day.as_of; the store moves as_of
-- to today with the writes of visits and commitments, and a read adds
-- the commitments due between as_of and its own day, so the overdue are
-- right on any day.
CREATE TABLE visit_area_counts (
	area      text COLLATE "C" NOT NULL PRIMARY KEY,
	n_visits  bigint NOT NULL DEFAULT 0,
	n_open    bigint NOT NULL DEFAULT 0,
	n_overdue bigint NOT NULL DEFAULT 0
);

-- One row: the day overdue is counted at ('' before the first roll, a
-- day before every other, so nothing is counted overdue yet).
CREATE TABLE visit_counts_day (
	one   integer NOT NULL PRIMARY KEY CHECK (one = 1),
	as_of text COLLATE "C" NOT NULL
);
INSERT INTO visit_counts_day (one, as_of) VALUES (1, '');

INSERT INTO visit_area_counts (area, n_visits, n_open)
SELECT area, SUM(v), SUM(o) FROM (
	SELECT area, 1 AS v, 0 AS o FROM visits
	UNION ALL
	SELECT area, 0, 1 FROM commitments WHERE status = 'open'
) AS x GROUP BY area;

-- A read adds the visits after its instant and the commitments due
-- between as_of and its day, by these.
CREATE INDEX visits_at ON visits (at);
CREATE INDEX commitments_open_due ON commitments (due, area) WHERE status = 'open';

CREATE FUNCTION visits_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE visit_area_counts SET n_visits = n_visits - 1 WHERE area = OLD.area;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO visit_area_counts AS c (area, n_visits) VALUES (NEW.area, 1)
		ON CONFLICT (area) DO UPDATE SET n_visits = c.n_visits + 1;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER visits_counted AFTER INSERT OR DELETE OR UPDATE OF area ON visits
FOR EACH ROW EXECUTE FUNCTION visits_count();

CREATE FUNCTION commitments_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	cutoff text COLLATE "C";
BEGIN
	SELECT as_of INTO cutoff FROM visit_counts_day;
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
		UPDATE visit_area_counts SET n_open = n_open - 1,
			n_overdue = n_overdue - CASE WHEN OLD.due < cutoff THEN 1 ELSE 0 END
		WHERE area = OLD.area;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' THEN
		INSERT INTO visit_area_counts AS c (area, n_open, n_overdue)
		VALUES (NEW.area, 1, CASE WHEN NEW.due < cutoff THEN 1 ELSE 0 END)
		ON CONFLICT (area) DO UPDATE SET n_open = c.n_open + 1, n_overdue = c.n_overdue + EXCLUDED.n_overdue;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER commitments_counted AFTER INSERT OR DELETE OR UPDATE OF status, due, area ON commitments
FOR EACH ROW EXECUTE FUNCTION commitments_count();

-- The province table reads the districts alone.
CREATE INDEX org_units_kind ON org_units (kind);
