-- ---------------------------------------------------------------------------
-- Time-varying covariates of the Pareto/NBD (Bachmann, Meierer & Naef 2021):
-- the covariate path of a customer (src/clv/clv_dyncov_path.c), the fit
-- state (src/clv/clv_dyncov_state.c), the fit and the scorers
-- (src/clv/clv_dyncov_fit.c)
-- ---------------------------------------------------------------------------

-- A customer's covariates by period (also the state of the aggregate that
-- builds it, then with rows in any order: final=0)
CREATE TYPE crm.covariate_path;
CREATE FUNCTION crm.covariate_path_in(cstring) RETURNS crm.covariate_path
	AS 'MODULE_PATHNAME', 'covariate_path_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariate_path_out(crm.covariate_path) RETURNS cstring
	AS 'MODULE_PATHNAME', 'covariate_path_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariate_path_recv(internal) RETURNS crm.covariate_path
	AS 'MODULE_PATHNAME', 'covariate_path_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.covariate_path_send(crm.covariate_path) RETURNS bytea
	AS 'MODULE_PATHNAME', 'covariate_path_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.covariate_path (
	INPUT = crm.covariate_path_in, OUTPUT = crm.covariate_path_out,
	RECEIVE = crm.covariate_path_recv, SEND = crm.covariate_path_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.covariate_path_in(cstring) IS 'text input of crm.covariate_path';
COMMENT ON FUNCTION crm.covariate_path_out(crm.covariate_path) IS 'text output of crm.covariate_path (exact, round-trips)';
COMMENT ON FUNCTION crm.covariate_path_recv(internal) IS 'binary input of crm.covariate_path';
COMMENT ON FUNCTION crm.covariate_path_send(crm.covariate_path) IS 'binary output of crm.covariate_path';
COMMENT ON TYPE crm.covariate_path IS
	'a customer''s time-varying covariates and purchases by period of a fixed length (period starts in microseconds): built by the aggregate crm.covariate_path; a gap takes the latest period''s covariates with 0 purchases, the last period''s covariates hold after the path';

CREATE FUNCTION crm.covariate_path_trans(crm.covariate_path, date, bigint, float8[], float8[], interval)
	RETURNS crm.covariate_path AS 'MODULE_PATHNAME', 'covariate_path_trans_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariate_path_trans(crm.covariate_path, date, bigint, float8[], float8[], interval) IS
	'transition function of crm.covariate_path with dated periods';
CREATE FUNCTION crm.covariate_path_trans(crm.covariate_path, timestamptz, bigint, float8[], float8[], interval)
	RETURNS crm.covariate_path AS 'MODULE_PATHNAME', 'covariate_path_trans_tz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariate_path_trans(crm.covariate_path, timestamptz, bigint, float8[], float8[], interval) IS
	'transition function of crm.covariate_path with timestamptz periods';
CREATE FUNCTION crm.covariate_path_combine(crm.covariate_path, crm.covariate_path)
	RETURNS crm.covariate_path AS 'MODULE_PATHNAME', 'covariate_path_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariate_path_combine(crm.covariate_path, crm.covariate_path) IS
	'combine function of crm.covariate_path: the periods of both states';
CREATE FUNCTION crm.covariate_path_final(crm.covariate_path)
	RETURNS crm.covariate_path AS 'MODULE_PATHNAME', 'covariate_path_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.covariate_path_final(crm.covariate_path) IS
	'final function of crm.covariate_path: periods sorted, checked (one row each, on one grid) and the gaps filled';
CREATE AGGREGATE crm.covariate_path(period_start date, purchases bigint, life_z float8[], trans_z float8[],
		period interval) (
	SFUNC = crm.covariate_path_trans, STYPE = crm.covariate_path,
	FINALFUNC = crm.covariate_path_final, COMBINEFUNC = crm.covariate_path_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.covariate_path(period_start timestamptz, purchases bigint, life_z float8[], trans_z float8[],
		period interval) (
	SFUNC = crm.covariate_path_trans, STYPE = crm.covariate_path,
	FINALFUNC = crm.covariate_path_final, COMBINEFUNC = crm.covariate_path_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.covariate_path(date, bigint, float8[], float8[], interval) IS
	'a customer''s covariate path from a long table: one row per period (its start, the customer''s purchases in it, the lifetime and transaction covariates); 22023 for two rows of one period or a start off the grid; a missing period takes the previous period''s covariates with 0 purchases';
COMMENT ON AGGREGATE crm.covariate_path(timestamptz, bigint, float8[], float8[], interval) IS
	'a customer''s covariate path from a long table with timestamptz period starts';
CREATE FUNCTION crm.covariate_path_rows(path crm.covariate_path)
	RETURNS TABLE (period integer, period_start timestamptz, purchases float8, life_z float8[], trans_z float8[])
	AS 'MODULE_PATHNAME', 'covariate_path_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 104;
COMMENT ON FUNCTION crm.covariate_path_rows(crm.covariate_path) IS
	'the periods of a covariate path, gaps filled (dated paths'' starts as midnight in the session time zone)';
CREATE FUNCTION crm.filled_periods(path crm.covariate_path) RETURNS integer
	AS 'MODULE_PATHNAME', 'covariate_path_filled' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.path_periods(path crm.covariate_path) RETURNS integer
	AS 'MODULE_PATHNAME', 'covariate_path_periods' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.path_periods(crm.covariate_path) IS
	'the number of periods of a covariate path, from its first to its last row';
COMMENT ON FUNCTION crm.filled_periods(crm.covariate_path) IS
	'the periods of a covariate path that had no row and took the previous period''s covariates';

-- The fit state of the time-varying Pareto/NBD
CREATE TYPE crm.dyncov_fit_state;
CREATE FUNCTION crm.dyncov_fit_state_in(cstring) RETURNS crm.dyncov_fit_state
	AS 'MODULE_PATHNAME', 'dyncov_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_fit_state_out(crm.dyncov_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'dyncov_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_fit_state_recv(internal) RETURNS crm.dyncov_fit_state
	AS 'MODULE_PATHNAME', 'dyncov_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_fit_state_send(crm.dyncov_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'dyncov_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.dyncov_fit_state (
	INPUT = crm.dyncov_fit_state_in, OUTPUT = crm.dyncov_fit_state_out,
	RECEIVE = crm.dyncov_fit_state_recv, SEND = crm.dyncov_fit_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.dyncov_fit_state_in(cstring) IS 'text input of crm.dyncov_fit_state';
COMMENT ON FUNCTION crm.dyncov_fit_state_out(crm.dyncov_fit_state) IS 'text output of crm.dyncov_fit_state (exact, round-trips)';
COMMENT ON FUNCTION crm.dyncov_fit_state_recv(internal) IS 'binary input of crm.dyncov_fit_state';
COMMENT ON FUNCTION crm.dyncov_fit_state_send(crm.dyncov_fit_state) IS 'binary output of crm.dyncov_fit_state';
COMMENT ON TYPE crm.dyncov_fit_state IS
	'state of the time-varying Pareto/NBD fit: the covariate spec and per customer (x, t_x, T, the transaction covariates summed over the repeat purchases, runs of constant covariates over (0, T])';
CREATE FUNCTION crm.dyncov_fit_trans(crm.dyncov_fit_state, float8, float8, float8, date, crm.covariate_path, crm.covariates)
	RETURNS crm.dyncov_fit_state AS 'MODULE_PATHNAME', 'dyncov_fit_trans_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_fit_trans(crm.dyncov_fit_state, float8, float8, float8, date, crm.covariate_path, crm.covariates) IS
	'transition function of the time-varying Pareto/NBD fit (x, t_x, T, first purchase date, path, spec)';
CREATE FUNCTION crm.dyncov_fit_trans(crm.dyncov_fit_state, float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates)
	RETURNS crm.dyncov_fit_state AS 'MODULE_PATHNAME', 'dyncov_fit_trans_tz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_fit_trans(crm.dyncov_fit_state, float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates) IS
	'transition function of the time-varying Pareto/NBD fit (x, t_x, T, first purchase timestamptz, path, spec)';
CREATE FUNCTION crm.dyncov_fit_combine(crm.dyncov_fit_state, crm.dyncov_fit_state)
	RETURNS crm.dyncov_fit_state AS 'MODULE_PATHNAME', 'dyncov_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_fit_combine(crm.dyncov_fit_state, crm.dyncov_fit_state) IS
	'combine function of the time-varying Pareto/NBD fit: the customers of both states';
CREATE FUNCTION crm.dyncov_fit_compact(crm.dyncov_fit_state) RETURNS crm.dyncov_fit_state
	AS 'MODULE_PATHNAME', 'dyncov_fit_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_fit_compact(crm.dyncov_fit_state) IS
	'final function of the partial time-varying fit aggregates: the state without spare room';
CREATE FUNCTION crm.paretonbd_dyncov_fit_final(crm.dyncov_fit_state) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'paretonbd_dyncov_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.paretonbd_dyncov_fit_final(crm.dyncov_fit_state) IS
	'fit the Pareto/NBD with time-varying covariates (Bachmann, Meierer & Naef 2021) on a (merged) time-varying fit state';
CREATE AGGREGATE crm.paretonbd_dyncov_fit(x float8, t_x float8, t float8, first_purchase date, path crm.covariate_path,
		covariates crm.covariates) (
	SFUNC = crm.dyncov_fit_trans, STYPE = crm.dyncov_fit_state,
	FINALFUNC = crm.paretonbd_dyncov_fit_final, COMBINEFUNC = crm.dyncov_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.paretonbd_dyncov_fit(x float8, t_x float8, t float8, first_purchase timestamptz, path crm.covariate_path,
		covariates crm.covariates) (
	SFUNC = crm.dyncov_fit_trans, STYPE = crm.dyncov_fit_state,
	FINALFUNC = crm.paretonbd_dyncov_fit_final, COMBINEFUNC = crm.dyncov_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.paretonbd_dyncov_fit(float8, float8, float8, date, crm.covariate_path, crm.covariates) IS
	'fit the Pareto/NBD with time-varying covariates (Bachmann, Meierer & Naef 2021) on (x, t_x, T) in the paths'' period, the first purchase and the customer''s covariate path; customers whose first purchase is before their path are skipped (NOTICE)';
COMMENT ON AGGREGATE crm.paretonbd_dyncov_fit(float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates) IS
	'fit the Pareto/NBD with time-varying covariates, the first purchase a timestamptz';
CREATE AGGREGATE crm.dyncov_fit_partial(float8, float8, float8, date, crm.covariate_path, crm.covariates) (
	SFUNC = crm.dyncov_fit_trans, STYPE = crm.dyncov_fit_state,
	FINALFUNC = crm.dyncov_fit_compact, COMBINEFUNC = crm.dyncov_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.dyncov_fit_partial(float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates) (
	SFUNC = crm.dyncov_fit_trans, STYPE = crm.dyncov_fit_state,
	FINALFUNC = crm.dyncov_fit_compact, COMBINEFUNC = crm.dyncov_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.dyncov_fit_partial(float8, float8, float8, date, crm.covariate_path, crm.covariates) IS
	'partial time-varying Pareto/NBD fit state (merge with crm.dyncov_fit_merge, finish with crm.paretonbd_dyncov_fit_final)';
COMMENT ON AGGREGATE crm.dyncov_fit_partial(float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates) IS
	'partial time-varying Pareto/NBD fit state, the first purchase a timestamptz';
CREATE AGGREGATE crm.dyncov_fit_merge(crm.dyncov_fit_state) (
	SFUNC = crm.dyncov_fit_combine, STYPE = crm.dyncov_fit_state,
	FINALFUNC = crm.dyncov_fit_compact, COMBINEFUNC = crm.dyncov_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.dyncov_fit_merge(crm.dyncov_fit_state) IS
	'merge partial time-varying Pareto/NBD fit states';
CREATE FUNCTION crm.loglik_gradient(model crm.paretonbd, state crm.dyncov_fit_state)
	RETURNS TABLE (parameter text, derivative float8)
	AS 'MODULE_PATHNAME', 'dyncov_state_loglik_gradient' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION crm.loglik_gradient(crm.paretonbd, crm.dyncov_fit_state) IS
	'the time-varying log-likelihood of a fit state''s customers (row loglik) and its analytic gradient in r, alpha, s, beta and each coefficient: 0 at the estimate';

-- Scorers of a customer with a covariate path (x, t_x, T in the path's period)
CREATE FUNCTION crm.dyncov_loglik(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase date,
		path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_loglik_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_loglik(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase timestamptz,
		path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_loglik_tz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_loglik(crm.paretonbd, float8, float8, float8, date, crm.covariate_path) IS
	'time-varying log-likelihood of one customer (x, t_x, T, first purchase, covariate path) under a Pareto/NBD with covariates';
COMMENT ON FUNCTION crm.dyncov_loglik(crm.paretonbd, float8, float8, float8, timestamptz, crm.covariate_path) IS
	'time-varying log-likelihood of one customer, the first purchase a timestamptz';
CREATE FUNCTION crm.dyncov_p_alive(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase date,
		path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_p_alive_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_p_alive(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase timestamptz,
		path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_p_alive_tz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_p_alive(crm.paretonbd, float8, float8, float8, date, crm.covariate_path) IS
	'P(alive at T) of a customer with a covariate path under a Pareto/NBD with time-varying covariates (NULL when the path starts after the first purchase)';
COMMENT ON FUNCTION crm.dyncov_p_alive(crm.paretonbd, float8, float8, float8, timestamptz, crm.covariate_path) IS
	'P(alive at T) of a customer with a covariate path, the first purchase a timestamptz';
CREATE FUNCTION crm.dyncov_expected_purchases(model crm.paretonbd, horizon float8, x float8, t_x float8, t float8,
		first_purchase date, path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_expected_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_expected_purchases(model crm.paretonbd, horizon float8, x float8, t_x float8, t float8,
		first_purchase timestamptz, path crm.covariate_path) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_expected_tz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_expected_purchases(crm.paretonbd, float8, float8, float8, float8, date, crm.covariate_path) IS
	'CET: expected purchases in (T, T + horizon] of a customer with a covariate path (its future periods included) under a Pareto/NBD with time-varying covariates';
COMMENT ON FUNCTION crm.dyncov_expected_purchases(crm.paretonbd, float8, float8, float8, float8, timestamptz, crm.covariate_path) IS
	'CET of a customer with a covariate path, the first purchase a timestamptz';
CREATE FUNCTION crm.dyncov_dert(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase date,
		path crm.covariate_path, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_dert_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.dyncov_dert(model crm.paretonbd, x float8, t_x float8, t float8, first_purchase timestamptz,
		path crm.covariate_path, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'dyncov_dert_tz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dyncov_dert(crm.paretonbd, float8, float8, float8, date, crm.covariate_path, float8) IS
	'DERT of a customer with a covariate path under a Pareto/NBD with time-varying covariates: continuously discounted at log(1 + rate) per period, the last period''s covariates holding after the path';
COMMENT ON FUNCTION crm.dyncov_dert(crm.paretonbd, float8, float8, float8, timestamptz, crm.covariate_path, float8) IS
	'DERT of a customer with a covariate path, the first purchase a timestamptz';
