-- ---------------------------------------------------------------------------
-- litt, a customer's sum of log inter-purchase times, for the regularity
-- models (BG/CNBD-k, MBG/CNBD-k) (src/summary/summary_litt.c).  The
-- aggregates share crm.summary's transition and state: in one query with
-- crm.summary over the same arguments, PostgreSQL keeps one state for both.
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.litt_final(crm.summary_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'litt_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.litt_final(crm.summary_state) IS
	'litt of a partial customer-summary state: the sum of the logs of the times between successive purchase periods up to as_of, in its unit (NULL without a purchase)';

CREATE AGGREGATE crm.litt(purchased_at date, amount float8, as_of date, unit interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at date, amount float8, as_of date, unit interval, period interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at date, amount numeric, as_of date, unit interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at date, amount numeric, as_of date, unit interval, period interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at timestamptz, amount float8, as_of timestamptz, unit interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at timestamptz, amount float8, as_of timestamptz, unit interval, period interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at timestamptz, amount numeric, as_of timestamptz, unit interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.litt(purchased_at timestamptz, amount numeric, as_of timestamptz, unit interval, period interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state, FINALFUNC = crm.litt_final,
	COMBINEFUNC = crm.summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.litt(date, float8, date, interval) IS
	'litt of a customer''s transaction log as of a date: the sum of the logs of the times between successive purchase days, in unit (the x times of crm.summary''s frequency, adding up to its recency)';
COMMENT ON AGGREGATE crm.litt(date, float8, date, interval, interval) IS
	'litt of a customer''s transaction log as of a date, purchases merged per period';
COMMENT ON AGGREGATE crm.litt(date, numeric, date, interval) IS
	'litt of a customer''s transaction log (numeric amounts) as of a date: sum of log inter-purchase times in unit';
COMMENT ON AGGREGATE crm.litt(date, numeric, date, interval, interval) IS
	'litt of a customer''s transaction log (numeric amounts) as of a date, purchases merged per period';
COMMENT ON AGGREGATE crm.litt(timestamptz, float8, timestamptz, interval) IS
	'litt of a customer''s transaction log as of a time: sum of log inter-purchase times in unit, purchases merged per day (session time zone)';
COMMENT ON AGGREGATE crm.litt(timestamptz, float8, timestamptz, interval, interval) IS
	'litt of a customer''s transaction log as of a time, purchases merged per period';
COMMENT ON AGGREGATE crm.litt(timestamptz, numeric, timestamptz, interval) IS
	'litt of a customer''s transaction log (numeric amounts) as of a time: sum of log inter-purchase times in unit';
COMMENT ON AGGREGATE crm.litt(timestamptz, numeric, timestamptz, interval, interval) IS
	'litt of a customer''s transaction log (numeric amounts) as of a time, purchases merged per period';
