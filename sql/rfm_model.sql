-- crm.rfm_fit / crm.rfm_model / crm.rfm_score: methods, ties, GROUP BY,
-- parallel plans, merged partial states, text/binary forms and bad input.
\i test/load/sqlstate_of.sql

-- 10 customers, values 1..10 in every dimension
CREATE TABLE ten AS SELECT i AS id, i::float8 AS r, i::float8 AS f, i::float8 AS m FROM generate_series(1, 10) i;
-- quantile: type-7 quantiles at 0.2/0.4/0.6/0.8 (2.8, 4.6, 6.4, 8.2) plus 1
SELECT crm.rfm_fit(r, f, m) FROM ten;
-- models have no equality operator: compare their exact text forms
SELECT crm.rfm_fit(r, f, m, 5, 'quantile')::text = crm.rfm_fit(r, f, m)::text AS defaults_are_5_quantile FROM ten;
-- ntile: groups of two; each breakpoint is the first value of a group
SELECT crm.rfm_fit(r, f, m, 5, 'ntile') FROM ten;
SELECT id, crm.rfm_score(mo, r, f, m) AS score, ntile(5) OVER (ORDER BY f) AS sql_ntile
FROM ten, (SELECT crm.rfm_fit(r, f, m, 5, 'ntile') AS mo FROM ten) x ORDER BY id;
-- fewer customers than bins: the upper groups are empty, as with NTILE()
SELECT id, crm.rfm_score(mo, r, f, m) AS score, ntile(9) OVER (ORDER BY f) AS sql_ntile
FROM ten, (SELECT crm.rfm_fit(r, f, m, 9, 'ntile') AS mo FROM ten WHERE id <= 3) x WHERE id <= 3 ORDER BY id;
-- 3 bins, 9 bins
SELECT crm.rfm_fit(r, f, m, 3) FROM ten;
SELECT crm.rfm_fit(r, f, m, 9, 'ntile') FROM ten;

-- ties always share a score, whatever the method
CREATE TABLE ties AS SELECT i AS id, 10.0::float8 AS r, (CASE WHEN i <= 6 THEN 1 ELSE 2 END)::float8 AS f,
	(i % 3)::float8 AS m FROM generate_series(1, 12) i;
SELECT method, crm.rfm_fit(r, f, m, 4, method) AS model
FROM ties, (VALUES ('quantile'), ('ntile')) v(method) GROUP BY method ORDER BY method;
SELECT method, f, m, count(DISTINCT crm.rfm_score(mo, r, f, m)) AS distinct_scores
FROM ties, (SELECT method, crm.rfm_fit(r, f, m, 4, method) AS mo
            FROM ties, (VALUES ('quantile'), ('ntile')) v(method) GROUP BY method) x
GROUP BY method, f, m ORDER BY method, f, m;

-- scoring new customers on stored breakpoints: values outside the fitted range go to the end bins
SELECT crm.rfm_score(crm.rfm_fit(r, f, m), -100, -100, -100) AS below, crm.rfm_score(crm.rfm_fit(r, f, m), 1e9, 1e9, 1e9) AS above
FROM ten;
SELECT crm.rfm_score(NULL, 1, 2, 3) IS NULL AS null_model, crm.rfm_score(crm.rfm_fit(r, f, m), NULL, 2, 3) IS NULL AS null_value FROM ten;

-- one model per group (per store), window-free
CREATE TABLE stores AS SELECT (i % 3) AS store, i AS id, (i * 7 % 50)::float8 AS r, (i % 11)::float8 AS f,
	(i * 13 % 97)::float8 AS m FROM generate_series(1, 300) i;
SELECT store, crm.rfm_fit(r, f, m, 4) FROM stores GROUP BY store ORDER BY store;

-- NULL inputs: a customer is skipped unless all three values are present; no customers gives NULL
SELECT crm.rfm_customers(crm.rfm_fit(r, f, m)) FROM (SELECT r, f, m FROM ten UNION ALL SELECT NULL, 1, 1 UNION ALL SELECT 1, NULL, 1) x;
SELECT crm.rfm_fit(r, f, m) IS NULL AS empty_is_null FROM ten WHERE false;
SELECT crm.rfm_fit(NULL::float8, NULL, NULL) IS NULL AS all_null_is_null FROM ten;

-- text and binary forms round-trip; jsonb
SELECT crm.rfm_fit(r, f, m, 4)::text = crm.rfm_fit(r, f, m, 4)::text::crm.rfm_model::text AS text_round_trip
FROM stores;
CREATE TABLE models AS SELECT store, crm.rfm_fit(r, f, m, 4) AS model, crm.rfm_fit_partial(r, f, m, 4, 'quantile') AS state
FROM stores GROUP BY store;
\copy models TO 'results/rfm_models.bin' WITH (FORMAT binary)
CREATE TABLE models_back (LIKE models);
\copy models_back FROM 'results/rfm_models.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM models a JOIN models_back b USING (store)
WHERE a.model::text <> b.model::text OR a.state::text <> b.state::text;
SELECT model::jsonb FROM models WHERE store = 0;
SELECT state FROM (SELECT crm.rfm_fit_partial(r, f, m, 2, 'ntile') AS state FROM ten WHERE id <= 4) x;
SELECT count(*) AS state_text_round_trip_differs FROM models WHERE state::text::crm.rfm_fit_state::text <> state::text;

-- merged partial states (per store) equal one fit over all rows
SELECT crm.rfm_fit_final(crm.rfm_fit_merge(state))::text = (SELECT crm.rfm_fit(r, f, m, 4) FROM stores)::text AS merged_equals_whole
FROM models;
SELECT crm.rfm_fit_final(crm.rfm_fit_merge(state::text::crm.rfm_fit_state))::text =
       (SELECT crm.rfm_fit(r, f, m, 4) FROM stores)::text AS text_merged_equals_whole
FROM models;

-- forced parallel plan: Partial Aggregate, same model; large enough for the buffer to flush
CREATE TABLE many AS SELECT i AS id, (abs(hashint4(i)) % 400)::float8 AS r, (abs(hashint4(i + 7)) % 30)::float8 AS f,
	round((abs(hashint4(i + 13)) % 100000) / 100.0, 2)::float8 AS m FROM generate_series(1, 50000) i;
ANALYZE many;
CREATE TABLE serial_models AS SELECT crm.rfm_fit(r, f, m, 5) AS q, crm.rfm_fit(r, f, m, 7, 'ntile') AS n FROM many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.rfm_fit(r, f, m, 5) FROM many$q$) AS partial_aggregate;
SELECT q::text = (SELECT crm.rfm_fit(r, f, m, 5) FROM many)::text AS quantile_parallel_equal,
       n::text = (SELECT crm.rfm_fit(r, f, m, 7, 'ntile') FROM many)::text AS ntile_parallel_equal
FROM serial_models;
RESET max_parallel_workers_per_gather;
-- the same breakpoints as SQL's percentile_cont (also type 7; it interpolates
-- as lo + h (hi - lo) where R uses (1 - h) lo + h hi, so to 1e-9) + 1, and
-- exactly the first values of the NTILE groups
SELECT (SELECT max(abs(a - b)) FROM unnest(crm.rfm_breakpoints(q, 'monetary'), (SELECT array_agg(p + 1 ORDER BY p) FROM unnest(
         (SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6000000000000001, 0.8]) WITHIN GROUP (ORDER BY m) FROM many)) p)) AS u(a, b)) < 1e-9
         AS quantile_matches_percentile_cont,
       crm.rfm_breakpoints(n, 'monetary') = (SELECT array_agg(min_m ORDER BY g) FROM (
         SELECT g, min(m) AS min_m FROM (SELECT m, ntile(7) OVER (ORDER BY m) AS g FROM many) t GROUP BY g) s WHERE g > 1) AS ntile_matches_sql
FROM serial_models;

-- explicit thresholds
SELECT crm.rfm_model('{10,20}', '{2,5}', '{100,500}');
SELECT crm.rfm_score(crm.rfm_model('{10,20}', '{2,5}', '{100,500}'), 10, 4.99, 500) AS score;
SELECT crm.rfm_model('{10,20}', '{2,5}', '{100,500}')::jsonb;

-- bad input, each with its SQLSTATE
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, 1) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, 10) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, NULL) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, 5, 'kmeans') FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, 5, NULL) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, (3 + id % 2)::int) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, m, 4, CASE WHEN id < 5 THEN 'ntile' ELSE 'quantile' END) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit('NaN', f, m) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, 'Infinity', m) FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit(r, f, '-Infinity') FROM ten$$);
SELECT sqlstate_of($$SELECT crm.rfm_score(crm.rfm_model('{1}', '{1}', '{1}'), 'NaN', 1, 1)$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{2,1}', '{1,2}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{1,1}', '{1,2}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{1,2}', '{1,2,3}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{}', '{}', '{}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{1,2,3,4,5,6,7,8,9}', '{1,2,3,4,5,6,7,8,9}', '{1,2,3,4,5,6,7,8,9}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{1,NULL}', '{1,2}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{1,Infinity}', '{1,2}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_model('{{1,2}}', '{1,2}', '{1,2}')$$);
SELECT sqlstate_of($$SELECT crm.rfm_breakpoints(crm.rfm_model('{1}', '{1}', '{1}'), 'loyalty')$$);
SELECT sqlstate_of($$SELECT crm.rfm_fit_merge(s) FROM (SELECT crm.rfm_fit_partial(r, f, m, 4, 'quantile') FROM ten
	UNION ALL SELECT crm.rfm_fit_partial(r, f, m, 5, 'quantile') FROM ten) t(s)$$);
SELECT sqlstate_of($$SELECT 'quantile bins=5 n=1 recency={1,2,3} frequency={1,2,3,4} monetary={1,2,3,4}'::crm.rfm_model$$);
SELECT sqlstate_of($$SELECT 'quantile bins=3 n=1 recency={2,1} frequency={1,2} monetary={1,2}'::crm.rfm_model$$);
SELECT sqlstate_of($$SELECT 'kmeans bins=3 n=1 recency={1,2} frequency={1,2} monetary={1,2}'::crm.rfm_model$$);
SELECT sqlstate_of($$SELECT 'thresholds bins=3 n=5 recency={1,2} frequency={1,2} monetary={1,2}'::crm.rfm_model$$);
SELECT sqlstate_of($$SELECT 'quantile bins=3 n=1 recency={1,2} frequency={1,2} monetary={1,NaN}'::crm.rfm_model$$);
SELECT sqlstate_of($$SELECT 'v1 method=quantile bins=3 n=2 recency={1:1} frequency={1:2} monetary={1:2}'::crm.rfm_fit_state$$);
SELECT sqlstate_of($$SELECT 'v1 method=quantile bins=3 n=2 recency={2:1,1:1} frequency={1:2} monetary={1:2}'::crm.rfm_fit_state$$);
SELECT sqlstate_of($$SELECT 'v1 method=median bins=3 n=0 recency={} frequency={} monetary={}'::crm.rfm_fit_state$$);
SELECT 'v1 method=quantile bins=3 n=2 recency={1:1,5:1} frequency={1:2} monetary={0.5:2}'::crm.rfm_fit_state;
SELECT crm.rfm_fit_final('v1 method=quantile bins=3 n=2 recency={1:1,5:1} frequency={1:2} monetary={0.5:2}'::crm.rfm_fit_state);
