-- ---------------------------------------------------------------------------
-- Predictive distributions of the purchase counts (src/clv/clv_pmf.c): the
-- Pareto/NBD's and GGom/NBD's P(X(t) = n) and the conditional P(X(T, T + t) = n | x, t_x, T)
-- of BG/NBD, MBG/NBD and Pareto/NBD (BG/NBD's and MBG/NBD's unconditional
-- PMF: src/clv/clv_bgnbd.sql)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.purchase_probability(model crm.paretonbd, n integer, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.paretonbd, integer, float8) IS
	'P(X(t) = n): probability that a new customer makes n purchases in (0, horizon] under a Pareto/NBD model';
CREATE FUNCTION crm.purchase_probability(model crm.paretonbd, n integer, horizon float8, life_z float8[], trans_z float8[])
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_purchase_probability_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.paretonbd, integer, float8, float8[], float8[]) IS
	'P(X(horizon) = n): probability of n purchases in (0, horizon] of a new customer with covariates life_z, trans_z under a Pareto/NBD model with covariates';
CREATE FUNCTION crm.purchase_probability(model crm.ggomnbd, n integer, horizon float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.ggomnbd, integer, float8) IS
	'P(X(t) = n): probability that a new customer makes n purchases in (0, horizon] under a GGom/NBD model (the death time integrated by adaptive quadrature to 1e-10)';
CREATE FUNCTION crm.purchase_probability(model crm.ggomnbd, n integer, horizon float8, life_z float8[], trans_z float8[])
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_purchase_probability_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.ggomnbd, integer, float8, float8[], float8[]) IS
	'P(X(horizon) = n): probability of n purchases in (0, horizon] of a new customer with covariates life_z, trans_z under a GGom/NBD model with covariates';
CREATE FUNCTION crm.purchase_probability(model crm.bgnbd, n integer, horizon float8, x float8, t_x float8, t float8)
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_conditional_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.bgnbd, integer, float8, float8, float8, float8) IS
	'P(X(T, T + horizon) = n | x, t_x, T): probability that a customer with summary (x, t_x, T) makes n purchases in the next horizon time units under a BG/NBD model';
CREATE FUNCTION crm.purchase_probability(model crm.mbgnbd, n integer, horizon float8, x float8, t_x float8, t float8)
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_conditional_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.mbgnbd, integer, float8, float8, float8, float8) IS
	'P(X(T, T + horizon) = n | x, t_x, T): probability that a customer with summary (x, t_x, T) makes n purchases in the next horizon time units under an MBG/NBD model';
CREATE FUNCTION crm.purchase_probability(model crm.paretonbd, n integer, horizon float8, x float8, t_x float8, t float8)
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_conditional_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.paretonbd, integer, float8, float8, float8, float8) IS
	'P(X(T, T + horizon) = n | x, t_x, T): probability that a customer with summary (x, t_x, T) makes n purchases in the next horizon time units under a Pareto/NBD model';
CREATE FUNCTION crm.purchase_probability(model crm.bgnbd, n integer, horizon float8, x float8, t_x float8, t float8,
		life_z float8[], trans_z float8[])
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_conditional_purchase_probability_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.bgnbd, integer, float8, float8, float8, float8, float8[], float8[]) IS
	'P(X(T, T + horizon) = n | x, t_x, T) of a customer with covariates life_z, trans_z under a BG/NBD model with covariates (the customer''s own parameters)';
CREATE FUNCTION crm.purchase_probability(model crm.paretonbd, n integer, horizon float8, x float8, t_x float8, t float8,
		life_z float8[], trans_z float8[])
	RETURNS float8 AS 'MODULE_PATHNAME', 'clv_conditional_purchase_probability_cov' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.paretonbd, integer, float8, float8, float8, float8, float8[], float8[]) IS
	'P(X(T, T + horizon) = n | x, t_x, T) of a customer with covariates life_z, trans_z under a Pareto/NBD model with covariates (the customer''s own parameters)';
