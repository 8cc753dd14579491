-- Limits (issue 22): counts never wrap, state input rejects impossible
-- states (not only malformed text), and arguments that size an output are
-- bounded.  Each rule raises its error once here, with its SQLSTATE:
-- 22003 for a count or sum beyond its type, 22P02 (text) and 22P03
-- (binary) for an impossible state, 22023 for an argument beyond its bound.
CREATE SCHEMA limits;
SET search_path = limits, public;
SET client_min_messages = error;

-- "SQLSTATE: message (detail)" of a statement's error, or 'no error'; for
-- bad text input the message without the input, which the statement shows
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
	message text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	message := CASE WHEN SQLSTATE = '22P02' THEN split_part(SQLERRM, ': "', 1) ELSE SQLERRM END;
	RETURN SQLSTATE || ': ' || message || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;

-- ---------------------------------------------------------------------
-- Counts never wrap: states whose counts are near 2^63 (read from their
-- text form, each valid alone) merged, and weights added by transitions
-- ---------------------------------------------------------------------
SELECT q AS statement, error_of(q) AS error FROM (VALUES
	-- every valid alone
	('SELECT ''v1 shape=purchases n=5000000000000000000 tuples={1,2,3:5000000000000000000}''::crm.clv_fit_state'),
	-- fit states (purchases, durations): merge, and transition weights
	('SELECT crm.clv_fit_merge(s) FROM (VALUES (''v1 shape=purchases n=5000000000000000000 tuples={1,2,3:5000000000000000000}''::crm.clv_fit_state), (''v1 shape=purchases n=5000000000000000000 tuples={1,2,3:5000000000000000000}'')) v(s)'),
	('SELECT crm.bgnbd_fit(1, 2, 3, w) FROM (VALUES (5000000000000000000::bigint), (5000000000000000000)) v(w)'),
	('SELECT crm.clv_fit_partial(x, 2, 3, w) FROM (VALUES (1, 5000000000000000000::bigint), (2, 5000000000000000000)) v(x, w)'),
	('SELECT crm.km_fit(d, true, w) FROM (VALUES (1.5, 5000000000000000000::bigint), (2.5, 5000000000000000000)) v(d, w)'),
	('SELECT crm.sbg_fit(t, true, w) FROM (VALUES (1, 5000000000000000000::bigint), (2, 5000000000000000000)) v(t, w)'),
	-- RFM fit states
	('SELECT crm.rfm_fit_merge(s) FROM (VALUES (''v1 method=quantile bins=3 n=5000000000000000000 recency={1:5000000000000000000} frequency={1:5000000000000000000} monetary={1:5000000000000000000}''::crm.rfm_fit_state), (''v1 method=quantile bins=3 n=5000000000000000000 recency={2:5000000000000000000} frequency={1:5000000000000000000} monetary={1:5000000000000000000}'')) v(s)'),
	-- concentration and value fit states
	('SELECT crm.concentration_merge(c) FROM (VALUES (''v1 n=5000000000000000000 values={1:5000000000000000000}''::crm.concentration), (''v1 n=5000000000000000000 values={1:5000000000000000000}'')) v(c)'),
	('SELECT crm.value_fit_merge(s) FROM (VALUES (''v1 kind=abc n=5000000000000000000 cuts={0.8,0.95,1} names={"A","B","C"} values={1:5000000000000000000}''::crm.value_fit_state), (''v1 kind=abc n=5000000000000000000 cuts={0.8,0.95,1} names={"A","B","C"} values={2:5000000000000000000}'')) v(s)'),
	-- cohort states and tables
	('SELECT crm.cohort_merge(s) FROM (VALUES (''v1 unit=1 month through=1997-04-30 events=5000000000000000000 ignored=0 pairs={ab:1997-01-01}''::crm.cohort_state), (''v1 unit=1 month through=1997-04-30 events=5000000000000000000 ignored=0 pairs={ab:1997-02-01}'')) v(s)'),
	('SELECT crm.cohort_sum(t) FROM (VALUES (''unit=1 month through=1997-02-28 first=1997-01-01 events=5000000000000000000 active={4000000000000000000,1;1} retained={4000000000000000000,1;1}''::crm.cohort_table), (''unit=1 month through=1997-02-28 first=1997-01-01 events=5000000000000000000 active={4000000000000000000,1;1} retained={4000000000000000000,1;1}'')) v(t)'),
	-- customer summary states
	('SELECT crm.summary_merge(s) FROM (VALUES (''v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=5000000000000000000/0 spend=1.5/2.25/0/0 cal={3,9} hold={}''::crm.summary_state), (''v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=4/4 tx=5000000000000000000/0 spend=1/0/0/0 cal={4} hold={}'')) v(s)'),
	-- PLS states
	('SELECT crm.pls_merge(s) FROM (VALUES (''v1 p=2 n=5000000000000000000 skipped=0 mean={2,5} comoment={2,1,2}''::crm.pls_state), (''v1 p=2 n=5000000000000000000 skipped=0 mean={3,4} comoment={2,1,2}'')) v(s)'),
	('SELECT crm.pls_merge(s) FROM (VALUES (''v1 p=2 n=3 skipped=5000000000000000000 mean={2,5} comoment={2,1,2}''::crm.pls_state), (''v1 p=2 n=3 skipped=5000000000000000000 mean={3,4} comoment={2,1,2}'')) v(s)'),
	-- survey counts: one more response to a state already at 2^63 - 1
	('SELECT crm.nps_trans(''promoters=9223372036854775807 passives=0 detractors=0'', 9)'),
	('SELECT crm.csat_trans(''scale_max=5 counts={0,0,0,0,9223372036854775807}'', 5, 5)'),
	('SELECT crm.ces_trans(''counts={9223372036854775807,0,0,0,0,0,0}'', 1)'),
	-- loyalty metrics: a running sum beyond float8
	('SELECT crm.loyalty_metrics(x, 5, 10, m) FROM (VALUES (10, 1e308::float8), (1, 1)) v(x, m)')
) v(q);

-- ---------------------------------------------------------------------
-- Impossible states: well-formed text of a state no aggregate makes
-- ---------------------------------------------------------------------
SELECT q AS statement, error_of(q) AS error FROM (VALUES
	-- summary states: days and timestamps in range, amounts, repeat spend
	('SELECT ''v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1.5/2.25/0/0 cal={3,9} hold={}''::crm.summary_state IS NOT NULL'),
	('SELECT ''v1 flags=0 asof=2147483000/0 holdout=2147483000/0 period=0/1 unit=0/7/0 days=0/0 tx=0/0 spend=0/0/0/0 cal={} hold={}''::crm.summary_state'),
	('SELECT ''v1 flags=1 asof=10/9223372036854775000 holdout=10/9223372036854775000 period=0/1 unit=0/7/0 days=0/0 tx=0/0 spend=0/0/0/0 cal={} hold={}''::crm.summary_state'),
	('SELECT ''v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=-1.5/2.25/0/0 cal={3,9} hold={}''::crm.summary_state'),
	('SELECT ''v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/3 tx=2/0 spend=1.5/2.25/0/0 cal={3} hold={}''::crm.summary_state'),
	-- RFM fit states: counts that add up to n only after wrapping around 2^64
	('SELECT ''v1 method=quantile bins=3 n=2 recency={1:9223372036854775807,2:9223372036854775807,3:4} frequency={1:2} monetary={1:2}''::crm.rfm_fit_state'),
	-- PLS states: co-moments implying a correlation of 1.5
	('SELECT ''v1 p=2 n=3 skipped=1 mean={2,5} comoment={2,3,2}''::crm.pls_state'),
	-- CSI states: item means within the scale, respondents at most the answers
	('SELECT ''scale_min=1 scale_max=10 respondents=3 items={0.5,21,3;0.3,15,3;0.2,9.5,2}''::crm.csi_state IS NOT NULL'),
	('SELECT ''scale_min=1 scale_max=10 respondents=3 items={0.5,40,3;0.3,15,3;0.2,9.5,2}''::crm.csi_state'),
	('SELECT ''scale_min=1 scale_max=10 respondents=3 items={0.5,0.5,1;0.3,15,3;0.2,9.5,2}''::crm.csi_state'),
	('SELECT ''scale_min=1 scale_max=10 respondents=3 items={1,5,1;1,5,1}''::crm.csi_state'),
	-- value tier models: tier values and customers consistent with the total
	('SELECT ''pyramid n=100 total=5050 cuts={0.1,0.5,1} names={"A","B","C"} thresholds={91,51,1} customers={10,40,50} values={955,2820,1275}''::crm.value_tier_model IS NOT NULL'),
	('SELECT ''pyramid n=100 total=5050 cuts={0.1,0.5,1} names={"A","B","C"} thresholds={91,51,1} customers={10,40,50} values={955,2820,1000}''::crm.value_tier_model'),
	('SELECT ''pyramid n=100 total=5050 cuts={0.1,0.5,1} names={"A","B","C"} thresholds={91,51,1} customers={50,50,0} values={955,2820,1275}''::crm.value_tier_model')
) v(q);

-- PLS models: loadings, R squared and GoF where a fit puts them
\set small '{"scheme": "centroid", "scaled": false, "items": 4, "respondents": 4, "skipped": 0, "iterations": 4, "converged": true, "tol": 1e-06, "maxiter": 100, "gof": 0.743, "lvs": [{"name": "A", "sign": 1, "r2": 0, "items": [{"item": 1, "mean": 2.5, "sd": 1.118, "weight": 0.592, "loading": 0.972}, {"item": 2, "mean": 2.5, "sd": 1.118, "weight": 0.347, "loading": 0.918}]}, {"name": "B", "sign": 1, "r2": 0.613, "items": [{"item": 3, "mean": 3, "sd": 0.707, "weight": 0.261, "loading": 0.908}, {"item": 4, "mean": 3, "sd": 1.225, "weight": 0.682, "loading": 0.996}]}], "paths": [{"from": "A", "to": "B", "coefficient": 0.783}]}'
SELECT change, error_of(format('SELECT %L::crm.pls_model', replace(:'small', old, new))) AS error
FROM (VALUES ('none', '', ''),
	('loading 1.2', '"loading": 0.972', '"loading": 1.2'),
	('loading -1.5', '"loading": 0.908', '"loading": -1.5'),
	('r2 1.5', '"r2": 0.613', '"r2": 1.5'),
	('r2 -0.1', '"r2": 0.613', '"r2": -0.1'),
	('r2 of exogenous A', '"sign": 1, "r2": 0,', '"sign": 1, "r2": 0.2,'),
	('gof 1.5', '"gof": 0.743', '"gof": 1.5')) v(change, old, new);

-- binary input runs the same rules: a valid state's binary form with one
-- field changed, read back through COPY (recv)
CREATE TABLE raw (b bytea);
INSERT INTO raw SELECT crm.summary_state_send('v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1.5/2.25/0/0 cal={3,9} hold={}');
\copy raw TO 'results/limits_summary_ok.bin' WITH (FORMAT binary)
-- bytes 37..44 are the first period's spend: -1.5
UPDATE raw SET b = overlay(b PLACING '\xbff8000000000000'::bytea FROM 37 FOR 8);
\copy raw TO 'results/limits_summary_bad.bin' WITH (FORMAT binary)
CREATE TABLE summary_back (s crm.summary_state);
\copy summary_back FROM 'results/limits_summary_ok.bin' WITH (FORMAT binary)
SELECT s::text AS read_back FROM summary_back;
\set VERBOSITY default
\copy summary_back FROM 'results/limits_summary_bad.bin' WITH (FORMAT binary)
TRUNCATE raw;
INSERT INTO raw SELECT crm.pls_state_send('v1 p=2 n=3 skipped=1 mean={2,5} comoment={2,1,2}');
\copy raw TO 'results/limits_pls_ok.bin' WITH (FORMAT binary)
-- bytes 49..56 are the co-moment of items 1 and 2: 3
UPDATE raw SET b = overlay(b PLACING '\x4008000000000000'::bytea FROM 49 FOR 8);
\copy raw TO 'results/limits_pls_bad.bin' WITH (FORMAT binary)
CREATE TABLE pls_back (s crm.pls_state);
\copy pls_back FROM 'results/limits_pls_ok.bin' WITH (FORMAT binary)
SELECT s::text AS read_back FROM pls_back;
\copy pls_back FROM 'results/limits_pls_bad.bin' WITH (FORMAT binary)

-- ---------------------------------------------------------------------
-- Size bounds: crm.lorenz(c, points) makes at most 1,000,000 points
-- ---------------------------------------------------------------------
SELECT count(*) AS points, min(customer_share) AS first_share, max(customer_share) AS last_share
FROM crm.lorenz('v1 n=6 values={0:1,2.5:3,10:2}'::crm.concentration, 1000000);
SELECT q AS statement, error_of(q) AS error FROM (VALUES
	('SELECT count(*) FROM crm.lorenz(''v1 n=6 values={0:1,2.5:3,10:2}''::crm.concentration, 1000001)'),
	('SELECT count(*) FROM crm.lorenz(''v1 n=6 values={0:1,2.5:3,10:2}''::crm.concentration, 2147483647)'),
	('SELECT count(*) FROM crm.lorenz(''v1 n=6 values={0:1,2.5:3,10:2}''::crm.concentration, 1)')
) v(q);

RESET client_min_messages;
DROP SCHEMA limits CASCADE;
