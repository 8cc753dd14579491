-- ---------------------------------------------------------------------------
-- The tuple state: the exact, mergeable state of the aggregates that fit on
-- distinct input tuples with counts, the probabilistic models (src/clv) and
-- Kaplan-Meier (src/retention) (src/common/tuple_state.c, tuple_state_io.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable state of the model fits: distinct input tuples with counts.
CREATE TYPE crm.clv_fit_state;
CREATE FUNCTION crm.clv_fit_state_in(cstring) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_out(crm.clv_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_recv(internal) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_send(crm.clv_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.clv_fit_state (
	INPUT = crm.clv_fit_state_in, OUTPUT = crm.clv_fit_state_out,
	RECEIVE = crm.clv_fit_state_recv, SEND = crm.clv_fit_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.clv_fit_state_in(cstring) IS 'text input of crm.clv_fit_state';
COMMENT ON FUNCTION crm.clv_fit_state_out(crm.clv_fit_state) IS 'text output of crm.clv_fit_state (exact, round-trips)';
COMMENT ON FUNCTION crm.clv_fit_state_recv(internal) IS 'binary input of crm.clv_fit_state';
COMMENT ON FUNCTION crm.clv_fit_state_send(crm.clv_fit_state) IS 'binary output of crm.clv_fit_state';
COMMENT ON TYPE crm.clv_fit_state IS
	'partial state of the model fits: distinct (x, t_x, T), (x, t_x, n), (x, m), (tenure, churned) or (duration, event) tuples with counts (exact, mergeable; 32 bytes per distinct tuple)';

CREATE FUNCTION crm.clv_fit_customers(crm.clv_fit_state) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_fit_state_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_customers(crm.clv_fit_state) IS 'customers (total weight) in a model fit state';
CREATE FUNCTION crm.clv_fit_distinct(crm.clv_fit_state) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_fit_state_distinct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_distinct(crm.clv_fit_state) IS
	'distinct input tuples in a model fit state (its memory is 32 bytes per tuple)';

CREATE FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) IS
	'merge two partial model fit states (same shape and penalizer required)';

CREATE FUNCTION crm.clv_fit_compact(crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_compact(crm.clv_fit_state) IS
	'a model fit state with every row merged into its sorted tuples and no spare room (the final function of the partial aggregates)';

CREATE AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) (
	SFUNC = crm.clv_fit_combine, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) IS
	'merge partial model fit states (rollup across partitions or shards)';
