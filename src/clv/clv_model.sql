-- ---------------------------------------------------------------------------
-- Probabilistic customer-base models: fit state and model values
-- (src/clv/clv_fit_state.c, src/clv/clv_model.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable state of the model fits: distinct input tuples with counts.
CREATE TYPE crm.clv_fit_state;
CREATE FUNCTION crm.clv_fit_state_in(cstring) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_out(crm.clv_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_recv(internal) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.clv_fit_state_send(crm.clv_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.clv_fit_state (
	INPUT = crm.clv_fit_state_in, OUTPUT = crm.clv_fit_state_out,
	RECEIVE = crm.clv_fit_state_recv, SEND = crm.clv_fit_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.clv_fit_state_in(cstring) IS 'text input of crm.clv_fit_state';
COMMENT ON FUNCTION crm.clv_fit_state_out(crm.clv_fit_state) IS 'text output of crm.clv_fit_state (exact, round-trips)';
COMMENT ON FUNCTION crm.clv_fit_state_recv(internal) IS 'binary input of crm.clv_fit_state';
COMMENT ON FUNCTION crm.clv_fit_state_send(crm.clv_fit_state) IS 'binary output of crm.clv_fit_state';
COMMENT ON TYPE crm.clv_fit_state IS
	'partial state of the model fits: distinct (x, t_x, T), (x, t_x, n), (x, m), (tenure, churned) or (duration, event) tuples with counts (exact, mergeable; 32 bytes per distinct tuple)';

CREATE FUNCTION crm.clv_fit_customers(crm.clv_fit_state) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_fit_state_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_customers(crm.clv_fit_state) IS 'customers (total weight) in a model fit state';
CREATE FUNCTION crm.clv_fit_distinct(crm.clv_fit_state) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_fit_state_distinct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_distinct(crm.clv_fit_state) IS
	'distinct input tuples in a model fit state (its memory is 32 bytes per tuple)';

-- Transitions: (x, t_x, T [, weight [, penalizer]]), (x, t_x, n [, ...]) and (x, m [, ...])

CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_purchases' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_purchases(crm.clv_fit_state, float8, float8, float8, bigint, float8) IS 'transition function of the purchase-model fits (x, t_x, T)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_spend(crm.clv_fit_state, float8, float8, bigint, float8) IS 'transition function of the spend-model fit (x, m)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint, float8)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_opportunities' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_opportunities(crm.clv_fit_state, float8, float8, float8, bigint, float8) IS 'transition function of the discrete-opportunity model fits (x, t_x, n)';
CREATE FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_tenures' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean) IS 'transition function of the contractual retention fits (tenure, churned)';
CREATE FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_tenures' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_tenures(crm.clv_fit_state, integer, boolean, bigint) IS 'transition function of the contractual retention fits (tenure, churned)';
CREATE FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_combine(crm.clv_fit_state, crm.clv_fit_state) IS
	'merge two partial model fit states (same shape and penalizer required)';

CREATE FUNCTION crm.clv_fit_compact(crm.clv_fit_state) RETURNS crm.clv_fit_state
	AS 'MODULE_PATHNAME', 'clv_fit_state_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_compact(crm.clv_fit_state) IS
	'a model fit state with every row merged into its sorted tuples and no spare room (the final function of the partial aggregates)';

-- Partial forms for two-step use across partitions and shards
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.clv_fit_partial(float8, float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_purchases, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8) IS
	'partial purchase-model fit state of (x, t_x, T) (finish with crm.bgnbd_fit_final or crm.mbgnbd_fit_final)';
COMMENT ON AGGREGATE crm.clv_fit_partial(float8, float8, float8, bigint) IS
	'partial purchase-model fit state of (x, t_x, T) with integer weights';
CREATE AGGREGATE crm.spend_fit_partial(float8, float8) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.spend_fit_partial(float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_spend, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.spend_fit_partial(float8, float8) IS
	'partial spend-model fit state of (x, m) (finish with crm.gammagamma_fit_final)';
COMMENT ON AGGREGATE crm.spend_fit_partial(float8, float8, bigint) IS
	'partial spend-model fit state of (x, m) with integer weights';
CREATE AGGREGATE crm.opportunity_fit_partial(float8, float8, float8) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.opportunity_fit_partial(float8, float8, float8, bigint) (
	SFUNC = crm.clv_fit_trans_opportunities, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.opportunity_fit_partial(float8, float8, float8) IS
	'partial discrete-opportunity fit state of (x, t_x, n) (finish with crm.bgbb_fit_final)';
COMMENT ON AGGREGATE crm.opportunity_fit_partial(float8, float8, float8, bigint) IS
	'partial discrete-opportunity fit state of (x, t_x, n) with integer weights';
CREATE AGGREGATE crm.tenure_fit_partial(integer, boolean) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.tenure_fit_partial(integer, boolean, bigint) (
	SFUNC = crm.clv_fit_trans_tenures, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.tenure_fit_partial(integer, boolean) IS
	'partial contractual retention fit state of (tenure, churned) (finish with crm.sbg_fit_final)';
COMMENT ON AGGREGATE crm.tenure_fit_partial(integer, boolean, bigint) IS
	'partial contractual retention fit state of (tenure, churned) with integer weights';
CREATE AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) (
	SFUNC = crm.clv_fit_combine, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.clv_fit_merge(crm.clv_fit_state) IS
	'merge partial model fit states (rollup across partitions or shards)';

-- BG/NBD (Fader, Hardie & Lee 2005): the model value
CREATE TYPE crm.bgnbd;
CREATE FUNCTION crm.bgnbd_in(cstring, oid, integer) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgnbd_out(crm.bgnbd) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgnbd_recv(internal, oid, integer) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgnbd_send(crm.bgnbd) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.bgnbd (
	INPUT = crm.bgnbd_in, OUTPUT = crm.bgnbd_out,
	RECEIVE = crm.bgnbd_recv, SEND = crm.bgnbd_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.bgnbd_in(cstring, oid, integer) IS 'text input of crm.bgnbd';
COMMENT ON FUNCTION crm.bgnbd_out(crm.bgnbd) IS 'text output of crm.bgnbd (exact, round-trips)';
COMMENT ON FUNCTION crm.bgnbd_recv(internal, oid, integer) IS 'binary input of crm.bgnbd';
COMMENT ON FUNCTION crm.bgnbd_send(crm.bgnbd) IS 'binary output of crm.bgnbd';
COMMENT ON TYPE crm.bgnbd IS
	'BG/NBD (Fader, Hardie & Lee 2005): parameters r, alpha, a, b, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.bgnbd(r float8, alpha float8, a float8, b float8) RETURNS crm.bgnbd
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgnbd(float8, float8, float8, float8) IS
	'a bgnbd model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.bgnbd_jsonb(crm.bgnbd) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgnbd_jsonb(crm.bgnbd) IS
	'a bgnbd model as jsonb: model, r, alpha, a, b, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.bgnbd AS jsonb) WITH FUNCTION crm.bgnbd_jsonb(crm.bgnbd);
CREATE FUNCTION crm.parameter(model crm.bgnbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.bgnbd, text) IS 'one parameter of a bgnbd model (r, alpha, a, b)';
CREATE FUNCTION crm.std_error(model crm.bgnbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.bgnbd, text) IS
	'standard error of one parameter of a fitted bgnbd model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.bgnbd) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.bgnbd) IS 'total log-likelihood of a fitted bgnbd model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.bgnbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.bgnbd) IS 'customers a bgnbd model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.bgnbd) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.bgnbd) IS 'optimizer iterations of a fitted bgnbd model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.bgnbd) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.bgnbd) IS 'whether the fit of a bgnbd model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.bgnbd) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.parameters(crm.bgnbd) IS 'the parameters of a bgnbd model as rows (parameter, estimate, std_error)';

-- MBG/NBD (Batislam, Denizel & Filiztekin 2007): the model value
CREATE TYPE crm.mbgnbd;
CREATE FUNCTION crm.mbgnbd_in(cstring, oid, integer) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.mbgnbd_out(crm.mbgnbd) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.mbgnbd_recv(internal, oid, integer) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.mbgnbd_send(crm.mbgnbd) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.mbgnbd (
	INPUT = crm.mbgnbd_in, OUTPUT = crm.mbgnbd_out,
	RECEIVE = crm.mbgnbd_recv, SEND = crm.mbgnbd_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.mbgnbd_in(cstring, oid, integer) IS 'text input of crm.mbgnbd';
COMMENT ON FUNCTION crm.mbgnbd_out(crm.mbgnbd) IS 'text output of crm.mbgnbd (exact, round-trips)';
COMMENT ON FUNCTION crm.mbgnbd_recv(internal, oid, integer) IS 'binary input of crm.mbgnbd';
COMMENT ON FUNCTION crm.mbgnbd_send(crm.mbgnbd) IS 'binary output of crm.mbgnbd';
COMMENT ON TYPE crm.mbgnbd IS
	'MBG/NBD (Batislam, Denizel & Filiztekin 2007): parameters r, alpha, a, b, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.mbgnbd(r float8, alpha float8, a float8, b float8) RETURNS crm.mbgnbd
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.mbgnbd(float8, float8, float8, float8) IS
	'a mbgnbd model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.mbgnbd_jsonb(crm.mbgnbd) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.mbgnbd_jsonb(crm.mbgnbd) IS
	'a mbgnbd model as jsonb: model, r, alpha, a, b, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.mbgnbd AS jsonb) WITH FUNCTION crm.mbgnbd_jsonb(crm.mbgnbd);
CREATE FUNCTION crm.parameter(model crm.mbgnbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.mbgnbd, text) IS 'one parameter of a mbgnbd model (r, alpha, a, b)';
CREATE FUNCTION crm.std_error(model crm.mbgnbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.mbgnbd, text) IS
	'standard error of one parameter of a fitted mbgnbd model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.mbgnbd) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.mbgnbd) IS 'total log-likelihood of a fitted mbgnbd model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.mbgnbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.mbgnbd) IS 'customers a mbgnbd model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.mbgnbd) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.mbgnbd) IS 'optimizer iterations of a fitted mbgnbd model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.mbgnbd) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.mbgnbd) IS 'whether the fit of a mbgnbd model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.mbgnbd) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.parameters(crm.mbgnbd) IS 'the parameters of a mbgnbd model as rows (parameter, estimate, std_error)';

-- Gamma-Gamma spend model (Fader, Hardie & Lee 2005): the model value
CREATE TYPE crm.gammagamma;
CREATE FUNCTION crm.gammagamma_in(cstring, oid, integer) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.gammagamma_out(crm.gammagamma) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.gammagamma_recv(internal, oid, integer) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.gammagamma_send(crm.gammagamma) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.gammagamma (
	INPUT = crm.gammagamma_in, OUTPUT = crm.gammagamma_out,
	RECEIVE = crm.gammagamma_recv, SEND = crm.gammagamma_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.gammagamma_in(cstring, oid, integer) IS 'text input of crm.gammagamma';
COMMENT ON FUNCTION crm.gammagamma_out(crm.gammagamma) IS 'text output of crm.gammagamma (exact, round-trips)';
COMMENT ON FUNCTION crm.gammagamma_recv(internal, oid, integer) IS 'binary input of crm.gammagamma';
COMMENT ON FUNCTION crm.gammagamma_send(crm.gammagamma) IS 'binary output of crm.gammagamma';
COMMENT ON TYPE crm.gammagamma IS
	'Gamma-Gamma spend model (Fader, Hardie & Lee 2005): parameters p, q, gamma, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.gammagamma(p float8, q float8, gamma float8) RETURNS crm.gammagamma
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gammagamma(float8, float8, float8) IS
	'a gammagamma model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.gammagamma_jsonb(crm.gammagamma) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gammagamma_jsonb(crm.gammagamma) IS
	'a gammagamma model as jsonb: model, p, q, gamma, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.gammagamma AS jsonb) WITH FUNCTION crm.gammagamma_jsonb(crm.gammagamma);
CREATE FUNCTION crm.parameter(model crm.gammagamma, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.gammagamma, text) IS 'one parameter of a gammagamma model (p, q, gamma)';
CREATE FUNCTION crm.std_error(model crm.gammagamma, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.gammagamma, text) IS
	'standard error of one parameter of a fitted gammagamma model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.gammagamma) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.gammagamma) IS 'total log-likelihood of a fitted gammagamma model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.gammagamma) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.gammagamma) IS 'customers a gammagamma model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.gammagamma) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.gammagamma) IS 'optimizer iterations of a fitted gammagamma model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.gammagamma) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.gammagamma) IS 'whether the fit of a gammagamma model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.gammagamma) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.parameters(crm.gammagamma) IS 'the parameters of a gammagamma model as rows (parameter, estimate, std_error)';

-- Pareto/NBD (Schmittlein, Morrison & Colombo 1987): the model value
CREATE TYPE crm.paretonbd;
CREATE FUNCTION crm.paretonbd_in(cstring, oid, integer) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.paretonbd_out(crm.paretonbd) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.paretonbd_recv(internal, oid, integer) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.paretonbd_send(crm.paretonbd) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.paretonbd (
	INPUT = crm.paretonbd_in, OUTPUT = crm.paretonbd_out,
	RECEIVE = crm.paretonbd_recv, SEND = crm.paretonbd_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.paretonbd_in(cstring, oid, integer) IS 'text input of crm.paretonbd';
COMMENT ON FUNCTION crm.paretonbd_out(crm.paretonbd) IS 'text output of crm.paretonbd (exact, round-trips)';
COMMENT ON FUNCTION crm.paretonbd_recv(internal, oid, integer) IS 'binary input of crm.paretonbd';
COMMENT ON FUNCTION crm.paretonbd_send(crm.paretonbd) IS 'binary output of crm.paretonbd';
COMMENT ON TYPE crm.paretonbd IS
	'Pareto/NBD (Schmittlein, Morrison & Colombo 1987): parameters r, alpha, s, beta, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.paretonbd(r float8, alpha float8, s float8, beta float8) RETURNS crm.paretonbd
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.paretonbd(float8, float8, float8, float8) IS
	'a paretonbd model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.paretonbd_jsonb(crm.paretonbd) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.paretonbd_jsonb(crm.paretonbd) IS
	'a paretonbd model as jsonb: model, r, alpha, s, beta, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.paretonbd AS jsonb) WITH FUNCTION crm.paretonbd_jsonb(crm.paretonbd);
CREATE FUNCTION crm.parameter(model crm.paretonbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.paretonbd, text) IS 'one parameter of a paretonbd model (r, alpha, s, beta)';
CREATE FUNCTION crm.std_error(model crm.paretonbd, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.paretonbd, text) IS
	'standard error of one parameter of a fitted paretonbd model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.paretonbd) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.paretonbd) IS 'total log-likelihood of a fitted paretonbd model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.paretonbd) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.paretonbd) IS 'customers a paretonbd model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.paretonbd) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.paretonbd) IS 'optimizer iterations of a fitted paretonbd model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.paretonbd) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.paretonbd) IS 'whether the fit of a paretonbd model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.paretonbd) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.parameters(crm.paretonbd) IS 'the parameters of a paretonbd model as rows (parameter, estimate, std_error)';

-- BG/BB (Fader, Hardie & Shang 2010), discrete purchase opportunities: the model value
CREATE TYPE crm.bgbb;
CREATE FUNCTION crm.bgbb_in(cstring, oid, integer) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgbb_out(crm.bgbb) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgbb_recv(internal, oid, integer) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bgbb_send(crm.bgbb) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.bgbb (
	INPUT = crm.bgbb_in, OUTPUT = crm.bgbb_out,
	RECEIVE = crm.bgbb_recv, SEND = crm.bgbb_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.bgbb_in(cstring, oid, integer) IS 'text input of crm.bgbb';
COMMENT ON FUNCTION crm.bgbb_out(crm.bgbb) IS 'text output of crm.bgbb (exact, round-trips)';
COMMENT ON FUNCTION crm.bgbb_recv(internal, oid, integer) IS 'binary input of crm.bgbb';
COMMENT ON FUNCTION crm.bgbb_send(crm.bgbb) IS 'binary output of crm.bgbb';
COMMENT ON TYPE crm.bgbb IS
	'BG/BB (Fader, Hardie & Shang 2010) for discrete purchase opportunities: parameters alpha, beta, gamma, delta, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.bgbb(alpha float8, beta float8, gamma float8, delta float8) RETURNS crm.bgbb
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgbb(float8, float8, float8, float8) IS
	'a bgbb model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.bgbb_jsonb(crm.bgbb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bgbb_jsonb(crm.bgbb) IS
	'a bgbb model as jsonb: model, alpha, beta, gamma, delta, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.bgbb AS jsonb) WITH FUNCTION crm.bgbb_jsonb(crm.bgbb);
CREATE FUNCTION crm.parameter(model crm.bgbb, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.bgbb, text) IS 'one parameter of a bgbb model (alpha, beta, gamma, delta)';
CREATE FUNCTION crm.std_error(model crm.bgbb, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.bgbb, text) IS
	'standard error of one parameter of a fitted bgbb model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.bgbb) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.bgbb) IS 'total log-likelihood of a fitted bgbb model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.bgbb) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.bgbb) IS 'customers a bgbb model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.bgbb) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.bgbb) IS 'optimizer iterations of a fitted bgbb model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.bgbb) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.bgbb) IS 'whether the fit of a bgbb model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.bgbb) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.parameters(crm.bgbb) IS 'the parameters of a bgbb model as rows (parameter, estimate, std_error)';

-- sBG (Fader & Hardie 2007), contractual retention: the model value
CREATE TYPE crm.sbg;
CREATE FUNCTION crm.sbg_in(cstring, oid, integer) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.sbg_out(crm.sbg) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.sbg_recv(internal, oid, integer) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.sbg_send(crm.sbg) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.sbg (
	INPUT = crm.sbg_in, OUTPUT = crm.sbg_out,
	RECEIVE = crm.sbg_recv, SEND = crm.sbg_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.sbg_in(cstring, oid, integer) IS 'text input of crm.sbg';
COMMENT ON FUNCTION crm.sbg_out(crm.sbg) IS 'text output of crm.sbg (exact, round-trips)';
COMMENT ON FUNCTION crm.sbg_recv(internal, oid, integer) IS 'binary input of crm.sbg';
COMMENT ON FUNCTION crm.sbg_send(crm.sbg) IS 'binary output of crm.sbg';
COMMENT ON TYPE crm.sbg IS
	'sBG (shifted beta-geometric; Fader & Hardie 2007) for contractual retention: parameters alpha, beta, and for fitted models ll, n, iterations, convergence and standard errors';
CREATE FUNCTION crm.sbg(alpha float8, beta float8) RETURNS crm.sbg
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg(float8, float8) IS
	'a sbg model from given parameters (to score with published or saved estimates)';
CREATE FUNCTION crm.sbg_jsonb(crm.sbg) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg_jsonb(crm.sbg) IS
	'a sbg model as jsonb: model, alpha, beta, ll, n, converged, iterations, se_<parameter>, penalizer';
CREATE CAST (crm.sbg AS jsonb) WITH FUNCTION crm.sbg_jsonb(crm.sbg);
CREATE FUNCTION crm.parameter(model crm.sbg, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.parameter(crm.sbg, text) IS 'one parameter of a sbg model (alpha, beta)';
CREATE FUNCTION crm.std_error(model crm.sbg, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_std_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.std_error(crm.sbg, text) IS
	'standard error of one parameter of a fitted sbg model (from the Hessian; NULL if not available)';
CREATE FUNCTION crm.loglik(model crm.sbg) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_loglik' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loglik(crm.sbg) IS 'total log-likelihood of a fitted sbg model (NULL for given parameters)';
CREATE FUNCTION crm.customers(model crm.sbg) RETURNS bigint
	AS 'MODULE_PATHNAME', 'clv_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.sbg) IS 'customers a sbg model was fitted on (NULL for given parameters)';
CREATE FUNCTION crm.iterations(model crm.sbg) RETURNS integer
	AS 'MODULE_PATHNAME', 'clv_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.sbg) IS 'optimizer iterations of a fitted sbg model (NULL for given parameters)';
CREATE FUNCTION crm.converged(model crm.sbg) RETURNS boolean
	AS 'MODULE_PATHNAME', 'clv_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.sbg) IS 'whether the fit of a sbg model converged (NULL for given parameters)';
CREATE FUNCTION crm.parameters(model crm.sbg) RETURNS TABLE (parameter text, estimate float8, std_error float8)
	AS 'MODULE_PATHNAME', 'clv_model_parameters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION crm.parameters(crm.sbg) IS 'the parameters of a sbg model as rows (parameter, estimate, std_error)';

