-- ---------------------------------------------------------------------------
-- Time units of the probabilistic models, skipped customers, scoring of
-- unconverged fits, and unit-checked predictions from a customer summary
-- (src/clv_unit.c).  See README "Units".
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

CREATE AGGREGATE crm.bgnbd_fit(x float8, t_x float8, t float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.bgnbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.bgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.bgnbd_fit(float8, float8, float8, interval) IS
	'fit the BG/NBD model on (x, t_x, T) measured in unit (the summaries'' unit, recorded in the model and checked by predictions)';
COMMENT ON AGGREGATE crm.bgnbd_fit(float8, float8, float8, bigint, float8, interval) IS
	'fit the BG/NBD model on weighted (x, t_x, T) measured in unit, with an L2 penalty';

CREATE AGGREGATE crm.mbgnbd_fit(x float8, t_x float8, t float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.mbgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.mbgnbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.mbgnbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.mbgnbd_fit(float8, float8, float8, interval) IS
	'fit the MBG/NBD model on (x, t_x, T) measured in unit (the summaries'' unit, recorded in the model and checked by predictions)';
COMMENT ON AGGREGATE crm.mbgnbd_fit(float8, float8, float8, bigint, float8, interval) IS
	'fit the MBG/NBD model on weighted (x, t_x, T) measured in unit, with an L2 penalty';

CREATE AGGREGATE crm.paretonbd_fit(x float8, t_x float8, t float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.paretonbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.paretonbd_fit(x float8, t_x float8, t float8, weight bigint, penalizer float8, unit interval) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.paretonbd_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.paretonbd_fit(float8, float8, float8, interval) IS
	'fit the Pareto/NBD model on (x, t_x, T) measured in unit (the summaries'' unit, recorded in the model and checked by predictions)';
COMMENT ON AGGREGATE crm.paretonbd_fit(float8, float8, float8, bigint, float8, interval) IS
	'fit the Pareto/NBD model on weighted (x, t_x, T) measured in unit, with an L2 penalty';

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

CREATE FUNCTION crm.unit(model crm.bgnbd) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.bgnbd) IS 'the time unit of a BG/NBD model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.bgnbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.bgnbd) IS 'customers the BG/NBD fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.bgnbd, unit interval) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.bgnbd, interval) IS 'the BG/NBD model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.bgnbd) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.bgnbd) IS 'the BG/NBD model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.bgnbd, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.bgnbd, interval) IS 'an interval (a horizon) in time units of the BG/NBD model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.bgnbd, unit interval) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.bgnbd, interval) IS 'the BG/NBD model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.unit(model crm.mbgnbd) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.mbgnbd) IS 'the time unit of a MBG/NBD model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.mbgnbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.mbgnbd) IS 'customers the MBG/NBD fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.mbgnbd, unit interval) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.mbgnbd, interval) IS 'the MBG/NBD model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.mbgnbd) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.mbgnbd) IS 'the MBG/NBD model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.mbgnbd, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.mbgnbd, interval) IS 'an interval (a horizon) in time units of the MBG/NBD model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.mbgnbd, unit interval) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.mbgnbd, interval) IS 'the MBG/NBD model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.unit(model crm.paretonbd) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.paretonbd) IS 'the time unit of a Pareto/NBD model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.paretonbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.paretonbd) IS 'customers the Pareto/NBD fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.paretonbd, unit interval) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.paretonbd, interval) IS 'the Pareto/NBD model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.paretonbd) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.paretonbd) IS 'the Pareto/NBD model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.paretonbd, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.paretonbd, interval) IS 'an interval (a horizon) in time units of the Pareto/NBD model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.paretonbd, unit interval) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.paretonbd, interval) IS 'the Pareto/NBD model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.unit(model crm.gammagamma) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.gammagamma) IS 'the time unit of a Gamma-Gamma model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.gammagamma) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.gammagamma) IS 'customers the Gamma-Gamma fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.gammagamma, unit interval) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.gammagamma, interval) IS 'the Gamma-Gamma model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.gammagamma) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.gammagamma) IS 'the Gamma-Gamma model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.gammagamma, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.gammagamma, interval) IS 'an interval (a horizon) in time units of the Gamma-Gamma model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.gammagamma, unit interval) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.gammagamma, interval) IS 'the Gamma-Gamma model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.unit(model crm.bgbb) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.bgbb) IS 'the time unit of a BG/BB model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.bgbb) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.bgbb) IS 'customers the BG/BB fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.bgbb, unit interval) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.bgbb, interval) IS 'the BG/BB model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.bgbb) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.bgbb) IS 'the BG/BB model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.bgbb, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.bgbb, interval) IS 'an interval (a horizon) in time units of the BG/BB model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.bgbb, unit interval) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.bgbb, interval) IS 'the BG/BB model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.unit(model crm.sbg) RETURNS interval
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit(crm.sbg) IS 'the time unit of a sBG model (recency, age and horizons), NULL when unknown';
CREATE FUNCTION crm.skipped(model crm.sbg) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_skipped' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.skipped(crm.sbg) IS 'customers the sBG fit could not use (0 if none), NULL for given parameters';
CREATE FUNCTION crm.with_unit(model crm.sbg, unit interval) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_with_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.with_unit(crm.sbg, interval) IS 'the sBG model with its time unit set (22023 if it already has another one)';
CREATE FUNCTION crm.accept_unconverged(model crm.sbg) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_accept_unconverged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.accept_unconverged(crm.sbg) IS 'the sBG model marked as usable for scoring although its fit did not converge (predictions refuse an unconverged fit otherwise)';
CREATE FUNCTION crm.in_units(model crm.sbg, duration interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_in_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.in_units(crm.sbg, interval) IS 'an interval (a horizon) in time units of the sBG model (months at 30.436875 days); 22023 if the unit is unknown or the interval negative or over 1000 years';
CREATE FUNCTION crm.unit_checked(model crm.sbg, unit interval) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_unit_checked' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.unit_checked(crm.sbg, interval) IS 'the sBG model itself if data in unit may be scored with it; 22023 if the model has another unit';

CREATE FUNCTION crm.p_alive(model crm.bgnbd, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.p_alive(crm.unit_checked(model, summary.unit), summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.p_alive(crm.bgnbd, crm.customer_summary) IS
	'P(alive) of a customer summary under a BG/NBD model, after checking the summary is in the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.bgnbd, horizon interval) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon));
COMMENT ON FUNCTION crm.expected_purchases(crm.bgnbd, interval) IS
	'E[X(t)] of a new customer under a BG/NBD model, the horizon an interval converted to the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.bgnbd, horizon interval, x float8, t_x float8, t float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon), x, t_x, t);
COMMENT ON FUNCTION crm.expected_purchases(crm.bgnbd, interval, float8, float8, float8) IS
	'expected purchases of a customer (x, t_x, T in the model''s unit) over a horizon given as an interval';
CREATE FUNCTION crm.expected_purchases(model crm.bgnbd, horizon interval, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(crm.unit_checked(model, summary.unit), crm.in_units(model, horizon),
		summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.expected_purchases(crm.bgnbd, interval, crm.customer_summary) IS
	'expected purchases of a customer summary over a horizon interval under a BG/NBD model (units checked and converted)';
CREATE FUNCTION crm.clv(purchase_model crm.bgnbd, spend_model crm.gammagamma, summary crm.customer_summary,
		horizon interval, discount_rate float8, margin float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.clv(crm.unit_checked(purchase_model, summary.unit), crm.unit_checked(spend_model, summary.unit),
		summary.frequency, summary.recency, summary.t, summary.monetary_value,
		crm.in_units(purchase_model, horizon), discount_rate, margin);
COMMENT ON FUNCTION crm.clv(crm.bgnbd, crm.gammagamma, crm.customer_summary, interval, float8, float8) IS
	'discounted expected margin of a customer summary over a horizon interval (BG/NBD and Gamma-Gamma; units checked, discount rate per model unit)';

CREATE FUNCTION crm.p_alive(model crm.mbgnbd, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.p_alive(crm.unit_checked(model, summary.unit), summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.p_alive(crm.mbgnbd, crm.customer_summary) IS
	'P(alive) of a customer summary under a MBG/NBD model, after checking the summary is in the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.mbgnbd, horizon interval) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon));
COMMENT ON FUNCTION crm.expected_purchases(crm.mbgnbd, interval) IS
	'E[X(t)] of a new customer under a MBG/NBD model, the horizon an interval converted to the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.mbgnbd, horizon interval, x float8, t_x float8, t float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon), x, t_x, t);
COMMENT ON FUNCTION crm.expected_purchases(crm.mbgnbd, interval, float8, float8, float8) IS
	'expected purchases of a customer (x, t_x, T in the model''s unit) over a horizon given as an interval';
CREATE FUNCTION crm.expected_purchases(model crm.mbgnbd, horizon interval, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(crm.unit_checked(model, summary.unit), crm.in_units(model, horizon),
		summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.expected_purchases(crm.mbgnbd, interval, crm.customer_summary) IS
	'expected purchases of a customer summary over a horizon interval under a MBG/NBD model (units checked and converted)';
CREATE FUNCTION crm.clv(purchase_model crm.mbgnbd, spend_model crm.gammagamma, summary crm.customer_summary,
		horizon interval, discount_rate float8, margin float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.clv(crm.unit_checked(purchase_model, summary.unit), crm.unit_checked(spend_model, summary.unit),
		summary.frequency, summary.recency, summary.t, summary.monetary_value,
		crm.in_units(purchase_model, horizon), discount_rate, margin);
COMMENT ON FUNCTION crm.clv(crm.mbgnbd, crm.gammagamma, crm.customer_summary, interval, float8, float8) IS
	'discounted expected margin of a customer summary over a horizon interval (MBG/NBD and Gamma-Gamma; units checked, discount rate per model unit)';

CREATE FUNCTION crm.p_alive(model crm.paretonbd, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.p_alive(crm.unit_checked(model, summary.unit), summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.p_alive(crm.paretonbd, crm.customer_summary) IS
	'P(alive) of a customer summary under a Pareto/NBD model, after checking the summary is in the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.paretonbd, horizon interval) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon));
COMMENT ON FUNCTION crm.expected_purchases(crm.paretonbd, interval) IS
	'E[X(t)] of a new customer under a Pareto/NBD model, the horizon an interval converted to the model''s unit';
CREATE FUNCTION crm.expected_purchases(model crm.paretonbd, horizon interval, x float8, t_x float8, t float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(model, crm.in_units(model, horizon), x, t_x, t);
COMMENT ON FUNCTION crm.expected_purchases(crm.paretonbd, interval, float8, float8, float8) IS
	'expected purchases of a customer (x, t_x, T in the model''s unit) over a horizon given as an interval';
CREATE FUNCTION crm.expected_purchases(model crm.paretonbd, horizon interval, summary crm.customer_summary) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.expected_purchases(crm.unit_checked(model, summary.unit), crm.in_units(model, horizon),
		summary.frequency, summary.recency, summary.t);
COMMENT ON FUNCTION crm.expected_purchases(crm.paretonbd, interval, crm.customer_summary) IS
	'expected purchases of a customer summary over a horizon interval under a Pareto/NBD model (units checked and converted)';
CREATE FUNCTION crm.clv(purchase_model crm.paretonbd, spend_model crm.gammagamma, summary crm.customer_summary,
		horizon interval, discount_rate float8, margin float8) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN crm.clv(crm.unit_checked(purchase_model, summary.unit), crm.unit_checked(spend_model, summary.unit),
		summary.frequency, summary.recency, summary.t, summary.monetary_value,
		crm.in_units(purchase_model, horizon), discount_rate, margin);
COMMENT ON FUNCTION crm.clv(crm.paretonbd, crm.gammagamma, crm.customer_summary, interval, float8, float8) IS
	'discounted expected margin of a customer summary over a horizon interval (Pareto/NBD and Gamma-Gamma; units checked, discount rate per model unit)';

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
