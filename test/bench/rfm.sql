-- Data and queries of the RFM benchmark (see test/bench/rfm.sh).
-- psql variable: as_of.  Needs bench_log, bench_queries and bench_time()
-- from generate_log.py and queries.sql.
\set ON_ERROR_STOP on
CREATE UNLOGGED TABLE bench_customers AS
SELECT customer_id, (s).days_since_last::float8 AS recency, (s).n_transactions::float8 AS frequency,
       (s).monetary_total AS monetary
FROM (SELECT customer_id, crm.summary(purchased_on, amount, DATE :'as_of', INTERVAL '1 day') AS s
      FROM bench_log GROUP BY customer_id) q
WHERE s IS NOT NULL;
VACUUM ANALYZE bench_customers;

-- plain SQL, 'quantile' method: type-7 quantiles (percentile_cont) + 1 as
-- thresholds, bin = 1 + number of thresholds at or below the value
CREATE VIEW rfm_sql AS
WITH t AS (
	SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6000000000000001, 0.8]) WITHIN GROUP (ORDER BY recency) AS r,
	       percentile_cont(ARRAY[0.2, 0.4, 0.6000000000000001, 0.8]) WITHIN GROUP (ORDER BY frequency) AS f,
	       percentile_cont(ARRAY[0.2, 0.4, 0.6000000000000001, 0.8]) WITHIN GROUP (ORDER BY monetary) AS m
	FROM bench_customers)
SELECT customer_id,
       100 * (5 - (recency >= t.r[1] + 1)::int - (recency >= t.r[2] + 1)::int - (recency >= t.r[3] + 1)::int - (recency >= t.r[4] + 1)::int)
       + 10 * (1 + (frequency >= t.f[1] + 1)::int + (frequency >= t.f[2] + 1)::int + (frequency >= t.f[3] + 1)::int + (frequency >= t.f[4] + 1)::int)
       + (1 + (monetary >= t.m[1] + 1)::int + (monetary >= t.m[2] + 1)::int + (monetary >= t.m[3] + 1)::int + (monetary >= t.m[4] + 1)::int) AS cell
FROM bench_customers, t;

-- plain SQL, the usual NTILE() window version
CREATE VIEW rfm_sql_ntile_v AS
SELECT customer_id, 100 * (6 - ntile(5) OVER (ORDER BY recency)) + 10 * ntile(5) OVER (ORDER BY frequency)
       + ntile(5) OVER (ORDER BY monetary) AS cell
FROM bench_customers;

-- crm: fit once, score every customer
CREATE VIEW rfm_crm AS
WITH m AS (SELECT crm.rfm_fit(recency, frequency, monetary, 5, 'quantile') AS model FROM bench_customers)
SELECT customer_id, crm.rfm_cell(crm.rfm_score(m.model, recency, frequency, monetary)) AS cell
FROM bench_customers, m;
CREATE VIEW rfm_crm_ntile_v AS
WITH m AS (SELECT crm.rfm_fit(recency, frequency, monetary, 5, 'ntile') AS model FROM bench_customers)
SELECT customer_id, crm.rfm_cell(crm.rfm_score(m.model, recency, frequency, monetary)) AS cell
FROM bench_customers, m;

CREATE UNLOGGED TABLE rfm_crm_scores AS SELECT * FROM rfm_crm;
CREATE UNLOGGED TABLE rfm_sql_scores AS SELECT * FROM rfm_sql;
CREATE UNLOGGED TABLE rfm_crm_ntile AS SELECT * FROM rfm_crm_ntile_v;
CREATE UNLOGGED TABLE rfm_sql_ntile AS SELECT * FROM rfm_sql_ntile_v;

INSERT INTO bench_queries VALUES
 (11, 'crm.rfm_fit + rfm_score', 'SELECT count(*), sum(cell) FROM rfm_crm'),
 (12, 'plain SQL NTILE', 'SELECT count(*), sum(cell) FROM rfm_sql_ntile_v'),
 (13, 'plain SQL percentile_cont', 'SELECT count(*), sum(cell) FROM rfm_sql'),
 (14, 'scan of the customers', 'SELECT count(*), sum(recency + frequency + monetary) FROM bench_customers');
