-- 0018: the visits and open commitments of each area, counted as they
-- are written, so the province table reads one row an area instead of
-- counting every visit and commitment (see docs/visits.md). Triggers
-- keep the counts in the transaction of the write that changes them,
-- whichever statement makes it. n_overdue counts the open commitments due
-- before visit_counts_day.as_of; the store moves as_of to today with the
-- writes of visits and commitments, and a read adds the commitments due
-- between as_of and its own day, so the overdue are right on any day.
CREATE TABLE visit_area_counts (
	area    TEXT    NOT NULL PRIMARY KEY,
	n_visits  INTEGER NOT NULL DEFAULT 0,
	n_open    INTEGER NOT NULL DEFAULT 0,
	n_overdue INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- One row: the day overdue is counted at ('' before the first roll, a
-- day before every other, so nothing is counted overdue yet).
CREATE TABLE visit_counts_day (
	one   INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
	as_of TEXT    NOT NULL
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

CREATE TRIGGER visits_counted AFTER INSERT ON visits BEGIN
	INSERT INTO visit_area_counts (area, n_visits) VALUES (NEW.area, 1)
	ON CONFLICT (area) DO UPDATE SET n_visits = n_visits + 1;
END;
CREATE TRIGGER visits_uncounted AFTER DELETE ON visits BEGIN
	UPDATE visit_area_counts SET n_visits = n_visits - 1 WHERE area = OLD.area;
END;
CREATE TRIGGER visits_recounted AFTER UPDATE OF area ON visits BEGIN
	UPDATE visit_area_counts SET n_visits = n_visits - 1 WHERE area = OLD.area;
	INSERT INTO visit_area_counts (area, n_visits) VALUES (NEW.area, 1)
	ON CONFLICT (area) DO UPDATE SET n_visits = n_visits + 1;
END;

CREATE TRIGGER commitments_counted AFTER INSERT ON commitments WHEN NEW.status = 'open' BEGIN
	INSERT INTO visit_area_counts (area, n_open, n_overdue)
	VALUES (NEW.area, 1, NEW.due < (SELECT as_of FROM visit_counts_day))
	ON CONFLICT (area) DO UPDATE SET n_open = n_open + 1, n_overdue = n_overdue + excluded.n_overdue;
END;
CREATE TRIGGER commitments_uncounted AFTER DELETE ON commitments WHEN OLD.status = 'open' BEGIN
	UPDATE visit_area_counts SET n_open = n_open - 1, n_overdue = n_overdue - (OLD.due < (SELECT as_of FROM visit_counts_day))
	WHERE area = OLD.area;
END;
CREATE TRIGGER commitments_recounted_old AFTER UPDATE OF status, due, area ON commitments WHEN OLD.status = 'open' BEGIN
	UPDATE visit_area_counts SET n_open = n_open - 1, n_overdue = n_overdue - (OLD.due < (SELECT as_of FROM visit_counts_day))
	WHERE area = OLD.area;
END;
CREATE TRIGGER commitments_recounted_new AFTER UPDATE OF status, due, area ON commitments WHEN NEW.status = 'open' BEGIN
	INSERT INTO visit_area_counts (area, n_open, n_overdue)
	VALUES (NEW.area, 1, NEW.due < (SELECT as_of FROM visit_counts_day))
	ON CONFLICT (area) DO UPDATE SET n_open = n_open + 1, n_overdue = n_overdue + excluded.n_overdue;
END;

-- The province table reads the districts alone.
CREATE INDEX org_units_kind ON org_units (kind);
