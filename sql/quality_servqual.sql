-- SERVQUAL (src/quality): the dimension map as a value, the gap aggregate
-- crm.servqual_fit against plain SQL on a seeded generated survey (items,
-- dimensions, overall and importance-weighted gaps, missing items), the t
-- intervals against Student's t table values, empty and all-NULL input,
-- forced-parallel plans and merged partial states, text round trips, and
-- every error path with its SQLSTATE.
CREATE SCHEMA servqual;
SET search_path = servqual, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- ---- the map ------------------------------------------------------------------
SELECT crm.servqual_map() AS standard;
SELECT crm.servqual_map()::text::crm.servqual_map::text = crm.servqual_map()::text AS round_trip;
SELECT * FROM crm.servqual_map_items(crm.servqual_map()) WHERE item IN (1, 4, 5, 9, 10, 13, 14, 17, 18, 22);
SELECT crm.servqual_map_dimensions(crm.servqual_map());
SELECT crm.servqual_map(ARRAY['speed', 'care', 'speed', 'look_2']) AS custom,
       crm.servqual_map(ARRAY['speed', 'care', 'speed', 'look_2'])::jsonb AS custom_json;
SELECT 'a=3,1 b=2'::crm.servqual_map AS unordered_input, 'a=1-2,5 b=3-4'::crm.servqual_map AS ranges;

-- ---- a generated survey -----------------------------------------------------------
-- 600 respondents, 22 items on a 1..7 scale: expectations high, perceptions
-- lower on reliability; about 4% of items missing (NULL expectation or
-- perception); importance: 100 points over the five dimensions
SELECT setseed(0.28);
CREATE TABLE answers AS
SELECT r, i,
       CASE WHEN random() < 0.02 THEN NULL ELSE least(7, 4 + floor(random() * 4)) END::float8 AS e,
       CASE WHEN random() < 0.02 THEN NULL
            ELSE greatest(1, least(7, floor(random() * 7) + 1 - CASE WHEN i BETWEEN 5 AND 9 THEN 1 ELSE 0 END)) END::float8 AS p
FROM generate_series(1, 600) r, generate_series(1, 22) i;
CREATE TABLE points AS
SELECT r, ARRAY[a, b, c, d, 100 - a - b - c - d]::float8[] AS importance
FROM (SELECT r, floor(random() * 30)::int AS a, floor(random() * 30)::int AS b,
             floor(random() * 20)::int AS c, floor(random() * 20)::int AS d
      FROM generate_series(1, 600) r) x;
-- one row per respondent (respondent 600 answered nothing: skipped)
CREATE TABLE survey AS
SELECT a.r, array_agg(a.e ORDER BY a.i) AS e, array_agg(a.p ORDER BY a.i) AS p, pt.importance
FROM (SELECT r, i, CASE WHEN r = 600 THEN NULL ELSE e END AS e, p FROM answers) a JOIN points pt USING (r)
GROUP BY a.r, pt.importance;
CREATE VIEW used AS                  -- the items that count: both scores given
SELECT a.r, a.i, m.dimension AS d, a.e, a.p, a.p - a.e AS g
FROM answers a JOIN crm.servqual_map_items(crm.servqual_map()) m ON m.item = a.i
WHERE a.e IS NOT NULL AND a.p IS NOT NULL AND a.r <> 600;
SELECT count(*) AS item_answers, count(DISTINCT r) AS respondents FROM used;
CREATE TABLE fit AS
SELECT crm.servqual_fit(crm.servqual_map(), e, p) AS s,
       crm.servqual_fit(crm.servqual_map(), e, p, importance) AS w
FROM survey;
SELECT crm.servqual_respondents(s), crm.servqual_respondents(w), crm.servqual_state_map(s) FROM fit;

-- items: n, means, sd of the gap = plain SQL
SELECT count(*) AS items,
       count(*) FILTER (WHERE x.n = q.n AND abs(x.expectation - q.e) < 1e-12 AND abs(x.perception - q.p) < 1e-12
                          AND abs(x.gap - q.g) < 1e-12 AND abs(x.gap_sd - q.sd) < 1e-12 AND x.dimension = q.d) AS equal
FROM crm.servqual_items((SELECT s FROM fit)) x
JOIN (SELECT i, d, count(*) AS n, avg(e) AS e, avg(p) AS p, avg(g) AS g, stddev_samp(g) AS sd FROM used GROUP BY i, d) q
  ON q.i = x.item;
-- dimensions: the respondents' dimension means, then their mean and sd
CREATE VIEW dim_means AS
SELECT r, d, avg(e) AS e, avg(p) AS p, avg(p) - avg(e) AS g FROM used GROUP BY r, d;
SELECT x.dimension, x.n = q.n AS n, abs(x.expectation - q.e) < 1e-12 AS e, abs(x.perception - q.p) < 1e-12 AS p,
       abs(x.gap - q.g) < 1e-12 AS gap, abs(x.gap_sd - q.sd) < 1e-12 AS sd, round(x.gap::numeric, 4) AS gap_value
FROM crm.servqual_dimensions((SELECT s FROM fit)) x
JOIN (SELECT d, count(*) AS n, avg(e) AS e, avg(p) AS p, avg(g) AS g, stddev_samp(g) AS sd FROM dim_means GROUP BY d) q
  ON q.d = x.dimension;
-- overall: the mean of each respondent's dimension scores; weighted: the
-- importance shares of the dimensions the respondent answered
CREATE VIEW overall AS
SELECT m.r, avg(m.g) AS g,
       sum(pt.importance[array_position(crm.servqual_map_dimensions(crm.servqual_map()), m.d)] * m.g)
         / nullif(sum(pt.importance[array_position(crm.servqual_map_dimensions(crm.servqual_map()), m.d)]), 0) AS wg
FROM dim_means m JOIN points pt USING (r) GROUP BY m.r;
SELECT x.score, x.n = q.n AS n, abs(x.gap - q.g) < 1e-12 AS gap, abs(x.gap_sd - q.sd) < 1e-12 AS sd,
       round(x.gap::numeric, 4) AS gap_value
FROM crm.servqual_overall((SELECT w FROM fit)) x
JOIN (SELECT 'unweighted' AS score, count(*) AS n, avg(g) AS g, stddev_samp(g) AS sd FROM overall
      UNION ALL SELECT 'weighted', count(wg), avg(wg), stddev_samp(wg) FROM overall) q USING (score);
SELECT abs(crm.servqual_gap(w) - (SELECT avg(wg) FROM overall)) < 1e-12 AS weighted_gap,
       abs(crm.servqual_gap(s) - (SELECT avg(g) FROM overall)) < 1e-12 AS unweighted_gap
FROM fit;
-- mean importance share per dimension
SELECT x.dimension, abs(x.importance - q.share) < 1e-12 AS importance, round(x.importance::numeric, 4) AS share
FROM crm.servqual_dimensions((SELECT w FROM fit)) x
JOIN (SELECT d.dimension, avg(pt.importance[d.k] / 100) AS share
      FROM points pt JOIN survey s USING (r), unnest(crm.servqual_map_dimensions(crm.servqual_map())) WITH ORDINALITY d(dimension, k)
      WHERE s.r <> 600 GROUP BY d.dimension) q USING (dimension);
-- the unweighted state has no importance
SELECT dimension, importance FROM crm.servqual_dimensions((SELECT s FROM fit)) LIMIT 1;
SELECT score FROM crm.servqual_overall((SELECT s FROM fit));

-- ---- t intervals --------------------------------------------------------------------
-- the interval is gap +- t sd / sqrt(n): its half-width over sd / sqrt(n)
-- is Student's t quantile, compared with the printed table values (6
-- decimals, tolerance 1e-6): t(0.975; 4) = 2.776445, t(0.975; 9) = 2.262157,
-- t(0.975; 30) = 2.042272, t(0.95; 9) = 1.833113, t(0.995; 9) = 3.249836
CREATE FUNCTION t_of(n int, level float8) RETURNS float8 LANGUAGE sql AS $$
	SELECT (x.ci_high - x.gap) / (x.gap_sd / sqrt(x.n))
	FROM crm.servqual_items((SELECT crm.servqual_fit('a=1'::crm.servqual_map, ARRAY[3]::float8[], ARRAY[(k % 5)]::float8[])
	                         FROM generate_series(1, n) k), level) x
$$;
SELECT round(t_of(5, 0.95)::numeric, 6) AS df4, round(t_of(10, 0.95)::numeric, 6) AS df9,
       round(t_of(31, 0.95)::numeric, 6) AS df30, round(t_of(10, 0.90)::numeric, 6) AS df9_90,
       round(t_of(10, 0.99)::numeric, 6) AS df9_99;
-- symmetric, and the default level is 0.95
SELECT bool_and(abs((ci_high - gap) - (gap - ci_low)) < 1e-12) AS symmetric FROM crm.servqual_items((SELECT s FROM fit));
SELECT (SELECT array_agg(ci_low) FROM crm.servqual_items((SELECT s FROM fit)))
     = (SELECT array_agg(ci_low) FROM crm.servqual_items((SELECT s FROM fit), 0.95)) AS default_level;
-- one respondent: no sd or interval; the jsonb form
SELECT s, s::jsonb FROM (SELECT crm.servqual_fit('x=1 y=2'::crm.servqual_map, '{4,5}', '{6,NULL}') s) x;
SELECT * FROM crm.servqual_dimensions((SELECT crm.servqual_fit('x=1 y=2'::crm.servqual_map, '{4,5}', '{6,NULL}')));

-- ---- empty and NULL input ----------------------------------------------------------
SELECT crm.servqual_fit(crm.servqual_map(), e, p) IS NULL AS empty FROM survey WHERE false;
SELECT crm.servqual_fit('a=1'::crm.servqual_map, e, p) IS NULL AS all_null
FROM (VALUES (NULL::float8[], '{1}'::float8[]), ('{1}', NULL), ('{NULL}', '{2}')) v(e, p);
-- NULL or partial importance: counted unweighted only
SELECT x.score, x.n FROM crm.servqual_overall((
	SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,2}', '{3,4}', i)
	FROM (VALUES (NULL::float8[]), ('{1,NULL}'), ('{0,0}'), ('{1,3}')) v(i))) x;

-- ---- forced-parallel plans and merged partial states -----------------------------------
CREATE TABLE big AS SELECT s.*, k FROM survey s, generate_series(1, 20) k;
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.servqual_fit(crm.servqual_map(), e, p) AS s, crm.servqual_fit(crm.servqual_map(), e, p, importance) AS w FROM big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($q$SELECT crm.servqual_fit(crm.servqual_map(), e, p, importance) FROM big$q$) AS partial_aggregate;
CREATE TABLE par AS
SELECT crm.servqual_fit(crm.servqual_map(), e, p) AS s, crm.servqual_fit(crm.servqual_map(), e, p, importance) AS w FROM big;
-- item sums of whole numbers are exact: equal text; dimension and overall
-- sums add means: equal to 12 significant digits
CREATE FUNCTION same(a crm.servqual_state, b crm.servqual_state) RETURNS boolean LANGUAGE sql AS $$
	SELECT (SELECT array_agg(ROW(n, expectation, perception, gap, gap_sd, ci_low, ci_high)::text ORDER BY item) FROM crm.servqual_items(a))
	     = (SELECT array_agg(ROW(n, expectation, perception, gap, gap_sd, ci_low, ci_high)::text ORDER BY item) FROM crm.servqual_items(b))
	   AND (SELECT bool_and(x.n = y.n AND abs(x.gap - y.gap) < 1e-12 AND abs(x.gap_sd - y.gap_sd) < 1e-12
	                        AND abs(x.expectation - y.expectation) < 1e-12 AND x.importance IS NOT DISTINCT FROM y.importance
	                        OR abs(x.importance - y.importance) < 1e-12)
	        FROM crm.servqual_dimensions(a) x JOIN crm.servqual_dimensions(b) y USING (dimension))
	   AND (SELECT bool_and(x.n = y.n AND abs(x.gap - y.gap) < 1e-12 AND abs(x.gap_sd - y.gap_sd) < 1e-12)
	        FROM crm.servqual_overall(a) x JOIN crm.servqual_overall(b) y USING (score))
$$;
SELECT same(p.s, s.s) AS unweighted, same(p.w, s.w) AS weighted,
       crm.servqual_respondents(p.w) = crm.servqual_respondents(s.w) AS respondents FROM par p, serial s;
-- partial states per "shard", merged (in parallel too, and via text) = one pass
CREATE TABLE parts AS
SELECT r % 7 AS shard, k, crm.servqual_fit(crm.servqual_map(), e, p, importance) AS w FROM big GROUP BY 1, 2;
ANALYZE parts;
SELECT plan_partial_aggregate($q$SELECT crm.servqual_merge(w) FROM parts$q$) AS partial_aggregate;
SELECT same(crm.servqual_merge(w), (SELECT w FROM serial)) AS merged,
       same(crm.servqual_merge(w::text::crm.servqual_state), (SELECT w FROM serial)) AS merged_via_text
FROM parts;
SELECT same(crm.servqual_combine(a.w, b.w), (SELECT crm.servqual_fit(crm.servqual_map(), e, p, importance) FROM big WHERE r % 7 IN (1, 2) AND k = 1)) AS combine
FROM parts a, parts b WHERE a.shard = 1 AND b.shard = 2 AND a.k = 1 AND b.k = 1;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---- text round trips ------------------------------------------------------------------
SELECT s::text::crm.servqual_state::text = s::text AS s, w::text::crm.servqual_state::text = w::text AS w FROM fit;
-- shortest exact numbers survive, and the binary form (COPY BINARY)
SELECT crm.servqual_fit('a=1'::crm.servqual_map, ARRAY[0.1::float8 + 0.2], ARRAY[1e-300::float8]) AS tiny;
CREATE TABLE bin (s crm.servqual_state, m crm.servqual_map);
INSERT INTO bin SELECT w, crm.servqual_map() FROM fit;
COPY bin TO '/tmp/crm_servqual_bin.dat' WITH (FORMAT binary);
CREATE TABLE bin2 (LIKE bin);
COPY bin2 FROM '/tmp/crm_servqual_bin.dat' WITH (FORMAT binary);
SELECT b.s::text = c.s::text AS state, b.m::text = c.m::text AS map FROM bin b, bin2 c;

-- ---- errors -----------------------------------------------------------------------------
SELECT sqlstate_of($$SELECT 'a=1 b=3'::crm.servqual_map$$) AS gap_in_items,
       sqlstate_of($$SELECT 'a=1-2 b=2'::crm.servqual_map$$) AS item_twice,
       sqlstate_of($$SELECT 'a=1 a=2'::crm.servqual_map$$) AS duplicate_name,
       sqlstate_of($$SELECT 'A=1'::crm.servqual_map$$) AS bad_name,
       sqlstate_of($$SELECT 'a=2-1'::crm.servqual_map$$) AS reversed_range,
       sqlstate_of($$SELECT 'a=1001'::crm.servqual_map$$) AS too_many_items,
       sqlstate_of($$SELECT 'a=1  b=2'::crm.servqual_map$$) AS two_spaces;
SELECT sqlstate_of($$SELECT crm.servqual_map('{}'::text[])$$) AS empty_array,
       sqlstate_of($$SELECT crm.servqual_map('{a,NULL}'::text[])$$) AS null_name,
       sqlstate_of($$SELECT crm.servqual_map('{a,"B c"}'::text[])$$) AS bad_array_name;
SELECT sqlstate_of($$SELECT crm.servqual_fit(crm.servqual_map(), '{1,2}', '{1,2}')$$) AS wrong_length,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,NaN}', '{1,2}')$$) AS nan_expectation,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,2}', '{Infinity,2}')$$) AS inf_perception,
       sqlstate_of($$SELECT crm.servqual_fit(NULL, '{1,2}', '{1,2}')$$) AS null_map,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{{1,2}}', '{1,2}')$$) AS two_dimensional;
SELECT sqlstate_of($$SELECT crm.servqual_fit(m::crm.servqual_map, '{1,2}', '{1,2}') FROM (VALUES ('a=1 b=2'), ('a=1-2')) v(m)$$) AS map_changes,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,2}', '{1,2}', '{1}')$$) AS importance_length,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,2}', '{1,2}', '{1,-1}')$$) AS negative_importance,
       sqlstate_of($$SELECT crm.servqual_fit('a=1 b=2'::crm.servqual_map, '{1,2}', '{1,2}', '{1,NaN}')$$) AS nan_importance;
SELECT sqlstate_of($$SELECT crm.servqual_combine(crm.servqual_fit('a=1'::crm.servqual_map, '{1}', '{2}'), crm.servqual_fit('b=1'::crm.servqual_map, '{1}', '{2}'))$$) AS merge_maps,
       sqlstate_of($$SELECT crm.servqual_combine(crm.servqual_fit('a=1'::crm.servqual_map, '{1}', '{2}'), crm.servqual_fit('a=1'::crm.servqual_map, '{1}', '{2}', '{1}'))$$) AS merge_weighted,
       sqlstate_of($$SELECT * FROM crm.servqual_items((SELECT s FROM fit), 1)$$) AS level_one,
       sqlstate_of($$SELECT * FROM crm.servqual_overall((SELECT s FROM fit), 0)$$) AS level_zero,
       sqlstate_of($$SELECT * FROM crm.servqual_dimensions((SELECT s FROM fit), 'NaN')$$) AS level_nan;
-- impossible states
SELECT sqlstate_of($$SELECT 'weighted=0 respondents=1 dimensions={"a"} item_dimension={1} overall=1,1,1,2,4,1,1 weighted_overall=0,0,0,0,0,0,0 items={2,1,1,2,4,1,1} dims={1,1,1,2,4,1,1} importance={0}'::crm.servqual_state$$) AS count_above_respondents,
       sqlstate_of($$SELECT 'weighted=0 respondents=1 dimensions={"a"} item_dimension={1} overall=1,1,-1,2,4,1,1 weighted_overall=0,0,0,0,0,0,0 items={1,1,1,2,4,1,1} dims={1,1,1,2,4,1,1} importance={0}'::crm.servqual_state$$) AS negative_square,
       sqlstate_of($$SELECT 'weighted=0 respondents=1 dimensions={"a"} item_dimension={2} overall=1,1,1,2,4,1,1 weighted_overall=0,0,0,0,0,0,0 items={1,1,1,2,4,1,1} dims={1,1,1,2,4,1,1} importance={0}'::crm.servqual_state$$) AS bad_dimension,
       sqlstate_of($$SELECT 'weighted=0 respondents=1 dimensions={"a"} item_dimension={1} overall=1,1,1,2,4,1,1 weighted_overall=1,1,1,2,4,1,1 items={1,1,1,2,4,1,1} dims={1,1,1,2,4,1,1} importance={0}'::crm.servqual_state$$) AS unweighted_with_weights,
       sqlstate_of($$SELECT 'weighted=0 respondents=1 dimensions={"a"} item_dimension={1} overall=1,1,1,2,4,1,1 weighted_overall=0,0,0,0,0,0,0 items={1,1,1,2,4,1,1} dims={1,1,1,2,4,1,1}'::crm.servqual_state$$) AS truncated;
RESET search_path;
