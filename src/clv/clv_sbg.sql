-- ---------------------------------------------------------------------------
-- sBG model for contractual retention (src/clv/clv_sbg.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.sbg_fit_final(crm.clv_fit_state) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'sbg_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg_fit_final(crm.clv_fit_state) IS
	'fit the sBG (Fader & Hardie 2007) retention model on a (merged) tenures fit state (NULL if it is empty)';
CREATE AGGREGATE crm.sbg_fit(tenure integer, churned boolean) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.sbg_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.sbg_fit(tenure integer, churned boolean, weight bigint) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.sbg_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.sbg_fit(integer, boolean) IS
	'fit the sBG (shifted beta-geometric; Fader & Hardie 2007) retention model by maximum likelihood on (periods stayed, churned then or still active)';
COMMENT ON AGGREGATE crm.sbg_fit(integer, boolean, bigint) IS
	'fit the sBG retention model on (tenure, churned) with integer weights (customers per row, as crm.sbg_fit_input returns)';

CREATE FUNCTION crm.survival(model crm.sbg, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'sbg_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.survival(crm.sbg, float8) IS
	'S(t) = B(alpha, beta + t) / B(alpha, beta): share of a new cohort still active after t renewals (t a whole number >= 0)';
CREATE FUNCTION crm.retention_rate(model crm.sbg, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'sbg_retention_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.retention_rate(crm.sbg, float8) IS
	'r(t) = (beta + t - 1) / (alpha + beta + t - 1): share of the customers who made t - 1 renewals that make the t-th (t >= 1)';
CREATE FUNCTION crm.churn_probability(model crm.sbg, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'sbg_churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.churn_probability(crm.sbg, float8) IS
	'P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta): share of a new cohort that leaves at the t-th renewal, after t periods (t >= 1)';
CREATE FUNCTION crm.del(model crm.sbg, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'sbg_del' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.del(crm.sbg, float8) IS
	'discounted expected lifetime of a new customer, sum of S(t) / (1 + discount_rate)^t over t >= 0 (the first payment counts 1; rate per period > 0)';
CREATE FUNCTION crm.derl(model crm.sbg, renewals float8, discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'sbg_derl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.derl(crm.sbg, float8, float8) IS
	'discounted expected residual lifetime (Fader & Hardie 2010) of a customer who has made the given renewals, valued just before the next one (counted undiscounted, with its probability)';
CREATE FUNCTION crm.loglik(model crm.sbg, tenure integer, churned boolean) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_customer_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.sbg, integer, boolean) IS
	'log-likelihood of one customer under a sbg model: log P(T = tenure) if churned, log S(tenure) if still active';

CREATE FUNCTION crm.sbg_fit_input(period integer[], surviving float8[])
	RETURNS TABLE (tenure integer, churned boolean, customers bigint)
	AS 'MODULE_PATHNAME', 'sbg_fit_input' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION crm.sbg_fit_input(integer[], float8[]) IS
	'rows (tenure, churned, customers) for crm.sbg_fit of one cohort''s survival table: customers still active at periods 0, 1, 2, ... as whole counts';
CREATE FUNCTION crm.sbg_fit_input(period integer[], surviving float8[], cohort_size bigint)
	RETURNS TABLE (tenure integer, churned boolean, customers bigint)
	AS 'MODULE_PATHNAME', 'sbg_fit_input' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION crm.sbg_fit_input(integer[], float8[], bigint) IS
	'rows (tenure, churned, customers) for crm.sbg_fit of a survival table in percent or shares, read relative to period 0 and scaled to cohort_size customers (rounded)';
