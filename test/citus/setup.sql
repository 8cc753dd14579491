-- The Citus cluster and data of the Citus test (test/citus/run), run on the
-- coordinator.  psql variables: coordinator_port, worker1_port,
-- worker2_port (the workers already have CREATE EXTENSION citus).
--
-- CREATE EXTENSION crm runs here only: Citus propagates it to the workers.
-- Every table is made twice from the same rows: in schema single a plain
-- table on the coordinator (the single-node reference) and in schema dist
-- a distributed table of 4 shards over the two workers, the event tables
-- (log, survey) distributed by customer_id, the tables of one row per
-- customer, respondent or partial state by a segment or part column.
SET client_min_messages = warning;
SET citus.shard_count = 4;
CREATE EXTENSION citus;
SELECT citus_set_coordinator_host('127.0.0.1', :coordinator_port);
SELECT citus_add_node('127.0.0.1', :worker1_port);
SELECT citus_add_node('127.0.0.1', :worker2_port);
CREATE EXTENSION crm;
-- citext customer ids for the cohort aggregates (propagated to the workers)
CREATE EXTENSION citext;

\ir ../load/cdnow.sql
\ir ../load/donations.sql
\ir ../load/ecsi.sql

CREATE SCHEMA single;
CREATE SCHEMA dist;

-- the CDNOW log (6,919 purchases of 2,357 customers), with timestamptz and
-- numeric copies of the day and amount for the other overloads
CREATE TABLE single.log AS
SELECT customer_id, purchased_on,
       (purchased_on + make_interval(hours => customer_id % 24)) AT TIME ZONE 'UTC' AS purchased_at,
       amount, amount::numeric(12, 2) AS amount_n,
       -- the customer as a citext id, spelled in upper or lower case by row
       (CASE WHEN extract(day FROM purchased_on)::int % 2 = 0 THEN 'C' ELSE 'c' END || customer_id)::citext AS customer_ci
FROM cdnow_log;

-- one row per CDNOW customer: the weekly summary of the 39-week
-- calibration period (as of 1997-09-30), a weight for the weighted
-- overloads, a duration and churn flag for Kaplan-Meier, a tenure in
-- quarters for sBG, litt for the regularity models, the purchase days for
-- tracking, lifetime and transaction covariates (deterministic functions
-- of the customer, not constant within a segment); segment = customer_id % 5
CREATE TABLE single.customers AS
SELECT customer_id, customer_id % 5 AS segment,
       (s).frequency::float8 AS frequency, (s).recency, (s).t, (s).monetary_value,
       (s).days_since_last::float8 AS days_since_last, (s).n_transactions::float8 AS n_transactions,
       (s).monetary_total, (1 + customer_id % 3)::bigint AS weight,
       ((s).last_purchase - (s).first_purchase) / 7.0::float8 AS duration,
       (s).days_since_last > 91 AS churned,
       1 + ((s).last_purchase - (s).first_purchase) / 91 AS tenure,
       litt, days,
       ARRAY[(customer_id % 2)::float8, ((customer_id / 3) % 4) / 3.0::float8] AS life_z,
       ARRAY[((customer_id / 2) % 2)::float8] AS trans_z
FROM (SELECT customer_id, crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week') AS s,
             crm.litt(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week') AS litt,
             array_agg(purchased_on ORDER BY purchased_on) AS days
      FROM cdnow_log GROUP BY customer_id) q
WHERE s IS NOT NULL;
-- a covariate path per customer for the time-varying Pareto/NBD: one week
-- from the first purchase with all the calibration purchases and the
-- customer's covariates, held after it (dated, and a timestamptz copy)
ALTER TABLE single.customers ADD COLUMN path crm.covariate_path, ADD COLUMN path_tz crm.covariate_path;
UPDATE single.customers SET
	path = format('v1 period=P7D life=2 trans=1 dated=1 final=1 filled=0 periods=1 rows={%s:%s:%s,%s,%s}',
	              (days[1] - DATE '2000-01-01')::bigint * 86400000000, frequency + 1, life_z[1], life_z[2], trans_z[1])::crm.covariate_path,
	path_tz = format('v1 period=P7D life=2 trans=1 dated=0 final=1 filled=0 periods=1 rows={%s:%s:%s,%s,%s}',
	                 (days[1] - DATE '2000-01-01')::bigint * 86400000000, frequency + 1, life_z[1], life_z[2], trans_z[1])::crm.covariate_path;

-- survey answers, one per customer, deterministic functions of the
-- customer (the spread matters here, not realism): a 0..10 recommendation
-- score, a 1..5 satisfaction score, a 1..7 effort score, three 1..10 items
CREATE TABLE single.survey AS
SELECT customer_id,
       (customer_id * 7919 + customer_id / 13) % 11 AS nps,
       1 + (customer_id * 31 + customer_id / 7) % 5 AS csat,
       1 + (customer_id * 17 + customer_id / 11) % 7 AS ces,
       ARRAY[1 + (customer_id * 3) % 10, 1 + (customer_id * 7 + 2) % 10, 1 + (customer_id / 3) % 10]::float8[] AS items
FROM (SELECT DISTINCT customer_id FROM cdnow_log) c;

-- the donations of Fader, Hardie & Shang (2010): one row per donor and the
-- weighted (x, t_x, n) table; segment = donor_id % 5 and row number % 5
CREATE TABLE single.donors AS
SELECT donor_id, donor_id % 5 AS segment, x, t_x, n FROM donors;
CREATE TABLE single.donations AS
SELECT (row_number() OVER (ORDER BY frequency, recency, periods)) % 5 AS segment,
       frequency::float8 AS x, recency::float8 AS t_x, periods::float8 AS n, weights
FROM donations;

-- the ECSI survey (250 respondents, 27 items); segment = id % 2
CREATE TABLE single.ecsi AS SELECT id, id % 2 AS segment, items FROM ecsi_items;

-- partial states of every mergeable kind, 20 parts of the rows above
-- (part = customer_id % 20, id % 20 for ECSI), for the *_merge and
-- cohort_sum aggregates
CREATE TABLE single.states AS
SELECT p AS part,
       (SELECT crm.summary_partial(purchased_on, amount, DATE '1997-09-30', DATE '1998-06-30',
                                   INTERVAL '1 week', INTERVAL '1 day')
        FROM single.log WHERE customer_id % 20 = p) AS summary,
       (SELECT crm.clv_fit_partial(frequency, recency, t) FROM single.customers WHERE customer_id % 20 = p) AS purchases,
       (SELECT crm.rfm_fit_partial(days_since_last, n_transactions, monetary_total, 5, 'quantile')
        FROM single.customers WHERE customer_id % 20 = p) AS rfm,
       (SELECT crm.cohort_partial(customer_id, purchased_on, INTERVAL '1 month', DATE '1998-06-30')
        FROM single.log WHERE customer_id % 20 = p) AS cohort,
       (SELECT crm.cohort_fit(customer_id, purchased_on, INTERVAL '1 month', DATE '1998-06-30')
        FROM single.log WHERE customer_id % 20 = p) AS cohort_table,
       (SELECT crm.km_fit(duration, churned) FROM single.customers WHERE customer_id % 20 = p) AS survival,
       (SELECT crm.pls_partial(items) FROM single.ecsi WHERE id % 20 = p) AS pls,
       (SELECT crm.nps_agg(nps) FROM single.survey WHERE customer_id % 20 = p) AS nps,
       (SELECT crm.csat_agg(csat, 5) FROM single.survey WHERE customer_id % 20 = p) AS csat,
       (SELECT crm.ces_agg(ces) FROM single.survey WHERE customer_id % 20 = p) AS ces,
       (SELECT crm.csi_agg(items, ARRAY[0.5, 0.3, 0.2], 1, 10) FROM single.survey WHERE customer_id % 20 = p) AS csi,
       (SELECT crm.servqual_fit('a=1-2 b=3'::crm.servqual_map, items, ARRAY[5, ces, csat]::float8[], ARRAY[nps, 10 - nps]::float8[])
        FROM single.survey WHERE customer_id % 20 = p) AS servqual,
       (SELECT crm.concentration_fit(monetary_total) FROM single.customers WHERE customer_id % 20 = p) AS concentration,
       (SELECT crm.abc_fit_partial(monetary_total, 0.8, 0.95) FROM single.customers WHERE customer_id % 20 = p) AS value,
       (SELECT crm.uplift_fit(monetary_value, churned, customer_id % 3 <> 0)
        FROM single.customers WHERE customer_id % 20 = p) AS campaign,
       (SELECT crm.holdout_evaluation(frequency::bigint, days_since_last / 7.0, recency / 2, monetary_total, monetary_value)
        FROM single.customers WHERE customer_id % 20 = p) AS holdout,
       (SELECT crm.tracking_data(days, DATE '1997-01-01', INTERVAL '1 week', 78)
        FROM single.customers WHERE customer_id % 20 = p) AS tracking,
       (SELECT crm.dyncov_fit_partial(frequency, recency, t, days[1], path, crm.covariates('{odd,third}', '{pair}'))
        FROM single.customers WHERE customer_id % 20 = p) AS dyncov,
       (SELECT crm.migration(CASE WHEN frequency > 0 THEN 'repeat' END, CASE WHEN days_since_last < 91 THEN 'active' END)
        FROM single.customers WHERE customer_id % 20 = p) AS migration,
       (SELECT crm.stage_counts(crm.stage_path(crm.lifecycle_model(), days, DATE '1997-01-31', DATE '1998-06-30', INTERVAL '1 month'))
        FROM single.customers WHERE customer_id % 20 = p) AS stages,
       (SELECT crm.basket_fit(items::bigint[]) FROM single.survey WHERE customer_id % 20 = p) AS basket,
       (SELECT crm.ticket_fit(purchased_at, CASE WHEN customer_id % 4 <> 0 THEN purchased_at + (customer_id % 97) * INTERVAL '1 hour' END,
                              amount > 20, customer_id % 7 = 0, TIMESTAMPTZ '1998-07-01 00:00+00')
        FROM single.log WHERE customer_id % 20 = p) AS tickets,
       (SELECT crm.backlog_fit(purchased_at, CASE WHEN customer_id % 4 <> 0 THEN purchased_at + (customer_id % 97) * INTERVAL '1 hour' END,
                               TIMESTAMPTZ '1997-01-01 00:00+00', TIMESTAMPTZ '1998-07-01 00:00+00', INTERVAL '168 hours')
        FROM single.log WHERE customer_id % 20 = p) AS backlog,
       (SELECT crm.recovery_fit(frequency > 1, customer_id % 3 <> 0, NOT churned)
        FROM single.customers WHERE customer_id % 20 = p) AS recovery,
       (SELECT crm.funnel_fit(ARRAY['first', 'second', 'third'],
                              ARRAY[days[1]::timestamp AT TIME ZONE 'UTC', days[2]::timestamp AT TIME ZONE 'UTC',
                                    days[3]::timestamp AT TIME ZONE 'UTC'],
                              TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 day')
        FROM single.customers WHERE customer_id % 20 = p) AS funnel
FROM generate_series(0, 19) p;

-- the distributed copies
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('log', 'customer_id'), ('survey', 'customer_id'), ('customers', 'segment'),
	                               ('donors', 'segment'), ('donations', 'segment'), ('ecsi', 'segment'),
	                               ('states', 'part')) v(name, dcol)
	LOOP
		EXECUTE format('CREATE TABLE dist.%I (LIKE single.%I)', t.name, t.name);
		PERFORM create_distributed_table(format('dist.%I', t.name), t.dcol, colocate_with => 'none');
		EXECUTE format('INSERT INTO dist.%I SELECT * FROM single.%I', t.name, t.name);
		EXECUTE format('ANALYZE single.%I', t.name);
		EXECUTE format('ANALYZE dist.%I', t.name);
	END LOOP;
END
$$;

-- per-customer partial cohort states, the two-step form of crm.cohort_fit
-- that Citus can distribute (the view is expanded on the coordinator; its
-- GROUP BY on the distribution column runs whole on the workers)
SET client_min_messages = error;	-- (Citus: the view of local tables stays local)
CREATE VIEW single.cohort_parts AS
SELECT customer_id, crm.cohort_partial(customer_id, purchased_on, INTERVAL '1 month', DATE '1998-06-30') AS state
FROM single.log GROUP BY customer_id;
SET client_min_messages = warning;
CREATE VIEW dist.cohort_parts AS
SELECT customer_id, crm.cohort_partial(customer_id, purchased_on, INTERVAL '1 month', DATE '1998-06-30') AS state
FROM dist.log GROUP BY customer_id;
