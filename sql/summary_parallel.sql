-- crm.summary under forced-parallel plans: the plan has a Partial Aggregate,
-- and serial, parallel and merged-partial results are identical.
-- A synthetic log whose rows for each customer are scattered over the table,
-- so that every worker sees rows of most customers and states really merge.
CREATE TABLE par_log AS
SELECT (abs(hashint8(i)) % 500)::int AS customer_id,
       date '2023-01-01' + (abs(hashint8(i + 1000000)) % 700)::int AS purchased_on,
       (((i * 31) % 1000) / 10.0 - 5)::float8 AS amount         -- a few refunds (< 0)
FROM generate_series(1::bigint, 60000) AS i;
ANALYZE par_log;

-- a plpgsql helper: does the plan of a query contain a partial aggregate?
CREATE FUNCTION plan_has_partial_aggregate(query text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line ~ 'Partial (Hash|Group)?Aggregate' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;

CREATE TABLE serial_result AS
SELECT customer_id, crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week') AS s
FROM par_log GROUP BY customer_id;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

SELECT plan_has_partial_aggregate(
  $q$SELECT customer_id, crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week')
     FROM par_log GROUP BY customer_id$q$) AS grouped_partial;
SELECT plan_has_partial_aggregate(
  $q$SELECT crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week') FROM par_log$q$) AS plain_partial;

CREATE TABLE parallel_result AS
SELECT customer_id, crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week') AS s
FROM par_log GROUP BY customer_id;

-- integers exact; floating totals may differ in the last bit with the order of summation
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (p.s).n_periods <> (r.s).n_periods OR (p.s).n_transactions <> (r.s).n_transactions
                           OR (p.s).recency <> (r.s).recency OR (p.s).t <> (r.s).t
                           OR (p.s).first_purchase <> (r.s).first_purchase OR (p.s).days_since_last <> (r.s).days_since_last
                           OR abs((p.s).monetary_total - (r.s).monetary_total) > 1e-9 * abs((r.s).monetary_total)
                           OR abs((p.s).monetary_value - (r.s).monetary_value) > 1e-9 * abs((r.s).monetary_value)
                           OR abs((p.s).refund_total - (r.s).refund_total) > 1e-9 * abs((r.s).refund_total)) AS differing
FROM parallel_result p FULL JOIN serial_result r USING (customer_id);

-- one group over the whole table (every worker contributes to it)
SELECT (s).n_periods, (s).n_transactions, round((s).monetary_total::numeric, 6) AS monetary_total,
       round((s).refund_total::numeric, 6) AS refund_total
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week') AS s FROM par_log) q;
RESET max_parallel_workers_per_gather;
SELECT (s).n_periods, (s).n_transactions, round((s).monetary_total::numeric, 6) AS monetary_total,
       round((s).refund_total::numeric, 6) AS refund_total
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-30', interval '1 week') AS s FROM par_log) q;
SET max_parallel_workers_per_gather = 2;

-- calibration/holdout under a parallel plan equals the serial one
SELECT count(*) AS compared, count(*) FILTER (WHERE p IS DISTINCT FROM r) AS holdout_differing
FROM (SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '2024-01-31', date '2024-06-30', interval '1 day')).frequency_holdout AS p
      FROM par_log GROUP BY customer_id) a
JOIN (SELECT customer_id, count(DISTINCT purchased_on) AS r
      FROM par_log WHERE purchased_on > '2024-01-31' AND purchased_on <= '2024-06-30' AND amount >= 0
        AND customer_id IN (SELECT customer_id FROM par_log WHERE purchased_on <= '2024-01-31' AND amount >= 0)
      GROUP BY customer_id) b USING (customer_id);

-- partial states per "shard" (customer rows split three ways), merged, equal the whole
CREATE TABLE shard_states AS
SELECT customer_id, (purchased_on - date '2000-01-01') % 3 AS shard,
       crm.summary_partial(purchased_on, amount, date '2024-06-30', date '2024-06-30', interval '1 week', interval '1 day') AS state
FROM par_log GROUP BY customer_id, (purchased_on - date '2000-01-01') % 3;
SELECT count(*) AS merged_differing
FROM (SELECT customer_id, crm.summary_final(crm.summary_merge(state)) AS s FROM shard_states GROUP BY customer_id) m
JOIN serial_result r USING (customer_id)
WHERE (m.s).n_periods <> (r.s).n_periods OR (m.s).recency <> (r.s).recency
   OR abs((m.s).monetary_value - (r.s).monetary_value) > 1e-9 * abs((r.s).monetary_value);
-- the merge aggregate itself runs in parallel
SELECT plan_has_partial_aggregate($q$SELECT crm.summary_merge(state) FROM shard_states$q$) AS merge_partial;
SELECT (crm.summary_final(crm.summary_merge(state))).n_periods FROM shard_states WHERE customer_id = 7;
