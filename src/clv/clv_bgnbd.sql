-- ---------------------------------------------------------------------------
-- BG/NBD and MBG/NBD purchase models (src/clv/clv_bgnbd.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.bgnbd_fit_final(crm.clv_fit_state) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'bgnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgnbd_fit_final(crm.clv_fit_state, penalizer float8) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'bgnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgnbd_fit_final(crm.clv_fit_state) IS
	'fit the BG/NBD (Fader, Hardie & Lee 2005) model on a (merged) purchase fit state';
COMMENT ON FUNCTION crm.bgnbd_fit_final(crm.clv_fit_state, float8) IS
	'fit the BG/NBD (Fader, Hardie & Lee 2005) model on a (merged) purchase fit state with an L2 penalty (as lifetimes penalizer_coef)';
CREATE AGGREGATE crm.bgnbd_fit(x float8, t_x float8, t float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.bgnbd_fit(x float8, t_x float8, t float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.bgnbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.bgnbd_fit(float8, float8, float8) IS
	'fit the BG/NBD (Fader, Hardie & Lee 2005) model by maximum likelihood on customer summaries (x, t_x, T)';
COMMENT ON AGGREGATE crm.bgnbd_fit(float8, float8, float8, bigint) IS
	'fit the BG/NBD (Fader, Hardie & Lee 2005) model on (x, t_x, T) with integer weights (customers per row)';
COMMENT ON AGGREGATE crm.bgnbd_fit(float8, float8, float8, bigint, float8) IS
	'fit the BG/NBD (Fader, Hardie & Lee 2005) model on weighted (x, t_x, T) with an L2 penalty on the parameters';

CREATE FUNCTION crm.expected_purchases(model crm.bgnbd, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.bgnbd, float8) IS
	'E[X(t)]: expected purchases of a new customer in (0, horizon] under a bgnbd model';
CREATE FUNCTION crm.expected_purchases(model crm.bgnbd, horizon float8, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_conditional_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.bgnbd, float8, float8, float8, float8) IS
	'expected purchases in (T, T + horizon] of a customer with summary (x, t_x, T) under a bgnbd model';
CREATE FUNCTION crm.loglik(model crm.bgnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.bgnbd, float8, float8, float8) IS
	'log-likelihood of one customer summary (x, t_x, T) under a bgnbd model';
CREATE FUNCTION crm.p_alive(model crm.bgnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.p_alive(crm.bgnbd, float8, float8, float8) IS
	'probability that a customer with summary (x, t_x, T) is still active at T under a bgnbd model';
CREATE FUNCTION crm.purchase_probability(model crm.bgnbd, n integer, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.bgnbd, integer, float8) IS
	'P(X(t) = n): probability that a new customer makes n purchases in (0, horizon] under a bgnbd model';
CREATE FUNCTION crm.clv(purchase_model crm.bgnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.bgnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8) IS
	'discounted expected spend of a customer over the horizon: per time unit, expected purchases (bgnbd) x expected spend (Gamma-Gamma) / (1 + discount_rate)^k';
CREATE FUNCTION crm.clv(purchase_model crm.bgnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8, margin float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.bgnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8, float8) IS
	'discounted expected margin of a customer over the horizon: crm.clv(...) times the margin (share of spend kept)';

CREATE FUNCTION crm.mbgnbd_fit_final(crm.clv_fit_state) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'mbgnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.mbgnbd_fit_final(crm.clv_fit_state, penalizer float8) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'mbgnbd_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.mbgnbd_fit_final(crm.clv_fit_state) IS
	'fit the MBG/NBD (Batislam, Denizel & Filiztekin 2007) model on a (merged) purchase fit state';
COMMENT ON FUNCTION crm.mbgnbd_fit_final(crm.clv_fit_state, float8) IS
	'fit the MBG/NBD (Batislam, Denizel & Filiztekin 2007) model on a (merged) purchase fit state with an L2 penalty (as lifetimes penalizer_coef)';
CREATE AGGREGATE crm.mbgnbd_fit(x float8, t_x float8, t float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.mbgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.mbgnbd_fit(x float8, t_x float8, t float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.mbgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.mbgnbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.mbgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.mbgnbd_fit(float8, float8, float8) IS
	'fit the MBG/NBD (Batislam, Denizel & Filiztekin 2007) model by maximum likelihood on customer summaries (x, t_x, T)';
COMMENT ON AGGREGATE crm.mbgnbd_fit(float8, float8, float8, bigint) IS
	'fit the MBG/NBD (Batislam, Denizel & Filiztekin 2007) model on (x, t_x, T) with integer weights (customers per row)';
COMMENT ON AGGREGATE crm.mbgnbd_fit(float8, float8, float8, bigint, float8) IS
	'fit the MBG/NBD (Batislam, Denizel & Filiztekin 2007) model on weighted (x, t_x, T) with an L2 penalty on the parameters';

CREATE FUNCTION crm.expected_purchases(model crm.mbgnbd, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.mbgnbd, float8) IS
	'E[X(t)]: expected purchases of a new customer in (0, horizon] under a mbgnbd model';
CREATE FUNCTION crm.expected_purchases(model crm.mbgnbd, horizon float8, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_conditional_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.mbgnbd, float8, float8, float8, float8) IS
	'expected purchases in (T, T + horizon] of a customer with summary (x, t_x, T) under a mbgnbd model';
CREATE FUNCTION crm.loglik(model crm.mbgnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.mbgnbd, float8, float8, float8) IS
	'log-likelihood of one customer summary (x, t_x, T) under a mbgnbd model';
CREATE FUNCTION crm.p_alive(model crm.mbgnbd, x float8, t_x float8, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.p_alive(crm.mbgnbd, float8, float8, float8) IS
	'probability that a customer with summary (x, t_x, T) is still active at T under a mbgnbd model';
CREATE FUNCTION crm.purchase_probability(model crm.mbgnbd, n integer, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.mbgnbd, integer, float8) IS
	'P(X(t) = n): probability that a new customer makes n purchases in (0, horizon] under a mbgnbd model';
CREATE FUNCTION crm.clv(purchase_model crm.mbgnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.mbgnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8) IS
	'discounted expected spend of a customer over the horizon: per time unit, expected purchases (mbgnbd) x expected spend (Gamma-Gamma) / (1 + discount_rate)^k';
CREATE FUNCTION crm.clv(purchase_model crm.mbgnbd, spend_model crm.gammagamma, x float8, t_x float8, t float8,
		monetary_value float8, horizon float8, discount_rate float8, margin float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.mbgnbd, crm.gammagamma, float8, float8, float8, float8, float8, float8, float8) IS
	'discounted expected margin of a customer over the horizon: crm.clv(...) times the margin (share of spend kept)';
CREATE FUNCTION crm.clv(purchase_model crm.bgnbd, x float8, t_x float8, t float8,
		spend float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value_given_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.bgnbd, float8, float8, float8, float8, float8, float8) IS
	'discounted expected value of a customer over the horizon with a given spend per purchase: per time unit, expected purchases (bgnbd) x spend / (1 + discount_rate)^k';
CREATE FUNCTION crm.clv(purchase_model crm.mbgnbd, x float8, t_x float8, t float8,
		spend float8, horizon float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_discounted_value_given_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.mbgnbd, float8, float8, float8, float8, float8, float8) IS
	'discounted expected value of a customer over the horizon with a given spend per purchase: per time unit, expected purchases (mbgnbd) x spend / (1 + discount_rate)^k';

-- with covariates (the other covariate scorers: src/clv/clv_covariate_type.sql.in)
CREATE FUNCTION crm.purchase_probability(model crm.bgnbd, n integer, horizon float8, life_z float8[], trans_z float8[])
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_purchase_probability_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.bgnbd, integer, float8, float8[], float8[]) IS
	'P(X(horizon) = n): probability of n purchases in (0, horizon] of a new customer with covariates life_z, trans_z under a BG/NBD model with covariates';
