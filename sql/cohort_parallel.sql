-- crm.cohort_fit under forced-parallel plans: the plan has a Partial
-- Aggregate, and serial, parallel and merged-partial results are identical
-- (the exact text of the table).  A synthetic log whose rows for each
-- customer are scattered over the table, so that every worker sees rows of
-- most customers and states really merge; large enough that the states'
-- buffers are flushed and merged in place many times.
CREATE SCHEMA cohort_parallel;
SET search_path = cohort_parallel, public;
CREATE TABLE cpar_log AS
SELECT (abs(hashint8(i)) % 3000)::int AS customer_id,
       date '2023-01-01' + (abs(hashint8(i + 1000000)) % 700)::int AS event_on
FROM generate_series(1::bigint, 60000) AS i;
-- customers start at different times: drop each one's rows before its start
DELETE FROM cpar_log WHERE event_on < date '2023-01-01' + (customer_id * 7919) % 600;
ANALYZE cpar_log;


CREATE TABLE serial_result AS
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-09-15') AS t FROM cpar_log;
CREATE TABLE serial_segments AS
SELECT customer_id % 4 AS segment, crm.cohort_fit(customer_id, event_on, interval '1 week', date '2024-09-15') AS t
FROM cpar_log GROUP BY 1;
SELECT crm.cohort_customers(t), crm.cohort_through(t), (SELECT count(*) FROM crm.cohort_matrix(t)) AS cohorts
FROM serial_result;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- the plans have a Partial Aggregate
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-09-15') FROM cpar_log$q$) AS partial_aggregate;
SELECT plan_partial_aggregate($q$SELECT customer_id % 4, crm.cohort_fit(customer_id, event_on, interval '1 week', date '2024-09-15')
FROM cpar_log GROUP BY 1$q$) AS partial_aggregate;

SELECT t::text = (SELECT t::text FROM serial_result) AS parallel_equals_serial
FROM (SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-09-15') AS t FROM cpar_log) q;
SELECT count(*) AS segments, count(*) FILTER (WHERE p.t::text IS DISTINCT FROM s.t::text) AS differing
FROM (SELECT customer_id % 4 AS segment, crm.cohort_fit(customer_id, event_on, interval '1 week', date '2024-09-15') AS t
      FROM cpar_log GROUP BY 1) p
FULL JOIN serial_segments s USING (segment);
-- timestamptz events in parallel equal the date overload
SELECT crm.cohort_fit(customer_id, event_on::timestamptz, interval '1 month', timestamptz '2024-09-15 12:00')::text
       = (SELECT t::text FROM serial_result) AS tstz_parallel_equals_serial
FROM cpar_log;

-- every concrete customer id overload (and the anyelement one, numeric ids)
-- in parallel equals the serial integer table
SELECT id, p.t::text = (SELECT t::text FROM serial_result) AS parallel_equals_serial
FROM (SELECT 'smallint' AS id, crm.cohort_fit(customer_id::smallint, event_on, interval '1 month', date '2024-09-15') AS t FROM cpar_log
      UNION ALL SELECT 'bigint', crm.cohort_fit(customer_id::bigint, event_on, interval '1 month', date '2024-09-15') FROM cpar_log
      UNION ALL SELECT 'text', crm.cohort_fit('c-' || customer_id, event_on, interval '1 month', date '2024-09-15') FROM cpar_log
      UNION ALL SELECT 'uuid', crm.cohort_fit(md5(customer_id::text)::uuid, event_on, interval '1 month', date '2024-09-15') FROM cpar_log
      UNION ALL SELECT 'numeric', crm.cohort_fit(customer_id::numeric, event_on, interval '1 month', date '2024-09-15') FROM cpar_log
      UNION ALL SELECT 'text, partial', crm.cohort_final(crm.cohort_partial('c-' || customer_id, event_on::timestamptz, interval '1 month', timestamptz '2024-09-15 12:00')) FROM cpar_log) p
ORDER BY id;
EXPLAIN (COSTS OFF)
SELECT crm.cohort_fit('c-' || customer_id, event_on, interval '1 month', date '2024-09-15') FROM cpar_log;

-- partial states per "shard" (rows split five ways, so most customers are
-- in several shards) and per bucket of customers, merged (in parallel too),
-- equal one pass
CREATE TABLE cpar_states AS
SELECT (event_on - date '2000-01-01') % 5 AS shard, customer_id % 100 AS bucket,
       crm.cohort_partial(customer_id, event_on, interval '1 month', date '2024-09-15') AS s
FROM cpar_log GROUP BY 1, 2;
ANALYZE cpar_states;
SELECT plan_partial_aggregate($q$SELECT crm.cohort_merge(s) FROM cpar_states$q$) AS partial_aggregate;
SELECT crm.cohort_final(crm.cohort_merge(s))::text = (SELECT t::text FROM serial_result) AS merged_equals_one_pass
FROM cpar_states;
SELECT crm.cohort_final(crm.cohort_merge(s::text::crm.cohort_state))::text = (SELECT t::text FROM serial_result) AS shipped_as_text
FROM cpar_states;
-- a compacted partial state is 48 bytes + 12 per distinct customer-month
SELECT pg_column_size(s) AS state_bytes,
       48 + 12 * (SELECT count(*) FROM (SELECT DISTINCT customer_id, date_trunc('month', event_on)
                                        FROM cpar_log WHERE event_on <= '2024-08-31') d) AS expected_bytes
FROM (SELECT crm.cohort_partial(customer_id, event_on, interval '1 month', date '2024-09-15') AS s FROM cpar_log) q;

-- tables of disjoint customer sets (segments) summed, in parallel too, equal the whole
SELECT plan_partial_aggregate($q$SELECT crm.cohort_sum(t) FROM serial_segments$q$) AS partial_aggregate;
SELECT crm.cohort_sum(t)::text
     = (SELECT crm.cohort_fit(customer_id, event_on, interval '1 week', date '2024-09-15')::text FROM cpar_log) AS sum_equals_whole
FROM serial_segments;

RESET search_path;
DROP SCHEMA cohort_parallel CASCADE;
