-- ---------------------------------------------------------------------------
-- Prediction intervals (src/clv/clv_intervals.c): the result type, the
-- totals' combine and final functions, the Gamma-Gamma covariance; the
-- per-kind functions and aggregates are in clv_interval_type.sql.in
-- ---------------------------------------------------------------------------

CREATE TYPE crm.prediction_interval AS (mean float8, lower float8, upper float8);
COMMENT ON TYPE crm.prediction_interval IS
	'a prediction interval: mean = the mean of the simulated values (one per parameter draw), [lower, upper] = the interval holding at least the level of them';

CREATE FUNCTION crm.parameter_covariance(model crm.gammagamma, state crm.clv_fit_state) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'clv_parameter_covariance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter_covariance(crm.gammagamma, crm.clv_fit_state) IS
	'covariance of the log-parameters (log p, log q, log gamma) of a gammagamma model at its parameters: the inverse Hessian of the log-likelihood over the customers of a fit state (crm.spend_fit_partial), a 3 x 3 array';

CREATE FUNCTION crm.total_interval_combine(float8[], float8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'clv_total_interval_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.total_interval_combine(float8[], float8[]) IS
	'combine of the total prediction intervals: per-draw sums of two partial states made with the same arguments';
CREATE FUNCTION crm.total_interval_final(float8[]) RETURNS crm.prediction_interval
	AS 'MODULE_PATHNAME', 'clv_total_interval_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.total_interval_final(float8[]) IS
	'final function of the total prediction intervals: the interval of the per-draw totals';
