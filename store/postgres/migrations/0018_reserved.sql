-- 0018: reserved. The lead gave this number to another change of the same
-- session and 0019 to the photo references; migrations must run without
-- gaps, so this empty step holds the place. When the other 0018 lands,
-- this file is deleted in the merge (no database outside tests has run
-- it).
SELECT 1;
