-- ---------------------------------------------------------------------------
-- Customer summaries from a transaction log (src/summary/summary.c, src/summary/summary_state.c)
-- ---------------------------------------------------------------------------

-- The mergeable state of the summary aggregates: distinct purchase periods
-- plus running totals.  A real type (not internal) so that partial states can
-- be stored, shipped between nodes as text or binary, and merged.
CREATE TYPE crm.summary_state;

CREATE FUNCTION crm.summary_state_in(cstring) RETURNS crm.summary_state
	AS 'MODULE_PATHNAME', 'summary_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.summary_state_out(crm.summary_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'summary_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.summary_state_recv(internal) RETURNS crm.summary_state
	AS 'MODULE_PATHNAME', 'summary_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.summary_state_send(crm.summary_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'summary_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE crm.summary_state (
	INPUT = crm.summary_state_in,
	OUTPUT = crm.summary_state_out,
	RECEIVE = crm.summary_state_recv,
	SEND = crm.summary_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.summary_state IS
	'partial state of crm.summary / crm.calibration_holdout: distinct purchase periods and totals of one customer; merge with crm.summary_merge';

-- One customer's summary: what RFM and the probabilistic CLV models need.
CREATE TYPE crm.customer_summary AS (
	first_purchase date,        -- first purchase day (session time zone for timestamptz)
	last_purchase date,         -- last purchase day up to as_of
	n_transactions bigint,      -- purchase rows up to as_of (refunds excluded)
	n_periods integer,          -- distinct purchase periods
	frequency integer,          -- x: repeat purchase periods = n_periods - 1
	recency double precision,   -- t_x: first to last purchase period, in unit
	t double precision,         -- T: first purchase period to the as_of period, in unit
	monetary_total double precision,  -- spend of all purchases up to as_of
	monetary_value double precision,  -- mean spend per repeat period (0 if frequency = 0)
	days_since_last integer,    -- days from the last purchase to as_of (RFM recency)
	refund_total double precision,    -- sum of |amount| over refund rows (amount < 0)
	unit interval               -- the unit recency and t are measured in
);
COMMENT ON TYPE crm.customer_summary IS
	'per-customer summary of a transaction log: frequency, recency, T, monetary value, days since last purchase';

-- Calibration summary plus what the customer did in the holdout window.
CREATE TYPE crm.holdout_summary AS (
	first_purchase date,
	last_purchase date,
	n_transactions bigint,
	n_periods integer,
	frequency integer,
	recency double precision,
	t double precision,
	monetary_total double precision,
	monetary_value double precision,
	days_since_last integer,
	refund_total double precision,
	unit interval,
	frequency_holdout integer,            -- distinct purchase periods in (calibration_end, holdout_end]
	monetary_value_holdout double precision, -- mean spend per holdout purchase period
	duration_holdout double precision     -- holdout length, in unit
);
COMMENT ON TYPE crm.holdout_summary IS
	'calibration summary of a customer plus repeat purchases in the holdout window (as lifetimes calibration_and_holdout_data / BTYD elog2cbs)';

-- Transition functions (one per input-type combination; period optional).
CREATE FUNCTION crm.summary_trans(crm.summary_state, date, float8, date, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_date_float8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, date, float8, date, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_date_float8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, date, numeric, date, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_date_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, date, numeric, date, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_date_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- timestamptz input depends on the session time zone: STABLE
CREATE FUNCTION crm.summary_trans(crm.summary_state, timestamptz, float8, timestamptz, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_tstz_float8' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, timestamptz, float8, timestamptz, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_tstz_float8' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, timestamptz, numeric, timestamptz, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_tstz_numeric' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.summary_trans(crm.summary_state, timestamptz, numeric, timestamptz, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'summary_trans_tstz_numeric' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION crm.holdout_trans(crm.summary_state, date, float8, date, date, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_date_float8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, date, float8, date, date, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_date_float8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, date, numeric, date, date, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_date_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, date, numeric, date, date, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_date_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, timestamptz, float8, timestamptz, timestamptz, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_tstz_float8' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, timestamptz, float8, timestamptz, timestamptz, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_tstz_float8' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, timestamptz, numeric, timestamptz, timestamptz, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_tstz_numeric' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION crm.holdout_trans(crm.summary_state, timestamptz, numeric, timestamptz, timestamptz, interval, interval)
	RETURNS crm.summary_state AS 'MODULE_PATHNAME', 'holdout_trans_tstz_numeric' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION crm.summary_combine(crm.summary_state, crm.summary_state) RETURNS crm.summary_state
	AS 'MODULE_PATHNAME', 'summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.summary_combine(crm.summary_state, crm.summary_state) IS
	'merge two partial customer-summary states (same parameters required)';

CREATE FUNCTION crm.summary_final(crm.summary_state) RETURNS crm.customer_summary
	AS 'MODULE_PATHNAME', 'summary_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.summary_final(crm.summary_state) IS
	'customer summary of a partial state (NULL if the customer made no purchase up to as_of)';

CREATE FUNCTION crm.holdout_final(crm.summary_state) RETURNS crm.holdout_summary
	AS 'MODULE_PATHNAME', 'holdout_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.holdout_final(crm.summary_state) IS
	'calibration summary plus holdout counts of a partial state (NULL if no calibration purchase)';

-- crm.summary(purchased_at, amount, as_of, unit [, period])
CREATE AGGREGATE crm.summary(date, float8, date, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(date, float8, date, interval, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(date, numeric, date, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(date, numeric, date, interval, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(timestamptz, float8, timestamptz, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(timestamptz, float8, timestamptz, interval, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(timestamptz, numeric, timestamptz, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary(timestamptz, numeric, timestamptz, interval, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.summary_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.summary(date, float8, date, interval) IS
	'customer summary (frequency, recency, T, monetary value) of a transaction log as of a date; purchases merged per day';
COMMENT ON AGGREGATE crm.summary(timestamptz, float8, timestamptz, interval, interval) IS
	'customer summary of a transaction log as of a time, purchases merged per period (day, week, month ...)';

-- crm.calibration_holdout(purchased_at, amount, calibration_end, holdout_end, unit [, period])
CREATE AGGREGATE crm.calibration_holdout(date, float8, date, date, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(date, float8, date, date, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(date, numeric, date, date, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(date, numeric, date, date, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(timestamptz, float8, timestamptz, timestamptz, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(timestamptz, float8, timestamptz, timestamptz, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(timestamptz, numeric, timestamptz, timestamptz, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.calibration_holdout(timestamptz, numeric, timestamptz, timestamptz, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state, FINALFUNC = crm.holdout_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.calibration_holdout(date, float8, date, date, interval) IS
	'calibration summary up to calibration_end plus repeat purchase periods in (calibration_end, holdout_end]';

-- Two-step use for sharding: partial states per node, merged, then finished.
-- crm.summary_partial(purchased_at, amount, calibration_end, holdout_end, unit, period)
CREATE AGGREGATE crm.summary_partial(date, float8, date, date, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary_partial(date, numeric, date, date, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary_partial(timestamptz, float8, timestamptz, timestamptz, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.summary_partial(timestamptz, numeric, timestamptz, timestamptz, interval, interval) (
	SFUNC = crm.holdout_trans, STYPE = crm.summary_state,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.summary_partial(date, float8, date, date, interval, interval) IS
	'partial customer-summary state (finish with crm.summary_final or crm.holdout_final; merge with crm.summary_merge)';

CREATE AGGREGATE crm.summary_merge(crm.summary_state) (
	SFUNC = crm.summary_combine, STYPE = crm.summary_state,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.summary_merge(crm.summary_state) IS
	'merge partial customer-summary states (rollup across partitions or shards)';

-- Comments on the overloads (one text per family).
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
			 WHERE p.pronamespace = 'crm'::regnamespace
			   AND p.proname IN ('summary_trans', 'holdout_trans', 'summary', 'calibration_holdout', 'summary_partial',
								 'summary_state_in', 'summary_state_out', 'summary_state_recv', 'summary_state_send')
			   AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL
	LOOP
		EXECUTE pg_catalog.format('COMMENT ON %s %s IS %L',
			CASE WHEN (SELECT prokind FROM pg_catalog.pg_proc WHERE oid = f) = 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
			f,
			CASE (SELECT proname FROM pg_catalog.pg_proc WHERE oid = f)
				WHEN 'summary_trans' THEN 'transition function of crm.summary'
				WHEN 'holdout_trans' THEN 'transition function of crm.calibration_holdout and crm.summary_partial'
				WHEN 'summary' THEN 'customer summary (frequency, recency, T, monetary value) of a transaction log as of a date or time'
				WHEN 'calibration_holdout' THEN 'calibration summary up to calibration_end plus repeat purchase periods in (calibration_end, holdout_end]'
				WHEN 'summary_partial' THEN 'partial customer-summary state (finish with crm.summary_final or crm.holdout_final; merge with crm.summary_merge)'
				WHEN 'summary_state_in' THEN 'text input of crm.summary_state'
				WHEN 'summary_state_out' THEN 'text output of crm.summary_state (exact, round-trips)'
				WHEN 'summary_state_recv' THEN 'binary input of crm.summary_state'
				ELSE 'binary output of crm.summary_state'
			END);
	END LOOP;
END
$$;
