-- 0022: the index of terms by unit keys the unit and the term's id
-- alone. Every read of it asks for one unit's terms in id order (a
-- chart, the seats a new term is checked against, a kind of position
-- filtered among a unit's sixty-odd terms); the kind and first day it
-- held only made those reads sort, and made a national import (two
-- million terms) spend a quarter more on building it again. The id is
-- the table's key, which SQLite keeps in the index anyway.
DROP INDEX org_positions_unit;
CREATE INDEX org_positions_unit ON org_positions (unit, id);
