-- ---------------------------------------------------------------------------
-- Customer covariates of the purchase models: the covariate spec
-- (src/common/covariate_spec.c) that names them once per fit
-- ---------------------------------------------------------------------------

-- The covariate spec: names of the lifetime and transaction covariates (the
-- order of the customers' life_z and trans_z arrays), constrained covariates
-- and the L2 penalties of each process.
CREATE TYPE crm.covariates;
CREATE FUNCTION crm.covariates_in(cstring) RETURNS crm.covariates
	AS 'MODULE_PATHNAME', 'covariates_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariates_out(crm.covariates) RETURNS cstring
	AS 'MODULE_PATHNAME', 'covariates_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariates_recv(internal) RETURNS crm.covariates
	AS 'MODULE_PATHNAME', 'covariates_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariates_send(crm.covariates) RETURNS bytea
	AS 'MODULE_PATHNAME', 'covariates_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.covariates (
	INPUT = crm.covariates_in, OUTPUT = crm.covariates_out,
	RECEIVE = crm.covariates_recv, SEND = crm.covariates_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.covariates_in(cstring) IS 'text input of crm.covariates';
COMMENT ON FUNCTION crm.covariates_out(crm.covariates) IS 'text output of crm.covariates (exact, round-trips)';
COMMENT ON FUNCTION crm.covariates_recv(internal) IS 'binary input of crm.covariates';
COMMENT ON FUNCTION crm.covariates_send(crm.covariates) IS 'binary output of crm.covariates';
COMMENT ON TYPE crm.covariates IS
	'the covariate spec of a fit with customer covariates: names of the lifetime and transaction covariates (the order of the life_z and trans_z arrays), constrained covariates (one coefficient for both processes) and the L2 penalties lambda_life, lambda_trans';
CREATE FUNCTION crm.covariates(life_names text[], trans_names text[], constrained text[] DEFAULT '{}',
		lambda_life float8 DEFAULT 0, lambda_trans float8 DEFAULT 0) RETURNS crm.covariates
	AS 'MODULE_PATHNAME', 'covariates_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariates(text[], text[], text[], float8, float8) IS
	'a covariate spec: the names of the lifetime and transaction covariates (at most 16 each; letters, digits, _ and ., a letter or _ first), the covariates constrained to one coefficient for both processes, and the L2 penalties of each process (CLVTools'' reg.lambdas: lambda x sum of squared coefficients added to the mean negative log-likelihood per customer)';
CREATE FUNCTION crm.covariate_names(spec crm.covariates, process text) RETURNS text[]
	AS 'MODULE_PATHNAME', 'covariates_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariate_names(crm.covariates, text) IS
	'the names of the covariates of one process (''life'' or ''trans'') of a covariate spec, in the order of the customers'' arrays';

-- Transitions of the fits with covariates: (x, t_x, T, life_z, trans_z [,
-- weight] [, unit], covariates)
CREATE FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[],
		crm.covariates)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_covariates' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[], crm.covariates) IS
	'transition function of the purchase-model fits with covariates (x, t_x, T, life_z, trans_z)';
CREATE FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[],
		bigint, crm.covariates)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_covariates' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[], bigint, crm.covariates) IS
	'transition function of the purchase-model fits with covariates (x, t_x, T, life_z, trans_z, weight)';
CREATE FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[],
		interval, crm.covariates)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_covariates_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[], interval, crm.covariates) IS
	'transition function of the purchase-model fits with covariates (x, t_x, T, life_z, trans_z) with their time unit';
CREATE FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[],
		bigint, interval, crm.covariates)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_covariates_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_covariates(crm.clv_fit_state, float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates) IS
	'transition function of the purchase-model fits with covariates (x, t_x, T, life_z, trans_z, weight) with their time unit';

-- Partial forms for two-step use across partitions and shards
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], crm.covariates) (
	SFUNC = crm.clv_fit_trans_covariates, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, crm.covariates) (
	SFUNC = crm.clv_fit_trans_covariates, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], interval, crm.covariates) (
	SFUNC = crm.clv_fit_trans_covariates, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates) (
	SFUNC = crm.clv_fit_trans_covariates, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], crm.covariates) IS
	'partial purchase-model fit state with covariates: distinct (x, t_x, T, life_z..., trans_z...) with counts and the covariate spec (finish with crm.paretonbd_fit_final, crm.bgnbd_fit_final or crm.ggomnbd_fit_final)';
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, crm.covariates) IS
	'partial purchase-model fit state with covariates, with integer weights';
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], interval, crm.covariates) IS
	'partial purchase-model fit state with covariates of (x, t_x, T) in a time unit';
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates) IS
	'partial purchase-model fit state with covariates of weighted (x, t_x, T) in a time unit';
