-- Bad input to the customer-value aggregates, functions and types: every
-- case raises a clear error with its SQLSTATE (shown as "SQLSTATE: message").
CREATE SCHEMA value_errors;
SET search_path = value_errors, public;
\i test/load/sqlstate_of.sql
-- the same with the error's detail, for malformed text
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' -- ' || nullif(detail, ''), '');
END $$;
CREATE TABLE vals AS SELECT i AS id, i::float8 AS v FROM generate_series(1, 10) i;

-- customer values: negative values are an error (22000), as are NaN and
-- +-Infinity, in every aggregate and when a model is applied
SELECT sqlstate_of($$SELECT crm.concentration_fit(v) FROM (VALUES (1.0::float8), (-0.01)) t(v)$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v) FROM (VALUES (1.0::float8), (-5)) t(v)$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v) FROM (VALUES (1.0::float8), (-5)) t(v)$$);
SELECT sqlstate_of($$SELECT crm.concentration_fit('NaN'::float8)$$);
SELECT sqlstate_of($$SELECT crm.concentration_fit('Infinity'::float8)$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit('-Infinity'::float8)$$);
SELECT sqlstate_of($$SELECT crm.abc_fit('NaN'::float8)$$);
SELECT sqlstate_of($$SELECT crm.value_tier(crm.value_tier_fit(v), -1) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_class(crm.abc_fit(v), 'NaN') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_potential_fit(v, 'NaN') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_potential_fit('Infinity', v) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_potential(1, 'NaN', 1, 1)$$);
SELECT sqlstate_of($$SELECT crm.value_potential(1, 1, 'Infinity', 1)$$);
SELECT sqlstate_of($$SELECT crm.value_potential(crm.value_potential_model(1, 1), 'NaN', 1)$$);
SELECT sqlstate_of($$SELECT crm.value_potential_model('NaN', 1)$$);

-- fractions and shares must be in (0, 1] (22023; NaN and Infinity 22000)
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(v), 0) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(v), -0.1) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(v), 1.0000001) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(v), 'NaN') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(v), 'Infinity') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.customers_for_share(crm.concentration_fit(v), 0) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.customers_for_share(crm.concentration_fit(v), 2) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.customers_for_share(crm.concentration_fit(v), 'NaN') FROM vals$$);
-- ... also when the total is 0 (the argument is checked first)
SELECT sqlstate_of($$SELECT crm.top_share(crm.concentration_fit(0), 5)$$);
SELECT sqlstate_of($$SELECT * FROM crm.lorenz((SELECT crm.concentration_fit(1)), 1)$$);
SELECT sqlstate_of($$SELECT * FROM crm.lorenz((SELECT crm.concentration_fit(1)), -3)$$);

-- pyramid cut points: strictly increasing, each in (0, 1], the last 1 (the
-- tiers cover everyone), 2 to 100 tiers, one distinct non-empty name each
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.05,0.01,0.2,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.01,0.05,0.05,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.01,0.05,0.2}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.01,0.04,0.15,0.8}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0,0.5,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{-0.1,0.5,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1.5}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,NaN,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,Infinity}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, (SELECT array_agg(k / 101.0::float8) FROM generate_series(1, 101) k)) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{{0.5,1},{0.5,1}}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,NULL,1}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, NULL) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{a,b,c}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{a}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{a,""}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{a,a}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{a,NULL}') FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', NULL) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', '{{a,b}}') FROM vals$$);
-- ... and the same on every row of a group
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, CASE WHEN id < 5 THEN '{0.5,1}' ELSE '{0.4,1}' END::float8[]) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit(v, '{0.5,1}', CASE WHEN id < 5 THEN '{a,b}' ELSE '{a,c}' END::text[]) FROM vals$$);
-- ... a cut point that varies between groups is fine
SELECT id % 2 AS g, crm.value_tier_fit(v, CASE WHEN id % 2 = 0 THEN '{0.5,1}' ELSE '{0.2,1}' END::float8[])
FROM vals GROUP BY 1 ORDER BY 1;

-- ABC shares: 0 < a_share < b_share < 1
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0.95, 0.8) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0.8, 0.8) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0.8, 1) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0, 0.9) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0.8, 1.2) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 'NaN', 0.9) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, NULL, 0.9) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_fit(v, 0.8, CASE WHEN id < 5 THEN 0.9 ELSE 0.95 END) FROM vals$$);

-- merging states of different fits, and applying a model of the wrong kind
SELECT sqlstate_of($$SELECT crm.value_fit_merge(s) FROM (
	SELECT crm.value_tier_fit_partial(v, '{0.5,1}', '{a,b}') AS s FROM vals
	UNION ALL SELECT crm.value_tier_fit_partial(v, '{0.4,1}', '{a,b}') FROM vals) x$$);
SELECT sqlstate_of($$SELECT crm.value_fit_merge(s) FROM (
	SELECT crm.abc_fit_partial(v, 0.8, 0.95) AS s FROM vals UNION ALL SELECT crm.value_potential_fit_partial(v, v) FROM vals) x$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit_final(crm.value_potential_fit_partial(v, v)) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_potential_fit_final(crm.abc_fit_partial(v, 0.8, 0.95)) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.abc_class(crm.value_tier_fit(v), 5) FROM vals$$);
SELECT sqlstate_of($$SELECT crm.value_tier_fit_trans(crm.abc_fit_partial(v, 0.8, 0.95), 1) FROM vals$$);

-- loyalty metrics: the summaries' rules (22000), monetary value >= 0, a state
-- that is not a float8[6] (22023)
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(1.5, 1, 2, 10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(-1, 0, 2, 10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(2, 3, 2, 10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(0, 1, 2, 0)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(1, 1, 2, -10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(1, 1, 'NaN', 10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics(1, 1, 2, 'Infinity')$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics_trans('{0,0,0}', 1, 1, 2, 10)$$);
SELECT sqlstate_of($$SELECT crm.loyalty_metrics_combine('{0,0,0,0,0,0}', '{0,0,0,0,0,NULL}')$$);

-- profit and ROI: costs >= 0, numbers finite, a cost sum that overflows
SELECT sqlstate_of($$SELECT crm.customer_profit(100, -1)$$);
SELECT sqlstate_of($$SELECT crm.customer_profit('NaN', 1)$$);
SELECT sqlstate_of($$SELECT crm.customer_roi(100, -5, 10)$$);
SELECT sqlstate_of($$SELECT crm.customer_roi(100, 5, -10)$$);
SELECT sqlstate_of($$SELECT crm.customer_roi('Infinity', 5, 10)$$);
SELECT sqlstate_of($$SELECT crm.customer_roi(100, 1e308, 1e308)$$);

-- malformed text (22P02, with a detail)
SELECT error_of($$SELECT 'v1 n=3 values={1:1,2:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=2 values={2:1,1:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=2 values={1:1,1:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=1 values={-1:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=1 values={NaN:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=0 values={1:0}'::crm.concentration$$);
SELECT error_of($$SELECT 'v2 n=1 values={1:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 kind=pyramid n=1 values={1:1}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=1 values={1:1} '::crm.concentration$$);
SELECT error_of($$SELECT 'v1 n=1 values={1:99999999999999999999}'::crm.concentration$$);
SELECT error_of($$SELECT 'v1 kind=concentration n=1 values={1:1}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'v1 kind=pyramid n=1 cuts={0.5,1} names={"a"} values={1:1}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'v1 kind=pyramid n=1 cuts={0.5,0.9} names={"a","b"} values={1:1}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'v1 kind=abc n=1 cuts={0.8,0.95,1} names={"A","B","C} values={1:1}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'v1 kind=potential n=1 values={1:1}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'v1 kind=potential n=1 values={1:1} potentials={-1:2}'::crm.value_fit_state$$);
SELECT error_of($$SELECT 'pyramid n=2 total=3 cuts={0.5,1} names={"a","b"} thresholds={2,1} customers={1,2} values={2,1}'::crm.value_tier_model$$);
SELECT error_of($$SELECT 'pyramid n=2 total=3 cuts={0.5,1} names={"a","b"} thresholds={1,2} customers={1,1} values={2,1}'::crm.value_tier_model$$);
SELECT error_of($$SELECT 'pyramid n=2 total=3 cuts={0.5,1} names={"a","b"} thresholds={2,1} customers={1,1} values={2}'::crm.value_tier_model$$);
SELECT error_of($$SELECT 'tiers n=2 total=3 cuts={0.5,1} names={"a","b"} thresholds={2,1} customers={1,1} values={2,1}'::crm.value_tier_model$$);
SELECT error_of($$SELECT 'abc n=0 total=0 cuts={0.8,1} names={"A","B"} thresholds={0,0} customers={0,0} values={0,0}'::crm.value_tier_model$$);
SELECT error_of($$SELECT 'value_threshold=1 potential_threshold=NaN n=0'::crm.value_potential_model$$);
SELECT error_of($$SELECT 'value_threshold=1 n=0'::crm.value_potential_model$$);

-- binary input (22P03 when malformed): a crm.concentration whose counts do
-- not add up to n, then a valid one; a crm.value_potential_model of another
-- version
CREATE TABLE bin (c crm.concentration);
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\037\001\001\000\000\000\000\000\000\000\002\000\000\000\000\001\077\360\000\000\000\000\000\000\000\000\000\000\000\000\000\001\377\377"' WITH (FORMAT binary)
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\037\001\001\000\000\000\000\000\000\000\001\000\000\000\000\001\077\360\000\000\000\000\000\000\000\000\000\000\000\000\000\001\377\377"' WITH (FORMAT binary)
SELECT c FROM bin;
CREATE TABLE bin_vp (m crm.value_potential_model);
\copy bin_vp FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\031\002\000\000\000\000\000\000\000\000\077\360\000\000\000\000\000\000\100\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
SELECT count(*) FROM bin_vp;
