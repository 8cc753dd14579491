-- crm.bgnbd_fit / crm.mbgnbd_fit / crm.gammagamma_fit: the exact fit state,
-- weights, GROUP BY, parallel plans, merged partial states, penalty, NULLs,
-- text and binary forms.  Published numbers are in clv_reference.
CREATE SCHEMA clv_fit;
SET search_path = clv_fit, public;
\i test/load/cdnow.sql
CREATE TABLE cbs AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE full_fit AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bg, crm.mbgnbd_fit(frequency, recency, t) AS mbg,
       crm.gammagamma_fit(frequency, monetary_value) AS gg FROM cbs;

-- the fit state holds distinct (x, t_x, T) with counts: 2357 customers, fewer tuples
SELECT crm.clv_fit_customers(s) AS customers, crm.clv_fit_distinct(s) AS distinct_tuples
FROM (SELECT crm.clv_fit_partial(frequency, recency, t) AS s FROM cbs) x;
SELECT crm.clv_fit_customers(s) AS repeat_customers, crm.clv_fit_distinct(s) AS distinct_pairs
FROM (SELECT crm.spend_fit_partial(frequency, monetary_value) AS s FROM cbs) x;

-- weights: the distinct tuples with their counts give the same model as all rows
CREATE TABLE cbs_grouped AS
SELECT frequency, recency, t, count(*) AS customers FROM cbs GROUP BY 1, 2, 3;
SELECT (SELECT crm.bgnbd_fit(frequency, recency, t, customers) FROM cbs_grouped)::text = bg::text AS weighted_bg_same,
       (SELECT crm.mbgnbd_fit(frequency, recency, t, customers) FROM cbs_grouped)::text = mbg::text AS weighted_mbg_same
FROM full_fit;
SELECT (SELECT crm.gammagamma_fit(frequency, m, n) FROM (SELECT frequency, monetary_value AS m, count(*) AS n FROM cbs GROUP BY 1, 2) g)::text
       = gg::text AS weighted_gg_same FROM full_fit;
-- weight 0 rows and NULL rows are skipped
SELECT crm.bgnbd_fit(frequency, recency, t, w)::text = (SELECT bg::text FROM full_fit) AS zero_and_null_skipped
FROM (SELECT frequency, recency, t, 1::bigint AS w FROM cbs
      UNION ALL SELECT 5, 3, 30, 0 UNION ALL SELECT NULL, 1, 2, 1 UNION ALL SELECT 1, 1, 2, NULL) x;
-- the spend fit skips customers with x = 0 (their monetary value is not used)
SELECT crm.customers(crm.gammagamma_fit(frequency, monetary_value)) AS fitted_on FROM cbs;

-- forced-parallel plans give the same models
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.bgnbd_fit(frequency, recency, t) FROM cbs$q$) AS partial_aggregate;
SELECT (SELECT crm.bgnbd_fit(frequency, recency, t) FROM cbs)::text = bg::text AS parallel_bg_same,
       (SELECT crm.mbgnbd_fit(frequency, recency, t) FROM cbs)::text = mbg::text AS parallel_mbg_same,
       (SELECT crm.gammagamma_fit(frequency, monetary_value) FROM cbs)::text = gg::text AS parallel_gg_same
FROM full_fit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- partial states per shard, shipped as text, merged and finished: the same models
CREATE TABLE shard_states AS
SELECT customer_id % 4 AS shard, crm.clv_fit_partial(frequency, recency, t) AS purchases,
       crm.spend_fit_partial(frequency, monetary_value) AS spend
FROM cbs GROUP BY 1;
SELECT crm.bgnbd_fit_final(crm.clv_fit_merge(purchases::text::crm.clv_fit_state))::text = (SELECT bg::text FROM full_fit) AS merged_bg_same,
       crm.mbgnbd_fit_final(crm.clv_fit_merge(purchases))::text = (SELECT mbg::text FROM full_fit) AS merged_mbg_same,
       crm.gammagamma_fit_final(crm.clv_fit_merge(spend::text::crm.clv_fit_state))::text = (SELECT gg::text FROM full_fit) AS merged_gg_same
FROM shard_states;
-- binary round trip of states and models
CREATE TABLE stored AS SELECT s.shard, s.purchases, s.spend, f.bg, f.mbg, f.gg FROM shard_states s, full_fit f;
\copy stored TO 'results/clv_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/clv_stored.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM stored a JOIN stored_back b USING (shard)
WHERE a.purchases::text <> b.purchases::text OR a.spend::text <> b.spend::text OR a.bg::text <> b.bg::text
   OR a.mbg::text <> b.mbg::text OR a.gg::text <> b.gg::text;
SELECT count(*) AS text_round_trip_differs FROM stored
WHERE purchases::text::crm.clv_fit_state::text <> purchases::text OR bg::text::crm.bgnbd::text <> bg::text
   OR mbg::text::crm.mbgnbd::text <> mbg::text OR gg::text::crm.gammagamma::text <> gg::text;
-- the text form of a small state
SELECT crm.clv_fit_partial(x, t_x, t) FROM (VALUES (0, 0, 10.5), (2, 3.25, 10.5), (0, 0, 10.5), (1, 2, 8)) v(x, t_x, t);
SELECT crm.spend_fit_partial(x, m, 3) FROM (VALUES (0, 0), (2, 12.5), (1, 7)) v(x, m);
SELECT crm.clv_fit_partial(x, t_x, t, 2) AS weighted FROM (VALUES (1, 2, 8)) v(x, t_x, t);

-- one model per group
SELECT customer_id % 2 AS half, crm.converged(crm.bgnbd_fit(frequency, recency, t)) AS converged,
       crm.customers(crm.bgnbd_fit(frequency, recency, t)) AS customers
FROM cbs GROUP BY 1 ORDER BY 1;

-- the L2 penalty (lifetimes' penalizer_coef): it shrinks the parameters, the reported ll stays the plain log-likelihood
SELECT crm.parameter(p, 'a') < crm.parameter(bg, 'a') AND crm.parameter(p, 'b') < crm.parameter(bg, 'b') AS penalty_shrinks,
       crm.loglik(p) < crm.loglik(bg) AS ll_lower,
       abs(crm.loglik(p) - (SELECT sum(crm.loglik(p, frequency, recency, t)) FROM cbs)) < 1e-6 AS ll_unpenalized,
       p::jsonb -> 'penalizer' AS penalizer
FROM full_fit, (SELECT crm.bgnbd_fit(frequency, recency, t, 1, 0.1) AS p FROM cbs) x;
SELECT crm.bgnbd_fit_final(crm.clv_fit_partial(frequency, recency, t), 0.1)::text
       = crm.bgnbd_fit(frequency, recency, t, 1, 0.1)::text AS penalty_in_final_same FROM cbs;

-- fits are invariant to the time unit: days give the same r, a, b and alpha x 7
SELECT abs(crm.parameter(d, 'r') / crm.parameter(bg, 'r') - 1) < 1e-5 AS r_same,
       abs(crm.parameter(d, 'alpha') / (7 * crm.parameter(bg, 'alpha')) - 1) < 1e-5 AS alpha_times_7,
       abs(crm.parameter(d, 'a') / crm.parameter(bg, 'a') - 1) < 1e-4 AS a_same,
       abs(crm.parameter(d, 'b') / crm.parameter(bg, 'b') - 1) < 1e-4 AS b_same
FROM full_fit, (SELECT crm.bgnbd_fit(frequency, recency * 7, t * 7) AS d FROM cbs) x;

-- empty input and all-NULL input give NULL
SELECT crm.bgnbd_fit(frequency, recency, t) IS NULL AS empty_bg, crm.gammagamma_fit(frequency, monetary_value) IS NULL AS empty_gg
FROM cbs WHERE false;
SELECT crm.mbgnbd_fit(NULL::float8, NULL, NULL) IS NULL AS all_null FROM cbs;
-- only x = 0 customers: the spend fit has nobody to fit on
SELECT crm.gammagamma_fit(frequency, monetary_value) IS NULL AS no_repeaters_gg FROM cbs WHERE frequency = 0;
