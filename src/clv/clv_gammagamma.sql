-- ---------------------------------------------------------------------------
-- Gamma-Gamma spend model (src/clv/clv_gammagamma.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.gammagamma_fit_final(crm.clv_fit_state) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'gammagamma_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.gammagamma_fit_final(crm.clv_fit_state, penalizer float8) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'gammagamma_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gammagamma_fit_final(crm.clv_fit_state) IS
	'fit the Gamma-Gamma spend model on a (merged) spend fit state';
COMMENT ON FUNCTION crm.gammagamma_fit_final(crm.clv_fit_state, float8) IS
	'fit the Gamma-Gamma spend model on a (merged) spend fit state with an L2 penalty (as lifetimes penalizer_coef)';
CREATE AGGREGATE crm.gammagamma_fit(x float8, monetary_value float8) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.gammagamma_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.gammagamma_fit(x float8, monetary_value float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.gammagamma_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.gammagamma_fit(x float8, monetary_value float8, weight bigint, penalizer float8) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.gammagamma_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.gammagamma_fit(float8, float8) IS
	'fit the Gamma-Gamma spend model on (x, mean spend of the repeat purchases); customers with x = 0 are skipped';
COMMENT ON AGGREGATE crm.gammagamma_fit(float8, float8, bigint) IS
	'fit the Gamma-Gamma spend model on (x, m) with integer weights';
COMMENT ON AGGREGATE crm.gammagamma_fit(float8, float8, bigint, float8) IS
	'fit the Gamma-Gamma spend model on weighted (x, m) with an L2 penalty on the parameters';

CREATE FUNCTION crm.expected_spend(model crm.gammagamma, x float8, monetary_value float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_spend(crm.gammagamma, float8, float8) IS
	'expected spend per purchase of a customer with x repeat purchases of mean value m (the population mean at x = 0)';
CREATE FUNCTION crm.loglik(model crm.gammagamma, x float8, monetary_value float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.gammagamma, float8, float8) IS
	'log-likelihood of one repeat customer (x > 0, mean spend m) under a Gamma-Gamma model';
