-- crm.rfm_segment: segment maps.  Reference: the rfm R package
-- (rsquaredacademy/rfm 0.3.0) segments its rfm_data_orders (analysis date
-- 2006-12-31) into 342/170/148/104/102/47/35/28/10/9 customers; every one of
-- the 995 customers' segment must equal rfm_orders_expected_2006-12-31.csv.
-- Then: the jsonb, array and table forms of the same map, the rf_grid map,
-- first-match semantics, 'Others', caching, parallel plans and every error.
-- The test works in its own schema, so the reference tables loaded below do
-- not meet those of rfm_reference in the shared database.
CREATE SCHEMA rfm_segment_test;
SET search_path = rfm_segment_test, public;
\i test/load/rfm_orders.sql
\i test/load/sqlstate_of.sql

-- per-customer inputs and scores exactly as in rfm_reference
CREATE TABLE customers AS
SELECT customer_id, (s).days_since_last AS recency_days, (s).n_transactions AS transaction_count,
       (s).monetary_total AS amount
FROM (SELECT customer_id, crm.summary(order_date, revenue, date '2006-12-31', interval '1 day') AS s
      FROM rfm_orders GROUP BY customer_id) q;
CREATE TABLE scores AS
SELECT c.customer_id, crm.rfm_score(m.model, c.recency_days, c.transaction_count, c.amount) AS score
FROM customers c,
     (SELECT crm.rfm_fit(recency_days, transaction_count, amount, 5, 'quantile') AS model FROM customers) m;
ANALYZE scores;

-- every customer's segment equals the package's
SELECT count(*) AS compared,
       count(*) FILTER (WHERE crm.rfm_cell(s.score) <> e.rfm_score) AS score_mismatch,
       count(*) FILTER (WHERE crm.rfm_segment(s.score) <> e.segment) AS segment_mismatch
FROM scores s JOIN rfm_expected e USING (customer_id);
-- the package's segment counts: 342 / 170 / 148 / 104 / 102 / 47 / 35 / 28 / 10 / 9
SELECT crm.rfm_segment(score) AS segment, count(*) FROM scores GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT segment, count(*) FROM rfm_expected GROUP BY 1 ORDER BY 2 DESC, 1;

-- the built-in maps as tables
SELECT * FROM crm.rfm_segment_rules('rfm');
SELECT * FROM crm.rfm_segment_rules('rf_grid');
-- 'rfm' is the default map
SELECT count(*) FILTER (WHERE crm.rfm_segment(score, 'rfm') <> crm.rfm_segment(score)) AS default_differs
FROM scores;

-- an untyped literal picks the text overload (string category is preferred
-- over jsonb and regclass); a jsonb map or a table must be cast
EXPLAIN (VERBOSE, COSTS OFF) SELECT crm.rfm_segment(score, 'rf_grid') FROM scores;
SELECT crm.rfm_segment('555', 'rf_grid') AS literal, crm.rfm_segment('555', 'rf_grid'::text) AS text;
SELECT crm.rfm_segment('555', '[{"segment": "Top", "r": [5, 5]}]');
SELECT crm.rfm_segment('555', '[{"segment": "Top", "r": [5, 5]}]'::jsonb) AS jsonb;

-- every cell of 9 bins, under an independent SQL implementation of first match
CREATE TABLE cells AS
SELECT crm.rfm(r, f, m) AS s FROM generate_series(1, 9) r, generate_series(1, 9) f, generate_series(1, 9) m;
SELECT map, count(*) AS cells,
       count(*) FILTER (WHERE crm.rfm_segment(s, map) IS DISTINCT FROM
           COALESCE((SELECT segment FROM crm.rfm_segment_rules(map) x
                     WHERE crm.r(s) BETWEEN r_low AND r_high AND crm.f(s) BETWEEN f_low AND f_high
                       AND crm.m(s) BETWEEN m_low AND m_high
                     ORDER BY position LIMIT 1), 'Others')) AS differs_from_sql
FROM cells, (VALUES ('rfm'), ('rf_grid')) v(map) GROUP BY map ORDER BY map;

-- the same 'rfm' map as jsonb, as arrays and as a table, built from its rules
CREATE TABLE map_jsonb AS
SELECT jsonb_agg(jsonb_build_object('segment', segment, 'r', jsonb_build_array(r_low, r_high),
                                    'f', jsonb_build_array(f_low, f_high),
                                    'm', jsonb_build_array(m_low, m_high)) ORDER BY position) AS rules
FROM crm.rfm_segment_rules('rfm');
SELECT jsonb_array_length(rules) AS rules, rules -> 1 AS second_rule FROM map_jsonb;
CREATE TABLE map_arrays AS
SELECT array_agg(segment ORDER BY position) AS segments,
       array_agg(r_low ORDER BY position) AS r_low, array_agg(r_high ORDER BY position) AS r_high,
       array_agg(f_low ORDER BY position) AS f_low, array_agg(f_high ORDER BY position) AS f_high,
       array_agg(m_low ORDER BY position) AS m_low, array_agg(m_high ORDER BY position) AS m_high
FROM crm.rfm_segment_rules('rfm');
SELECT cardinality(segments) AS rules, segments[1:2], r_low, r_high, f_low, f_high, m_low, m_high FROM map_arrays;
CREATE TABLE map_table AS SELECT * FROM crm.rfm_segment_rules('rfm');
-- all three equal the built-in, on the reference customers and on every cell
SELECT 'customers' AS scores, count(*) AS n,
       count(*) FILTER (WHERE crm.rfm_segment(score, j.rules) IS DISTINCT FROM crm.rfm_segment(score)) AS jsonb_differs,
       count(*) FILTER (WHERE crm.rfm_segment(score, a.segments, a.r_low, a.r_high, a.f_low, a.f_high, a.m_low, a.m_high)
                              IS DISTINCT FROM crm.rfm_segment(score)) AS arrays_differs,
       count(*) FILTER (WHERE crm.rfm_segment(score, 'map_table'::regclass) IS DISTINCT FROM crm.rfm_segment(score)) AS table_differs
FROM scores, map_jsonb j, map_arrays a
UNION ALL
SELECT 'cells', count(*),
       count(*) FILTER (WHERE crm.rfm_segment(s, j.rules) IS DISTINCT FROM crm.rfm_segment(s)),
       count(*) FILTER (WHERE crm.rfm_segment(s, a.segments, a.r_low, a.r_high, a.f_low, a.f_high, a.m_low, a.m_high)
                              IS DISTINCT FROM crm.rfm_segment(s)),
       count(*) FILTER (WHERE crm.rfm_segment(s, 'map_table'::regclass) IS DISTINCT FROM crm.rfm_segment(s))
FROM cells, map_jsonb j, map_arrays a;
-- the rules of a jsonb map read back as the built-in's
SELECT count(*) AS rules_differ FROM (
	(SELECT * FROM crm.rfm_segment_rules((SELECT rules FROM map_jsonb)) EXCEPT SELECT * FROM crm.rfm_segment_rules('rfm'))
	UNION ALL
	(SELECT * FROM crm.rfm_segment_rules('rfm') EXCEPT SELECT * FROM crm.rfm_segment_rules((SELECT rules FROM map_jsonb)))) d;

-- the rf_grid map on the reference customers
SELECT crm.rfm_segment(score, 'rf_grid') AS segment, count(*) FROM scores GROUP BY 1 ORDER BY 2 DESC, 1;
-- it covers every R x F cell of 5 bins, whatever M
SELECT count(*) AS cells_5_bins, count(*) FILTER (WHERE crm.rfm_segment(s, 'rf_grid') = 'Others') AS others,
       count(DISTINCT crm.rfm_segment(s, 'rf_grid')) AS segments,
       count(*) FILTER (WHERE crm.rfm_segment(s, 'rf_grid') <> crm.rfm_segment(crm.rfm(crm.r(s), crm.f(s), 1), 'rf_grid')) AS depends_on_m
FROM cells WHERE crm.r(s) <= 5 AND crm.f(s) <= 5;
SELECT crm.rfm_segment('555') AS rfm_555, crm.rfm_segment('111') AS rfm_111, crm.rfm_segment('511', 'rf_grid') AS grid_511,
       crm.rfm_segment('159', 'rf_grid') AS grid_159;

-- 'Others': a score that no rule matches; the rfm package's table leaves
-- some cells of 5 bins to 'Others'
SELECT count(*) AS others_of_125_cells, string_agg(s::text, ' ' ORDER BY s) AS cells FROM cells
WHERE crm.r(s) <= 5 AND crm.f(s) <= 5 AND crm.m(s) <= 5 AND crm.rfm_segment(s) = 'Others';
SELECT crm.rfm_segment('999') AS beyond_5_bins, crm.rfm_segment('969', 'rf_grid') AS grid_beyond_5_bins,
       crm.rfm_segment('355', '[{"segment": "Recent", "r": [5, 5]}]'::jsonb) AS r3_under_r5_only;
SELECT crm.rfm_segment(score, '[{"segment": "Recent", "r": [5, 5]}]'::jsonb) AS segment, count(*)
FROM scores GROUP BY 1 ORDER BY 1;
-- a missing range is 1..9; a name 'Others' is just a name
SELECT * FROM crm.rfm_segment_rules('[{"segment": "Any"}, {"segment": "Others", "m": [2, 3], "r": [1, 1]}]'::jsonb);

-- first match: overlapping rules, the earlier one wins
SELECT crm.rfm_segment('333', '[{"segment": "Wide", "r": [1, 5]}, {"segment": "Narrow", "r": [3, 3]}]'::jsonb) AS wide_first,
       crm.rfm_segment('333', '[{"segment": "Narrow", "r": [3, 3]}, {"segment": "Wide", "r": [1, 5]}]'::jsonb) AS narrow_first,
       crm.rfm_segment('333', '{Wide,Narrow}', '{1,3}', '{5,3}', '{1,1}', '{9,9}', '{1,1}', '{9,9}') AS arrays_wide_first;
-- the same name in several rules: a segment made of several boxes
SELECT s, crm.rfm_segment(s, '[{"segment": "Edge", "r": [1, 1]}, {"segment": "Edge", "r": [5, 5]}]'::jsonb)
FROM (VALUES ('155'::crm.rfm), ('355'), ('555')) v(s);

-- the map may change from row to row (the cache is keyed by the value's bytes)
SELECT s, m ->> 'name' AS map, crm.rfm_segment(s, m -> 'rules') AS by_jsonb,
       crm.rfm_segment(s, ARRAY[m -> 'rules' -> 0 ->> 'segment'], ARRAY[(m -> 'rules' -> 0 -> 'r' ->> 0)::int],
                       ARRAY[(m -> 'rules' -> 0 -> 'r' ->> 1)::int], '{1}', '{9}', '{1}', '{9}') AS by_arrays
FROM (VALUES ('555'::crm.rfm, '{"name": "A", "rules": [{"segment": "High", "r": [4, 5]}]}'::jsonb),
             ('555', '{"name": "B", "rules": [{"segment": "Top", "r": [5, 5]}]}'),
             ('455', '{"name": "B", "rules": [{"segment": "Top", "r": [5, 5]}]}'),
             ('455', '{"name": "A", "rules": [{"segment": "High", "r": [4, 5]}]}')) v(s, m);

-- typmod scores and NULLs
SELECT crm.rfm_segment('543'::crm.rfm(5)) AS typmod, crm.rfm_segment(NULL) IS NULL AS null_score,
       crm.rfm_segment('543', NULL::text) IS NULL AS null_map, crm.rfm_segment('543', NULL::jsonb) IS NULL AS null_jsonb,
       crm.rfm_segment('543', NULL::regclass) IS NULL AS null_table,
       crm.rfm_segment('543', '{A}', '{1}', '{9}', '{1}', '{9}', '{1}', NULL) IS NULL AS null_array;

-- the table form: rules in ascending position (not insertion order), extra
-- columns allowed, any integer column types, a view works
CREATE TABLE my_rules (note text, m_high smallint, m_low smallint, f_high bigint, f_low bigint,
                       r_high int, r_low int, segment varchar(40), position int);
INSERT INTO my_rules (position, segment, r_low, r_high, f_low, f_high, m_low, m_high, note) VALUES
	(20, 'Rest', 1, 9, 1, 9, 1, 9, 'catch-all'),
	(10, 'Best', 5, 5, 5, 5, 1, 9, 'top R and F'),
	(-5, 'Worst', 1, 1, 1, 1, 1, 1, 'negative positions are fine');
SELECT s, crm.rfm_segment(s, 'my_rules'::regclass) FROM (VALUES ('551'::crm.rfm), ('111'), ('112')) v(s);
CREATE VIEW my_rules_view AS SELECT * FROM my_rules WHERE position > 0;
SELECT crm.rfm_segment('111', 'my_rules_view'::regclass) AS via_view;
-- the table may change between statements
UPDATE my_rules SET segment = 'Everyone else' WHERE position = 20;
SELECT crm.rfm_segment('333', 'my_rules'::regclass) AS after_update;
-- ... and between executions of one PL/pgSQL expression (the cache follows the snapshot)
DO $$
DECLARE
	seg text;
BEGIN
	FOR i IN 1..3 LOOP
		seg := crm.rfm_segment('333', 'rfm_segment_test.my_rules'::regclass);
		RAISE NOTICE 'iteration %: %', i, seg;
		UPDATE rfm_segment_test.my_rules SET segment = 'Rest ' || i WHERE position = 20;
	END LOOP;
END $$;
-- read once per call site, not per row: one scan of the rules for 995 customers
SET max_parallel_workers_per_gather = 0;
SELECT pg_stat_force_next_flush();
SELECT seq_scan AS scans_before FROM pg_stat_user_tables WHERE relid = 'map_table'::regclass \gset
SELECT count(DISTINCT crm.rfm_segment(score, 'map_table'::regclass)) AS segments FROM scores;
SELECT pg_stat_force_next_flush();
SELECT seq_scan - :scans_before AS rule_table_scans FROM pg_stat_user_tables WHERE relid = 'map_table'::regclass;
RESET max_parallel_workers_per_gather;
-- SPI runs as the caller: reading the rules needs SELECT on the table
CREATE ROLE regress_crm_segment;
GRANT USAGE ON SCHEMA crm, rfm_segment_test TO regress_crm_segment;
SET ROLE regress_crm_segment;
SELECT sqlstate_of($$SELECT crm.rfm_segment('555', 'rfm_segment_test.map_table'::regclass)$$) AS without_select;
RESET ROLE;
GRANT SELECT ON map_table TO regress_crm_segment;
SET ROLE regress_crm_segment;
SELECT crm.rfm_segment('555', 'rfm_segment_test.map_table'::regclass) AS with_select;
RESET ROLE;
REVOKE ALL ON map_table FROM regress_crm_segment;
REVOKE ALL ON SCHEMA crm, rfm_segment_test FROM regress_crm_segment;
DROP ROLE regress_crm_segment;

-- forced parallel plans: GROUP BY segment equals the serial counts, every form
CREATE TABLE many AS
SELECT i AS id, crm.rfm(1 + abs(hashint4(i)) % 5, 1 + abs(hashint4(i + 1)) % 5, 1 + abs(hashint4(i + 2)) % 5) AS score
FROM generate_series(1, 60000) i;
ANALYZE many;
CREATE TABLE serial_counts AS
SELECT form, segment, count(*) AS n FROM (
	SELECT 'builtin' AS form, crm.rfm_segment(score) AS segment FROM many
	UNION ALL SELECT 'rf_grid', crm.rfm_segment(score, 'rf_grid') FROM many
	UNION ALL SELECT 'jsonb', crm.rfm_segment(score, (SELECT rules FROM map_jsonb)) FROM many
	UNION ALL SELECT 'table', crm.rfm_segment(score, 'map_table'::regclass) FROM many) x
GROUP BY 1, 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.rfm_segment(score), count(*) FROM many GROUP BY 1$q$) AS partial_aggregate;
SELECT plan_partial_aggregate($q$SELECT crm.rfm_segment(score, 'map_table'::regclass), count(*) FROM many GROUP BY 1$q$) AS partial_aggregate;
CREATE TEMP TABLE parallel_counts AS
SELECT 'builtin' AS form, crm.rfm_segment(score) AS segment, count(*) AS n FROM many GROUP BY 1, 2;
INSERT INTO parallel_counts SELECT 'rf_grid', crm.rfm_segment(score, 'rf_grid'), count(*) FROM many GROUP BY 1, 2;
INSERT INTO parallel_counts
SELECT 'jsonb', crm.rfm_segment(score, '[{"segment": "Champions", "r": [5, 5], "f": [5, 5], "m": [5, 5]},
	{"segment": "Potential Loyalist", "r": [3, 5], "f": [3, 5], "m": [2, 5]},
	{"segment": "Loyal Customers", "r": [2, 4], "f": [2, 4], "m": [2, 4]},
	{"segment": "Promising", "r": [3, 4], "f": [1, 3], "m": [3, 5]},
	{"segment": "New Customers", "r": [4, 5], "f": [1, 3], "m": [1, 5]},
	{"segment": "Can''t Lose Them", "r": [1, 2], "f": [3, 4], "m": [4, 5]},
	{"segment": "At Risk", "r": [1, 2], "f": [2, 5], "m": [4, 5]},
	{"segment": "Need Attention", "r": [1, 3], "f": [3, 5], "m": [3, 5]},
	{"segment": "About To Sleep", "r": [2, 3], "f": [1, 3], "m": [1, 4]},
	{"segment": "Lost", "r": [1, 1], "f": [1, 5], "m": [1, 5]}]'::jsonb), count(*) FROM many GROUP BY 1, 2;
INSERT INTO parallel_counts SELECT 'table', crm.rfm_segment(score, 'map_table'::regclass), count(*) FROM many GROUP BY 1, 2;
SELECT form, count(*) AS segments, sum(n) AS rows FROM parallel_counts GROUP BY 1 ORDER BY 1;
SELECT count(*) AS parallel_differs_from_serial
FROM parallel_counts p FULL JOIN serial_counts s USING (form, segment) WHERE p.n IS DISTINCT FROM s.n;
-- the reference customers under a parallel plan
SELECT crm.rfm_segment(score) AS segment, count(*) FROM scores GROUP BY 1 ORDER BY 2 DESC, 1;
-- a temporary rules table cannot be read by parallel workers (PostgreSQL says so)
CREATE TEMP TABLE temp_rules AS SELECT * FROM crm.rfm_segment_rules('rfm');
-- (the setting that forces a parallel plan is debug_parallel_query from 16 on)
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
            ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = on;
SELECT sqlstate_of($$SELECT crm.rfm_segment(score, 'temp_rules'::regclass) FROM many LIMIT 1$$) AS temp_in_parallel;
RESET :force_parallel;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- volatility, strictness, parallel safety
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, prorows
FROM pg_proc p WHERE pronamespace = 'crm'::regnamespace AND proname LIKE 'rfm_segment%' ORDER BY p.oid::regprocedure::text;

-- errors: unknown built-in map (the hint lists the names)
SELECT crm.rfm_segment('555', 'RFM');
SELECT * FROM crm.rfm_segment_rules('my_rules');
-- errors: jsonb maps (22023; 22004 for null)
SELECT q, sqlstate_of(format('SELECT crm.rfm_segment(%L, %L::jsonb)', '555', q)) AS result FROM (VALUES
	('{"segment": "A"}'), ('"rfm"'), ('[]'), ('[5]'), ('[[1, 5]]'), ('[null]'),
	('[{"r": [1, 5]}]'), ('[{"segment": ""}]'), ('[{"segment": 5}]'), ('[{"segment": null}]'),
	('[{"segment": "A", "R": [1, 2]}]'), ('[{"segment": "A", "recency": [1, 2]}]'),
	('[{"segment": "A", "r": 5}]'), ('[{"segment": "A", "r": [1]}]'), ('[{"segment": "A", "r": [1, 2, 3]}]'),
	('[{"segment": "A", "r": ["1", "2"]}]'), ('[{"segment": "A", "r": [1.5, 2]}]'), ('[{"segment": "A", "f": {"lo": 1}}]'),
	('[{"segment": "A", "r": [0, 5]}]'), ('[{"segment": "A", "m": [1, 10]}]'), ('[{"segment": "A", "f": [1, 1e20]}]'),
	('[{"segment": "A", "r": [-1, 2]}]'),
	('[{"segment": "A"}, {"segment": "B"}, {"segment": "At Risk", "r": [4, 2]}]'),
	('[{"segment": "A", "r": null}]'), ('[{"segment": "A", "r": [null, 2]}]'),
	('[{"segment": "A", "r": [2.0, 3.00]}]')) v(q);
SELECT sqlstate_of($$SELECT * FROM crm.rfm_segment_rules('[{"segment": "A", "f": [3, 1]}]'::jsonb)$$) AS rules_jsonb;
-- errors: array form (22023; 22004 for null elements)
SELECT q, sqlstate_of(format('SELECT crm.rfm_segment(%L, %s)', '555', q)) AS result FROM (VALUES
	($$'{A,B}', '{1,1}', '{5,5}', '{1}', '{5,5}', '{1,1}', '{5,5}'$$),
	($$'{}', '{}', '{}', '{}', '{}', '{}', '{}'$$),
	($$'{NULL}', '{1}', '{5}', '{1}', '{5}', '{1}', '{5}'$$),
	($$'{""}', '{1}', '{5}', '{1}', '{5}', '{1}', '{5}'$$),
	($$'{A}', '{1}', '{5}', '{NULL}', '{5}', '{1}', '{5}'$$),
	($$'{A}', '{1}', '{5}', '{1}', '{5}', '{1}', '{NULL}'$$),
	($$'{A,B,C}', '{1,1,4}', '{5,5,2}', '{1,1,1}', '{5,5,5}', '{1,1,1}', '{5,5,5}'$$),
	($$'{A}', '{0}', '{5}', '{1}', '{5}', '{1}', '{5}'$$),
	($$'{A}', '{1}', '{5}', '{1}', '{5}', '{1}', '{10}'$$),
	($$'{{A}}', '{{1}}', '{{5}}', '{{1}}', '{{5}}', '{{1}}', '{{5}}'$$)) v(q);
-- errors: rules tables
CREATE TABLE no_bounds (position int, segment text, r_low int, r_high int);
CREATE TABLE no_m_high (position int, segment text, r_low int, r_high int, f_low int, f_high int, m_low int);
CREATE TABLE date_bounds (position int, segment text, r_low int, r_high int, f_low int, f_high int, m_low int, m_high date);
CREATE TABLE empty_rules (LIKE map_table);
CREATE TABLE dup_rules AS SELECT * FROM crm.rfm_segment_rules('rfm');
UPDATE dup_rules SET position = 3 WHERE position = 4;
CREATE TABLE bad_rules AS SELECT * FROM crm.rfm_segment_rules('rfm');
UPDATE bad_rules SET r_low = 4, r_high = 2 WHERE position = 7;
CREATE TABLE null_position (LIKE map_table);
INSERT INTO null_position VALUES (NULL, 'A', 1, 9, 1, 9, 1, 9);
CREATE TABLE null_segment (LIKE map_table);
INSERT INTO null_segment VALUES (1, NULL, 1, 9, 1, 9, 1, 9);
CREATE TABLE null_bound (LIKE map_table);
INSERT INTO null_bound VALUES (1, 'A', 1, 9, NULL, 9, 1, 9);
CREATE TABLE range_rules (LIKE map_table);
INSERT INTO range_rules VALUES (1, 'A', 1, 9, 1, 9, 1, 12);
CREATE TABLE empty_name (LIKE map_table);
INSERT INTO empty_name VALUES (1, '', 1, 9, 1, 9, 1, 9);
CREATE INDEX map_table_position ON map_table (position);
CREATE SEQUENCE not_rules;
SELECT t, sqlstate_of(format('SELECT crm.rfm_segment(%L, %L::regclass)', '555', t)) AS result FROM (VALUES
	('no_bounds'), ('no_m_high'), ('date_bounds'), ('empty_rules'), ('dup_rules'), ('bad_rules'),
	('null_position'), ('null_segment'), ('null_bound'), ('range_rules'), ('empty_name'),
	('map_table_position'), ('not_rules')) v(t);
-- missing columns: the message names them, the hint says how to make a table
SELECT crm.rfm_segment('555', 'no_m_high'::regclass);
SELECT crm.rfm_segment('555', 'dup_rules'::regclass);

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rfm_segment_test CASCADE;
RESET client_min_messages;
