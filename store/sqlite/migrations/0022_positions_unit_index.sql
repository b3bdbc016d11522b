-- 0022: the index of terms by unit keys the unit, the kind and the
-- term's id. Its reads ask for a unit's terms of a kind in id order (the
-- seats a new term is checked against), or for the terms of some kinds
-- in many units (a province's district boards); the first day, which it
-- held instead of the id, only made the first sort and cost a national
-- import (two million terms) a quarter more to build the index again.
DROP INDEX org_positions_unit;
CREATE INDEX org_positions_unit ON org_positions (unit, kind, id);
