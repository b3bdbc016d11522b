-- 0007: a counter every change of a user (creation, areas, token) moves
-- in the same transaction. A server caches users it authenticated only
-- while the counter stands still, so a token revoked by another process
-- (`sandik user reset`, another server) is refused at the next request.
CREATE TABLE user_generation (
	one INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
	gen INTEGER NOT NULL
);
INSERT INTO user_generation (one, gen) VALUES (1, 0);
