--
-- extreme_values: no crm function or aggregate returns NaN, +-Infinity or an
-- impossible value (a probability outside [0, 1], a negative expectation, a
-- Gini of -1, a PMF that does not sum to 1), whatever valid input it gets;
-- an error (22003 naming the input that overflowed, 22023, 22000) is fine.
--
-- The sweep is systematic: it enumerates the extension's functions from the
-- catalog (pg_proc joined to pg_depend on the crm extension) whose
-- arguments all have a grid of extreme values, and calls each many times:
--   * float8, integer, bigint, numeric: 0, subnormals, 1e-300 .. 1e300,
--     huge counts (9e18), the type's limits, and a negative value;
--   * the purchase/spend/retention model types: values built by their own
--     constructors (crm.bgnbd(r, alpha, a, b), ...) with every parameter in
--     1e-20, 1e-8, 1, 1e8, 1e20, and the other constructible crm types
--     (crm.nps, crm.rfm, crm.value_potential_model) likewise;
--   * the aggregate-built types (crm.concentration, crm.value_tier_model,
--     crm.survival, crm.csi_state, crm.pls_model, ...): the values the
--     aggregates return over data sets of extreme values (the aggregate
--     calls are swept too);
--   * a customer summary (x, t_x, T) or (x, t_x, n), recognised by its
--     argument names, is drawn from a list of valid extreme summaries.
-- A function whose grid is small is called on all of it; otherwise on a
-- deterministic sample (hashint8extended of the call and argument number).
--
SET extra_float_digits = 0;
-- the fits among the aggregates warn about their (degenerate) data; the
-- sweep is about values, so only errors are shown
SET client_min_messages = error;
CREATE TEMP TABLE sweep_grid (typ regtype, expr text, ord serial);
CREATE TEMP TABLE sweep_calls (fn text, args text, outcome text, result text, violation text);

-- the plain numeric grids
INSERT INTO sweep_grid (typ, expr)
SELECT 'float8', quote_literal(v) || '::float8'
FROM unnest(ARRAY['0', '5e-324', '1e-300', '1e-20', '1e-8', '0.5', '1', '2', '10', '1e8',
	'9e18', '1e20', '1e300', '1.7976931348623157e308', '-1']) v;
INSERT INTO sweep_grid (typ, expr)
SELECT 'integer', v || '::integer'
FROM unnest(ARRAY['0', '1', '2', '10', '1000', '1000000', '2147483647', '-1']) v;
INSERT INTO sweep_grid (typ, expr)
SELECT 'bigint', v || '::bigint'
FROM unnest(ARRAY['0', '1', '2', '1000', '9000000000000000000', '9223372036854775807', '-1']) v;
INSERT INTO sweep_grid (typ, expr)
SELECT 'numeric', quote_literal(v) || '::numeric'
FROM unnest(ARRAY['0', '1e-300', '1', '1e20', '1e300', '1e308', '1e400', '-1']) v;
INSERT INTO sweep_grid (typ, expr)
SELECT 'float8[]', quote_literal(v) || '::float8[]'
FROM unnest(ARRAY['{0,0,0}', '{5e-324,5e-324,5e-324}', '{1,2,3}', '{1e300,1e300,1e300}',
	'{1e-300,1,1e300}', '{9e18,1,0}', '{1.7976931348623157e308,1.7976931348623157e308,1.7976931348623157e308}',
	'{1,2,3,4}', '{1e300,-1e300,5e-324,0}']) v;

-- valid customer summaries: (x, t_x, T) in continuous time, (x, t_x, n) in
-- discrete opportunities
CREATE TEMP TABLE sweep_summaries (kind text, expr text);
INSERT INTO sweep_summaries
SELECT 'continuous', v FROM unnest(ARRAY[
	'0, 0, 0', '0, 0, 5e-324', '0, 0, 1e-8', '0, 0, 1', '0, 0, 1e8', '0, 0, 1e20', '0, 0, 1e300',
	'1, 5e-324, 1', '1, 1, 1', '1, 1e-300, 1e300', '1, 1e300, 1e300', '2, 1, 2', '10, 0.5, 1',
	'10, 9.999, 10', '100, 1e-8, 1e20', '1000, 1e8, 1e8', '1e6, 1, 1e20', '1e6, 1e20, 1e20',
	'1e15, 1e8, 1e8', '9e18, 1e300, 1e300']) v
UNION ALL
SELECT 'discrete', v FROM unnest(ARRAY[
	'0, 0, 1', '0, 0, 1000000', '1, 1, 1', '1, 1, 2', '1, 1, 1000000', '2, 1000000, 1000000',
	'5, 10, 10', '10, 10, 10', '1000000, 1000000, 1000000', '999999, 1000000, 1000000']) v;

-- the value grid of each constructible crm type: its constructor (a function
-- of the type's own name) over 1e-20, 1e-8, 1, 1e8, 1e20 for each float8
-- parameter and the integer grid for integer and bigint ones
CREATE FUNCTION pg_temp.sweep_constructors() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	fn record;
	params text[] := ARRAY['1e-20', '1e-8', '1', '1e8', '1e20'];
	ints text[] := ARRAY['0', '1', '10', '1000000', '2147483647'];
	bigs text[] := ARRAY['0', '1', '1000', '3000000000000000000', '9223372036854775807'];
	choices text[];
	total int;
	args text;
	k int;
	val text;
BEGIN
	FOR fn IN
		SELECT p.oid::regprocedure AS sig, p.oid, p.proname, p.prorettype,
			ARRAY(SELECT unnest(p.proargtypes::oid[])) AS types
		FROM pg_proc p
		JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
		JOIN pg_type t ON t.oid = p.prorettype
		WHERE p.prokind = 'f' AND NOT p.proretset AND p.pronargs > 0 AND p.proname = t.typname
			AND p.proargtypes::oid[] <@ ARRAY['float8', 'int4', 'int8']::regtype[]::oid[]
		ORDER BY 1::text
	LOOP
		total := 1;
		FOR i IN 1 .. cardinality(fn.types) LOOP
			total := total * 5;
		END LOOP;
		FOR j IN 0 .. total - 1 LOOP
			args := '';
			k := j;
			FOR i IN 1 .. cardinality(fn.types) LOOP
				choices := CASE fn.types[i] WHEN 'float8'::regtype THEN params
					WHEN 'int4'::regtype THEN ints ELSE bigs END;
				args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END || choices[1 + k % 5]
					|| '::' || format_type(fn.types[i], NULL);
				k := k / 5;
			END LOOP;
			BEGIN
				EXECUTE format('SELECT %s(%s)::text', fn.oid::regproc, args) INTO val;
				INSERT INTO sweep_calls VALUES (fn.sig::text, args, 'value', val,
					CASE WHEN val ~* '(nan|infinity)' THEN 'not finite' END);
				INSERT INTO sweep_grid (typ, expr)
				VALUES (fn.prorettype, quote_literal(val) || '::' || format_type(fn.prorettype, NULL));
			EXCEPTION WHEN OTHERS THEN
				INSERT INTO sweep_calls VALUES (fn.sig::text, args, 'error ' || SQLSTATE, NULL, NULL);
			END;
		END LOOP;
	END LOOP;
END $$;
SELECT pg_temp.sweep_constructors();
-- models with covariates (three per process, so that the three-element
-- arrays of the float8[] grid are their customers' covariates): the
-- Pareto/NBD, BG/NBD and GGom/NBD at moderate parameters with coefficients
-- of either sign
INSERT INTO sweep_grid (typ, expr)
SELECT t::regtype, quote_literal(m) || '::' || t
FROM (VALUES ('crm.paretonbd', crm.with_covariates(crm.paretonbd(0.5, 10, 0.6, 12), crm.covariates('{a,b,c}', '{d,e,f}'),
                                                    '{0.5,-1,0.1}', '{0.2,0.3,-0.4}')::text),
             ('crm.bgnbd', crm.with_covariates(crm.bgnbd(0.25, 4, 0.8, 2.4), crm.covariates('{a,b,c}', '{d,e,f}'),
                                                '{0.5,-1,0.1}', '{0.2,0.3,-0.4}')::text),
             ('crm.ggomnbd', crm.with_covariates(crm.ggomnbd(0.5, 10, 0.1, 0.6, 2), crm.covariates('{a,b,c}', '{d,e,f}'),
                                                  '{0.5,-1,0.1}', '{0.2,0.3,-0.4}')::text)) v(t, m);

-- aggregates over data sets of extreme values; each value they return joins
-- the grid of its type (an error is fine)
CREATE TEMP TABLE sweep_aggregates (fn text, query text);
INSERT INTO sweep_aggregates VALUES
	-- money sums near the float8 limit (summaries), float8 and numeric
	('crm.summary', $q$SELECT crm.summary(d, v, '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 1e308::float8), ('2024-02-01', 1e308), ('2024-03-01', 1e308)) s(d, v)$q$),
	('crm.summary', $q$SELECT crm.summary(d, v, '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 1.7976931348623157e308::float8), ('2024-02-01', -1.7976931348623157e308)) s(d, v)$q$),
	('crm.summary', $q$SELECT crm.summary(d, v, '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 5e-324::float8), ('2024-02-01', 5e-324)) s(d, v)$q$),
	('crm.summary', $q$SELECT crm.summary(d, v, '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 1e300::numeric), ('2024-02-01', 1e300), ('2024-03-01', 1e308)) s(d, v)$q$),
	('crm.summary', $q$SELECT crm.summary(d, v, '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 1e400::numeric)) s(d, v)$q$),
	('crm.calibration_holdout', $q$SELECT crm.calibration_holdout(d, v, '2024-06-30', '2024-12-31', '1 day') FROM (VALUES ('2024-01-01'::date, 1e308::float8), ('2024-02-01', 1e308), ('2024-08-01', 1e308), ('2024-09-01', 1e308)) s(d, v)$q$),
	('crm.loyalty_metrics', $q$SELECT crm.loyalty_metrics(f, r, t, m) FROM (VALUES (1e300::float8, 1e300::float8, 1e300::float8, 1e308::float8), (1e300, 1e300, 1e300, 1e308)) s(f, r, t, m)$q$),
	('crm.loyalty_metrics', $q$SELECT crm.loyalty_metrics(f, r, t, m) FROM (VALUES (9e18::float8, 5e-324::float8, 5e-324::float8, 5e-324::float8), (9e18, 0, 0, 0)) s(f, r, t, m)$q$),
	-- concentration, Gini, Lorenz
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (1e308::float8), (1e308), (1e308)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (1.7976931348623157e308::float8), (1.7976931348623157e308)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (5e-324::float8), (5e-324), (1)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (5e-324::float8), (1e-320), (1e-310)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (0::float8), (0), (0)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (0::float8), (0), (1e300)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (VALUES (1e-300::float8), (1), (1e300)) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (SELECT 1 + 1e-15 * g FROM generate_series(1, 1000) g) s(v)$q$),
	('crm.concentration_fit', $q$SELECT crm.concentration_fit(v) FROM (SELECT 1e300 * g FROM generate_series(1, 1000) g) s(v)$q$),
	-- value tiers and ABC classes
	('crm.value_tier_fit', $q$SELECT crm.value_tier_fit(v) FROM (VALUES (1e308::float8), (1e308), (1e308), (0)) s(v)$q$),
	('crm.value_tier_fit', $q$SELECT crm.value_tier_fit(v) FROM (VALUES (5e-324::float8), (5e-324), (1e-320), (0)) s(v)$q$),
	('crm.value_tier_fit', $q$SELECT crm.value_tier_fit(v) FROM (VALUES (0::float8), (0), (0)) s(v)$q$),
	('crm.value_tier_fit', $q$SELECT crm.value_tier_fit(v, ARRAY[1e-300, 1e300]) FROM (VALUES (1e308::float8), (1e308), (1e-300)) s(v)$q$),
	('crm.abc_fit', $q$SELECT crm.abc_fit(v) FROM (VALUES (1e308::float8), (1e308), (1e308), (1)) s(v)$q$),
	('crm.abc_fit', $q$SELECT crm.abc_fit(v) FROM (VALUES (5e-324::float8), (5e-324), (0)) s(v)$q$),
	('crm.abc_fit', $q$SELECT crm.abc_fit(v, 1e-300, 1) FROM (SELECT 1e300 * g FROM generate_series(1, 100) g) s(v)$q$),
	('crm.value_potential_fit', $q$SELECT crm.value_potential_fit(v, p) FROM (VALUES (1e308::float8, 1e308::float8), (1e308, 1e308), (5e-324, 5e-324)) s(v, p)$q$),
	-- survey indices
	('crm.csi_agg', $q$SELECT crm.csi_agg(s, w, 1, 10) FROM (VALUES ('{10,10,10}'::float8[], '{1e300,1e300,1e300}'::float8[]), ('{1,1,1}', '{1e300,1e300,1e300}')) d(s, w)$q$),
	('crm.csi_agg', $q$SELECT crm.csi_agg(s, w, 1, 10) FROM (VALUES ('{10,1,5}'::float8[], '{5e-324,5e-324,5e-324}'::float8[])) d(s, w)$q$),
	('crm.csi_agg', $q$SELECT crm.csi_agg(s, w, 0, 1e300) FROM (VALUES ('{1e300,0,1e300}'::float8[], '{1,1,1}'::float8[]), ('{1e300,1e300,1e300}', '{1,1,1}')) d(s, w)$q$),
	('crm.csi_agg', $q$SELECT crm.csi_agg(s, w, -1e300, 1e300) FROM (VALUES ('{1e300,-1e300,0}'::float8[], '{1,1,1}'::float8[])) d(s, w)$q$),
	('crm.csi_agg', $q$SELECT crm.csi_agg(s, w, 5e-324, 1e-323) FROM (VALUES ('{1e-323,5e-324,1e-323}'::float8[], '{1,1,1}'::float8[])) d(s, w)$q$),
	('crm.nps_agg', $q$SELECT crm.nps_agg(s) FROM generate_series(0, 10) s$q$),
	('crm.csat_agg', $q$SELECT crm.csat_agg(s, 5) FROM generate_series(1, 5) s$q$),
	('crm.ces_agg', $q$SELECT crm.ces_agg(s) FROM generate_series(1, 7) s$q$),
	-- Kaplan-Meier
	('crm.km_fit', $q$SELECT crm.km_fit(d, e) FROM (VALUES (1e300::float8, true), (1.7976931348623157e308, true), (1e300, false)) s(d, e)$q$),
	('crm.km_fit', $q$SELECT crm.km_fit(d, e) FROM (VALUES (5e-324::float8, true), (1e-323, true), (0, true)) s(d, e)$q$),
	('crm.km_fit', $q$SELECT crm.km_fit(d, e, w) FROM (VALUES (1::float8, true, 9000000000000000000::bigint), (2, false, 1)) s(d, e, w)$q$),
	('crm.km_fit', $q$SELECT crm.km_fit(d, e, w) FROM (VALUES (1::float8, true, 1::bigint), (1.7976931348623157e308, true, 1)) s(d, e, w)$q$),
	-- PLS path models
	('crm.pls_fit', $q$SELECT crm.pls_fit(ARRAY[a, a * 0.9 + b, b, b * 1.1 + a], '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') FROM (SELECT 1e150 * sin(g), 1e150 * cos(3 * g) FROM generate_series(1, 50) g) s(a, b)$q$),
	('crm.pls_fit', $q$SELECT crm.pls_fit(ARRAY[a, a * 0.9 + b, b, b * 1.1 + a], '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') FROM (SELECT 1e-100 * sin(g), 1e-100 * cos(3 * g) FROM generate_series(1, 50) g) s(a, b)$q$),
	-- RFM
	('crm.rfm_fit', $q$SELECT crm.rfm_fit(r, f, m) FROM (SELECT 1e300 * g, 9e18 * g, 1e307 * g FROM generate_series(1, 10) g) s(r, f, m)$q$),
	('crm.rfm_fit', $q$SELECT crm.rfm_fit(r, f, m) FROM (SELECT 5e-324 * g, 5e-324 * g, 5e-324 * g FROM generate_series(1, 10) g) s(r, f, m)$q$),
	-- model fits on extreme summaries
	('crm.bgnbd_fit', $q$SELECT crm.bgnbd_fit(x, t_x, t) FROM (VALUES (1e6::float8, 1e20::float8, 1e20::float8), (0, 0, 1e20), (1, 1, 1e20)) s(x, t_x, t)$q$),
	('crm.mbgnbd_fit', $q$SELECT crm.mbgnbd_fit(x, t_x, t) FROM (VALUES (1e6::float8, 1e-8::float8, 1e-8::float8), (0, 0, 1e-8), (1, 1e-9, 1e-8)) s(x, t_x, t)$q$),
	('crm.paretonbd_fit', $q$SELECT crm.paretonbd_fit(x, t_x, t) FROM (VALUES (1e6::float8, 1e20::float8, 1e20::float8), (0, 0, 1e20), (1, 1, 1e20)) s(x, t_x, t)$q$),
	('crm.ggomnbd_fit', $q$SELECT crm.ggomnbd_fit(x, t_x, t) FROM (VALUES (1e6::float8, 1e20::float8, 1e20::float8), (0, 0, 1e20), (1, 1, 1e20)) s(x, t_x, t)$q$),
	('crm.bgbb_fit', $q$SELECT crm.bgbb_fit(x, t_x, n) FROM (VALUES (1000000::float8, 1000000::float8, 1000000::float8), (0, 0, 1000000), (1, 1, 1000000)) s(x, t_x, n)$q$),
	('crm.sbg_fit', $q$SELECT crm.sbg_fit(t, c) FROM (VALUES (1000000, true), (1, true), (1000000, false)) s(t, c)$q$),
	('crm.gammagamma_fit', $q$SELECT crm.gammagamma_fit(x, m) FROM (VALUES (1e6::float8, 1e300::float8), (1, 5e-324), (2, 1)) s(x, m)$q$);

CREATE FUNCTION pg_temp.sweep_aggregates() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	agg record;
	val text;
	typ regtype;
BEGIN
	FOR agg IN SELECT * FROM sweep_aggregates LOOP
		BEGIN
			EXECUTE format('SELECT v::text, pg_typeof(v) FROM (%s) q(v)', agg.query) INTO val, typ;
			INSERT INTO sweep_calls VALUES (agg.fn, agg.query, 'value', val,
				CASE WHEN val ~* '(nan|infinity)' THEN 'not finite' END);
			IF val IS NOT NULL THEN
				INSERT INTO sweep_grid (typ, expr) VALUES (typ, quote_literal(val) || '::' || typ::text);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO sweep_calls VALUES (agg.fn, agg.query, 'error ' || SQLSTATE, NULL, NULL);
		END;
	END LOOP;
END $$;
SELECT pg_temp.sweep_aggregates();

-- what a result must satisfy, by function name (scalars) or column name
-- (set-returning and composite results, checked on each row's jsonb form)
CREATE TEMP TABLE sweep_ranges (name text, low float8, high float8, high_open bool);
INSERT INTO sweep_ranges VALUES
	('p_alive', 0, 1, false), ('purchase_probability', 0, 1, false), ('survival', 0, 1, false),
	('survival_at', 0, 1, false), ('retention_rate', 0, 1, false), ('churn_probability', 0, 1, false),
	('top_share', 0, 1, false), ('customers_for_share', 0, 1, false), ('gini', 0, 1, true),
	('nps_score', -100, 100, false), ('nps_ci_low', -100, 100, false), ('nps_ci_high', -100, 100, false),
	('csat_score', 0, 100, false), ('csat_top_box', 0, 100, false), ('ces_agree', 0, 100, false),
	('csi_score', 0, 100, false), ('csi', 0, 100, false),
	('expected_purchases', 0, NULL, false), ('dert', 0, NULL, false), ('del', 0, NULL, false),
	('derl', 0, NULL, false), ('clv', 0, NULL, false), ('expected_spend', 0, NULL, false),
	('median_survival', 0, NULL, false), ('customers', 0, NULL, false), ('nps_se', 0, NULL, false),
	-- columns
	('customer_share', 0, 1, false), ('value_share', 0, 1, false), ('lower', 0, 1, false),
	('upper', 0, 1, false), ('std_err', 0, NULL, false), ('retention', 0, 1, false),
	('crr', 0, 1, false), ('churn_rate', 0, 1, false), ('r2', 0, 1, false),
	('communality', 0, 1, false), ('repeat_purchase_rate', 0, 1, false), ('index', 0, 100, false),
	('n_risk', 0, NULL, false), ('n_event', 0, NULL, false), ('n_censored', 0, NULL, false);

-- the log-likelihood of a discrete model is the log of a probability
CREATE FUNCTION pg_temp.sweep_check(fn regprocedure, val float8, js jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	fname text := (SELECT proname FROM pg_proc WHERE oid = fn);
	rng record;
	kv record;
BEGIN
	IF val IS NOT NULL THEN
		IF val = 'NaN' OR val IN ('Infinity', '-Infinity') THEN
			RETURN 'not finite';
		END IF;
		SELECT * INTO rng FROM sweep_ranges WHERE sweep_ranges.name = fname;
		IF FOUND AND (val < rng.low OR val > rng.high OR (rng.high_open AND val >= rng.high)) THEN
			RETURN 'out of range';
		END IF;
		IF fname = 'loglik' AND (fn::text LIKE 'crm.loglik(crm.bgbb,%' OR fn::text LIKE 'crm.loglik(crm.sbg,%')
				AND val > 0 THEN
			RETURN 'log-probability > 0';
		END IF;
	END IF;
	IF js IS NOT NULL THEN
		FOR kv IN SELECT e.key, e.value FROM jsonb_each(js) e LOOP
			IF jsonb_typeof(kv.value) = 'string' AND kv.value #>> '{}' ~* '^-?(nan|infinity)$' THEN
				RETURN 'not finite: ' || kv.key;
			END IF;
			IF jsonb_typeof(kv.value) = 'number' THEN
				SELECT * INTO rng FROM sweep_ranges WHERE sweep_ranges.name = kv.key;
				IF FOUND AND ((kv.value)::float8 < rng.low OR (kv.value)::float8 > rng.high) THEN
					RETURN 'out of range: ' || kv.key;
				END IF;
			END IF;
		END LOOP;
	END IF;
	RETURN NULL;
END $$;

-- the functions swept: every function of the extension, except type I/O and
-- aggregate support, whose arguments all have a grid
CREATE TEMP VIEW sweep_functions AS
SELECT p.oid::regprocedure AS sig, p.oid, p.proretset, p.prorettype,
	ARRAY(SELECT unnest(p.proargtypes::oid[])) AS types, p.proargnames AS names
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
WHERE p.prokind = 'f' AND p.pronargs > 0
	AND p.prorettype NOT IN ('cstring'::regtype, 'bytea'::regtype, 'internal'::regtype)
	AND p.proname !~ '_(jsonb|trans|combine|final|compact)$'
	AND NOT EXISTS (SELECT FROM unnest(p.proargtypes::oid[]) t
		WHERE t NOT IN (SELECT typ FROM sweep_grid));

CREATE FUNCTION pg_temp.sweep(cap int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	fn record;
	slots text[][];
	slot_exprs text[];
	sizes int[];
	total numeric;
	n_calls int;
	args text;
	k numeric;
	idx int;
	i int;
	summary_kind text;
	val float8;
	js jsonb;
	txt text;
	q text;
	numeric_ret bool;
	composite bool;
	why text;
BEGIN
	FOR fn IN SELECT * FROM sweep_functions ORDER BY sig::text LOOP
		-- the slots: one per argument, or one per (x, t_x, T|n) summary
		slots := '{}';
		sizes := '{}';
		i := 1;
		WHILE i <= cardinality(fn.types) LOOP
			summary_kind := NULL;
			IF fn.names IS NOT NULL AND i + 2 <= cardinality(fn.types)
					AND fn.names[i] = 'x' AND fn.names[i + 1] = 't_x' THEN
				summary_kind := CASE fn.names[i + 2] WHEN 't' THEN 'continuous' WHEN 'n' THEN 'discrete' END;
			END IF;
			IF summary_kind IS NOT NULL THEN
				slot_exprs := ARRAY(SELECT expr FROM sweep_summaries s WHERE s.kind = summary_kind ORDER BY expr);
				i := i + 3;
			ELSE
				-- an integer that sizes a set-returning function's output stays
				-- small here (output-size bounds are tested in their own test)
				slot_exprs := ARRAY(SELECT expr FROM sweep_grid g WHERE g.typ = fn.types[i]
					AND NOT (fn.proretset AND g.typ IN ('int4'::regtype, 'int8'::regtype)
						AND split_part(g.expr, '::', 1)::numeric > 1000)
					ORDER BY ord);
				i := i + 1;
			END IF;
			slots := slots || ARRAY[array_to_string(slot_exprs, E'\x1f')];
			sizes := sizes || cardinality(slot_exprs);
		END LOOP;
		total := 1;
		FOREACH idx IN ARRAY sizes LOOP
			total := total * idx;
		END LOOP;
		n_calls := least(total, cap);
		numeric_ret := fn.prorettype IN ('float8'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype);
		composite := fn.proretset OR (SELECT typtype = 'c' OR typname = 'record' FROM pg_type WHERE oid = fn.prorettype);
		FOR j IN 0 .. n_calls - 1 LOOP
			args := '';
			k := j;
			FOR s IN 1 .. cardinality(sizes) LOOP
				IF total <= cap THEN
					idx := (k % sizes[s])::int;
					k := floor(k / sizes[s]);
				ELSE
					idx := (abs(hashint8extended(j, s)) % sizes[s])::int;
				END IF;
				args := args || CASE WHEN s > 1 THEN ', ' ELSE '' END
					|| (string_to_array(slots[s], E'\x1f'))[idx + 1];
			END LOOP;
			IF composite THEN
				q := format('SELECT jsonb_agg(to_jsonb(r)) FROM %s(%s) r', fn.oid::regproc, args);
			ELSIF numeric_ret THEN
				q := format('SELECT %s(%s)::float8', fn.oid::regproc, args);
			ELSE
				q := format('SELECT %s(%s)::text', fn.oid::regproc, args);
			END IF;
			BEGIN
				val := NULL;
				js := NULL;
				txt := NULL;
				IF composite THEN
					EXECUTE q INTO js;
					txt := js::text;
				ELSIF numeric_ret THEN
					EXECUTE q INTO val;
					txt := val::text;
				ELSE
					EXECUTE q INTO txt;
				END IF;
				why := NULL;
				IF js IS NOT NULL THEN
					SELECT string_agg(DISTINCT w, ', ') INTO why
					FROM jsonb_array_elements(js) r, pg_temp.sweep_check(fn.sig, NULL, r) w;
				ELSIF txt ~* '(nan|infinity)' AND NOT numeric_ret THEN
					why := 'not finite';
				ELSE
					why := pg_temp.sweep_check(fn.sig, val, NULL);
				END IF;
				INSERT INTO sweep_calls VALUES (fn.sig::text, args, 'value', txt, why);
			EXCEPTION WHEN OTHERS THEN
				INSERT INTO sweep_calls VALUES (fn.sig::text, args, 'error ' || SQLSTATE, NULL, NULL);
			END;
		END LOOP;
	END LOOP;
END $$;
SELECT pg_temp.sweep(400);


-- what was swept: functions (a later function with numeric arguments joins
-- this count) and aggregates, and the calls made
SELECT count(DISTINCT fn) FILTER (WHERE fn LIKE '%(%') AS functions,
	count(*) FILTER (WHERE fn LIKE '%(%') AS function_calls,
	count(DISTINCT fn) FILTER (WHERE fn NOT LIKE '%(%') AS aggregates,
	count(*) FILTER (WHERE fn NOT LIKE '%(%') AS aggregate_calls
FROM sweep_calls;

-- every function and aggregate swept, its calls, and whether any returned a
-- value (an error is fine; a function that only ever errors is not swept)
SELECT fn, count(*) AS calls, count(*) FILTER (WHERE outcome = 'value') > 0 AS returns_values
FROM sweep_calls GROUP BY fn ORDER BY fn;

-- THE ASSERTION: no call returned NaN, +-Infinity or an impossible value
SELECT fn, args, result, violation
FROM sweep_calls
WHERE violation IS NOT NULL
ORDER BY fn, args;


-- no call crashed or hit an internal error (XX000)
SELECT fn, args, outcome FROM sweep_calls WHERE outcome LIKE 'error XX%' ORDER BY fn, args;

-- the PMFs sum to 1: crm.purchase_probability over n = 0..200 at parameters
-- in 1e-20, 1, 1e20 and horizons 1e-8, 1, 1e5.  Every term is in [0, 1], no
-- partial sum exceeds 1, and where E[X(t)] <= 2e-7 (so that P(X > 200) <=
-- E[X(t)] / 200 <= 1e-9 by Markov's inequality) the sum is 1 within 1e-9.
CREATE TEMP TABLE pmf_models AS
SELECT kind, format('r=%s alpha=%s a=%s b=%s', r, alpha, a, b) AS params, t
FROM unnest(ARRAY['bgnbd', 'mbgnbd']) kind,
	unnest(ARRAY['1e-20', '1', '1e20']) r, unnest(ARRAY['1e-20', '1', '1e20']) alpha,
	unnest(ARRAY['1e-20', '1', '1e20']) a, unnest(ARRAY['1e-20', '1', '1e20']) b,
	unnest(ARRAY[1e-8, 1, 1e5]::float8[]) t;
CREATE FUNCTION pg_temp.pmf_check(kind text, params text, t float8,
	OUT total float8, OUT bad_terms int, OUT mean float8) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SELECT sum(p), count(*) FILTER (WHERE NOT p BETWEEN 0 AND 1)
		FROM (SELECT crm.purchase_probability(%L::crm.%s, n, %s) p FROM generate_series(0, 200) n) q',
		params, kind, t) INTO total, bad_terms;
	BEGIN
		EXECUTE format('SELECT crm.expected_purchases(%L::crm.%s, %s)', params, kind, t) INTO mean;
	EXCEPTION WHEN numeric_value_out_of_range OR invalid_parameter_value THEN
		mean := NULL;			-- the mass is then only checked to be <= 1
	END;
EXCEPTION WHEN numeric_value_out_of_range OR invalid_parameter_value THEN
	total := NULL;				-- refused (22003/22023): counted as not computed
END $$;
CREATE TEMP TABLE pmf_results AS
SELECT m.*, c.* FROM pmf_models m, pg_temp.pmf_check(m.kind, m.params, m.t) c;
SELECT count(*) AS pmfs, count(total) AS computed,
	count(*) FILTER (WHERE mean <= 2e-7) AS complete_mass_checked,
	count(*) FILTER (WHERE bad_terms > 0 OR total > 1 + 1e-12
		OR (mean <= 2e-7 AND abs(total - 1) > 1e-9)) AS failures
FROM pmf_results;
SELECT kind, params, t, total, mean FROM pmf_results
WHERE bad_terms > 0 OR total > 1 + 1e-12 OR (mean <= 2e-7 AND abs(total - 1) > 1e-9)
ORDER BY 1, 2, 3;
-- and at the published CDNOW estimates, with the whole mass in n <= 2000
SELECT round(sum(crm.purchase_probability('r=0.243 alpha=4.414 a=0.793 b=2.426'::crm.bgnbd, n, 39))::numeric, 12)
	AS bgnbd_total FROM generate_series(0, 2000) n;
SELECT round(sum(crm.purchase_probability('r=0.525 alpha=6.183 a=0.891 b=1.614'::crm.mbgnbd, n, 39))::numeric, 12)
	AS mbgnbd_total FROM generate_series(0, 2000) n;

-- The BG/NBD and MBG/NBD conditional expectations agree with a reference
-- computed from the papers' formula, FHL (2005) eq. 10,
--   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
--   / [1 + (x > 0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)]
-- (MBG/NBD: b+x+1 and a+b+x for b+x and a+b+x-1, a/(b+x) and no x > 0), in
-- numeric with 650 decimal places, where the cancellation of the bracket
-- costs nothing.  "Computable": a != 1 and the series converges within 600
-- terms.  A deterministic sample of the grid of models (parameters in
-- 1e-20 .. 1e20), valid summaries and horizons; crm may refuse (22003/22023)
-- but never disagree by more than 1e-6 relative.
CREATE FUNCTION pg_temp.reference_expectation(kind text, r numeric, alpha numeric, a numeric,
	b numeric, t numeric, x numeric, t_x numeric, age numeric) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
	-- every operand at scale 650, so that each division keeps 650 digits (1e-300 has 350 left)
	r numeric := round(r, 650);
	alpha numeric := round(alpha, 650);
	a numeric := round(a, 650);
	b numeric := round(b, 650);
	t numeric := round(t, 650);
	x numeric := round(x, 650);
	t_x numeric := round(t_x, 650);
	age numeric := round(age, 650);
	big_a numeric := r + x;
	big_b numeric := CASE kind WHEN 'bgnbd' THEN b + x ELSE b + x + 1 END;
	big_c numeric := CASE kind WHEN 'bgnbd' THEN a + b + x - 1 ELSE a + b + x END;
	z numeric;
	term numeric := 1;
	series numeric := 1;
	log_power numeric;
	bracket numeric;
	log_odds numeric;
	converged bool := false;
BEGIN
	IF a = 1 OR t = 0 THEN
		RETURN NULL;
	END IF;
	z := round(t / (alpha + age + t), 650);
	FOR n IN 0 .. 599 LOOP
		term := round(term * (big_a + n) * (big_b + n) / ((big_c + n) * (n + 1)) * z, 650);
		series := series + term;
		IF abs(term) <= 1e-40 * abs(series) THEN
			converged := true;
			EXIT;
		END IF;
	END LOOP;
	IF NOT converged THEN
		RETURN NULL;
	END IF;
	log_power := big_a * ln(round((alpha + age) / (alpha + age + t), 650));
	bracket := 1 - CASE WHEN log_power < -100000 THEN 0 ELSE exp(round(log_power, 650)) END * series;
	IF kind = 'bgnbd' AND x = 0 THEN
		log_odds := NULL;
	ELSE
		log_odds := ln(a) - ln(CASE kind WHEN 'bgnbd' THEN b + x - 1 ELSE b + x END)
			+ big_a * ln(round((alpha + age) / (alpha + t_x), 650));
	END IF;
	RETURN round(big_c / (a - 1) * bracket, 650) / CASE WHEN log_odds IS NULL THEN 1
		WHEN log_odds > 100000 THEN 'Infinity'::numeric ELSE 1 + exp(round(log_odds, 650)) END;
EXCEPTION WHEN numeric_value_out_of_range THEN
	RETURN NULL;				-- beyond numeric's range: not computable
END $$;
CREATE TEMP TABLE reference_cases AS
WITH params AS (SELECT ARRAY['1e-20', '1e-8', '1', '1e8', '1e20'] AS v),
summaries AS (SELECT row_number() OVER (ORDER BY expr) AS i, expr FROM sweep_summaries WHERE kind = 'continuous'),
horizons AS (SELECT ARRAY['1e-8', '0.5', '1', '10', '1e5'] AS h)
SELECT kind, j, v[1 + abs(hashint8extended(j, 1)) % 5] AS r, v[1 + abs(hashint8extended(j, 2)) % 5] AS alpha,
	v[1 + abs(hashint8extended(j, 3)) % 5] AS a, v[1 + abs(hashint8extended(j, 4)) % 5] AS b,
	h[1 + abs(hashint8extended(j, 5)) % 5] AS t,
	(SELECT expr FROM summaries WHERE i = 1 + abs(hashint8extended(j, 6)) % 20) AS summary
FROM params, horizons, unnest(ARRAY['bgnbd', 'mbgnbd']) kind, generate_series(1, 150) j;
CREATE FUNCTION pg_temp.crm_expectation(kind text, params text, t text, summary text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	result float8;
BEGIN
	EXECUTE format('SELECT crm.expected_purchases(%L::crm.%s, %s, %s)', params, kind, t, summary) INTO result;
	RETURN result;
EXCEPTION WHEN numeric_value_out_of_range OR invalid_parameter_value THEN
	RETURN NULL;
END $$;
CREATE TEMP TABLE reference_results AS
SELECT c.*, pg_temp.crm_expectation(kind, format('r=%s alpha=%s a=%s b=%s', r, alpha, a, b), t, summary) AS crm,
	pg_temp.reference_expectation(kind, r::numeric, alpha::numeric, a::numeric, b::numeric, t::numeric,
		split_part(summary, ',', 1)::numeric, split_part(summary, ',', 2)::numeric,
		split_part(summary, ',', 3)::numeric) AS reference
FROM reference_cases c;
SELECT kind, count(*) AS cases, count(reference) AS computable,
	count(*) FILTER (WHERE reference IS NOT NULL AND crm IS NOT NULL) AS compared,
	count(*) FILTER (WHERE reference IS NOT NULL AND crm IS NOT NULL
		AND abs(crm::numeric - reference) > 1e-6 * abs(reference) + 1e-300) AS disagree
FROM reference_results GROUP BY kind ORDER BY kind;
SELECT kind, r, alpha, a, b, t, summary, crm, round(reference, 20) AS reference
FROM reference_results
WHERE reference IS NOT NULL AND crm IS NOT NULL AND abs(crm::numeric - reference) > 1e-6 * abs(reference) + 1e-300
ORDER BY kind, j;
