-- ---------------------------------------------------------------------------
-- Time units of the probabilistic models, skipped customers, scoring of
-- unconverged fits, and unit-checked predictions from a customer summary
-- (src/clv/clv_unit.c).  See README "Units".
-- ---------------------------------------------------------------------------

-- Fit transitions that take the rows' time unit (the summaries' unit)
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, interval) IS 'transition function of the purchase-model fits (x, t_x, T) with their time unit';
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8, interval) IS 'transition function of the purchase-model fits (x, t_x, T, weight, penalizer) with their time unit';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, interval) IS 'transition function of the spend-model fit (x, m) with the time unit of the summaries';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8, interval) IS 'transition function of the spend-model fit (x, m, weight, penalizer) with the time unit of the summaries';

CREATE AGGREGATE crm.gammagamma_fit(x float8, monetary_value float8, unit interval) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.gammagamma_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.gammagamma_fit(x float8, monetary_value float8, weight bigint, penalizer float8, unit interval) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.gammagamma_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.gammagamma_fit(float8, float8, interval) IS
	'fit the Gamma-Gamma spend model on (x, m) of summaries in unit (recorded in the model); customers with m <= 0 are skipped and counted';
COMMENT ON AGGREGATE crm.gammagamma_fit(float8, float8, bigint, float8, interval) IS
	'fit the Gamma-Gamma spend model on weighted (x, m) of summaries in unit, with an L2 penalty';

