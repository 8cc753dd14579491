-- ---------------------------------------------------------------------------
-- The regularity models BG/CNBD-k and MBG/CNBD-k (src/clv/clv_cnbd.c): the
-- transition of their fits, which adds each row's litt (sum of log
-- inter-purchase times) to the fit state's exact sum, and the partial
-- aggregate of their two-step fits.  Each type's fits and predictions are
-- generated from clv_cnbd_type.sql.in.
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_regularity' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_regularity' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_regularity' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_regularity_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint, float8, interval)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_regularity_unit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8) IS
	'transition function of the regularity fits (x, t_x, T, litt): the tuple and the exact sum of litt';
COMMENT ON FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint) IS
	'transition function of the regularity fits (x, t_x, T, litt, weight)';
COMMENT ON FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint, float8) IS
	'transition function of the regularity fits (x, t_x, T, litt, weight, penalizer)';
COMMENT ON FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, interval) IS
	'transition function of the regularity fits (x, t_x, T, litt) with their time unit';
COMMENT ON FUNCTION crm.clv_fit_trans_regularity(crm.clv_fit_state, float8, float8, float8, float8, bigint, float8, interval) IS
	'transition function of the regularity fits (x, t_x, T, litt, weight, penalizer) with their time unit';

CREATE AGGREGATE crm.regularity_fit_partial(x float8, t_x float8, t float8, litt float8) (
	SFUNC = crm.clv_fit_trans_regularity, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.regularity_fit_partial(x float8, t_x float8, t float8, litt float8, weight bigint) (
	SFUNC = crm.clv_fit_trans_regularity, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.regularity_fit_partial(x float8, t_x float8, t float8, litt float8, unit interval) (
	SFUNC = crm.clv_fit_trans_regularity, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.regularity_fit_partial(float8, float8, float8, float8) IS
	'partial state of the regularity fits (BG/CNBD-k, MBG/CNBD-k) on (x, t_x, T, litt): distinct (x, t_x, T) with counts and the exact sum of litt';
COMMENT ON AGGREGATE crm.regularity_fit_partial(float8, float8, float8, float8, bigint) IS
	'partial state of the regularity fits on (x, t_x, T, litt) with integer weights';
COMMENT ON AGGREGATE crm.regularity_fit_partial(float8, float8, float8, float8, interval) IS
	'partial state of the regularity fits on (x, t_x, T, litt) in a time unit (kept in the state and in the fitted model)';
