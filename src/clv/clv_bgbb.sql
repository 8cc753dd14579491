-- ---------------------------------------------------------------------------
-- BG/BB model for discrete purchase opportunities (src/clv/clv_bgbb.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.bgbb_fit_final(crm.clv_fit_state) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'bgbb_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgbb_fit_final(crm.clv_fit_state, penalizer float8) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'bgbb_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgbb_fit_final(crm.clv_fit_state) IS
	'fit the BG/BB (Fader, Hardie & Shang 2010) model on a (merged) discrete-opportunity fit state';
COMMENT ON FUNCTION crm.bgbb_fit_final(crm.clv_fit_state, float8) IS
	'fit the BG/BB (Fader, Hardie & Shang 2010) model on a (merged) discrete-opportunity fit state with an L2 penalty on the parameters';
CREATE AGGREGATE crm.bgbb_fit(x float8, t_x float8, n float8) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgbb_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.bgbb_fit(x float8, t_x float8, n float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgbb_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.bgbb_fit(x float8, t_x float8, n float8, weight bigint, penalizer float8) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgbb_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.bgbb_fit(float8, float8, float8) IS
	'fit the BG/BB (Fader, Hardie & Shang 2010) model by maximum likelihood on (x purchases, last purchase t_x, n opportunities)';
COMMENT ON AGGREGATE crm.bgbb_fit(float8, float8, float8, bigint) IS
	'fit the BG/BB (Fader, Hardie & Shang 2010) model on (x, t_x, n) with integer weights (customers per row)';
COMMENT ON AGGREGATE crm.bgbb_fit(float8, float8, float8, bigint, float8) IS
	'fit the BG/BB (Fader, Hardie & Shang 2010) model on weighted (x, t_x, n) with an L2 penalty on the parameters';

CREATE FUNCTION crm.expected_purchases(model crm.bgbb, n_future float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.bgbb, float8) IS
	'E[X(n)]: expected purchases of a new customer at its first n_future opportunities under a bgbb model';
CREATE FUNCTION crm.expected_purchases(model crm.bgbb, n_future float8, x float8, t_x float8, n float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_conditional_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.bgbb, float8, float8, float8, float8) IS
	'expected purchases at opportunities n+1 .. n+n_future of a customer with summary (x, t_x, n) under a bgbb model';
CREATE FUNCTION crm.loglik(model crm.bgbb, x float8, t_x float8, n float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.bgbb, float8, float8, float8) IS
	'log-likelihood of one customer summary (x, t_x, n) under a bgbb model';
CREATE FUNCTION crm.p_alive(model crm.bgbb, x float8, t_x float8, n float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.p_alive(crm.bgbb, float8, float8, float8) IS
	'probability that a customer with summary (x, t_x, n) is still alive at the next opportunity n+1 under a bgbb model';
CREATE FUNCTION crm.purchase_probability(model crm.bgbb, k integer, n_future float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.purchase_probability(crm.bgbb, integer, float8) IS
	'P(X(n) = k): probability that a new customer buys at k of its first n_future opportunities under a bgbb model';
CREATE FUNCTION crm.dert(model crm.bgbb, x float8, t_x float8, n float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_dert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dert(crm.bgbb, float8, float8, float8, float8) IS
	'discounted expected residual transactions of a customer (x, t_x, n) under a bgbb model: sum over k >= 1 of P(purchase at n+k) / (1 + discount_rate)^k';
