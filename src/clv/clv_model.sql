-- ---------------------------------------------------------------------------
-- Probabilistic customer-base models: the fit transitions and partial
-- aggregates (src/clv/clv_fit_trans.c; the state type crm.clv_fit_state is in
-- src/common/tuple_state.sql, the model types in clv_model_types.sql)
-- ---------------------------------------------------------------------------

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
