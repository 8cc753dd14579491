-- The coordinator of the sharding test (test/shard/run): crm and
-- postgres_fdw, one foreign server per shard with crm in its `extensions`
-- option (so crm's functions, aggregates and types may be shipped), the
-- CDNOW log as a local copy (cdnow_log, the single-node reference) and as
-- a table hash-partitioned by customer whose two partitions are foreign
-- tables on the shards, the same for generated survey responses, and the
-- shards' per-customer summary views as foreign tables.
-- psql variables: shard1_port, shard2_port.
SET client_min_messages = warning;
ALTER DATABASE postgres SET enable_partitionwise_aggregate = on;
CREATE EXTENSION crm;
CREATE EXTENSION postgres_fdw;
\ir ../load/cdnow.sql

CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard1_port', dbname 'postgres', extensions 'crm', batch_size '1000');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard2_port', dbname 'postgres', extensions 'crm', batch_size '1000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');

CREATE TABLE log (customer_id int, purchased_on date, cds int, amount float8)
	PARTITION BY HASH (customer_id);
CREATE FOREIGN TABLE log_1 PARTITION OF log FOR VALUES WITH (MODULUS 2, REMAINDER 0)
	SERVER shard1 OPTIONS (table_name 'log_part');
CREATE FOREIGN TABLE log_2 PARTITION OF log FOR VALUES WITH (MODULUS 2, REMAINDER 1)
	SERVER shard2 OPTIONS (table_name 'log_part');
INSERT INTO log SELECT customer_id, purchased_on, cds, amount FROM cdnow_log;

-- survey responses: one 0..10 "would you recommend" score per CDNOW
-- customer, a deterministic function of the customer (the spread of scores
-- is what matters here, not their realism)
CREATE TABLE survey_local AS
SELECT customer_id, (customer_id * 7919 + customer_id / 13) % 11 AS score
FROM (SELECT DISTINCT customer_id FROM cdnow_log) c;
CREATE TABLE survey (customer_id int, score int) PARTITION BY HASH (customer_id);
CREATE FOREIGN TABLE survey_1 PARTITION OF survey FOR VALUES WITH (MODULUS 2, REMAINDER 0)
	SERVER shard1 OPTIONS (table_name 'survey_part');
CREATE FOREIGN TABLE survey_2 PARTITION OF survey FOR VALUES WITH (MODULUS 2, REMAINDER 1)
	SERVER shard2 OPTIONS (table_name 'survey_part');
INSERT INTO survey SELECT customer_id, score FROM survey_local;

-- each shard's per-customer summaries (its view customer_summary)
CREATE FOREIGN TABLE summary_1 (customer_id int, frequency int, recency float8, t float8,
	monetary_value float8, days_since_last int, n_transactions bigint, monetary_total float8)
	SERVER shard1 OPTIONS (table_name 'customer_summary');
CREATE FOREIGN TABLE summary_2 (customer_id int, frequency int, recency float8, t float8,
	monetary_value float8, days_since_last int, n_transactions bigint, monetary_total float8)
	SERVER shard2 OPTIONS (table_name 'customer_summary');

-- each shard's fit parameters (a one-row table) and the partial states it
-- computes the way a Citus worker does (view worker_partials)
CREATE FOREIGN TABLE options_1 (bins int, method text) SERVER shard1 OPTIONS (table_name 'fit_options');
CREATE FOREIGN TABLE options_2 (bins int, method text) SERVER shard2 OPTIONS (table_name 'fit_options');
CREATE FOREIGN TABLE worker_partials_1 (name text, state text) SERVER shard1 OPTIONS (table_name 'worker_partials');
CREATE FOREIGN TABLE worker_partials_2 (name text, state text) SERVER shard2 OPTIONS (table_name 'worker_partials');

-- What a Citus coordinator does with the workers' partial states of a
-- custom aggregate (coord_combine_agg): read each with the state type's
-- input function, fold them with the combine function, apply the final
-- function.  Returns the result as text.
CREATE FUNCTION coord_combine(agg regprocedure, states text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	p record;
	acc text;
	s text;
	result text;
BEGIN
	SELECT aggcombinefn, aggfinalfn, aggtranstype::regtype AS stype INTO STRICT p
	FROM pg_catalog.pg_aggregate WHERE aggfnoid = agg;
	FOREACH s IN ARRAY states LOOP
		CONTINUE WHEN s IS NULL;
		IF acc IS NULL THEN
			acc := format('%L::%s', s, p.stype);
		ELSE
			acc := format('%s(%s, %L::%s)', p.aggcombinefn, acc, s, p.stype);
		END IF;
	END LOOP;
	IF p.aggfinalfn <> 0 THEN
		acc := format('%s(%s)', p.aggfinalfn, acc);
	END IF;
	EXECUTE format('SELECT (%s)::text', acc) INTO result;
	RETURN result;
END
$$;

-- the single-node reference: the same summaries over the local copy
CREATE TABLE summary_local AS
SELECT customer_id, (s).frequency, (s).recency, (s).t, (s).monetary_value,
       (s).days_since_last, (s).n_transactions, (s).monetary_total
FROM (SELECT customer_id,
             crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week') AS s
      FROM cdnow_log GROUP BY customer_id) q
WHERE s IS NOT NULL;

-- partial states as they arrive from the shards, in their text form
CREATE TABLE partial_states (domain text, source text, state text);
