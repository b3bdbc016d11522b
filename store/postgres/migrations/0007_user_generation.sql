-- 0007: a counter every change of a user (creation, areas, token) moves
-- in the same transaction, with a notification on the log's channel
-- ('u' and the new value), so that every server drops the users it
-- cached at once: a revoked token is refused on every instance.
CREATE TABLE user_generation (
	one SMALLINT NOT NULL PRIMARY KEY CHECK (one = 1),
	gen BIGINT   NOT NULL
);
INSERT INTO user_generation (one, gen) VALUES (1, 0);
