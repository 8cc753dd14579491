-- ---------------------------------------------------------------------------
-- Sales funnel and win rate: leads per stage, conversion rates with Wilson
-- intervals, time to convert with censoring
-- (src/lifecycle/lifecycle_funnel.c, src/lifecycle/lifecycle_funnel_tables.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable state of crm.funnel_fit: leads per stage and, per
-- transition, the whole-unit durations with conversions and censorings.
-- It is also the value the aggregate returns.
CREATE TYPE crm.funnel_state;
CREATE FUNCTION crm.funnel_state_in(cstring) RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.funnel_state_out(crm.funnel_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'funnel_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.funnel_state_recv(internal) RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.funnel_state_send(crm.funnel_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'funnel_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.funnel_state (
	INPUT = crm.funnel_state_in, OUTPUT = crm.funnel_state_out,
	RECEIVE = crm.funnel_state_recv, SEND = crm.funnel_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.funnel_state_in(cstring) IS 'text input of crm.funnel_state';
COMMENT ON FUNCTION crm.funnel_state_out(crm.funnel_state) IS 'text output of crm.funnel_state (exact, round-trips)';
COMMENT ON FUNCTION crm.funnel_state_recv(internal) IS 'binary input of crm.funnel_state';
COMMENT ON FUNCTION crm.funnel_state_send(crm.funnel_state) IS 'binary output of crm.funnel_state';
COMMENT ON TYPE crm.funnel_state IS
	'sales funnel: its stages, as_of and unit, leads reaching each stage and, per transition, the whole-unit times to convert with conversions and censorings (32 bytes per distinct time); exact and mergeable';

-- ---- Aggregates ------------------------------------------------------------

CREATE FUNCTION crm.funnel_fit_trans(crm.funnel_state, text[], timestamptz[], timestamptz, interval)
	RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_fit_trans(crm.funnel_state, text[], timestamptz[], timestamptz, interval) IS
	'transition function of crm.funnel_fit';
CREATE FUNCTION crm.funnel_combine(crm.funnel_state, crm.funnel_state) RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_combine(crm.funnel_state, crm.funnel_state) IS
	'merge two funnel states of the same funnel (the leads of both)';
CREATE FUNCTION crm.funnel_final(crm.funnel_state) RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_final(crm.funnel_state) IS
	'a compact funnel state; NULL without leads; a NOTICE with the count of leads skipped for stage times out of order (final function of the aggregates)';

CREATE AGGREGATE crm.funnel_fit(stages text[], stage_times timestamptz[], as_of timestamptz, unit interval) (
	SFUNC = crm.funnel_fit_trans, STYPE = crm.funnel_state, FINALFUNC = crm.funnel_final,
	COMBINEFUNC = crm.funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.funnel_fit(text[], timestamptz[], timestamptz, interval) IS
	'sales funnel, one row per lead: the time it reached each stage (NULL if not); a later stage implies the earlier ones; times after as_of count as not reached; durations in whole units; rows with NULLs or no stage skipped, rows with times out of stage order skipped and counted';
CREATE FUNCTION crm.funnel_fit_trans(crm.funnel_state, text[], timestamptz[], timestamptz, timestamptz, interval)
	RETURNS crm.funnel_state
	AS 'MODULE_PATHNAME', 'funnel_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_fit_trans(crm.funnel_state, text[], timestamptz[], timestamptz, timestamptz, interval) IS
	'transition function of crm.funnel_fit with lost_at';
CREATE AGGREGATE crm.funnel_fit(stages text[], stage_times timestamptz[], lost_at timestamptz, as_of timestamptz, unit interval) (
	SFUNC = crm.funnel_fit_trans, STYPE = crm.funnel_state, FINALFUNC = crm.funnel_final,
	COMBINEFUNC = crm.funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.funnel_fit(text[], timestamptz[], timestamptz, timestamptz, interval) IS
	'sales funnel, one row per lead, with the time the lead was closed as lost (NULL if not): lost by as_of at its last stage reached, counted per stage and in the win rate among closed leads; a lead lost before its last stage time, or lost and won, is skipped and counted as inconsistent';
CREATE AGGREGATE crm.funnel_merge(crm.funnel_state) (
	SFUNC = crm.funnel_combine, STYPE = crm.funnel_state, FINALFUNC = crm.funnel_final,
	COMBINEFUNC = crm.funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.funnel_merge(crm.funnel_state) IS
	'merge funnel states of disjoint sets of leads (rollup across cohorts, partitions or shards)';

-- ---- Results ---------------------------------------------------------------

CREATE FUNCTION crm.funnel_summary(state crm.funnel_state,
	OUT stages text[], OUT leads bigint, OUT won bigint, OUT win_rate float8, OUT skipped bigint,
	OUT inconsistent bigint, OUT as_of timestamptz, OUT unit interval,
	OUT lost bigint, OUT open bigint, OUT closed_win_rate float8)
	AS 'MODULE_PATHNAME', 'funnel_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_summary(crm.funnel_state) IS
	'the counts of a funnel state: stages, leads, won (reached the last stage), win rate, rows skipped (NULLs, no stage by as_of), rows skipped as inconsistent (stage times out of order), as_of, unit, leads lost, leads open (neither won nor lost) and the win rate among closed leads, won / (won + lost)';

CREATE FUNCTION crm.win_rate(state crm.funnel_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'funnel_win_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.win_rate(crm.funnel_state) IS
	'win rate: the share of leads that reached the last stage by as_of (leads still open count as not won)';

CREATE FUNCTION crm.closed_win_rate(state crm.funnel_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'funnel_closed_win_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.closed_win_rate(crm.funnel_state) IS
	'win rate among closed leads: won / (won + lost) by as_of, open leads left out (NULL while none is closed; lost leads need crm.funnel_fit with lost_at)';

CREATE FUNCTION crm.funnel_table(state crm.funnel_state, confidence float8,
	OUT stage_no integer, OUT stage text, OUT reached bigint, OUT reached_timed bigint,
	OUT conversion float8, OUT conversion_low float8, OUT conversion_high float8,
	OUT from_entry float8, OUT from_entry_low float8, OUT from_entry_high float8,
	OUT lost bigint, OUT open bigint,
	OUT closed_conversion float8, OUT closed_conversion_low float8, OUT closed_conversion_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'funnel_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION crm.funnel_table(crm.funnel_state, float8) IS
	'per stage: leads that reached it (reached_timed: at a known time), conversion from the stage before and from entry, leads lost and open at the stage, and the conversion from the stage before among its closed leads (moved on or lost), each rate with its Wilson score interval at a confidence level in (0, 1)';
CREATE FUNCTION crm.funnel_table(state crm.funnel_state,
	OUT stage_no integer, OUT stage text, OUT reached bigint, OUT reached_timed bigint,
	OUT conversion float8, OUT conversion_low float8, OUT conversion_high float8,
	OUT from_entry float8, OUT from_entry_low float8, OUT from_entry_high float8,
	OUT lost bigint, OUT open bigint,
	OUT closed_conversion float8, OUT closed_conversion_low float8, OUT closed_conversion_high float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 5
	BEGIN ATOMIC SELECT * FROM crm.funnel_table(state, 0.95); END;
COMMENT ON FUNCTION crm.funnel_table(crm.funnel_state) IS
	'per stage: leads, conversion from the stage before and from entry, lost and open leads, conversion among closed leads, with 95 % Wilson score intervals';

CREATE FUNCTION crm.funnel_times(state crm.funnel_state, quantiles float8[],
	OUT from_stage text, OUT to_stage text, OUT leads bigint, OUT converted bigint, OUT censored bigint,
	OUT converted_time_unknown bigint, OUT quantile float8, OUT time_km float8, OUT time_converted float8,
	OUT unit interval)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'funnel_times' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 15;
COMMENT ON FUNCTION crm.funnel_times(crm.funnel_state, float8[]) IS
	'time to convert per transition (each stage to the next, then entry to the last stage) and quantile in (0, 1): time_km is the Kaplan-Meier quantile with open leads censored at as_of (NULL if fewer converted), time_converted the percentile_cont among converted leads only; in whole units';
CREATE FUNCTION crm.funnel_times(state crm.funnel_state,
	OUT from_stage text, OUT to_stage text, OUT leads bigint, OUT converted bigint, OUT censored bigint,
	OUT converted_time_unknown bigint, OUT quantile float8, OUT time_km float8, OUT time_converted float8,
	OUT unit interval)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 15
	BEGIN ATOMIC SELECT * FROM crm.funnel_times(state, '{0.25,0.5,0.75}'::float8[]); END;
COMMENT ON FUNCTION crm.funnel_times(crm.funnel_state) IS
	'time to convert per transition: quartiles and median, Kaplan-Meier (censored) and among converted leads';

CREATE FUNCTION crm.funnel_survival(state crm.funnel_state, from_stage text, to_stage text) RETURNS crm.survival
	AS 'MODULE_PATHNAME', 'funnel_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.funnel_survival(crm.funnel_state, text, text) IS
	'the times to convert from a stage to the next (or from the first stage to the last) as a crm.survival, conversion the event and open leads censored at as_of, for crm.survival_table, crm.survival_at and crm.median_survival; NULL when no lead is followed';

CREATE FUNCTION crm.funnel_state_jsonb(state crm.funnel_state) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT pg_catalog.to_jsonb(s) FROM crm.funnel_summary(state) s; END;
COMMENT ON FUNCTION crm.funnel_state_jsonb(crm.funnel_state) IS
	'a funnel state as jsonb: the fields of crm.funnel_summary';
CREATE CAST (crm.funnel_state AS jsonb) WITH FUNCTION crm.funnel_state_jsonb(crm.funnel_state);
COMMENT ON CAST (crm.funnel_state AS jsonb) IS 'a funnel state as jsonb (crm.funnel_state_jsonb)';
