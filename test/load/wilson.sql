-- Test helpers: wilson(r, n, z), the Wilson score interval of r successes
-- in n written out in SQL (0 and 1 exactly at r = 0 and r = n), and
-- close(a, b), equality to 1e-12 relative (both NULL counts as equal).
CREATE FUNCTION wilson(r bigint, n bigint, z float8, OUT lo float8, OUT hi float8) LANGUAGE sql AS $$
SELECT CASE WHEN r = 0 THEN 0 ELSE c - h END, CASE WHEN r = n THEN 1 ELSE c + h END
FROM (SELECT r::float8 / n AS p) a,
     LATERAL (SELECT (p + z * z / (2 * n)) / (1 + z * z / n) AS c,
                     z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) AS h) b
$$;
CREATE FUNCTION close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(a), abs(b)) $$;
