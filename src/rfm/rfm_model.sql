-- ---------------------------------------------------------------------------
-- RFM scoring models (src/rfm/rfm_fit.c, src/rfm/rfm_model.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable state of crm.rfm_fit: distinct values with counts.
CREATE TYPE crm.rfm_fit_state;
CREATE FUNCTION crm.rfm_fit_state_in(cstring) RETURNS crm.rfm_fit_state
	AS 'MODULE_PATHNAME', 'rfm_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_fit_state_out(crm.rfm_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rfm_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_fit_state_recv(internal) RETURNS crm.rfm_fit_state
	AS 'MODULE_PATHNAME', 'rfm_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_fit_state_send(crm.rfm_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rfm_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.rfm_fit_state (
	INPUT = crm.rfm_fit_state_in, OUTPUT = crm.rfm_fit_state_out,
	RECEIVE = crm.rfm_fit_state_recv, SEND = crm.rfm_fit_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.rfm_fit_state_in(cstring) IS 'text input of crm.rfm_fit_state';
COMMENT ON FUNCTION crm.rfm_fit_state_out(crm.rfm_fit_state) IS 'text output of crm.rfm_fit_state (exact, round-trips)';
COMMENT ON FUNCTION crm.rfm_fit_state_recv(internal) IS 'binary input of crm.rfm_fit_state';
COMMENT ON FUNCTION crm.rfm_fit_state_send(crm.rfm_fit_state) IS 'binary output of crm.rfm_fit_state';
COMMENT ON TYPE crm.rfm_fit_state IS
	'partial state of crm.rfm_fit: per dimension the distinct values with their counts (exact, mergeable)';

-- A stored RFM scoring model: breakpoints per dimension.
CREATE TYPE crm.rfm_model;
CREATE FUNCTION crm.rfm_model_in(cstring) RETURNS crm.rfm_model
	AS 'MODULE_PATHNAME', 'rfm_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_model_out(crm.rfm_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rfm_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_model_recv(internal) RETURNS crm.rfm_model
	AS 'MODULE_PATHNAME', 'rfm_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.rfm_model_send(crm.rfm_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rfm_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.rfm_model (
	INPUT = crm.rfm_model_in, OUTPUT = crm.rfm_model_out,
	RECEIVE = crm.rfm_model_recv, SEND = crm.rfm_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.rfm_model_in(cstring) IS 'text input of crm.rfm_model';
COMMENT ON FUNCTION crm.rfm_model_out(crm.rfm_model) IS 'text output of crm.rfm_model (exact, round-trips)';
COMMENT ON FUNCTION crm.rfm_model_recv(internal) IS 'binary input of crm.rfm_model';
COMMENT ON FUNCTION crm.rfm_model_send(crm.rfm_model) IS 'binary output of crm.rfm_model';
COMMENT ON TYPE crm.rfm_model IS
	'RFM scoring model: method, bins and the breakpoints of recency, frequency and monetary';

-- Fit aggregate: crm.rfm_fit(recency, frequency, monetary [, bins [, method]])
CREATE FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8)
	RETURNS crm.rfm_fit_state AS 'MODULE_PATHNAME', 'rfm_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8, integer)
	RETURNS crm.rfm_fit_state AS 'MODULE_PATHNAME', 'rfm_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8, integer, text)
	RETURNS crm.rfm_fit_state AS 'MODULE_PATHNAME', 'rfm_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8) IS 'transition function of crm.rfm_fit';
COMMENT ON FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8, integer) IS 'transition function of crm.rfm_fit';
COMMENT ON FUNCTION crm.rfm_fit_trans(crm.rfm_fit_state, float8, float8, float8, integer, text) IS 'transition function of crm.rfm_fit';
CREATE FUNCTION crm.rfm_fit_combine(crm.rfm_fit_state, crm.rfm_fit_state) RETURNS crm.rfm_fit_state
	AS 'MODULE_PATHNAME', 'rfm_fit_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_fit_combine(crm.rfm_fit_state, crm.rfm_fit_state) IS
	'merge two partial RFM fit states (same bins and method required)';
CREATE FUNCTION crm.rfm_fit_final(crm.rfm_fit_state) RETURNS crm.rfm_model
	AS 'MODULE_PATHNAME', 'rfm_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_fit_final(crm.rfm_fit_state) IS
	'the RFM model of a fit state';

CREATE AGGREGATE crm.rfm_fit(float8, float8, float8) (
	SFUNC = crm.rfm_fit_trans, STYPE = crm.rfm_fit_state, FINALFUNC = crm.rfm_fit_final,
	COMBINEFUNC = crm.rfm_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.rfm_fit(float8, float8, float8, integer) (
	SFUNC = crm.rfm_fit_trans, STYPE = crm.rfm_fit_state, FINALFUNC = crm.rfm_fit_final,
	COMBINEFUNC = crm.rfm_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.rfm_fit(float8, float8, float8, integer, text) (
	SFUNC = crm.rfm_fit_trans, STYPE = crm.rfm_fit_state, FINALFUNC = crm.rfm_fit_final,
	COMBINEFUNC = crm.rfm_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rfm_fit(float8, float8, float8) IS
	'fit an RFM scoring model with 5 bins by the quantile method of the rfm package';
COMMENT ON AGGREGATE crm.rfm_fit(float8, float8, float8, integer) IS
	'fit an RFM scoring model with k bins by the quantile method of the rfm package';
COMMENT ON AGGREGATE crm.rfm_fit(float8, float8, float8, integer, text) IS
	'fit an RFM scoring model: breakpoints of recency, frequency, monetary by method quantile (rfm package) or ntile';

-- The partial form for two-step use across partitions and shards.
CREATE AGGREGATE crm.rfm_fit_partial(float8, float8, float8, integer, text) (
	SFUNC = crm.rfm_fit_trans, STYPE = crm.rfm_fit_state,
	COMBINEFUNC = crm.rfm_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rfm_fit_partial(float8, float8, float8, integer, text) IS
	'partial RFM fit state (merge with crm.rfm_fit_merge, finish with crm.rfm_fit_final)';
CREATE AGGREGATE crm.rfm_fit_merge(crm.rfm_fit_state) (
	SFUNC = crm.rfm_fit_combine, STYPE = crm.rfm_fit_state,
	COMBINEFUNC = crm.rfm_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.rfm_fit_merge(crm.rfm_fit_state) IS
	'merge partial RFM fit states (rollup across partitions or shards)';

-- Models from given thresholds, accessors, jsonb
CREATE FUNCTION crm.rfm_model(recency float8[], frequency float8[], monetary float8[]) RETURNS crm.rfm_model
	AS 'MODULE_PATHNAME', 'rfm_model_from_thresholds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_model(float8[], float8[], float8[]) IS
	'RFM model from explicit strictly increasing thresholds (k - 1 per dimension)';
CREATE FUNCTION crm.rfm_bins(crm.rfm_model) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_model_bins' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_bins(crm.rfm_model) IS 'number of bins k of an RFM model';
CREATE FUNCTION crm.rfm_method(crm.rfm_model) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_model_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_method(crm.rfm_model) IS 'how the breakpoints were chosen: quantile, ntile or thresholds';
CREATE FUNCTION crm.rfm_customers(crm.rfm_model) RETURNS bigint
	AS 'MODULE_PATHNAME', 'rfm_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_customers(crm.rfm_model) IS 'customers an RFM model was fitted on (0 for given thresholds)';
CREATE FUNCTION crm.rfm_breakpoints(crm.rfm_model, dimension text) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'rfm_model_breakpoints' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_breakpoints(crm.rfm_model, text) IS
	'breakpoints of one dimension (recency, frequency or monetary); bin i is [b(i-1), b(i))';

CREATE FUNCTION crm.rfm_model_jsonb(crm.rfm_model) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN pg_catalog.jsonb_build_object(
		'method', crm.rfm_method($1), 'bins', crm.rfm_bins($1), 'n', crm.rfm_customers($1),
		'recency', pg_catalog.to_jsonb(crm.rfm_breakpoints($1, 'recency')),
		'frequency', pg_catalog.to_jsonb(crm.rfm_breakpoints($1, 'frequency')),
		'monetary', pg_catalog.to_jsonb(crm.rfm_breakpoints($1, 'monetary')));
COMMENT ON FUNCTION crm.rfm_model_jsonb(crm.rfm_model) IS
	'an RFM model as jsonb: method, bins, n and the breakpoint arrays recency, frequency, monetary';
CREATE CAST (crm.rfm_model AS jsonb) WITH FUNCTION crm.rfm_model_jsonb(crm.rfm_model);
COMMENT ON CAST (crm.rfm_model AS jsonb) IS 'an RFM model as jsonb (crm.rfm_model_jsonb)';

-- Scoring
CREATE FUNCTION crm.rfm_score(model crm.rfm_model, recency float8, frequency float8, monetary float8) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_model_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_score(crm.rfm_model, float8, float8, float8) IS
	'score a customer with an RFM model (recency scores reverse: fewer days = higher score)';
