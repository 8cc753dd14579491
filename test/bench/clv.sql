-- Tables, timing functions and timed queries of the CLV benchmark (see
-- test/bench/clv.sh).  psql variable: as_of (of the pipeline part).
--
-- Every timed query is a row of clv_queries and folds its answer into one
-- row, which clv_time() / clv_time_warm() keep as text next to the time, so
-- the run can check that every repetition gave the same answer.
\set ON_ERROR_STOP on

CREATE TABLE clv_queries (ord int PRIMARY KEY, dataset text NOT NULL, name text NOT NULL, sql text NOT NULL);
-- one row per timed run, crm's and the peer's (the peer's result is NULL)
CREATE UNLOGGED TABLE clv_times (dataset text, name text, rep int, ms float8, result text);
-- fitted parameters and fit summaries, crm's and the peer's
CREATE UNLOGGED TABLE clv_params (dataset text, who text DEFAULT 'peer', model text, parameter text,
                                  estimate float8, std_error float8);
CREATE UNLOGGED TABLE clv_fits (dataset text, who text DEFAULT 'peer', model text, customers bigint,
                                ll float8, iterations int, converged boolean);

-- Run one timed query in a session of its own and record its wall time
-- (server side, like bench_time(): connection and client time not counted)
CREATE FUNCTION clv_time(query_ord int, rep int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	q clv_queries;
	t0 timestamptz;
	ms float8;
	result record;
BEGIN
	SELECT * INTO STRICT q FROM clv_queries WHERE ord = query_ord;
	t0 := clock_timestamp();
	EXECUTE q.sql INTO result;
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	INSERT INTO clv_times VALUES (q.dataset, q.name, rep, ms, result::text);
	RETURN ms;
END $$;

-- Time queries of a few milliseconds: in one session, run each once untimed
-- (loads crm's library, reads the catalog and the table into the caches),
-- then each once timed, the order rotated by rep
CREATE FUNCTION clv_time_warm(ords int[], rep int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	q clv_queries;
	n int := array_length(ords, 1);
	t0 timestamptz;
	result record;
BEGIN
	FOR i IN 1..n LOOP
		SELECT * INTO STRICT q FROM clv_queries WHERE ord = ords[i];
		EXECUTE q.sql INTO result;
	END LOOP;
	FOR i IN 0..n - 1 LOOP
		SELECT * INTO STRICT q FROM clv_queries WHERE ord = ords[(rep - 1 + i) % n + 1];
		t0 := clock_timestamp();
		EXECUTE q.sql INTO result;
		INSERT INTO clv_times VALUES (q.dataset, q.name, rep,
		                              1000 * extract(epoch FROM clock_timestamp() - t0), result::text);
	END LOOP;
END $$;

-- A value to n significant digits, as text (for the report)
CREATE FUNCTION clv_sig(v float8, n int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN v IS NULL THEN 'NULL'
	            WHEN v = 'NaN' THEN 'NaN'
	            WHEN v = 0 THEN '0'
	            ELSE round(v::numeric, greatest(n - 1 - floor(log(abs(v)::numeric))::int, 0))::text END
$$;

-- ---------------------------------------------------------------------------
-- 1. CDNOW: the customer summaries (cdnow_log from test/load/cdnow.sql)
-- ---------------------------------------------------------------------------
CREATE TABLE clv_cdnow AS
SELECT customer_id, (crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week')).*
FROM cdnow_log
GROUP BY customer_id;
VACUUM ANALYZE clv_cdnow;

INSERT INTO clv_queries VALUES
 (21, 'cdnow', 'crm bgnbd', 'SELECT crm.bgnbd_fit(frequency, recency, t) FROM clv_cdnow'),
 (22, 'cdnow', 'crm mbgnbd', 'SELECT crm.mbgnbd_fit(frequency, recency, t) FROM clv_cdnow'),
 (23, 'cdnow', 'crm gammagamma', 'SELECT crm.gammagamma_fit(frequency, monetary_value) FROM clv_cdnow');

CREATE TABLE clv_cdnow_models AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bgnbd, crm.mbgnbd_fit(frequency, recency, t) AS mbgnbd,
       crm.gammagamma_fit(frequency, monetary_value) AS gammagamma
FROM clv_cdnow;

-- ---------------------------------------------------------------------------
-- 2. The synthetic customer base (loaded by clv.sh from peer_clv.py generate)
-- ---------------------------------------------------------------------------
CREATE UNLOGGED TABLE clv_synth (customer_id int, x float8, t_x float8, t float8, monetary_value float8);

INSERT INTO clv_queries VALUES
 (31, 'synthetic', 'crm bgnbd', 'SELECT crm.bgnbd_fit(x, t_x, t) FROM clv_synth'),
 (32, 'synthetic', 'crm gammagamma', 'SELECT crm.gammagamma_fit(x, monetary_value) FROM clv_synth'),
 -- the first step of crm.bgnbd_fit alone: building its fit state
 (33, 'synthetic', 'crm bgnbd state', 'SELECT crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t)) FROM clv_synth');

-- ---------------------------------------------------------------------------
-- 3. The pipeline on bench_log (test/bench/generate_log.py): summary -> fit ->
-- per-customer CLV, weekly models, a 52-week horizon, 0.1% discount per week
-- ---------------------------------------------------------------------------
-- the same summaries, stored once for the breakdown (fit alone, CLV alone)
CREATE UNLOGGED TABLE clv_pipe_summaries AS
SELECT customer_id, (crm.summary(purchased_on, amount, DATE :'as_of', INTERVAL '1 week')).*
FROM bench_log
GROUP BY customer_id;
VACUUM ANALYZE clv_pipe_summaries;
CREATE UNLOGGED TABLE clv_pipe_models AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bg, crm.gammagamma_fit(frequency, monetary_value) AS gg
FROM clv_pipe_summaries;

INSERT INTO clv_queries VALUES
 (41, 'pipeline', 'summary → fit → CLV',
  format('WITH s AS MATERIALIZED ('
         'SELECT customer_id, (crm.summary(purchased_on, amount, DATE %L, INTERVAL ''1 week'')).* '
         'FROM bench_log GROUP BY customer_id), '
         'models AS (SELECT crm.bgnbd_fit(frequency, recency, t) AS bg, '
         'crm.gammagamma_fit(frequency, monetary_value) AS gg FROM s) '
         'SELECT count(clv), sum(clv) FROM (SELECT crm.clv(bg, gg, frequency, recency, t, '
         'monetary_value, 52, 0.001) AS clv FROM s, models) q', :'as_of')),
 (42, 'pipeline', 'bare GROUP BY customer', 'SELECT count(*), sum(n_rows) FROM bench_bare'),
 (43, 'pipeline', 'summary alone',
  format('SELECT count(*), sum(frequency), sum(recency), sum(t), sum(monetary_value) FROM ('
         'SELECT customer_id, (crm.summary(purchased_on, amount, DATE %L, INTERVAL ''1 week'')).* '
         'FROM bench_log GROUP BY customer_id) s', :'as_of')),
 (44, 'pipeline', 'fit alone',
  'SELECT crm.bgnbd_fit(frequency, recency, t), crm.gammagamma_fit(frequency, monetary_value) '
  'FROM clv_pipe_summaries'),
 (45, 'pipeline', 'CLV scoring alone',
  'SELECT count(clv), sum(clv) FROM (SELECT crm.clv(m.bg, m.gg, s.frequency, s.recency, s.t, '
  's.monetary_value, 52, 0.001) AS clv FROM clv_pipe_summaries s, clv_pipe_models m) q'),
 (46, 'pipeline', 'scan of the summaries',
  'SELECT count(*), sum(frequency + recency + t + monetary_value) FROM clv_pipe_summaries');

-- crm's parameters and fit summaries of the CDNOW and pipeline models
-- (the synthetic ones are recorded by clv_record_synth.sql after the load)
INSERT INTO clv_params (dataset, who, model, parameter, estimate, std_error)
SELECT 'cdnow', 'crm', 'bgnbd', p.* FROM clv_cdnow_models, crm.parameters(bgnbd) p
UNION ALL SELECT 'cdnow', 'crm', 'mbgnbd', p.* FROM clv_cdnow_models, crm.parameters(mbgnbd) p
UNION ALL SELECT 'cdnow', 'crm', 'gammagamma', p.* FROM clv_cdnow_models, crm.parameters(gammagamma) p
UNION ALL SELECT 'pipeline', 'crm', 'bgnbd', p.* FROM clv_pipe_models, crm.parameters(bg) p
UNION ALL SELECT 'pipeline', 'crm', 'gammagamma', p.* FROM clv_pipe_models, crm.parameters(gg) p;
INSERT INTO clv_fits (dataset, who, model, customers, ll, iterations, converged)
SELECT 'cdnow', 'crm', 'bgnbd', crm.customers(bgnbd), crm.loglik(bgnbd), crm.iterations(bgnbd), crm.converged(bgnbd) FROM clv_cdnow_models
UNION ALL SELECT 'cdnow', 'crm', 'mbgnbd', crm.customers(mbgnbd), crm.loglik(mbgnbd), crm.iterations(mbgnbd), crm.converged(mbgnbd) FROM clv_cdnow_models
UNION ALL SELECT 'cdnow', 'crm', 'gammagamma', crm.customers(gammagamma), crm.loglik(gammagamma), crm.iterations(gammagamma), crm.converged(gammagamma) FROM clv_cdnow_models
UNION ALL SELECT 'pipeline', 'crm', 'bgnbd', crm.customers(bg), crm.loglik(bg), crm.iterations(bg), crm.converged(bg) FROM clv_pipe_models
UNION ALL SELECT 'pipeline', 'crm', 'gammagamma', crm.customers(gg), crm.loglik(gg), crm.iterations(gg), crm.converged(gg) FROM clv_pipe_models;
