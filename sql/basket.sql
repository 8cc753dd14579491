-- Cross-selling rules (src/basket): every count, support, confidence, lift
-- and conviction of crm.basket_fit equals the same number computed in plain
-- SQL on a seeded generated basket table (items, pairs and triples counted
-- by joins), the pruned second pass, ties, empty and NULL input, NULL and
-- repeated items, forced-parallel plans and merged partial states, text
-- round trips, and every error path with its SQLSTATE.
CREATE SCHEMA basket;
SET search_path = basket, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- 3,000 orders of 1 to 8 lines over 40 items, skewed (item 0 the most
-- popular); some NULL items and some items repeated in an order
SELECT setseed(0.28);
CREATE TABLE lines AS
SELECT o AS order_id,
       CASE WHEN random() < 0.01 THEN NULL ELSE floor(40 * random() ^ 2)::bigint END AS item
FROM generate_series(1, 3000) o, LATERAL generate_series(1, 1 + floor(random() * 8)::int + o * 0) l;
CREATE TABLE baskets AS SELECT order_id, array_agg(item ORDER BY random()) AS items FROM lines GROUP BY order_id;
SELECT count(*) AS lines, count(*) FILTER (WHERE item IS NULL) AS null_items,
       count(*) - count(DISTINCT (order_id, item)) FILTER (WHERE item IS NOT NULL) - count(*) FILTER (WHERE item IS NULL) AS repeats
FROM lines;

-- the plain-SQL counts: baskets with at least one item, and the baskets
-- holding each item, pair and triple
CREATE TABLE dl AS SELECT DISTINCT order_id, item FROM lines WHERE item IS NOT NULL;
CREATE TABLE sql_sets AS
SELECT ARRAY[a.item] AS itemset, count(*) AS count FROM dl a GROUP BY a.item
UNION ALL
SELECT ARRAY[a.item, b.item], count(*) FROM dl a JOIN dl b ON a.order_id = b.order_id AND a.item < b.item GROUP BY a.item, b.item
UNION ALL
SELECT ARRAY[a.item, b.item, c.item], count(*) FROM dl a JOIN dl b ON a.order_id = b.order_id AND a.item < b.item
  JOIN dl c ON c.order_id = a.order_id AND b.item < c.item GROUP BY a.item, b.item, c.item;
CREATE TABLE n AS SELECT count(DISTINCT order_id) AS n FROM dl;

CREATE TABLE fit AS SELECT crm.basket_fit(items) AS s FROM baskets;
SELECT (crm.basket_summary(s)).* FROM fit;
SELECT n FROM n;

-- frequent itemsets (sizes 1 and 2) at 1 % support = the plain-SQL ones
SELECT count(*) AS rows,
       (SELECT count(*) FROM (SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit), 0.01)
                              EXCEPT SELECT itemset, count FROM sql_sets, n
                                     WHERE cardinality(itemset) <= 2 AND count::float8 / n >= 0.01) d) AS missing_in_sql,
       (SELECT count(*) FROM (SELECT itemset, count FROM sql_sets, n WHERE cardinality(itemset) <= 2 AND count::float8 / n >= 0.01
                              EXCEPT SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM fit), 0.01)) d) AS missing_in_crm,
       bool_and(support = count::float8 / (SELECT n FROM n)) AS support_exact
FROM crm.frequent_itemsets((SELECT s FROM fit), 0.01);
-- the first rows, in their order: size, count descending, items
SELECT itemset, size, count, round(support::numeric, 6) AS support FROM crm.frequent_itemsets((SELECT s FROM fit), 0.2);

-- rules X -> y of the frequent pairs: every measure = plain SQL
CREATE TABLE sql_rules AS
SELECT x.itemset AS antecedent, ARRAY[y] AS consequent, x.count AS x_count, yc.count AS y_count, xy.count AS count,
       xy.count::float8 / n AS support, xy.count::float8 / x.count AS confidence,
       xy.count::float8 * n / (x.count::float8 * yc.count) AS lift,
       CASE WHEN xy.count = x.count THEN NULL
            ELSE (n - yc.count)::float8 * x.count / (n::float8 * (x.count - xy.count)) END AS conviction
FROM sql_sets xy CROSS JOIN n CROSS JOIN LATERAL unnest(xy.itemset) AS y
JOIN sql_sets x ON x.itemset = ARRAY(SELECT e FROM unnest(xy.itemset) e WHERE e <> y ORDER BY e)
JOIN sql_sets yc ON yc.itemset = ARRAY[y]
WHERE cardinality(xy.itemset) >= 2;
CREATE FUNCTION rules_equal(state crm.basket_state, min_support float8, min_confidence float8, max_size int)
RETURNS TABLE (rules bigint, differing bigint, conviction_null bigint) LANGUAGE sql AS $$
WITH c AS (SELECT * FROM crm.association_rules(state, min_support, min_confidence)),
     s AS (SELECT r.* FROM sql_rules r, n WHERE r.count::float8 / n.n >= min_support AND r.confidence >= min_confidence
             AND cardinality(r.antecedent) < max_size)
SELECT (SELECT count(*) FROM c),
       (SELECT count(*) FROM c FULL JOIN s USING (antecedent, consequent)
        WHERE c.count IS DISTINCT FROM s.count OR c.antecedent_count IS DISTINCT FROM s.x_count
           OR c.consequent_count IS DISTINCT FROM s.y_count OR c.support IS DISTINCT FROM s.support
           OR c.confidence IS DISTINCT FROM s.confidence
           OR abs(c.lift - s.lift) > 1e-12 * s.lift OR c.lift IS NULL
           OR (c.conviction IS NULL) <> (s.conviction IS NULL) OR abs(c.conviction - s.conviction) > 1e-12 * s.conviction),
       (SELECT count(*) FROM c WHERE conviction IS NULL)
$$;
SELECT * FROM rules_equal((SELECT s FROM fit), 0.01, 0, 2);
SELECT * FROM rules_equal((SELECT s FROM fit), 0.002, 0.3, 2);
SELECT antecedent, consequent, antecedent_count, consequent_count, count, round(support::numeric, 6) AS support,
       round(confidence::numeric, 6) AS confidence, round(lift::numeric, 6) AS lift, round(conviction::numeric, 6) AS conviction
FROM crm.association_rules((SELECT s FROM fit), 0.05, 0.5) LIMIT 5;

-- ---- the pruned second pass: items, then pairs, then triples ------------------
-- a first pass of items only; the pairs of items frequent at 2 %; then the
-- triples of pairs frequent at 2 %: every itemset at >= 2 % is counted exactly
CREATE TABLE p1 AS SELECT crm.basket_fit(items, 1) AS s FROM baskets;
CREATE TABLE p2 AS SELECT crm.basket_fit(items, (SELECT s FROM p1), 0.02) AS s FROM baskets;
CREATE TABLE p3 AS SELECT crm.basket_fit(items, (SELECT s FROM p2), 0.02) AS s FROM baskets;
SELECT 'p1' AS pass, (crm.basket_summary(s)).* FROM p1
UNION ALL SELECT 'p2', (crm.basket_summary(s)).* FROM p2
UNION ALL SELECT 'p3', (crm.basket_summary(s)).* FROM p3;
-- the one-pass state as a prior gives the same third pass
SELECT (SELECT crm.basket_fit(items, (SELECT s FROM fit), 0.02)::text FROM baskets) = (SELECT s::text FROM p3) AS same_third_pass;
SELECT min_support, count(*) AS rows,
       count(*) FILTER (WHERE size = 3) AS triples,
       (SELECT count(*) FROM (SELECT itemset, count FROM sql_sets, n WHERE count::float8 / n >= min_support
                              EXCEPT SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM p3), min_support)) d) AS missing_in_crm,
       (SELECT count(*) FROM (SELECT itemset, count FROM crm.frequent_itemsets((SELECT s FROM p3), min_support)
                              EXCEPT SELECT itemset, count FROM sql_sets) d) AS not_in_sql
FROM unnest(ARRAY[0.02, 0.05, 0.1]::float8[]) min_support, crm.frequent_itemsets((SELECT s FROM p3), min_support)
GROUP BY min_support ORDER BY 1;
SELECT * FROM rules_equal((SELECT s FROM p3), 0.02, 0, 3);
SELECT * FROM rules_equal((SELECT s FROM p3), 0.03, 0.4, 3);
-- pairs of the second pass = pairs of the one pass, at or above the pruning support
SELECT (SELECT array_agg(f ORDER BY f) FROM crm.frequent_itemsets((SELECT s FROM p2), 0.02) f)
     = (SELECT array_agg(f ORDER BY f) FROM crm.frequent_itemsets((SELECT s FROM fit), 0.02) f) AS same_as_one_pass;

-- ---- ties, conviction and recommendations on a small table -------------------
-- 10 baskets: 1 and 2 always together (confidence 1 both ways: conviction
-- NULL), 3 with 1 in 2 of its 4 baskets, 4 and 5 each once with 1 and 2
CREATE TABLE tiny (order_id int, items bigint[]);
INSERT INTO tiny VALUES (1, '{1,2,3}'), (2, '{1,2,3}'), (3, '{1,2,4}'), (4, '{1,2,5}'), (5, '{3,6}'),
	(6, '{3,6}'), (7, '{6}'), (8, '{7}'), (9, '{2,1,1,NULL}'), (10, '{7,6}');
SELECT * FROM crm.frequent_itemsets((SELECT crm.basket_fit(items) FROM tiny), 0.2);
SELECT antecedent, consequent, antecedent_count, consequent_count, count, support, round(confidence::numeric, 6) AS confidence,
       round(lift::numeric, 6) AS lift, round(conviction::numeric, 6) AS conviction
FROM crm.association_rules((SELECT crm.basket_fit(items) FROM tiny), 0.1, 0);
-- with triples: {1,2} -> 3 beside 1 -> 3 and 2 -> 3 (same confidence and
-- lift: ties broken by count, then the shorter antecedent)
CREATE TABLE tiny3 AS SELECT crm.basket_fit(items, (SELECT crm.basket_fit(items) FROM tiny), 0.1) AS s FROM tiny;
SELECT antecedent, consequent, count, round(confidence::numeric, 6) AS confidence, round(lift::numeric, 6) AS lift
FROM crm.association_rules((SELECT s FROM tiny3), 0.2, 0.5);
SELECT * FROM crm.recommend((SELECT s FROM tiny3), '{1}', 3);
SELECT rank, item, antecedent, count, round(confidence::numeric, 6) AS confidence, round(lift::numeric, 6) AS lift
FROM crm.recommend((SELECT s FROM tiny3), '{1,2,NULL,2}', 5, 0.1, 0);
SELECT rank, item, antecedent FROM crm.recommend((SELECT s FROM tiny3), '{3,6}', 10, 0.1, 0.5);
SELECT count(*) AS nothing_to_add FROM crm.recommend((SELECT s FROM tiny3), '{1,2,3,4,5,6,7}', 10);
SELECT count(*) AS unknown_items FROM crm.recommend((SELECT s FROM tiny3), '{100}', 10);
-- recommend = the best rule per item of association_rules, in its order
CREATE FUNCTION recommend_from_rules(state crm.basket_state, basket bigint[], k int, min_support float8, min_confidence float8)
RETURNS TABLE (item bigint, antecedent bigint[]) LANGUAGE sql AS $$
SELECT consequent[1], antecedent FROM (
	SELECT DISTINCT ON (consequent) consequent, antecedent, ord FROM (
		SELECT r.*, row_number() OVER () AS ord FROM crm.association_rules(state, min_support, min_confidence) r
		WHERE antecedent <@ basket AND NOT consequent <@ basket) x
	ORDER BY consequent, ord) y
ORDER BY ord LIMIT k
$$;
SELECT b AS basket,
       (SELECT array_agg(item || ' <- ' || antecedent::text ORDER BY rank) FROM crm.recommend((SELECT s FROM p3), b, 8, 0.02, 0))
     = (SELECT array_agg(item || ' <- ' || antecedent::text) FROM recommend_from_rules((SELECT s FROM p3), b, 8, 0.02, 0)) AS recommend_matches_rules
FROM unnest(ARRAY['{0}', '{0,1}', '{1,2}', '{3,5,7}', '{39}']::text[]) t, CAST(t AS bigint[]) b;

-- ---- empty and NULL input, NULL items, large baskets ---------------------------
SELECT crm.basket_fit(items) IS NULL AS empty_input FROM baskets WHERE false;
SELECT crm.basket_fit(items) IS NULL AS all_null, crm.basket_fit(items, 1) IS NULL AS all_null_items_only
FROM (VALUES (NULL::bigint[]), ('{NULL,NULL}'), ('{}')) v(items);
SELECT crm.basket_fit(items)::text FROM (VALUES ('{NULL,5,5,NULL}'::bigint[]), (NULL), ('{}'), ('{-3,5}')) v(items);
-- a basket of 1,001 distinct items is skipped and counted (with a NOTICE);
-- 1,000 are counted (499,500 pairs)
SELECT (crm.basket_summary(crm.basket_fit(items))).* FROM (
	SELECT ARRAY(SELECT generate_series(1, 1001)::bigint) UNION ALL SELECT '{1,2}') v(items);
SELECT (crm.basket_summary(crm.basket_fit(items))).* FROM (
	SELECT ARRAY(SELECT generate_series(1, 1000)::bigint FROM generate_series(1, 2))) v(items);
SELECT crm.basket_fit(items) IS NULL AS only_large
FROM (SELECT ARRAY(SELECT generate_series(1, 1001)::bigint)) v(items);
-- the jsonb cast
SELECT s::jsonb FROM p3;

-- ---- forced-parallel plans and merged partial states -------------------------
-- 40,000 baskets over 300 items
CREATE TABLE big AS
SELECT b AS order_id, ARRAY(SELECT floor(300 * (abs(hashint4(b * 16 + j)) / 2147483648.0) ^ 3)::bigint FROM generate_series(1, 1 + b % 7) j) AS items
FROM generate_series(1, 40000) b;
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.basket_fit(items)::text AS f, crm.basket_fit(items, 1)::text AS f1,
       crm.basket_fit(items, (SELECT crm.basket_fit(items) FROM big), 0.001)::text AS f3
FROM big;
SELECT (crm.basket_summary(f::crm.basket_state)).pairs, (crm.basket_summary(f3::crm.basket_state)).triples FROM serial;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($q$SELECT crm.basket_fit(items), crm.basket_fit(items, 1) FROM big$q$) AS partial_aggregate;
SELECT p.f = s.f AS pairs, p.f1 = s.f1 AS items_only, p.f3 = s.f3 AS triples
FROM (SELECT crm.basket_fit(items)::text AS f, crm.basket_fit(items, 1)::text AS f1,
             crm.basket_fit(items, (SELECT crm.basket_fit(items) FROM big), 0.001)::text AS f3
      FROM big) p, serial s;
-- partial states per "shard" and bucket, merged (in parallel too, and after
-- a trip through their text form) = one pass
CREATE TABLE parts AS
SELECT order_id % 5 AS shard, order_id % 37 AS bucket, crm.basket_fit(items) AS f,
       crm.basket_fit(items, (SELECT crm.basket_fit(items) FROM big), 0.001) AS f3
FROM big GROUP BY 1, 2;
ALTER TABLE parts SET (parallel_workers = 2);
ANALYZE parts;
SELECT plan_partial_aggregate($q$SELECT crm.basket_merge(f) FROM parts$q$) AS partial_aggregate;
SELECT crm.basket_merge(p.f)::text = s.f AS merged, crm.basket_merge(p.f3::text::crm.basket_state)::text = s.f3 AS merged_via_text
FROM parts p, serial s GROUP BY s.f, s.f3;
SELECT m.f::text = s.f AS shards_merged
FROM (SELECT crm.basket_merge(f) AS f FROM (SELECT crm.basket_merge(f) AS f FROM parts GROUP BY shard) x) m, serial s;
-- a grouped aggregate equals each group alone
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE g.f IS DISTINCT FROM (SELECT crm.basket_fit(items)::text FROM big b WHERE b.order_id % 97 = g.k)) AS differing
FROM (SELECT order_id % 97 AS k, crm.basket_fit(items)::text AS f FROM big GROUP BY 1) g;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- the combine and transition functions called directly (arguments unchanged)
SELECT crm.basket_combine(a.f, b.f)::text = (SELECT crm.basket_fit(items)::text FROM big WHERE order_id % 5 IN (1, 2)) AS combine,
       a.f::text = (SELECT crm.basket_fit(items)::text FROM big WHERE order_id % 5 = 1) AS argument_unchanged
FROM (SELECT crm.basket_merge(f) AS f FROM parts WHERE shard = 1) a, (SELECT crm.basket_merge(f) AS f FROM parts WHERE shard = 2) b;
SELECT crm.basket_trans(crm.basket_trans(NULL, '{1,2}'), '{2,3,NULL}')::text AS direct;

-- ---- text and binary round trips -----------------------------------------------
SELECT count(*) FILTER (WHERE s::text::crm.basket_state::text = s::text) AS text_round_trips,
       count(*) FILTER (WHERE crm.basket_state_send(s::text::crm.basket_state) = crm.basket_state_send(s)) AS send_equal
FROM (SELECT s FROM fit UNION ALL SELECT s FROM p1 UNION ALL SELECT s FROM p2 UNION ALL SELECT s FROM p3) x;
CREATE TEMP TABLE bin (s crm.basket_state);
\copy (SELECT s FROM p3) TO 'results/basket_state.bin' WITH (FORMAT binary)
\copy bin FROM 'results/basket_state.bin' WITH (FORMAT binary)
SELECT b.s::text = p.s::text AS binary_round_trip FROM bin b, p3 p;
SELECT 'v1 depth=2 baskets=3 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={-1:2,7:3} pairs={-1:7:2} triples={}'::crm.basket_state;

-- ---- errors ------------------------------------------------------------------
CREATE FUNCTION error_detail(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || d || ')', '');
END $$;
-- text input: malformed, then impossible states
SELECT error_detail(format('SELECT %L::crm.basket_state', t)) FROM (VALUES
	('v2 depth=2 baskets=1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={} pairs={} triples={}'),
	('v1 depth=4 baskets=1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={} pairs={} triples={}'),
	('v1 depth=2 baskets=-1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={} pairs={} triples={}'),
	('v1 depth=2 baskets=1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1} pairs={} triples={}'),
	('v1 depth=2 baskets=1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1} pairs={} triples={} x'),
	('v1 depth=2 baskets=1 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:2} pairs={} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={2:1,1:1} pairs={} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,1:1} pairs={} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:0} pairs={} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,2:2} pairs={2:1:1} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,2:2} pairs={1:2:2} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,2:2} pairs={1:3:1} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:2,2:2,3:2} pairs={1:3:1,1:2:1} triples={}'),
	('v1 depth=1 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,2:2} pairs={1:2:1} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1,2:1,3:1} pairs={1:2:1,1:3:1,2:3:1} triples={1:2:3:1}'),
	('v1 depth=3 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={} pairs={} triples={}'),
	('v1 depth=3 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=1 prior_baskets=2 items={1:1,2:1,3:1} pairs={1:2:1,1:3:1} triples={1:2:3:1}'),
	('v1 depth=3 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=1 prior_baskets=2 items={1:1,2:1,3:1} pairs={1:2:1,1:3:1,2:3:1} triples={3:2:1:1}'),
	('v1 depth=3 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=1 prior_baskets=2 items={1:1,2:1,3:1} pairs={1:2:1,1:3:1,2:3:1} triples={1:2:3:2}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=3 prior_baskets=2 items={} pairs={} triples={}'),
	('v1 depth=2 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=1 prior_baskets=0 items={} pairs={} triples={}'),
	('v1 depth=1 baskets=2 skipped=0 empty=0 null_items=0 pruned_at=1 prior_baskets=2 items={} pairs={} triples={}'),
	('v1 depth=2 baskets=0 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:1} pairs={} triples={}')) v(t);
-- arguments
SELECT sqlstate_of($q$SELECT * FROM crm.frequent_itemsets((SELECT s FROM fit), 0)$q$) AS zero_support,
       sqlstate_of($q$SELECT * FROM crm.frequent_itemsets((SELECT s FROM fit), 1.5)$q$) AS support_above_1,
       sqlstate_of($q$SELECT * FROM crm.frequent_itemsets((SELECT s FROM fit), 'NaN')$q$) AS nan_support;
SELECT sqlstate_of($q$SELECT * FROM crm.association_rules((SELECT s FROM fit), 0.1, -0.1)$q$) AS negative_confidence,
       sqlstate_of($q$SELECT * FROM crm.association_rules((SELECT s FROM fit), 0.1, 'NaN')$q$) AS nan_confidence,
       sqlstate_of($q$SELECT * FROM crm.association_rules((SELECT s FROM p1), 0.1, 0.5)$q$) AS items_only_state;
SELECT sqlstate_of($q$SELECT * FROM crm.recommend((SELECT s FROM fit), '{1}', 0)$q$) AS k_zero,
       sqlstate_of($q$SELECT * FROM crm.recommend((SELECT s FROM fit), '{1}', 10001)$q$) AS k_too_large,
       sqlstate_of($q$SELECT * FROM crm.recommend((SELECT s FROM fit), '{{1,2},{3,4}}', 3)$q$) AS basket_2d,
       sqlstate_of($q$SELECT * FROM crm.recommend((SELECT s FROM p1), '{1}', 3)$q$) AS recommend_items_only;
SELECT sqlstate_of($q$SELECT crm.basket_fit(items, 3) FROM baskets$q$) AS max_size_3,
       sqlstate_of($q$SELECT crm.basket_fit(items, 0) FROM baskets$q$) AS max_size_0,
       sqlstate_of($q$SELECT crm.basket_fit(items, NULL::int) FROM baskets$q$) AS max_size_null,
       sqlstate_of($q$SELECT crm.basket_fit(ARRAY[items, items]) FROM baskets$q$) AS items_2d;
-- the pruned pass: a lower support than it was pruned at, another set of
-- baskets, a prior without baskets or NULL, priors changing within a group
SELECT sqlstate_of($q$SELECT * FROM crm.frequent_itemsets((SELECT s FROM p3), 0.01)$q$) AS below_pruning,
       sqlstate_of($q$SELECT * FROM crm.association_rules((SELECT s FROM p3), 0.019, 0)$q$) AS rules_below_pruning,
       sqlstate_of($q$SELECT * FROM crm.recommend((SELECT s FROM p3), '{1}', 3, 0.01, 0)$q$) AS recommend_below_pruning;
SELECT sqlstate_of($q$SELECT * FROM crm.frequent_itemsets((SELECT crm.basket_fit(items, (SELECT s FROM p2), 0.02) FROM baskets WHERE order_id > 10), 0.5)$q$) AS other_baskets,
       sqlstate_of($q$SELECT crm.basket_fit(items, NULL::crm.basket_state, 0.1) FROM baskets$q$) AS null_prior,
       sqlstate_of($q$SELECT crm.basket_fit(items, (SELECT s FROM p1), NULL) FROM baskets$q$) AS null_support,
       sqlstate_of($q$SELECT crm.basket_fit(items, (SELECT s FROM p1), 0) FROM baskets$q$) AS zero_prior_support,
       sqlstate_of($q$SELECT crm.basket_fit(items, 'v1 depth=1 baskets=0 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={} pairs={} triples={}', 0.1) FROM baskets$q$) AS empty_prior;
SELECT error_detail($q$SELECT crm.basket_fit(items, CASE WHEN order_id < 100 THEN (SELECT s FROM p1) ELSE (SELECT s FROM fit) END, 0.1) FROM baskets$q$) AS prior_changes;
SELECT error_detail($q$SELECT crm.basket_fit(items, (order_id % 2) + 1) FROM baskets$q$) AS max_size_changes;
-- merging states counted differently
SELECT sqlstate_of($q$SELECT crm.basket_merge(s) FROM (SELECT s FROM fit UNION ALL SELECT s FROM p1) x$q$) AS merge_depths,
       sqlstate_of($q$SELECT crm.basket_combine((SELECT s FROM p2), (SELECT s FROM p3))$q$) AS combine_pruning;
-- counts that overflow bigint in a merge
SELECT sqlstate_of($q$SELECT crm.basket_combine(s, s) FROM (SELECT 'v1 depth=2 baskets=9223372036854775807 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:9223372036854775807} pairs={} triples={}'::crm.basket_state AS s) x$q$) AS baskets_overflow,
       sqlstate_of($q$SELECT crm.basket_merge(s) FROM (VALUES ('v1 depth=2 baskets=1 skipped=0 empty=9223372036854775807 null_items=0 pruned_at=0 prior_baskets=0 items={1:1} pairs={} triples={}'::crm.basket_state), ('v1 depth=2 baskets=1 skipped=0 empty=1 null_items=0 pruned_at=0 prior_baskets=0 items={1:1} pairs={} triples={}')) v(s)$q$) AS empty_overflow;
-- binary input (22P03 when malformed or impossible), through COPY: a valid
-- state, a wrong version, reserved bytes set, a negative count, a length
-- beyond the message, an item in more baskets than there are
CREATE TABLE bin_in (s crm.basket_state);
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\001\002\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\002\002\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\001\002\000\001\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\001\002\000\000\377\377\377\377\377\377\377\377\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\001\002\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\003\350\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin_in FROM PROGRAM 'printf "\120\107\103\117\120\131\012\377\015\012\000\000\000\000\000\000\000\000\000\000\001\000\000\000\120\001\002\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005\000\000\000\000\000\000\000\002\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
SELECT s::text FROM bin_in;
