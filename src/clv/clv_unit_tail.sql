CREATE FUNCTION crm.expected_spend(model crm.gammagamma, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_spend(crm.unit_checked(model, summary.unit), summary.frequency, summary.monetary_value);
COMMENT ON FUNCTION crm.expected_spend(crm.gammagamma, crm.customer_summary) IS
	'expected spend per purchase of a customer summary under a Gamma-Gamma model (unit checked)';

CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, interval) IS
	'partial state of the purchase-model fits on (x, t_x, T) in a time unit (kept in the state and in the fitted model)';
CREATE AGGREGATE crm.spend_fit_partial(float8, float8, interval) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.spend_fit_partial(float8, float8, interval) IS
	'partial state of the Gamma-Gamma fit on (x, m) of summaries in a time unit';
