-- The customer-value aggregates under forced-parallel plans, and partial
-- states merged across "shards": the plans have a Partial Aggregate, and
-- serial, parallel and merged results are identical (the exact text of the
-- values and models; the loyalty metrics' floating sums to 1e-12 relative).
-- 60,000 customers, values with many ties and many distinct ones, so that
-- every worker's state flushes its buffer many times.
CREATE SCHEMA value_parallel;
SET search_path = value_parallel, public;
CREATE TABLE vpar AS
SELECT i AS customer_id,
       round(((abs(hashint8(i)) % 200000) / 100.0)::numeric, 2)::float8 * (abs(hashint8(i + 7)) % 3) AS v,
       ((abs(hashint8(i + 1000000)) % 5000) / 10.0)::float8 - 100 AS p,
       (abs(hashint8(i + 2000000)) % 6)::float8 AS x
FROM generate_series(1::bigint, 60000) AS i;
ANALYZE vpar;
SELECT count(*) AS customers, count(DISTINCT v) AS distinct_values, count(*) FILTER (WHERE v = 0) AS zero_values
FROM vpar;

CREATE TABLE serial AS
SELECT crm.concentration_fit(v)::text AS c, crm.value_tier_fit(v)::text AS pyramid,
       crm.value_tier_fit(v, '{0.1,0.3,0.6,1}', '{a,b,c,d}')::text AS pyramid4, crm.abc_fit(v)::text AS abc,
       crm.abc_fit(v, 0.6, 0.9)::text AS abc2, crm.value_potential_fit(v, p)::text AS vp,
       crm.loyalty_metrics(x, x, 10 + x, v) AS metrics
FROM vpar;
CREATE TABLE serial_groups AS
SELECT customer_id % 5 AS g, crm.concentration_fit(v)::text AS c, crm.value_tier_fit(v)::text AS pyramid,
       crm.abc_fit(v)::text AS abc, crm.value_potential_fit(v, p)::text AS vp
FROM vpar GROUP BY 1;
SELECT crm.gini(c::crm.concentration) > 0 AS concentrated, crm.distinct_values(c::crm.concentration) FROM serial;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- the plans have a Partial Aggregate under a Gather (the grouped one: a
-- parallel scan under the aggregate)
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.concentration_fit(v) FROM vpar$q$) AS partial_aggregate;
SELECT plan_partial_aggregate($q$SELECT crm.value_tier_fit(v), crm.abc_fit(v), crm.value_potential_fit(v, p) FROM vpar$q$) AS partial_aggregate;
SELECT plan_partial_aggregate($q$SELECT crm.loyalty_metrics(x, x, 10 + x, v) FROM vpar$q$) AS partial_aggregate;
SELECT plan_parallel($q$SELECT customer_id % 5, crm.concentration_fit(v) FROM vpar GROUP BY 1$q$) AS parallel;

-- parallel = serial, exactly
SELECT p.c = s.c AS concentration, p.pyramid = s.pyramid AS pyramid, p.pyramid4 = s.pyramid4 AS pyramid4,
       p.abc = s.abc AS abc, p.abc2 = s.abc2 AS abc2, p.vp = s.vp AS value_potential,
       (p.metrics).customers = (s.metrics).customers AND (p.metrics).repeat_customers = (s.metrics).repeat_customers
       AND (p.metrics).repeat_purchases = (s.metrics).repeat_purchases AS metrics_counts,
       abs((p.metrics).average_order_value / (s.metrics).average_order_value - 1) < 1e-12
       AND abs((p.metrics).average_tenure / (s.metrics).average_tenure - 1) < 1e-12
       AND abs((p.metrics).average_interpurchase_time / (s.metrics).average_interpurchase_time - 1) < 1e-12 AS metrics_sums
FROM (SELECT crm.concentration_fit(v)::text AS c, crm.value_tier_fit(v)::text AS pyramid,
             crm.value_tier_fit(v, '{0.1,0.3,0.6,1}', '{a,b,c,d}')::text AS pyramid4, crm.abc_fit(v)::text AS abc,
             crm.abc_fit(v, 0.6, 0.9)::text AS abc2, crm.value_potential_fit(v, p)::text AS vp,
             crm.loyalty_metrics(x, x, 10 + x, v) AS metrics
      FROM vpar) p, serial s;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.c IS DISTINCT FROM s.c OR p.pyramid IS DISTINCT FROM s.pyramid
                        OR p.abc IS DISTINCT FROM s.abc OR p.vp IS DISTINCT FROM s.vp) AS differing
FROM (SELECT customer_id % 5 AS g, crm.concentration_fit(v)::text AS c, crm.value_tier_fit(v)::text AS pyramid,
             crm.abc_fit(v)::text AS abc, crm.value_potential_fit(v, p)::text AS vp
      FROM vpar GROUP BY 1) p FULL JOIN serial_groups s USING (g);

-- partial states per "shard" (7 shards) and per bucket of customers, merged
-- (in parallel too, and after a trip through their text form) = one pass
CREATE TABLE states AS
SELECT customer_id % 7 AS shard, customer_id % 40 AS bucket,
       crm.concentration_fit(v) AS c,
       crm.value_tier_fit_partial(v, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}') AS pyramid,
       crm.abc_fit_partial(v, 0.8, 0.95) AS abc,
       crm.value_potential_fit_partial(v, p) AS vp
FROM vpar GROUP BY 1, 2;
ANALYZE states;
SELECT plan_partial_aggregate($q$SELECT crm.concentration_merge(c), crm.value_fit_merge(pyramid) FROM states$q$) AS partial_aggregate;
SELECT crm.concentration_merge(st.c)::text = s.c AS concentration,
       crm.value_tier_fit_final(crm.value_fit_merge(st.pyramid))::text = s.pyramid AS pyramid,
       crm.value_tier_fit_final(crm.value_fit_merge(st.abc))::text = s.abc AS abc,
       crm.value_potential_fit_final(crm.value_fit_merge(st.vp))::text = s.vp AS value_potential
FROM states st, serial s GROUP BY s.c, s.pyramid, s.abc, s.vp;
SELECT crm.concentration_merge(st.c::text::crm.concentration)::text = s.c AS concentration,
       crm.value_tier_fit_final(crm.value_fit_merge(st.pyramid::text::crm.value_fit_state))::text = s.pyramid AS pyramid,
       crm.value_potential_fit_final(crm.value_fit_merge(st.vp::text::crm.value_fit_state))::text = s.vp AS value_potential
FROM states st, serial s GROUP BY s.c, s.pyramid, s.vp;
-- merged per shard first, then the shards' states merged
SELECT crm.concentration_merge(c)::text = (SELECT c FROM serial) AS two_level_merge
FROM (SELECT shard, crm.concentration_merge(c) AS c FROM states GROUP BY shard) q;
-- a finished value is compact: a 48-byte header and 16 bytes per distinct value
SELECT bool_and(pg_column_size(crm.concentration_final(c)) = 48 + 16 * crm.distinct_values(c)) AS concentration_is_compact,
       max(crm.distinct_values(c)) AS largest_distinct
FROM states;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- called directly, transition and combine functions leave their inputs unchanged
CREATE TABLE two AS
SELECT crm.concentration_fit(v) FILTER (WHERE customer_id <= 10) AS a,
       crm.concentration_fit(v) FILTER (WHERE customer_id > 10 AND customer_id <= 30) AS b,
       crm.value_potential_fit_partial(v, p) FILTER (WHERE customer_id <= 10) AS s
FROM vpar;
CREATE TABLE two_before AS SELECT a::text AS a, b::text AS b, s::text AS s FROM two;
SELECT crm.customers(crm.concentration_combine(a, b)) AS combined, crm.customers(crm.concentration_trans(a, 1)) AS added,
       crm.value_potential_fit_trans(s, 1, 2)::text <> s::text AS state_changed_copy
FROM two;
SELECT t.a::text = b.a AND t.b::text = b.b AND t.s::text = b.s AS inputs_unchanged FROM two t, two_before b;
