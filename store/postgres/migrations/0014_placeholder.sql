-- 0014: placeholder for issue 19's migration (visits), so that the numbers run
-- without a gap on the congress branch. The lead deletes this file when merging.
SELECT 1;
