-- One shard of the sharding test (test/shard/run): crm, the shard's part of
-- the transaction log and of the survey responses (filled by the
-- coordinator through postgres_fdw), and the per-customer summary view the
-- coordinator reads for the model fits, so the summaries are computed here.
SET client_min_messages = warning;
CREATE EXTENSION crm;
CREATE TABLE log_part (customer_id int, purchased_on date, cds int, amount float8);
CREATE TABLE survey_part (customer_id int, score int);
CREATE VIEW customer_summary AS
SELECT customer_id, (s).frequency, (s).recency, (s).t, (s).monetary_value,
       (s).days_since_last, (s).n_transactions, (s).monetary_total
FROM (SELECT customer_id,
             crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week') AS s
      FROM log_part GROUP BY customer_id) q
WHERE s IS NOT NULL;

-- fit parameters as data: postgres_fdw ships an aggregate with a text
-- argument only when that text comes from a foreign column, never from a
-- constant (see README, Sharding), so the RFM method travels as a column
CREATE TABLE fit_options AS SELECT 5 AS bins, 'quantile'::text AS method;

-- What a Citus worker computes for a custom aggregate it can distribute
-- (worker_partial_agg): the aggregate's transition function over the rows,
-- no final function, the state printed by its type's output function.  One
-- such aggregate per crm aggregate, made from crm's catalog entries.
DO $$
DECLARE
	a record;
BEGIN
	FOR a IN
		SELECT v.name, p.aggtransfn, p.aggtranstype::regtype AS stype,
		       pg_catalog.pg_get_function_identity_arguments(p.aggfnoid) AS args
		FROM (VALUES ('bgnbd', 'crm.bgnbd_fit(float8, float8, float8)'),
		             ('gammagamma', 'crm.gammagamma_fit(float8, float8)'),
		             ('rfm', 'crm.rfm_fit(float8, float8, float8, integer, text)'),
		             ('cohort', 'crm.cohort_fit(anyelement, date, interval, date)'),
		             ('nps', 'crm.nps_agg(integer)')) v(name, agg)
		JOIN pg_catalog.pg_aggregate p ON p.aggfnoid = v.agg::regprocedure
	LOOP
		EXECUTE format('CREATE AGGREGATE worker_partial_%s(%s) (SFUNC = %s, STYPE = %s)',
		               a.name, a.args, a.aggtransfn, a.stype);
	END LOOP;
END
$$;
CREATE VIEW worker_partials AS
SELECT 'bgnbd' AS name, worker_partial_bgnbd(frequency, recency, t)::text AS state
FROM customer_summary
UNION ALL
SELECT 'gammagamma', worker_partial_gammagamma(frequency, monetary_value)::text
FROM customer_summary
UNION ALL
SELECT 'rfm', worker_partial_rfm(days_since_last, n_transactions, monetary_total, 5, 'quantile')::text
FROM customer_summary
UNION ALL
SELECT 'cohort', worker_partial_cohort(customer_id, purchased_on, INTERVAL '1 month', DATE '1998-06-30')::text
FROM log_part
UNION ALL
SELECT 'nps', worker_partial_nps(score)::text
FROM survey_part;
