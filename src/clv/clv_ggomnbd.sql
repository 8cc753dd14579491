-- ---------------------------------------------------------------------------
-- Gamma-Gompertz/NBD purchase model (src/clv/clv_ggomnbd.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.ggomnbd_fit_final(crm.clv_fit_state) RETURNS crm.ggomnbd
	AS 'MODULE_PATHNAME', 'ggomnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ggomnbd_fit_final(crm.clv_fit_state, penalizer float8) RETURNS crm.ggomnbd
	AS 'MODULE_PATHNAME', 'ggomnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ggomnbd_fit_final(crm.clv_fit_state) IS
	'fit the Gamma-Gompertz/NBD (Bemmaor & Glady 2012) model on a (merged) purchase fit state';
COMMENT ON FUNCTION crm.ggomnbd_fit_final(crm.clv_fit_state, float8) IS
	'fit the Gamma-Gompertz/NBD model on a (merged) purchase fit state with an L2 penalty (as lifetimes penalizer_coef)';
CREATE AGGREGATE crm.ggomnbd_fit(x float8, t_x float8, t float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.ggomnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.ggomnbd_fit(x float8, t_x float8, t float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.ggomnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.ggomnbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.ggomnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ggomnbd_fit(float8, float8, float8) IS
	'fit the Gamma-Gompertz/NBD (Bemmaor & Glady 2012) model by maximum likelihood on customer summaries (x, t_x, T)';
COMMENT ON AGGREGATE crm.ggomnbd_fit(float8, float8, float8, bigint) IS
	'fit the Gamma-Gompertz/NBD model on (x, t_x, T) with integer weights (customers per row)';
COMMENT ON AGGREGATE crm.ggomnbd_fit(float8, float8, float8, bigint, float8) IS
	'fit the Gamma-Gompertz/NBD model on weighted (x, t_x, T) with an L2 penalty on the parameters';

CREATE FUNCTION crm.expected_purchases(model crm.ggomnbd, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.ggomnbd, float8) IS
	'E[X(t)]: expected purchases of a new customer in (0, horizon] under a ggomnbd model';
CREATE FUNCTION crm.expected_purchases(model crm.ggomnbd, horizon float8, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_conditional_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.ggomnbd, float8, float8, float8, float8) IS
	'expected purchases in (T, T + horizon] of a customer with summary (x, t_x, T) under a ggomnbd model (CET, with Adler''s 2022 erratum to the paper)';
CREATE FUNCTION crm.loglik(model crm.ggomnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.ggomnbd, float8, float8, float8) IS
	'log-likelihood of one customer summary (x, t_x, T) under a ggomnbd model';
CREATE FUNCTION crm.p_alive(model crm.ggomnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.p_alive(crm.ggomnbd, float8, float8, float8) IS
	'probability that a customer with summary (x, t_x, T) is still active at T under a ggomnbd model';
CREATE FUNCTION crm.dert(model crm.ggomnbd, x float8, t_x float8, t float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_dert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dert(crm.ggomnbd, float8, float8, float8, float8) IS
	'discounted expected residual transactions of a customer (x, t_x, T) under a ggomnbd model: purchases after T, each discounted by (1 + discount_rate)^-u, u in time units after T (continuous)';
CREATE FUNCTION crm.clv(purchase_model crm.ggomnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.ggomnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8) IS
	'discounted expected spend of a customer over the horizon: per time unit, expected purchases (ggomnbd) x expected spend (Gamma-Gamma) / (1 + discount_rate)^k';
CREATE FUNCTION crm.clv(purchase_model crm.ggomnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8, margin float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.ggomnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8, float8) IS
	'discounted expected margin of a customer over the horizon: crm.clv(...) times the margin (share of spend kept)';
CREATE FUNCTION crm.clv(purchase_model crm.ggomnbd, x float8, t_x float8, t float8,
		spend float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value_given_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.ggomnbd, float8, float8, float8, float8, float8, float8) IS
	'discounted expected value of a customer over the horizon with a given spend per purchase: per time unit, expected purchases (ggomnbd) x spend / (1 + discount_rate)^k';

-- with covariates (the other covariate scorers: src/clv/clv_covariate_type.sql.in)
CREATE FUNCTION crm.dert(model crm.ggomnbd, x float8, t_x float8, t float8, discount_rate float8,
		life_z float8[], trans_z float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_dert_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dert(crm.ggomnbd, float8, float8, float8, float8, float8[], float8[]) IS
	'discounted expected residual transactions of a customer (x, t_x, T) with covariates life_z, trans_z under a GGom/NBD model with covariates (the customer''s own parameters)';
