-- 0003: the areas each user works in (görev yeri). Codes are checked
-- against the registry when assigned, not by a foreign key: the registry
-- is merged on import and an assignment may name an area before a later
-- import fills in the boxes beneath it.
CREATE TABLE user_areas (
	user_id   TEXT NOT NULL REFERENCES users (id),
	area_code TEXT NOT NULL,
	PRIMARY KEY (user_id, area_code)
);
