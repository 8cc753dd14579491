-- The whole workflow on a messy log (issue 22): summary -> every fit ->
-- every prediction -> cohorts, RFM, value -> scorecard (full and
-- incremental) -> registry, on a seeded log of 20,000 customers made by
-- test/messy/generator.sql (zero and negative amounts, same-second duplicates,
-- NULL customers, amounts and times, DST changes, one-time buyers, thousands
-- of rows, purchases decades apart, $0 repeat purchases, rows after the
-- cut-off).  Asserted: every step completes; no output is NaN or infinite;
-- probabilities are in [0, 1], counts and values >= 0; every summarized
-- customer is scored; what a model skips is counted.  Everything printed is a
-- count or a rounded aggregate.
CREATE SCHEMA mw;
SET search_path = mw, public;
SET TimeZone = 'Europe/Berlin';
\i test/load/sqlstate_of.sql
-- the generator (not echoed: it is test/messy/generator.sql)
\set ECHO none
\set QUIET on
\i test/messy/generator.sql
\set QUIET off
\set ECHO all
CREATE TABLE messy_log AS SELECT * FROM messy.generate_log(20260622, 20000);
-- true for NaN and +-Infinity
CREATE FUNCTION nonfinite(float8) RETURNS boolean LANGUAGE sql IMMUTABLE
	RETURN $1 IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8);

-- ---------------------------------------------------------------------------
-- the log: is it as messy as real ones?
-- ---------------------------------------------------------------------------
SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers,
       round(100.0 * count(*) FILTER (WHERE customer_id IS NULL) / count(*), 1) AS pct_rows_no_customer,
       round(100.0 * count(*) FILTER (WHERE amount = 0) / count(*), 2) AS pct_zero_amounts,
       round(100.0 * count(*) FILTER (WHERE amount < 0) / count(*), 2) AS pct_refunds,
       count(*) FILTER (WHERE amount IS NULL) AS null_amounts,
       count(*) FILTER (WHERE purchased_at IS NULL) AS null_times,
       count(*) FILTER (WHERE purchased_on > date '2024-11-30') AS rows_after_cutoff,
       min(purchased_on) AS first_day, max(purchased_on) AS last_day
FROM messy_log;
-- purchases per customer: share of one-invoice customers, the heaviest
SELECT count(*) AS customers,
       round(100.0 * count(*) FILTER (WHERE invoices = 1) / count(*), 1) AS pct_one_invoice,
       max(invoices) AS max_invoices, max(rows) AS max_rows, max(days) AS max_days,
       count(*) FILTER (WHERE rows >= 1000) AS customers_1000_rows,
       round(max(span_days) / 365.25, 1) AS max_span_years
FROM (SELECT customer_id, count(DISTINCT invoice) AS invoices, count(*) AS rows, count(DISTINCT purchased_on) AS days,
             max(purchased_on) - min(purchased_on) AS span_days
      FROM messy_log WHERE customer_id IS NOT NULL GROUP BY customer_id) c;
-- same-second rows: exact duplicates, and lines sharing an invoice's second
SELECT sum(n - 1) AS duplicate_rows, count(*) FILTER (WHERE n > 1) AS duplicated_lines
FROM (SELECT count(*) AS n FROM messy_log GROUP BY messy_log.*) d;
SELECT count(*) AS same_second_groups, max(n) AS max_rows_in_one_second
FROM (SELECT count(*) AS n FROM messy_log WHERE customer_id IS NOT NULL
      GROUP BY customer_id, purchased_at HAVING count(*) > 1) d;
-- rows on the DST Sundays (both zones, 2022-2024)
SELECT zone, count(*) AS rows_on_dst_days
FROM messy_log
WHERE purchased_on IN ('2022-03-27', '2022-10-30', '2023-03-26', '2023-10-29', '2024-03-31', '2024-10-27',
                       '2022-03-13', '2022-11-06', '2023-03-12', '2023-11-05', '2024-03-10', '2024-11-03')
GROUP BY zone ORDER BY zone;
-- the generator is deterministic, and each customer's rows depend only on
-- the seed and the customer: a log of the first 2,000 customers has the same
-- rows for them (and for the special customers) as the whole log
CREATE TABLE small_log AS
SELECT * FROM messy.generate_log(20260622, 2000) WHERE customer_id IS NOT NULL;
SELECT count(*) AS rows_compared,
       (SELECT count(*) FROM ((SELECT * FROM small_log EXCEPT ALL SELECT * FROM messy_log)
                              UNION ALL (SELECT * FROM messy_log WHERE customer_id <= 12345 + 2000 OR customer_id > 1000000
                                         EXCEPT ALL SELECT * FROM small_log)) d) AS rows_differing
FROM small_log;

-- ---------------------------------------------------------------------------
-- summaries: timestamptz in days (Berlin), dates in weeks, months; as of
-- 2024-11-30 (Berlin: the day ends at 2024-12-01 00:00+01)
-- ---------------------------------------------------------------------------
-- (serial plans: these are the reference summaries.  A parallel plan, which
-- the planner picks or not depending on whether autovacuum has analyzed the
-- log yet, adds a customer's amounts in another order, and float8 sums then
-- differ in the last bit, e.g. whether an all-cancelled customer's net is
-- 0 or 1e-15 below; the parallel summaries are compared further down)
SET max_parallel_workers_per_gather = 0;
CREATE TABLE s_day AS
SELECT customer_id, (crm.summary(purchased_at, amount, timestamptz '2024-12-01 00:00:00+01', interval '1 day')).*
FROM messy_log GROUP BY customer_id;
CREATE TABLE s_week AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '2024-11-30', interval '1 week')).*
FROM messy_log GROUP BY customer_id;
CREATE TABLE s_month AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '2024-11-30', interval '1 month', interval '1 month')).*
FROM messy_log GROUP BY customer_id;
RESET max_parallel_workers_per_gather;
-- who has a summary: a customer id and a purchase (amount >= 0, not NULL)
-- up to the cut-off (for timestamptz rows: up to the instant as_of, for
-- dates: up to the day); the NULL customer id is one group of its own
CREATE TABLE expected_customers AS
SELECT u.unit_name, c.customer_id
FROM (SELECT customer_id, bool_or(purchased_at <= timestamptz '2024-12-01 00:00:00+01') AS by_time,
             bool_or(purchased_on <= date '2024-11-30') AS by_day
      FROM messy_log WHERE customer_id IS NOT NULL AND amount >= 0 GROUP BY customer_id) c,
     (VALUES ('day'), ('week'), ('month')) u(unit_name)
WHERE CASE WHEN u.unit_name = 'day' THEN c.by_time ELSE c.by_day END;
SELECT u.unit_name, count(*) FILTER (WHERE u.frequency IS NOT NULL AND u.customer_id IS NOT NULL) AS summarized,
       count(*) FILTER (WHERE u.frequency IS NULL AND u.customer_id IS NOT NULL) AS null_summaries,
       count(*) FILTER (WHERE u.frequency IS NOT NULL AND u.customer_id IS NULL) AS no_customer_group,
       (SELECT count(*) FROM expected_customers e WHERE e.unit_name = u.unit_name) AS expected,
       count(*) FILTER (WHERE u.frequency IS NOT NULL AND u.customer_id IS NOT NULL
                        AND (u.unit_name, u.customer_id) NOT IN (SELECT unit_name, customer_id FROM expected_customers)) AS unexpected
FROM (SELECT 'day' AS unit_name, customer_id, frequency FROM s_day
      UNION ALL SELECT 'week', customer_id, frequency FROM s_week
      UNION ALL SELECT 'month', customer_id, frequency FROM s_month) u
GROUP BY u.unit_name ORDER BY min(array_position('{day,week,month}', u.unit_name));
-- from here on, the customers with a summary (as the README says to filter)
DELETE FROM s_day WHERE customer_id IS NULL OR frequency IS NULL;
DELETE FROM s_week WHERE customer_id IS NULL OR frequency IS NULL;
DELETE FROM s_month WHERE customer_id IS NULL OR frequency IS NULL;
-- every field finite and in range: 0 <= t_x <= T, x <= n_periods - 1,
-- monetary >= 0, days since last >= 0
CREATE VIEW summaries AS
SELECT 'day' AS unit_name, 1 AS unit_order, * FROM s_day
UNION ALL SELECT 'week', 2, * FROM s_week
UNION ALL SELECT 'month', 3, * FROM s_month;
SELECT unit_name, count(*) AS customers,
       count(*) FILTER (WHERE nonfinite(recency) OR nonfinite(t) OR nonfinite(monetary_total) OR nonfinite(monetary_value)
                        OR nonfinite(refund_total)) AS nonfinite,
       count(*) FILTER (WHERE NOT (frequency >= 0 AND recency >= 0 AND recency <= t AND frequency = n_periods - 1
                                   AND n_transactions >= n_periods AND monetary_total >= 0 AND monetary_value >= 0
                                   AND refund_total >= 0 AND days_since_last >= 0
                                   AND (frequency > 0 OR (recency = 0 AND monetary_value = 0)))) AS out_of_range,
       count(*) FILTER (WHERE frequency = 0) AS one_period, max(frequency) AS max_x,
       round(max(t)::numeric, 0) AS max_t, count(*) FILTER (WHERE frequency > 0 AND monetary_value = 0) AS repeat_spend_zero,
       round(max(monetary_total)::numeric, 0) AS max_total, round(sum(refund_total)::numeric, 0) AS refunds
FROM summaries GROUP BY unit_name ORDER BY min(unit_order);
-- the same log read in New York: the timestamptz summary moves days, not customers
SET TimeZone = 'America/New_York';
CREATE TABLE s_day_ny AS
SELECT customer_id, (crm.summary(purchased_at, amount, timestamptz '2024-12-01 00:00:00+01', interval '1 day')).*
FROM messy_log WHERE customer_id IS NOT NULL GROUP BY customer_id;
SET TimeZone = 'Europe/Berlin';
SELECT count(*) AS customers, count(*) FILTER (WHERE n.frequency IS NULL) AS null_summaries,
       count(*) FILTER (WHERE n.first_purchase <> b.first_purchase OR n.last_purchase <> b.last_purchase) AS days_moved,
       count(*) FILTER (WHERE nonfinite(n.recency) OR nonfinite(n.t) OR n.recency > n.t OR n.recency < 0) AS bad
FROM s_day b JOIN s_day_ny n USING (customer_id);
-- forced-parallel plans give the same summaries and cohorts (partial states
-- of the messy customers merged across workers)
CREATE FUNCTION plan_is_partial(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN plan::text LIKE '%"Partial Mode": "Partial"%';
END $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT plan_is_partial($$SELECT customer_id, crm.summary(purchased_on, amount, date '2024-11-30', interval '1 week') FROM mw.messy_log GROUP BY customer_id$$) AS summary_partial,
       plan_is_partial($$SELECT crm.cohort_fit(customer_id, purchased_at, interval '1 month', timestamptz '2024-12-01 00:00:00+01') FROM mw.messy_log$$) AS cohort_partial;
CREATE TABLE s_week_parallel AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '2024-11-30', interval '1 week')).*
FROM messy_log GROUP BY customer_id;
CREATE TABLE cohort_parallel AS
SELECT crm.cohort_fit(customer_id, purchased_at, interval '1 month', timestamptz '2024-12-01 00:00:00+01') AS t FROM messy_log;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (p.first_purchase, p.last_purchase, p.n_transactions, p.n_periods, p.frequency, p.recency, p.t, p.days_since_last)
                        IS DISTINCT FROM (s.first_purchase, s.last_purchase, s.n_transactions, s.n_periods, s.frequency, s.recency, s.t, s.days_since_last)
                        OR abs(p.monetary_total - s.monetary_total) > 1e-9 * s.monetary_total
                        OR abs(p.monetary_value - s.monetary_value) > 1e-9 * s.monetary_value
                        OR abs(p.refund_total - s.refund_total) > 1e-9 * s.refund_total) AS mismatch
FROM s_week_parallel p JOIN s_week s USING (customer_id);
SELECT (SELECT t::text FROM cohort_parallel) = (SELECT crm.cohort_fit(customer_id, purchased_at, interval '1 month', timestamptz '2024-12-01 00:00:00+01')::text
                                                FROM messy_log) AS cohort_equal;
-- one NaN amount (a float column filled by a dataframe) is an error for the
-- whole log, as documented, not a NaN summary
SELECT sqlstate_of($$SELECT crm.summary(purchased_on, amount::float8, date '2024-11-30', interval '1 week')
                     FROM (SELECT * FROM mw.messy_log UNION ALL SELECT NULL, 12346, NULL, NULL, '2023-01-01', 1, NULL, 'NaN') l$$) AS nan_amount;
-- calibration to 2024-05-31 and holdout to 2024-11-30, weeks
CREATE TABLE s_holdout AS
SELECT customer_id, (crm.calibration_holdout(purchased_at, amount, timestamptz '2024-06-01 00:00:00+02',
                                             timestamptz '2024-12-01 00:00:00+01', interval '1 week')).*
FROM messy_log WHERE customer_id IS NOT NULL GROUP BY customer_id;
DELETE FROM s_holdout WHERE frequency IS NULL;
SELECT count(*) AS customers, sum(frequency_holdout) AS holdout_purchases,
       count(*) FILTER (WHERE nonfinite(monetary_value_holdout) OR nonfinite(duration_holdout)
                        OR frequency_holdout < 0 OR monetary_value_holdout < 0) AS bad,
       count(DISTINCT duration_holdout) AS durations, round(min(duration_holdout)::numeric, 2) AS duration_weeks
FROM s_holdout;

-- ---------------------------------------------------------------------------
-- every fit, in each unit (the models record the unit of the summaries)
-- ---------------------------------------------------------------------------
CREATE TABLE bg_fits AS SELECT unit_name, crm.bgnbd_fit(frequency, recency, t, unit) AS m FROM summaries GROUP BY unit_name;
CREATE TABLE mbg_fits AS SELECT unit_name, crm.mbgnbd_fit(frequency, recency, t, unit) AS m FROM summaries GROUP BY unit_name;
CREATE TABLE pnbd_fits AS SELECT unit_name, crm.paretonbd_fit(frequency, recency, t, unit) AS m FROM summaries GROUP BY unit_name;
-- (one unit at a time, so that the spend fit's notices come in this order)
CREATE TABLE gg_fits (unit_name text, m crm.gammagamma);
INSERT INTO gg_fits SELECT 'day', crm.gammagamma_fit(frequency, monetary_value, unit) FROM s_day;
INSERT INTO gg_fits SELECT 'week', crm.gammagamma_fit(frequency, monetary_value, unit) FROM s_week;
INSERT INTO gg_fits SELECT 'month', crm.gammagamma_fit(frequency, monetary_value, unit) FROM s_month;
CREATE TABLE unit_counts AS
SELECT unit_name, count(*) AS customers, count(*) FILTER (WHERE frequency > 0 AND monetary_value > 0) AS positive_repeaters
FROM summaries GROUP BY unit_name;
-- fitted on every customer (the spend model: on the repeaters with a
-- positive mean spend; the ones with a mean spend of 0 are skipped and
-- counted); every statistic finite (the log-likelihood of the purchase
-- models is a density in the unit of time, so it may be positive)
SELECT f.unit_name, 'bgnbd' AS model, crm.unit(m) AS unit, crm.converged(m) AS converged, crm.customers(m) AS customers,
       (SELECT customers FROM unit_counts c WHERE c.unit_name = f.unit_name) AS expected, crm.skipped(m) AS skipped,
       NOT nonfinite(crm.loglik(m)) AS ll_ok,
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0 OR nonfinite(p.std_error)) AS bad_parameters
FROM bg_fits f
UNION ALL
SELECT f.unit_name, 'mbgnbd', crm.unit(m), crm.converged(m), crm.customers(m), (SELECT customers FROM unit_counts c WHERE c.unit_name = f.unit_name), crm.skipped(m),
       NOT nonfinite(crm.loglik(m)),
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0 OR nonfinite(p.std_error))
FROM mbg_fits f
UNION ALL
SELECT f.unit_name, 'paretonbd', crm.unit(m), crm.converged(m), crm.customers(m), (SELECT customers FROM unit_counts c WHERE c.unit_name = f.unit_name), crm.skipped(m),
       NOT nonfinite(crm.loglik(m)),
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0 OR nonfinite(p.std_error))
FROM pnbd_fits f
UNION ALL
SELECT f.unit_name, 'gammagamma', crm.unit(m), crm.converged(m), crm.customers(m),
       (SELECT positive_repeaters FROM unit_counts c WHERE c.unit_name = f.unit_name),
       crm.skipped(m),
       NOT nonfinite(crm.loglik(m)),
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0 OR nonfinite(p.std_error))
FROM gg_fits f
ORDER BY 2, 1;
-- the repeaters with a mean repeat spend of 0, which the spend model skips
SELECT unit_name, count(*) AS repeat_spend_zero FROM summaries WHERE frequency > 0 AND monetary_value = 0
GROUP BY unit_name ORDER BY min(unit_order);
-- the parameters, to 2 significant digits
SELECT f.unit_name, 'bgnbd' AS model, p.parameter, round(p.estimate::numeric, 1 - floor(log(p.estimate::numeric))::int) AS estimate
FROM bg_fits f, crm.parameters(m) p
UNION ALL SELECT f.unit_name, 'mbgnbd', p.parameter, round(p.estimate::numeric, 1 - floor(log(p.estimate::numeric))::int) FROM mbg_fits f, crm.parameters(m) p
UNION ALL SELECT f.unit_name, 'paretonbd', p.parameter, round(p.estimate::numeric, 1 - floor(log(p.estimate::numeric))::int) FROM pnbd_fits f, crm.parameters(m) p
UNION ALL SELECT f.unit_name, 'gammagamma', p.parameter, round(p.estimate::numeric, 1 - floor(log(p.estimate::numeric))::int) FROM gg_fits f, crm.parameters(m) p
ORDER BY 2, 1, 3;

-- ---------------------------------------------------------------------------
-- every prediction on every customer, in each unit (horizon one year,
-- discount rate 10 % a year)
-- ---------------------------------------------------------------------------
CREATE TABLE units AS
SELECT * FROM (VALUES ('day', 365.0::float8, 0.000261158::float8), ('week', 52.0, 0.00183), ('month', 12.0, 0.00797)) u(unit_name, horizon, rate);
CREATE TABLE scores AS
SELECT s.unit_name, s.customer_id, s.frequency AS x, s.monetary_value AS m,
       crm.p_alive(bg.m, s.frequency, s.recency, s.t) AS bg_p_alive,
       crm.expected_purchases(bg.m, u.horizon, s.frequency, s.recency, s.t) AS bg_purchases,
       crm.loglik(bg.m, s.frequency, s.recency, s.t) AS bg_loglik,
       crm.p_alive(mbg.m, s.frequency, s.recency, s.t) AS mbg_p_alive,
       crm.expected_purchases(mbg.m, u.horizon, s.frequency, s.recency, s.t) AS mbg_purchases,
       crm.loglik(mbg.m, s.frequency, s.recency, s.t) AS mbg_loglik,
       crm.p_alive(pnbd.m, s.frequency, s.recency, s.t) AS pnbd_p_alive,
       crm.expected_purchases(pnbd.m, u.horizon, s.frequency, s.recency, s.t) AS pnbd_purchases,
       crm.loglik(pnbd.m, s.frequency, s.recency, s.t) AS pnbd_loglik,
       crm.dert(pnbd.m, s.frequency, s.recency, s.t, u.rate) AS pnbd_dert
FROM summaries s JOIN units u USING (unit_name) JOIN bg_fits bg USING (unit_name)
     JOIN mbg_fits mbg USING (unit_name) JOIN pnbd_fits pnbd USING (unit_name);
SELECT unit_name, count(*) AS scored,
       count(*) FILTER (WHERE bg_p_alive IS NULL OR bg_purchases IS NULL OR bg_loglik IS NULL OR mbg_p_alive IS NULL
                        OR mbg_purchases IS NULL OR mbg_loglik IS NULL OR pnbd_p_alive IS NULL OR pnbd_purchases IS NULL
                        OR pnbd_loglik IS NULL OR pnbd_dert IS NULL) AS nulls,
       count(*) FILTER (WHERE nonfinite(bg_p_alive) OR nonfinite(bg_purchases) OR nonfinite(bg_loglik) OR nonfinite(mbg_p_alive)
                        OR nonfinite(mbg_purchases) OR nonfinite(mbg_loglik) OR nonfinite(pnbd_p_alive)
                        OR nonfinite(pnbd_purchases) OR nonfinite(pnbd_loglik) OR nonfinite(pnbd_dert)) AS nonfinite,
       count(*) FILTER (WHERE bg_p_alive NOT BETWEEN 0 AND 1 OR mbg_p_alive NOT BETWEEN 0 AND 1
                        OR pnbd_p_alive NOT BETWEEN 0 AND 1) AS p_alive_out_of_range,
       count(*) FILTER (WHERE bg_purchases < 0 OR mbg_purchases < 0 OR pnbd_purchases < 0 OR pnbd_dert < 0) AS out_of_range,
       round(avg(bg_p_alive)::numeric, 2) AS avg_p_alive, round(avg(bg_purchases)::numeric, 1) AS avg_purchases,
       round((sum(bg_loglik) / (SELECT crm.loglik(m) FROM bg_fits f WHERE f.unit_name = sc.unit_name))::numeric, 6) AS ll_ratio
FROM scores sc GROUP BY unit_name ORDER BY min(array_position('{day,week,month}', unit_name));
-- spend and CLV: a number for every customer, $0 repeat buyers included
CREATE TABLE spend_scores AS
SELECT s.unit_name, s.customer_id, s.frequency AS x, s.monetary_value AS m,
       crm.expected_spend(gg.m, s.frequency, s.monetary_value) AS spend,
       crm.clv(bg.m, gg.m, s.frequency, s.recency, s.t, s.monetary_value, u.horizon, u.rate) AS bg_clv,
       crm.clv(mbg.m, gg.m, s.frequency, s.recency, s.t, s.monetary_value, u.horizon, u.rate, 0.3) AS mbg_clv,
       crm.clv(pnbd.m, gg.m, s.frequency, s.recency, s.t, s.monetary_value, u.horizon, u.rate) AS pnbd_clv,
       crm.clv(bg.m, s.frequency, s.recency, s.t, s.monetary_value, u.horizon, u.rate) AS bg_clv_given_spend
FROM summaries s JOIN units u USING (unit_name) JOIN bg_fits bg USING (unit_name) JOIN mbg_fits mbg USING (unit_name)
     JOIN pnbd_fits pnbd USING (unit_name) JOIN gg_fits gg USING (unit_name);
SELECT unit_name, count(*) AS scored,
       count(*) FILTER (WHERE spend IS NULL OR bg_clv IS NULL OR mbg_clv IS NULL OR pnbd_clv IS NULL OR bg_clv_given_spend IS NULL) AS nulls,
       count(*) FILTER (WHERE nonfinite(spend) OR nonfinite(bg_clv) OR nonfinite(mbg_clv) OR nonfinite(pnbd_clv)
                        OR nonfinite(bg_clv_given_spend)) AS nonfinite,
       count(*) FILTER (WHERE spend < 0 OR bg_clv < 0 OR mbg_clv < 0 OR pnbd_clv < 0 OR bg_clv_given_spend < 0) AS negative,
       count(*) FILTER (WHERE x > 0 AND m = 0) AS repeat_spend_zero,
       count(*) FILTER (WHERE x > 0 AND m = 0 AND spend > 0 AND bg_clv >= 0) AS repeat_spend_zero_valued
FROM spend_scores GROUP BY unit_name ORDER BY min(array_position('{day,week,month}', unit_name));
-- the scorers that take a customer summary check its unit against the
-- model's and convert interval horizons: the same numbers as above, and a
-- model of another unit is refused
CREATE TABLE summary_scores AS
SELECT s.unit_name, s.customer_id,
       crm.p_alive(bg.m, r.s) AS p_alive, crm.expected_purchases(bg.m, h.horizon, r.s) AS purchases,
       crm.p_alive(pnbd.m, r.s) AS pnbd_p_alive, crm.expected_purchases(mbg.m, h.horizon, r.s) AS mbg_purchases,
       crm.expected_spend(gg.m, r.s) AS spend, crm.clv(bg.m, gg.m, r.s, h.horizon, u.rate, 1) AS clv
FROM summaries s JOIN units u USING (unit_name) JOIN bg_fits bg USING (unit_name) JOIN mbg_fits mbg USING (unit_name)
     JOIN pnbd_fits pnbd USING (unit_name) JOIN gg_fits gg USING (unit_name)
     JOIN (VALUES ('day', interval '365 days'), ('week', interval '52 weeks'), ('month', interval '1 year')) h(unit_name, horizon) USING (unit_name),
     LATERAL (SELECT ROW(s.first_purchase, s.last_purchase, s.n_transactions, s.n_periods, s.frequency, s.recency, s.t, s.monetary_total,
                         s.monetary_value, s.days_since_last, s.refund_total, s.unit)::crm.customer_summary AS s) r
WHERE s.unit_name = 'week';
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (a.p_alive, a.purchases, a.pnbd_p_alive, a.mbg_purchases)
                        IS DISTINCT FROM (b.bg_p_alive, b.bg_purchases, b.pnbd_p_alive, b.mbg_purchases)) AS purchase_mismatch,
       count(*) FILTER (WHERE (a.spend, a.clv) IS DISTINCT FROM (c.spend, c.bg_clv)) AS spend_mismatch
FROM summary_scores a JOIN scores b USING (unit_name, customer_id) JOIN spend_scores c USING (unit_name, customer_id);
SELECT sqlstate_of($$SELECT crm.p_alive(f.m, ROW(s.first_purchase, s.last_purchase, s.n_transactions, s.n_periods, s.frequency, s.recency, s.t,
                                                s.monetary_total, s.monetary_value, s.days_since_last, s.refund_total, s.unit)::crm.customer_summary)
                     FROM mw.s_day s, mw.bg_fits f WHERE f.unit_name = 'week'$$) AS weekly_model_daily_summary;
-- a new customer: E[X(t)] and P(X(t) = n) over n = 0 .. 200 sum to at most 1
SELECT f.unit_name,
       (SELECT count(*) FROM unnest(ARRAY[0, 1, u.horizon, 10 * u.horizon, 100 * u.horizon]) h
        WHERE nonfinite(crm.expected_purchases(f.m, h)) OR crm.expected_purchases(f.m, h) < 0) AS bad_expected,
       (SELECT count(*) FROM generate_series(0, 200) n
        WHERE nonfinite(crm.purchase_probability(f.m, n, u.horizon)) OR crm.purchase_probability(f.m, n, u.horizon) NOT BETWEEN 0 AND 1) AS bad_pmf,
       (SELECT round(sum(crm.purchase_probability(f.m, n, u.horizon))::numeric, 2) <= 1 FROM generate_series(0, 200) n) AS pmf_sum_ok
FROM bg_fits f JOIN units u USING (unit_name) ORDER BY array_position('{day,week,month}', f.unit_name);

-- ---------------------------------------------------------------------------
-- BG/BB on monthly opportunities, sBG on months of tenure, Kaplan-Meier
-- ---------------------------------------------------------------------------
-- (x repeat months, the last t_x months after the first, of n = T months
-- since: customers whose first month is November 2024 have had no
-- opportunity yet, n = 0, and contribute a likelihood of 1)
SELECT count(*) FILTER (WHERE t = 0) AS no_opportunity_yet, max(t) AS max_opportunities FROM s_month;
CREATE TABLE bgbb_fit AS SELECT crm.bgbb_fit(frequency, recency, t) AS m FROM s_month;
SELECT crm.converged(m) AS converged, crm.customers(m) + crm.skipped(m) = (SELECT count(*) FROM s_month) AS all_customers_counted,
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0) AS bad_parameters
FROM bgbb_fit;
SELECT count(*) AS scored, count(*) FILTER (WHERE p IS NULL OR e IS NULL OR d IS NULL OR ll IS NULL) AS nulls,
       count(*) FILTER (WHERE nonfinite(p) OR p NOT BETWEEN 0 AND 1) AS bad_p_alive,
       count(*) FILTER (WHERE nonfinite(e) OR e < 0 OR e > 12) AS bad_expected,
       count(*) FILTER (WHERE nonfinite(d) OR d < 0) AS bad_dert,
       count(*) FILTER (WHERE nonfinite(ll) OR ll > 0) AS bad_loglik
FROM (SELECT crm.p_alive(f.m, s.frequency, s.recency, s.t) AS p, crm.expected_purchases(f.m, 12, s.frequency, s.recency, s.t) AS e,
             crm.dert(f.m, s.frequency, s.recency, s.t, 0.00797) AS d, crm.loglik(f.m, s.frequency, s.recency, s.t) AS ll
      FROM s_month s, bgbb_fit f) b;
-- sBG: months from the first to the last purchase month as tenure; churned
-- when the last purchase is more than 180 days old
CREATE TABLE tenures AS
SELECT customer_id, (recency + 1)::integer AS tenure, days_since_last > 180 AS churned FROM s_month;
CREATE TABLE sbg_fit AS SELECT crm.sbg_fit(tenure, churned) AS m FROM tenures;
SELECT crm.converged(m) AS converged, crm.customers(m) AS customers,
       (SELECT count(*) FROM crm.parameters(m) p WHERE nonfinite(p.estimate) OR p.estimate <= 0) AS bad_parameters,
       (SELECT count(*) FROM generate_series(0, 600) t
        WHERE nonfinite(crm.survival(m, t)) OR crm.survival(m, t) NOT BETWEEN 0 AND 1
           OR (t > 0 AND (crm.retention_rate(m, t) NOT BETWEEN 0 AND 1 OR crm.churn_probability(m, t) NOT BETWEEN 0 AND 1))) AS bad_curve,
       NOT nonfinite(crm.del(m, 0.00797)) AND crm.del(m, 0.00797) >= 1 AS del_ok
FROM sbg_fit;
-- (DERL depends on the tenure only: once per distinct tenure)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE d IS NULL OR nonfinite(d) OR d < 0 OR nonfinite(ll) OR ll > 0) AS bad
FROM (SELECT d.d, crm.loglik(f.m, t.tenure, t.churned) AS ll
      FROM tenures t, sbg_fit f,
           (SELECT u.tenure, crm.derl(g.m, u.tenure - 1, 0.00797) AS d FROM (SELECT DISTINCT tenure FROM tenures) u, sbg_fit g OFFSET 0) d
      WHERE d.tenure = t.tenure) x;
-- Kaplan-Meier of the days from first to last purchase
CREATE TABLE km AS
SELECT crm.km_fit((last_purchase - first_purchase)::float8, days_since_last > 180) AS s FROM s_day;
SELECT (s::jsonb ->> 'n')::bigint = (SELECT count(*) FROM s_day) AS all_customers,
       (SELECT count(*) FROM crm.survival_table(s) st
        WHERE st.survival NOT BETWEEN 0 AND 1 OR nonfinite(st.survival) OR nonfinite(st.std_err)
           OR st.lower > st.survival OR st.upper < st.survival OR st.n_risk < st.n_event) AS bad_rows,
       crm.median_survival(s) IS NULL OR NOT nonfinite(crm.median_survival(s)) AS median_ok,
       crm.survival_at(s, 17000) BETWEEN 0 AND 1 AS long_tail_ok
FROM km;

-- ---------------------------------------------------------------------------
-- cohorts: monthly on timestamps (bigint ids), quarterly on dates (text
-- ids); daily cohorts from 1975 on are beyond the documented 5,000 periods
-- ---------------------------------------------------------------------------
CREATE TABLE cohorts AS
SELECT crm.cohort_fit(customer_id, purchased_at, interval '1 month', timestamptz '2024-12-01 00:00:00+01') AS month_ts,
       crm.cohort_fit(customer_id::text, purchased_on, interval '3 months', date '2024-11-30') AS quarter_date
FROM messy_log;
-- every customer with an event (any amount) in the window: through November
-- (as_of completes it), through the last complete quarter (September)
SELECT crm.cohort_customers(month_ts) AS month_customers,
       (SELECT count(DISTINCT customer_id) FROM messy_log WHERE purchased_at < timestamptz '2024-12-01 00:00:00+01') AS expected,
       crm.cohort_through(month_ts) AS month_through,
       crm.cohort_customers(quarter_date) AS quarter_customers,
       (SELECT count(DISTINCT customer_id) FROM messy_log WHERE purchased_on <= date '2024-09-30') AS expected,
       crm.cohort_through(quarter_date) AS quarter_through
FROM cohorts;
SELECT count(*) AS cells,
       count(*) FILTER (WHERE r.retention NOT BETWEEN 0 AND 1 OR r.retention_unbounded NOT BETWEEN 0 AND 1
                        OR r.active > r.cohort_size OR r.retained > r.cohort_size OR r.active > r.retained
                        OR nonfinite(r.retention) OR nonfinite(r.retention_unbounded)) AS bad_cells,
       count(DISTINCT r.cohort) AS cohorts, min(r.cohort) AS first_cohort
FROM cohorts, crm.cohort_retention(month_ts) r;
SELECT count(*) AS periods, count(*) FILTER (WHERE nonfinite(p.crr) OR nonfinite(p.churn_rate) OR p.crr < 0) AS bad_periods,
       (SELECT count(*) FROM cohorts, crm.average_retention(quarter_date) a
        WHERE a.retention NOT BETWEEN 0 AND 1 OR nonfinite(a.retention)) AS bad_average,
       (SELECT count(*) FROM cohorts, crm.cohort_matrix(quarter_date) q) AS quarter_cohorts
FROM cohorts, crm.period_retention(month_ts) p;
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 day', date '2024-11-30') FROM mw.messy_log$$) AS daily_since_1975;

-- ---------------------------------------------------------------------------
-- RFM: fitted quintiles, scores and segments of every customer
-- ---------------------------------------------------------------------------
CREATE TABLE rfm AS SELECT crm.rfm_fit(days_since_last, n_transactions, monetary_total) AS m FROM s_day;
SELECT crm.rfm_customers(m) = (SELECT count(*) FROM s_day) AS all_customers, crm.rfm_bins(m) AS bins FROM rfm;
CREATE TABLE rfm_scores AS
SELECT s.customer_id, crm.rfm_score(r.m, s.days_since_last, s.n_transactions, s.monetary_total) AS score FROM s_day s, rfm r;
SELECT count(*) AS scored, count(*) FILTER (WHERE score IS NULL) AS nulls,
       count(*) FILTER (WHERE crm.r(score) NOT BETWEEN 1 AND 5 OR crm.f(score) NOT BETWEEN 1 AND 5 OR crm.m(score) NOT BETWEEN 1 AND 5) AS out_of_range,
       count(DISTINCT crm.rfm_segment(score)) AS segments, count(DISTINCT score) AS cells
FROM rfm_scores;

-- ---------------------------------------------------------------------------
-- value: concentration, pyramid and ABC classes, value x potential, loyalty
-- ---------------------------------------------------------------------------
CREATE TABLE value_models AS
SELECT crm.concentration_fit(s.monetary_total) AS spend_concentration,
       crm.concentration_fit(c.bg_clv) AS clv_concentration,
       crm.value_tier_fit(c.bg_clv) AS clv_pyramid,
       crm.abc_fit(s.monetary_total) AS spend_abc,
       crm.value_potential_fit(s.monetary_total, c.bg_clv) AS value_potential
FROM s_week s JOIN spend_scores c ON c.unit_name = 'week' AND c.customer_id = s.customer_id;
SELECT crm.customers(spend_concentration) AS customers,
       round(crm.gini(spend_concentration)::numeric, 2) AS spend_gini, round(crm.top_share(spend_concentration, 0.2)::numeric, 2) AS spend_top20,
       crm.gini(clv_concentration) BETWEEN 0 AND 1 AS clv_gini_ok,
       (SELECT count(*) FROM crm.lorenz(spend_concentration, 101) l
        WHERE l.value_share NOT BETWEEN 0 AND 1 OR nonfinite(l.value_share)) AS bad_lorenz,
       crm.customers(clv_pyramid) AS pyramid_customers, crm.customers(spend_abc) AS abc_customers,
       crm.customers(value_potential) AS value_potential_customers
FROM value_models;
-- net revenue (purchases less refunds) is negative for a customer whose
-- refunds exceed the purchases, and a few 1e-15 below 0 for one whose orders
-- were all cancelled (the summary's sums are float8: decimal amounts that
-- cancel exactly need not cancel in binary); the share-based value fits
-- skip such customers, count them and say so in one NOTICE
SELECT count(*) FILTER (WHERE monetary_total - refund_total < 0) AS net_negative,
       count(*) FILTER (WHERE monetary_total - refund_total < 0 AND monetary_total - refund_total > -0.005) AS net_negative_below_a_cent,
       (SELECT crm.customers(crm.concentration_fit(monetary_total - refund_total)) FROM mw.s_week) AS net_concentration_customers
FROM s_week;
SELECT t.name, t.customers, round(t.customer_share::numeric, 2) AS customer_share
FROM value_models, crm.value_tiers(clv_pyramid) t ORDER BY t.tier;
SELECT crm.abc_class(v.spend_abc, s.monetary_total) AS class, count(*) AS customers
FROM s_week s, value_models v GROUP BY 1 ORDER BY 1;
SELECT crm.value_potential(v.value_potential, s.monetary_total, c.bg_clv) IS NULL AS unclassified, count(*) AS customers
FROM s_week s JOIN spend_scores c ON c.unit_name = 'week' AND c.customer_id = s.customer_id, value_models v GROUP BY 1;
SELECT l.customers, l.repeat_customers, round(l.repeat_purchase_rate::numeric, 2) AS repeat_rate,
       NOT (nonfinite(l.purchases_per_customer) OR nonfinite(l.average_order_value) OR nonfinite(l.average_interpurchase_time)
            OR nonfinite(l.average_recency) OR nonfinite(l.average_tenure)) AS finite
FROM (SELECT (crm.loyalty_metrics(frequency, recency, t, monetary_value)).* FROM s_week) l;

-- ---------------------------------------------------------------------------
-- the scorecard on the timestamps (their days in Berlin), weekly: full, then
-- incremental through 2024-05-31 and on to 2024-11-30
-- ---------------------------------------------------------------------------
CALL crm.refresh_scorecard('messy_log', 'customer_id', 'purchased_at', 'amount', '2024-11-30', '1 week', 'sc_full',
                           horizon => 52, discount_rate => 0.00183);
-- the scorecard reads the calendar day of each timestamp in the session's
-- time zone (Berlin), the amounts as float8: these are its summaries (the
-- sums within 1e-9 relative: float8 sums depend on the order of the rows,
-- which a parallel plan changes)
CREATE TABLE s_scorecard AS
SELECT customer_id, (crm.summary((purchased_at)::date, amount::float8, date '2024-11-30', interval '1 week')).*
FROM messy_log WHERE customer_id IS NOT NULL GROUP BY customer_id;
DELETE FROM s_scorecard WHERE frequency IS NULL;
SELECT count(*) AS customers, (SELECT count(*) FROM s_scorecard) AS summarized,
       count(*) FILTER (WHERE customer_id NOT IN (SELECT customer_id FROM s_scorecard)) AS unknown,
       count(*) FILTER (WHERE nonfinite(recency) OR nonfinite(t) OR nonfinite(monetary_total) OR nonfinite(monetary_value)
                        OR nonfinite(refund_total) OR nonfinite(p_alive) OR nonfinite(expected_purchases)
                        OR nonfinite(expected_spend) OR nonfinite(clv)) AS nonfinite,
       count(*) FILTER (WHERE p_alive NOT BETWEEN 0 AND 1 OR expected_purchases < 0 OR expected_spend < 0 OR clv < 0) AS out_of_range,
       count(*) FILTER (WHERE rfm IS NULL OR rfm_segment IS NULL OR value_tier IS NULL) AS unsegmented,
       count(*) FILTER (WHERE (p_alive IS NULL OR expected_purchases IS NULL OR expected_spend IS NULL OR clv IS NULL)
                        AND score_note IS NULL) AS null_score_without_note
FROM sc_full;
SELECT count(*) FILTER (WHERE (s.first_purchase, s.last_purchase, s.n_transactions, s.frequency, s.recency, s.t, s.days_since_last)
                        IS DISTINCT FROM (w.first_purchase, w.last_purchase, w.n_transactions, w.frequency, w.recency, w.t, w.days_since_last)
                        OR abs(s.monetary_total - w.monetary_total) > 1e-9 * w.monetary_total
                        OR abs(s.refund_total - w.refund_total) > 1e-9 * w.refund_total) AS summary_mismatch
FROM sc_full s JOIN s_scorecard w USING (customer_id);
-- the models it fitted and registered: every customer, the spend model
-- without the $0 repeat buyers
SELECT kind, input_rows, note FROM crm.model_registry WHERE scope = 'mw.sc_full' ORDER BY kind;
SELECT crm.customers(crm.latest_bgnbd('mw.sc_full')) AS bgnbd_customers,
       crm.customers(crm.latest_gammagamma('mw.sc_full')) AS gammagamma_customers,
       (SELECT count(*) FROM s_scorecard WHERE frequency > 0 AND monetary_value > 0) AS positive_repeaters;
-- what it could not score, and why
SELECT score_note, count(*) AS customers FROM sc_full WHERE score_note IS NOT NULL GROUP BY 1 ORDER BY 1;
SELECT value_tier, count(*) AS customers FROM sc_full GROUP BY 1 ORDER BY min(clv) DESC;
-- incremental: through 2024-05-31, then on to 2024-11-30, equals the full one
CALL crm.refresh_scorecard('messy_log', 'customer_id', 'purchased_at', 'amount', '2024-05-31', '1 week', 'sc_inc',
                           horizon => 52, discount_rate => 0.00183, incremental => true);
CALL crm.refresh_scorecard('messy_log', 'customer_id', 'purchased_at', 'amount', '2024-11-30', '1 week', 'sc_inc',
                           horizon => 52, discount_rate => 0.00183, incremental => true, refit => true);
SELECT count(*) AS customers, (SELECT count(*) FROM sc_full) - count(*) AS missing,
       count(*) FILTER (WHERE (i.frequency, i.recency, i.t, i.n_transactions, i.days_since_last, i.rfm, i.p_alive, i.expected_purchases, i.value_tier)
                        IS DISTINCT FROM (f.frequency, f.recency, f.t, f.n_transactions, f.days_since_last, f.rfm, f.p_alive, f.expected_purchases, f.value_tier)) AS exact_mismatch,
       count(*) FILTER (WHERE NOT (abs(i.monetary_total - f.monetary_total) <= 1e-9 * abs(f.monetary_total)
                                   AND abs(i.expected_spend - f.expected_spend) <= 1e-9 * abs(f.expected_spend)
                                   AND abs(i.clv - f.clv) <= 1e-9 * abs(f.clv))) AS spend_mismatch
FROM sc_inc i JOIN sc_full f USING (customer_id);

-- text customer ids (NULL where the log has none) and local timestamps
-- without time zone, in days
CREATE TABLE log_text AS
SELECT 'C' || customer_id AS customer_code, purchased_at AT TIME ZONE zone AS local_time, amount FROM messy_log;
CALL crm.refresh_scorecard('log_text', 'customer_code', 'local_time', 'amount', '2024-11-30', '1 day', 'sc_text',
                           horizon => 365, discount_rate => 0.000261158);
SELECT count(*) AS customers, (SELECT count(*) FROM s_week) AS summarized, count(*) FILTER (WHERE customer_id IS NULL) AS null_ids,
       count(*) FILTER (WHERE p_alive IS NULL OR expected_purchases IS NULL OR expected_spend IS NULL OR clv IS NULL) AS null_scores,
       count(*) FILTER (WHERE nonfinite(p_alive) OR nonfinite(expected_purchases) OR nonfinite(expected_spend) OR nonfinite(clv)
                        OR p_alive NOT BETWEEN 0 AND 1 OR expected_purchases < 0 OR expected_spend < 0 OR clv < 0) AS bad
FROM sc_text;
-- the scorecard merges purchases per day, so its unit has a fixed length
SELECT sqlstate_of($$CALL crm.refresh_scorecard('mw.messy_log', 'customer_id', 'purchased_on', 'amount', '2024-11-30', '1 month', 'mw.sc_month')$$) AS monthly_scorecard;

-- ---------------------------------------------------------------------------
-- the registry: every fitted model registered and read back exactly
-- ---------------------------------------------------------------------------
SELECT count(*) AS registered FROM (
	SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy ' || unit_name) FROM bg_fits
	UNION ALL SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy ' || unit_name) FROM mbg_fits
	UNION ALL SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy ' || unit_name) FROM pnbd_fits
	UNION ALL SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy ' || unit_name) FROM gg_fits
) r;
SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy month') > 0 AS registered FROM bgbb_fit;
SELECT count(*) AS registered FROM (
	SELECT crm.register_model(m, date '2024-11-30', crm.customers(m), 'messy log', 'messy month') FROM sbg_fit
	UNION ALL SELECT crm.register_model(m, date '2024-11-30', crm.rfm_customers(m), 'messy log', 'messy day') FROM rfm
	UNION ALL SELECT crm.register_model(clv_pyramid, date '2024-11-30', crm.customers(clv_pyramid), 'messy log', 'messy week') FROM value_models
) r;
SELECT scope, kind, input_rows FROM crm.model_registry WHERE scope LIKE 'messy %' ORDER BY scope, kind;
-- each reads back exactly
SELECT u.unit_name,
       crm.latest_bgnbd('messy ' || u.unit_name)::text = (SELECT m::text FROM bg_fits f WHERE f.unit_name = u.unit_name) AS bgnbd,
       crm.latest_model(NULL::crm.mbgnbd, 'messy ' || u.unit_name)::text = (SELECT m::text FROM mbg_fits f WHERE f.unit_name = u.unit_name) AS mbgnbd,
       crm.latest_model(NULL::crm.paretonbd, 'messy ' || u.unit_name)::text = (SELECT m::text FROM pnbd_fits f WHERE f.unit_name = u.unit_name) AS paretonbd,
       crm.latest_gammagamma('messy ' || u.unit_name)::text = (SELECT m::text FROM gg_fits f WHERE f.unit_name = u.unit_name) AS gammagamma
FROM units u ORDER BY array_position('{day,week,month}', u.unit_name);
SELECT crm.latest_model(NULL::crm.sbg, 'messy month')::text = (SELECT m::text FROM sbg_fit) AS sbg,
       crm.latest_rfm_model('messy day')::text = (SELECT m::text FROM rfm) AS rfm_model,
       crm.latest_model(NULL::crm.value_tier_model, 'messy week')::text = (SELECT clv_pyramid::text FROM value_models) AS value_tier_model;
SELECT crm.latest_model(NULL::crm.bgbb, 'messy month')::text = (SELECT m::text FROM bgbb_fit) AS bgbb;
-- and the models read back score every customer as the fitted ones
WITH r AS MATERIALIZED (SELECT crm.latest_bgnbd('messy month') AS bg, crm.latest_gammagamma('messy month') AS gg)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE crm.clv(r.bg, r.gg, s.frequency, s.recency, s.t, s.monetary_value, 12, 0.00797)
                              IS DISTINCT FROM c.bg_clv) AS clv_mismatch
FROM r, s_month s JOIN spend_scores c ON c.unit_name = 'month' AND c.customer_id = s.customer_id;

RESET search_path;
RESET TimeZone;
DELETE FROM crm.model_registry;
SET client_min_messages = warning;
DROP SCHEMA mw CASCADE;
DROP SCHEMA messy CASCADE;
RESET client_min_messages;
