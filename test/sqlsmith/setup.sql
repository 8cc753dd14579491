-- Data for the SQLsmith run (test/sqlsmith/run): the CDNOW sample log and
-- its weekly summaries, models fitted on them, a table of each crm type
-- holding the fuzzer's seeds (test/fuzz/seeds.sql, loaded first), and a role
-- smith that may read and write all of it but is not a superuser.  With
-- psql variable focus = 1, smith's search_path puts a view pg_proc first
-- (sqlsmith reads the catalog unqualified) that shows crm's routines and
-- only those of PostgreSQL's whose arguments and result are plain scalar
-- types, so that crm's get most of the queries.
\i test/load/cdnow.sql
SET client_min_messages = warning;

CREATE TABLE cdnow_customers AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log WHERE purchased_on <= '1997-09-30' GROUP BY customer_id;

CREATE TABLE cdnow_models AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bgnbd,
       crm.mbgnbd_fit(frequency, recency, t) AS mbgnbd,
       crm.paretonbd_fit(frequency, recency, t) AS paretonbd,
       crm.gammagamma_fit(frequency, monetary_value) FILTER (WHERE frequency > 0) AS gammagamma,
       crm.rfm_fit(recency, frequency, monetary_value) AS rfm_model,
       crm.concentration_fit(monetary_value) AS concentration,
       crm.value_tier_fit(monetary_value) AS pyramid,
       crm.abc_fit(monetary_value) AS abc,
       crm.km_fit(t, frequency = 0) AS survival
FROM cdnow_customers;

CREATE TABLE cdnow_cohorts AS
SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 month', date '1998-06-30') AS monthly,
       crm.cohort_partial(customer_id, purchased_on, interval '1 week', date '1997-03-31')
           FILTER (WHERE purchased_on <= '1997-03-31') AS weekly_state
FROM cdnow_log;

CREATE TABLE cdnow_states AS
SELECT customer_id % 10 AS shard,
       crm.summary_partial(purchased_on, amount, date '1997-09-30', date '1998-06-30',
                           interval '1 day', interval '1 week') AS summary_state,
       crm.clv_fit_partial(frequency, recency, t) AS clv_fit_state,
       crm.rfm_fit_partial(recency, frequency, monetary_value, 5, 'quantile') AS rfm_fit_state
FROM cdnow_log JOIN cdnow_customers USING (customer_id)
GROUP BY customer_id % 10;

-- one table per crm base type, with the fuzzer's seed values
DO $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT DISTINCT type FROM fuzz_seed LOOP
		EXECUTE format('CREATE TABLE %I AS SELECT value::crm.%I AS v FROM fuzz_seed WHERE type = %L',
		               'seed_' || t, t, t);
	END LOOP;
END $$;

CREATE ROLE smith LOGIN PASSWORD 'smith';
GRANT USAGE ON SCHEMA crm TO smith;
GRANT ALL ON ALL TABLES IN SCHEMA public TO smith;
GRANT ALL ON ALL TABLES IN SCHEMA crm TO smith;
ANALYZE;

\if :focus
CREATE SCHEMA smith_catalog;
CREATE VIEW smith_catalog.pg_proc AS
SELECT * FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'crm'::regnamespace
   OR (p.pronamespace = 'pg_catalog'::regnamespace
       AND p.prorettype = ANY (ARRAY['int4', 'int8', 'float8', 'numeric', 'text', 'bool', 'date',
                                     'timestamptz', 'interval', 'jsonb', 'float8[]', 'text[]']::regtype[])
       AND p.proargtypes::oid[] <@ ARRAY['int4', 'int8', 'float8', 'numeric', 'text', 'bool', 'date',
                                         'timestamptz', 'interval', 'jsonb', 'float8[]', 'text[]']::regtype[]::oid[]);
GRANT USAGE ON SCHEMA smith_catalog TO smith;
GRANT SELECT ON smith_catalog.pg_proc TO smith;
ALTER ROLE smith SET search_path = smith_catalog, pg_catalog, public;
\endif

