-- ---------------------------------------------------------------------------
-- PLS path modelling (src/survey/pls_spec.c, src/survey/pls_state.c, src/survey/pls_algorithm.c,
-- src/survey/pls_model.c, src/survey/pls_access.c)
-- ---------------------------------------------------------------------------

-- The mergeable state of crm.pls_fit: rows, item means and co-moments.
CREATE TYPE crm.pls_state;
CREATE FUNCTION crm.pls_state_in(cstring) RETURNS crm.pls_state
	AS 'MODULE_PATHNAME', 'pls_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_state_out(crm.pls_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pls_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_state_recv(internal) RETURNS crm.pls_state
	AS 'MODULE_PATHNAME', 'pls_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_state_send(crm.pls_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pls_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.pls_state (
	INPUT = crm.pls_state_in, OUTPUT = crm.pls_state_out,
	RECEIVE = crm.pls_state_recv, SEND = crm.pls_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.pls_state_in(cstring) IS 'text input of crm.pls_state';
COMMENT ON FUNCTION crm.pls_state_out(crm.pls_state) IS 'text output of crm.pls_state (exact, round-trips)';
COMMENT ON FUNCTION crm.pls_state_recv(internal) IS 'binary input of crm.pls_state';
COMMENT ON FUNCTION crm.pls_state_send(crm.pls_state) IS 'binary output of crm.pls_state';
COMMENT ON TYPE crm.pls_state IS
	'partial state of crm.pls_fit: rows, item means and centred co-moments (the sufficient statistics of PLS path modelling), and the spec of crm.pls_fit; merge with crm.pls_merge, fit with crm.pls_fit_final';

-- A fitted PLS path model.
CREATE TYPE crm.pls_model;
CREATE FUNCTION crm.pls_model_in(cstring) RETURNS crm.pls_model
	AS 'MODULE_PATHNAME', 'pls_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_model_out(crm.pls_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'pls_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_model_recv(internal) RETURNS crm.pls_model
	AS 'MODULE_PATHNAME', 'pls_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.pls_model_send(crm.pls_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'pls_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.pls_model (
	INPUT = crm.pls_model_in, OUTPUT = crm.pls_model_out,
	RECEIVE = crm.pls_model_recv, SEND = crm.pls_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.pls_model_in(cstring) IS 'text input of crm.pls_model (its JSON form)';
COMMENT ON FUNCTION crm.pls_model_out(crm.pls_model) IS 'text output of crm.pls_model: one line of JSON (exact, round-trips)';
COMMENT ON FUNCTION crm.pls_model_recv(internal) IS 'binary input of crm.pls_model';
COMMENT ON FUNCTION crm.pls_model_send(crm.pls_model) IS 'binary output of crm.pls_model';
COMMENT ON TYPE crm.pls_model IS
	'a fitted PLS path model (plspm 0.4.9): scheme, scaling, respondents, convergence, and per latent variable its items with outer weights and loadings, R squared, and the path coefficients';

CREATE FUNCTION crm.pls_model_jsonb(crm.pls_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'pls_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_model_jsonb(crm.pls_model) IS
	'a PLS model as jsonb (its text form: scheme, scaled, items, respondents, skipped, iterations, converged, tol, maxiter, gof, lvs, paths)';
CREATE CAST (crm.pls_model AS jsonb) WITH FUNCTION crm.pls_model_jsonb(crm.pls_model);
COMMENT ON CAST (crm.pls_model AS jsonb) IS 'a PLS model as jsonb (crm.pls_model_jsonb)';

-- Transition (one C function; the spec, scheme and scaled arguments are optional)
CREATE FUNCTION crm.pls_trans(crm.pls_state, float8[])
	RETURNS crm.pls_state AS 'MODULE_PATHNAME', 'pls_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_trans(crm.pls_state, float8[]) IS
	'transition function of crm.pls_partial: add a row of items (skipped if NULL or with a NULL item)';
CREATE FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb)
	RETURNS crm.pls_state AS 'MODULE_PATHNAME', 'pls_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb) IS
	'transition function of crm.pls_fit(items, spec)';
CREATE FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb, text)
	RETURNS crm.pls_state AS 'MODULE_PATHNAME', 'pls_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb, text) IS
	'transition function of crm.pls_fit(items, spec, scheme)';
CREATE FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb, text, boolean)
	RETURNS crm.pls_state AS 'MODULE_PATHNAME', 'pls_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_trans(crm.pls_state, float8[], jsonb, text, boolean) IS
	'transition function of crm.pls_fit(items, spec, scheme, scaled)';

CREATE FUNCTION crm.pls_combine(crm.pls_state, crm.pls_state) RETURNS crm.pls_state
	AS 'MODULE_PATHNAME', 'pls_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_combine(crm.pls_state, crm.pls_state) IS
	'merge two PLS states (pairwise update of means and co-moments; same number of items, and the same spec when both carry one)';

CREATE FUNCTION crm.pls_fit_final(crm.pls_state) RETURNS crm.pls_model
	AS 'MODULE_PATHNAME', 'pls_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_fit_final(crm.pls_state) IS
	'fit the PLS model a state of crm.pls_fit carries (its final function); NULL without rows';
CREATE FUNCTION crm.pls_fit_final(state crm.pls_state, spec jsonb, scheme text DEFAULT 'centroid',
								  scaled boolean DEFAULT true) RETURNS crm.pls_model
	AS 'MODULE_PATHNAME', 'pls_fit_final_spec' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_fit_final(crm.pls_state, jsonb, text, boolean) IS
	'fit a PLS model of a spec on a (merged) state; NULL without rows';

-- crm.pls_fit(items, spec [, scheme [, scaled]])
CREATE AGGREGATE crm.pls_fit(float8[], jsonb) (
	SFUNC = crm.pls_trans, STYPE = crm.pls_state, FINALFUNC = crm.pls_fit_final,
	COMBINEFUNC = crm.pls_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.pls_fit(float8[], jsonb) IS
	'fit a PLS path model (centroid scheme, standardized items) on rows of item arrays';
CREATE AGGREGATE crm.pls_fit(float8[], jsonb, text) (
	SFUNC = crm.pls_trans, STYPE = crm.pls_state, FINALFUNC = crm.pls_fit_final,
	COMBINEFUNC = crm.pls_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.pls_fit(float8[], jsonb, text) IS
	'fit a PLS path model with an inner scheme (centroid, factorial, path) on standardized items';
CREATE AGGREGATE crm.pls_fit(float8[], jsonb, text, boolean) (
	SFUNC = crm.pls_trans, STYPE = crm.pls_state, FINALFUNC = crm.pls_fit_final,
	COMBINEFUNC = crm.pls_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.pls_fit(float8[], jsonb, text, boolean) IS
	'fit a PLS path model with an inner scheme on standardized (scaled = true) or centred items';

-- Two-step use: partial states per partition or shard, merged, then fitted.
CREATE AGGREGATE crm.pls_partial(float8[]) (
	SFUNC = crm.pls_trans, STYPE = crm.pls_state,
	COMBINEFUNC = crm.pls_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.pls_partial(float8[]) IS
	'partial PLS state of rows of item arrays (merge with crm.pls_merge, fit with crm.pls_fit_final(state, spec, ...))';
CREATE AGGREGATE crm.pls_merge(crm.pls_state) (
	SFUNC = crm.pls_combine, STYPE = crm.pls_state,
	COMBINEFUNC = crm.pls_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.pls_merge(crm.pls_state) IS
	'merge PLS states (rollup across partitions or shards)';

CREATE FUNCTION crm.pls_moments(state crm.pls_state)
	RETURNS TABLE (item integer, n bigint, mean double precision, covariance double precision[])
	AS 'MODULE_PATHNAME', 'pls_moments' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION crm.pls_moments(crm.pls_state) IS
	'the moments a PLS state holds: per item the rows, its mean and its sample covariances with every item (NULL below two rows)';

-- Accessors
CREATE FUNCTION crm.pls_paths(model crm.pls_model)
	RETURNS TABLE (from_lv text, to_lv text, coefficient double precision)
	AS 'MODULE_PATHNAME', 'pls_paths' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.pls_paths(crm.pls_model) IS
	'path coefficients of a PLS model (OLS of each endogenous latent variable on its causes), by cause then effect';
CREATE FUNCTION crm.pls_r2(model crm.pls_model)
	RETURNS TABLE (lv text, r2 double precision, endogenous boolean)
	AS 'MODULE_PATHNAME', 'pls_r2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;
COMMENT ON FUNCTION crm.pls_r2(crm.pls_model) IS
	'R squared of each latent variable (0 for exogenous ones, as plspm)';
CREATE FUNCTION crm.pls_weights(model crm.pls_model)
	RETURNS TABLE (lv text, item integer, weight double precision, normalized_weight double precision)
	AS 'MODULE_PATHNAME', 'pls_weights' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION crm.pls_weights(crm.pls_model) IS
	'outer weights of each item (position in the items array) and the normalized weights of the raw items in the rescaled latent variable (sum 1 per block; NULL for a block with a weight <= 0)';
CREATE FUNCTION crm.pls_loadings(model crm.pls_model)
	RETURNS TABLE (lv text, item integer, loading double precision, communality double precision)
	AS 'MODULE_PATHNAME', 'pls_loadings' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION crm.pls_loadings(crm.pls_model) IS
	'loadings (correlations of each item with its latent variable) and communalities (squared loadings)';
CREATE FUNCTION crm.pls_index(model crm.pls_model, scale_min double precision, scale_max double precision)
	RETURNS TABLE (lv text, mean double precision, index double precision)
	AS 'MODULE_PATHNAME', 'pls_index' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;
COMMENT ON FUNCTION crm.pls_index(crm.pls_model, double precision, double precision) IS
	'per latent variable the mean of its rescaled scores on the item scale (normalized weights times item means) and the 0-100 index 100 (mean - scale_min) / (scale_max - scale_min)';
CREATE FUNCTION crm.pls_gof(model crm.pls_model,
							OUT gof double precision, OUT mean_communality double precision,
							OUT mean_r2 double precision)
	AS 'MODULE_PATHNAME', 'pls_gof' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_gof(crm.pls_model) IS
	'goodness of fit sqrt(mean communality x mean R squared): communalities of blocks of two items or more, R squared of endogenous latent variables (plspm)';
CREATE FUNCTION crm.pls_summary(model crm.pls_model,
								OUT scheme text, OUT scaled boolean, OUT respondents bigint,
								OUT skipped bigint, OUT items integer, OUT latent_variables integer,
								OUT paths integer, OUT iterations integer, OUT converged boolean)
	AS 'MODULE_PATHNAME', 'pls_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_summary(crm.pls_model) IS
	'a PLS fit in one row: scheme, scaling, respondents used and rows skipped, items per row, latent variables, paths, iterations, convergence';
CREATE FUNCTION crm.converged(model crm.pls_model) RETURNS boolean
	AS 'MODULE_PATHNAME', 'pls_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.converged(crm.pls_model) IS 'whether the outer weights of a PLS fit converged';
CREATE FUNCTION crm.iterations(model crm.pls_model) RETURNS integer
	AS 'MODULE_PATHNAME', 'pls_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.iterations(crm.pls_model) IS 'iterations of the outer weights of a PLS fit';

CREATE FUNCTION crm.pls_score(model crm.pls_model, items float8[])
	RETURNS TABLE (lv text, score double precision, rescaled double precision)
	AS 'MODULE_PATHNAME', 'pls_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;
COMMENT ON FUNCTION crm.pls_score(crm.pls_model, float8[]) IS
	'latent variable scores of a respondent (standardized as in the fit) and rescaled to the item scale; NULL for a latent variable with a NULL item';
CREATE FUNCTION crm.pls_score(model crm.pls_model, items float8[], lv text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'pls_score_lv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.pls_score(crm.pls_model, float8[], text) IS
	'the score of one latent variable of a respondent (NULL if an item of its block is NULL)';
