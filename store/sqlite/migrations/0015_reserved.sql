-- 0015: reserved for congresses (issue 20), built on another branch;
-- this placeholder keeps the numbers without gaps and goes when that branch is merged.
SELECT 1;
