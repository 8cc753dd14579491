-- ---------------------------------------------------------------------------
-- Probabilistic customer-base models: fit state and model values
-- (src/clv/clv_fit_state.c, src/clv/clv_model.c)
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

-- Transitions: (x, t_x, T [, weight [, penalizer]]), (x, t_x, n [, ...]) and (x, m [, ...])

CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint, float8) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_tenures' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean) IS 'transition function of the contractual retention fits (tenure, churned)';
CREATE FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_tenures' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean, bigint) IS 'transition function of the contractual retention fits (tenure, churned)';
CREATE FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) IS
	'merge two partial model fit states (same shape and penalizer required)';

CREATE FUNCTION crm.clv_fit_compact(crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_compact(crm.clv_fit_state) IS
	'a model fit state with every row merged into its sorted tuples and no spare room (the final function of the partial aggregates)';

-- Partial forms for two-step use across partitions and shards
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8) IS
	'partial purchase-model fit state of (x, t_x, T) (finish with crm.bgnbd_fit_final or crm.mbgnbd_fit_final)';
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, bigint) IS
	'partial purchase-model fit state of (x, t_x, T) with integer weights';
CREATE AGGREGATE crm.spend_fit_partial(float8, float8) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.spend_fit_partial(float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.spend_fit_partial(float8, float8) IS
	'partial spend-model fit state of (x, m) (finish with crm.gammagamma_fit_final)';
COMMENT ON AGGREGATE crm.spend_fit_partial(float8, float8, bigint) IS
	'partial spend-model fit state of (x, m) with integer weights';
CREATE AGGREGATE crm.opportunity_fit_partial(float8, float8, float8) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.opportunity_fit_partial(float8, float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.opportunity_fit_partial(float8, float8, float8) IS
	'partial discrete-opportunity fit state of (x, t_x, n) (finish with crm.bgbb_fit_final)';
COMMENT ON AGGREGATE crm.opportunity_fit_partial(float8, float8, float8, bigint) IS
	'partial discrete-opportunity fit state of (x, t_x, n) with integer weights';
CREATE AGGREGATE crm.tenure_fit_partial(integer, boolean) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.tenure_fit_partial(integer, boolean, bigint) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.tenure_fit_partial(integer, boolean) IS
	'partial contractual retention fit state of (tenure, churned) (finish with crm.sbg_fit_final)';
COMMENT ON AGGREGATE crm.tenure_fit_partial(integer, boolean, bigint) IS
	'partial contractual retention fit state of (tenure, churned) with integer weights';
CREATE AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) (
	SFUNC = crm.clv_fit_combine, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) IS
	'merge partial model fit states (rollup across partitions or shards)';
