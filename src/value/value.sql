-- ---------------------------------------------------------------------------
-- Customer value: concentration, tiers, value x potential, loyalty metrics
-- (src/value/value_state.c, src/value/value_text.c, src/value/value_concentration.c, src/value/value_tier.c,
-- src/value/value_potential.c, src/value/value_metrics.c)
-- ---------------------------------------------------------------------------

-- The exact distribution of customer values: distinct values with counts.
-- It is both the value of crm.concentration_fit and its (mergeable) state.
CREATE TYPE crm.concentration;
CREATE FUNCTION crm.concentration_in(cstring) RETURNS crm.concentration
	AS 'MODULE_PATHNAME', 'concentration_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.concentration_out(crm.concentration) RETURNS cstring
	AS 'MODULE_PATHNAME', 'concentration_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.concentration_recv(internal) RETURNS crm.concentration
	AS 'MODULE_PATHNAME', 'concentration_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.concentration_send(crm.concentration) RETURNS bytea
	AS 'MODULE_PATHNAME', 'concentration_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.concentration (
	INPUT = crm.concentration_in, OUTPUT = crm.concentration_out,
	RECEIVE = crm.concentration_recv, SEND = crm.concentration_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.concentration_in(cstring) IS 'text input of crm.concentration';
COMMENT ON FUNCTION crm.concentration_out(crm.concentration) IS 'text output of crm.concentration (exact, round-trips)';
COMMENT ON FUNCTION crm.concentration_recv(internal) IS 'binary input of crm.concentration';
COMMENT ON FUNCTION crm.concentration_send(crm.concentration) IS 'binary output of crm.concentration';
COMMENT ON TYPE crm.concentration IS
	'exact distribution of customer values (distinct values with counts, 16 bytes per distinct value): top shares, Gini, Lorenz curve; mergeable';

-- The state of the pyramid, ABC and value x potential fits: the distribution
-- (of value, or of value and potential) plus the tiers asked for.
CREATE TYPE crm.value_fit_state;
CREATE FUNCTION crm.value_fit_state_in(cstring) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_fit_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_fit_state_out(crm.value_fit_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'value_fit_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_fit_state_recv(internal) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_fit_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_fit_state_send(crm.value_fit_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'value_fit_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.value_fit_state (
	INPUT = crm.value_fit_state_in, OUTPUT = crm.value_fit_state_out,
	RECEIVE = crm.value_fit_state_recv, SEND = crm.value_fit_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.value_fit_state_in(cstring) IS 'text input of crm.value_fit_state';
COMMENT ON FUNCTION crm.value_fit_state_out(crm.value_fit_state) IS 'text output of crm.value_fit_state (exact, round-trips)';
COMMENT ON FUNCTION crm.value_fit_state_recv(internal) IS 'binary input of crm.value_fit_state';
COMMENT ON FUNCTION crm.value_fit_state_send(crm.value_fit_state) IS 'binary output of crm.value_fit_state';
COMMENT ON TYPE crm.value_fit_state IS
	'partial state of crm.value_tier_fit, crm.abc_fit and crm.value_potential_fit: the exact distribution of values (and potentials) with the cut points and names of the fit';

-- A fitted customer pyramid or ABC model.
CREATE TYPE crm.value_tier_model;
CREATE FUNCTION crm.value_tier_model_in(cstring) RETURNS crm.value_tier_model
	AS 'MODULE_PATHNAME', 'value_tier_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_tier_model_out(crm.value_tier_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'value_tier_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_tier_model_recv(internal) RETURNS crm.value_tier_model
	AS 'MODULE_PATHNAME', 'value_tier_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_tier_model_send(crm.value_tier_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'value_tier_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.value_tier_model (
	INPUT = crm.value_tier_model_in, OUTPUT = crm.value_tier_model_out,
	RECEIVE = crm.value_tier_model_recv, SEND = crm.value_tier_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.value_tier_model_in(cstring) IS 'text input of crm.value_tier_model';
COMMENT ON FUNCTION crm.value_tier_model_out(crm.value_tier_model) IS 'text output of crm.value_tier_model (exact, round-trips)';
COMMENT ON FUNCTION crm.value_tier_model_recv(internal) IS 'binary input of crm.value_tier_model';
COMMENT ON FUNCTION crm.value_tier_model_send(crm.value_tier_model) IS 'binary output of crm.value_tier_model';
COMMENT ON TYPE crm.value_tier_model IS
	'customer pyramid (tiers by shares of customers) or ABC model (classes by shares of value): cut points, names, value thresholds and the customers and value of each tier in the fit';

-- A value x potential model: the two thresholds.
CREATE TYPE crm.value_potential_model;
CREATE FUNCTION crm.value_potential_model_in(cstring) RETURNS crm.value_potential_model
	AS 'MODULE_PATHNAME', 'value_potential_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_potential_model_out(crm.value_potential_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'value_potential_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_potential_model_recv(internal) RETURNS crm.value_potential_model
	AS 'MODULE_PATHNAME', 'value_potential_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.value_potential_model_send(crm.value_potential_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'value_potential_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.value_potential_model (
	INPUT = crm.value_potential_model_in, OUTPUT = crm.value_potential_model_out,
	RECEIVE = crm.value_potential_model_recv, SEND = crm.value_potential_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.value_potential_model_in(cstring) IS 'text input of crm.value_potential_model';
COMMENT ON FUNCTION crm.value_potential_model_out(crm.value_potential_model) IS 'text output of crm.value_potential_model (exact, round-trips)';
COMMENT ON FUNCTION crm.value_potential_model_recv(internal) IS 'binary input of crm.value_potential_model';
COMMENT ON FUNCTION crm.value_potential_model_send(crm.value_potential_model) IS 'binary output of crm.value_potential_model';
COMMENT ON TYPE crm.value_potential_model IS
	'value x potential model: the value and potential thresholds (given, or the medians of a customer base)';

-- ---- Concentration -------------------------------------------------------

CREATE FUNCTION crm.concentration_trans(crm.concentration, float8) RETURNS crm.concentration
	AS 'MODULE_PATHNAME', 'concentration_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.concentration_trans(crm.concentration, float8) IS 'transition function of crm.concentration_fit';
CREATE FUNCTION crm.concentration_combine(crm.concentration, crm.concentration) RETURNS crm.concentration
	AS 'MODULE_PATHNAME', 'value_state_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.concentration_combine(crm.concentration, crm.concentration) IS
	'merge two concentration values (the customers of both)';
CREATE FUNCTION crm.concentration_final(crm.concentration) RETURNS crm.concentration
	AS 'MODULE_PATHNAME', 'concentration_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.concentration_final(crm.concentration) IS
	'a concentration value with its buffer merged and no spare room; NULL without customers (final function of the aggregates)';

CREATE AGGREGATE crm.concentration_fit(float8) (
	SFUNC = crm.concentration_trans, STYPE = crm.concentration, FINALFUNC = crm.concentration_final,
	COMBINEFUNC = crm.concentration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.concentration_fit(float8) IS
	'exact distribution of customer values (one value per customer, >= 0) for top shares, Gini and the Lorenz curve';
CREATE AGGREGATE crm.concentration_merge(crm.concentration) (
	SFUNC = crm.concentration_combine, STYPE = crm.concentration, FINALFUNC = crm.concentration_final,
	COMBINEFUNC = crm.concentration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.concentration_merge(crm.concentration) IS
	'merge concentration values of disjoint customer sets (rollup across partitions, shards or segments)';

CREATE FUNCTION crm.customers(c crm.concentration) RETURNS bigint
	AS 'MODULE_PATHNAME', 'concentration_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.concentration) IS 'customers in a concentration value';
CREATE FUNCTION crm.total_value(c crm.concentration) RETURNS float8
	AS 'MODULE_PATHNAME', 'concentration_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.total_value(crm.concentration) IS 'total value of the customers of a concentration value';
CREATE FUNCTION crm.distinct_values(c crm.concentration) RETURNS integer
	AS 'MODULE_PATHNAME', 'concentration_distinct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.distinct_values(crm.concentration) IS
	'distinct values stored in a concentration value (its size is 16 bytes each)';
CREATE FUNCTION crm.top_share(c crm.concentration, fraction float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'concentration_top_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.top_share(crm.concentration, float8) IS
	'share of the total value held by the top fraction (0, 1] of customers (linear on the Lorenz curve; NULL if the total is 0)';
CREATE FUNCTION crm.customers_for_share(c crm.concentration, share float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'concentration_customers_for_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers_for_share(crm.concentration, float8) IS
	'smallest fraction of customers (the top ones) holding a share (0, 1] of the total value: the inverse of crm.top_share';
CREATE FUNCTION crm.gini(c crm.concentration) RETURNS float8
	AS 'MODULE_PATHNAME', 'concentration_gini' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini(crm.concentration) IS
	'Gini coefficient of customer value, 1 - 2 * area under the Lorenz curve (no n / (n - 1) correction; NULL if the total is 0)';
CREATE FUNCTION crm.lorenz(c crm.concentration)
	RETURNS TABLE (customer_share float8, value_share float8)
	AS 'MODULE_PATHNAME', 'concentration_lorenz_vertices' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.lorenz(crm.concentration) IS
	'the Lorenz curve exactly: (0, 0), one vertex after each distinct value from the smallest, (1, 1); straight in between';
CREATE FUNCTION crm.lorenz(c crm.concentration, points integer)
	RETURNS TABLE (customer_share float8, value_share float8)
	AS 'MODULE_PATHNAME', 'concentration_lorenz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.lorenz(crm.concentration, integer) IS
	'the Lorenz curve at points (2 .. 1000000) evenly spaced customer shares from 0 to 1: share of the total held by the bottom customer_share';
CREATE FUNCTION crm.concentration_jsonb(crm.concentration) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'concentration_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.concentration_jsonb(crm.concentration) IS
	'a concentration value as jsonb: customers, total, distinct_values, gini, and the arrays values and counts';
CREATE CAST (crm.concentration AS jsonb) WITH FUNCTION crm.concentration_jsonb(crm.concentration);
COMMENT ON CAST (crm.concentration AS jsonb) IS 'a concentration value as jsonb (crm.concentration_jsonb)';

-- ---- Customer pyramid and ABC classes ------------------------------------

CREATE FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_tier_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8, float8[]) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_tier_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8, float8[], text[]) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_tier_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8) IS 'transition function of crm.value_tier_fit';
COMMENT ON FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8, float8[]) IS 'transition function of crm.value_tier_fit';
COMMENT ON FUNCTION crm.value_tier_fit_trans(crm.value_fit_state, float8, float8[], text[]) IS 'transition function of crm.value_tier_fit';
CREATE FUNCTION crm.abc_fit_trans(crm.value_fit_state, float8) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'abc_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION crm.abc_fit_trans(crm.value_fit_state, float8, float8, float8) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'abc_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.abc_fit_trans(crm.value_fit_state, float8) IS 'transition function of crm.abc_fit';
COMMENT ON FUNCTION crm.abc_fit_trans(crm.value_fit_state, float8, float8, float8) IS 'transition function of crm.abc_fit';
CREATE FUNCTION crm.value_fit_combine(crm.value_fit_state, crm.value_fit_state) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_state_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_fit_combine(crm.value_fit_state, crm.value_fit_state) IS
	'merge two partial value fit states (same kind, cut points and names required)';
CREATE FUNCTION crm.value_fit_compact(crm.value_fit_state) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_fit_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_fit_compact(crm.value_fit_state) IS
	'a value fit state with its buffers merged and no spare room (final function of the partial and merge aggregates)';
CREATE FUNCTION crm.value_tier_fit_final(crm.value_fit_state) RETURNS crm.value_tier_model
	AS 'MODULE_PATHNAME', 'value_tier_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_tier_fit_final(crm.value_fit_state) IS
	'the pyramid or ABC model of a (merged) fit state; NULL without customers';

CREATE AGGREGATE crm.value_tier_fit(float8) (
	SFUNC = crm.value_tier_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_tier_fit_final,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.value_tier_fit(float8, float8[]) (
	SFUNC = crm.value_tier_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_tier_fit_final,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.value_tier_fit(float8, float8[], text[]) (
	SFUNC = crm.value_tier_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_tier_fit_final,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.value_tier_fit(float8) IS
	'fit the customer pyramid: Platinum (top 1 % of customers by value), Gold (next 4 %), Iron (next 15 %), Lead (the other 80 %)';
COMMENT ON AGGREGATE crm.value_tier_fit(float8, float8[]) IS
	'fit a customer pyramid with cumulative cut points from the top (strictly increasing, the last 1), tiers named tier 1 .. tier k';
COMMENT ON AGGREGATE crm.value_tier_fit(float8, float8[], text[]) IS
	'fit a customer pyramid with cumulative cut points from the top (strictly increasing, the last 1) and one name per tier';
CREATE AGGREGATE crm.abc_fit(float8) (
	SFUNC = crm.abc_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_tier_fit_final,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.abc_fit(float8, float8, float8) (
	SFUNC = crm.abc_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_tier_fit_final,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.abc_fit(float8) IS
	'fit ABC classes by cumulative share of value: A up to 80 %, B up to 95 %, C the rest';
COMMENT ON AGGREGATE crm.abc_fit(float8, float8, float8) IS
	'fit ABC classes by cumulative share of value: A up to a_share, B up to b_share, C the rest (0 < a_share < b_share < 1)';

-- The partial form for two-step use across partitions and shards.
CREATE AGGREGATE crm.value_tier_fit_partial(float8, float8[], text[]) (
	SFUNC = crm.value_tier_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_fit_compact,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.value_tier_fit_partial(float8, float8[], text[]) IS
	'partial pyramid fit state (merge with crm.value_fit_merge, finish with crm.value_tier_fit_final)';
CREATE AGGREGATE crm.abc_fit_partial(float8, float8, float8) (
	SFUNC = crm.abc_fit_trans, STYPE = crm.value_fit_state, FINALFUNC = crm.value_fit_compact,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.abc_fit_partial(float8, float8, float8) IS
	'partial ABC fit state (merge with crm.value_fit_merge, finish with crm.value_tier_fit_final)';
CREATE AGGREGATE crm.value_fit_merge(crm.value_fit_state) (
	SFUNC = crm.value_fit_combine, STYPE = crm.value_fit_state, FINALFUNC = crm.value_fit_compact,
	COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.value_fit_merge(crm.value_fit_state) IS
	'merge partial value fit states of disjoint customer sets (rollup across partitions or shards)';

CREATE FUNCTION crm.value_tier(model crm.value_tier_model, value float8) RETURNS text
	AS 'MODULE_PATHNAME', 'value_tier_name' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_tier(crm.value_tier_model, float8) IS
	'the tier (or class) name of a customer value: the first tier whose threshold it reaches';
CREATE FUNCTION crm.value_tier_number(model crm.value_tier_model, value float8) RETURNS integer
	AS 'MODULE_PATHNAME', 'value_tier_number' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_tier_number(crm.value_tier_model, float8) IS
	'the tier number of a customer value, 1 = the top tier';
CREATE FUNCTION crm.abc_class(model crm.value_tier_model, value float8) RETURNS text
	AS 'MODULE_PATHNAME', 'value_abc_class' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.abc_class(crm.value_tier_model, float8) IS
	'the ABC class of a customer value under an ABC model';
CREATE FUNCTION crm.value_tiers(model crm.value_tier_model)
	RETURNS TABLE (tier integer, name text, cut_point float8, threshold float8,
				   customers bigint, customer_share float8, value float8, value_share float8)
	AS 'MODULE_PATHNAME', 'value_tiers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.value_tiers(crm.value_tier_model) IS
	'the tiers of a model, top first: cut point, value threshold, and the customers and value of each tier in the fit with their shares';
CREATE FUNCTION crm.customers(model crm.value_tier_model) RETURNS bigint
	AS 'MODULE_PATHNAME', 'value_tier_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.value_tier_model) IS 'customers a pyramid or ABC model was fitted on';
CREATE FUNCTION crm.total_value(model crm.value_tier_model) RETURNS float8
	AS 'MODULE_PATHNAME', 'value_tier_model_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.total_value(crm.value_tier_model) IS 'total value of the customers a pyramid or ABC model was fitted on';
CREATE FUNCTION crm.value_tier_kind(model crm.value_tier_model) RETURNS text
	AS 'MODULE_PATHNAME', 'value_tier_model_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_tier_kind(crm.value_tier_model) IS
	'pyramid (tiers by shares of customers) or abc (classes by shares of value)';
CREATE FUNCTION crm.value_tier_model_jsonb(crm.value_tier_model) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN pg_catalog.jsonb_build_object(
		'kind', crm.value_tier_kind($1), 'customers', crm.customers($1), 'total', crm.total_value($1),
		'tiers', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.tier) FROM crm.value_tiers($1) t));
COMMENT ON FUNCTION crm.value_tier_model_jsonb(crm.value_tier_model) IS
	'a pyramid or ABC model as jsonb: kind, customers, total and the rows of crm.value_tiers';
CREATE CAST (crm.value_tier_model AS jsonb) WITH FUNCTION crm.value_tier_model_jsonb(crm.value_tier_model);
COMMENT ON CAST (crm.value_tier_model AS jsonb) IS 'a pyramid or ABC model as jsonb (crm.value_tier_model_jsonb)';

-- ---- Value x potential ---------------------------------------------------

CREATE FUNCTION crm.value_potential_fit_trans(crm.value_fit_state, float8, float8) RETURNS crm.value_fit_state
	AS 'MODULE_PATHNAME', 'value_potential_fit_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_potential_fit_trans(crm.value_fit_state, float8, float8) IS
	'transition function of crm.value_potential_fit';
CREATE FUNCTION crm.value_potential_fit_final(crm.value_fit_state) RETURNS crm.value_potential_model
	AS 'MODULE_PATHNAME', 'value_potential_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_potential_fit_final(crm.value_fit_state) IS
	'the value x potential model (medians) of a (merged) fit state; NULL without customers';
CREATE AGGREGATE crm.value_potential_fit(float8, float8) (
	SFUNC = crm.value_potential_fit_trans, STYPE = crm.value_fit_state,
	FINALFUNC = crm.value_potential_fit_final, COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.value_potential_fit(float8, float8) IS
	'fit value x potential thresholds as the medians of value and potential (customers with both)';
CREATE AGGREGATE crm.value_potential_fit_partial(float8, float8) (
	SFUNC = crm.value_potential_fit_trans, STYPE = crm.value_fit_state,
	FINALFUNC = crm.value_fit_compact, COMBINEFUNC = crm.value_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.value_potential_fit_partial(float8, float8) IS
	'partial value x potential fit state (merge with crm.value_fit_merge, finish with crm.value_potential_fit_final)';
CREATE FUNCTION crm.value_potential_model(value_threshold float8, potential_threshold float8)
	RETURNS crm.value_potential_model
	AS 'MODULE_PATHNAME', 'value_potential_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_potential_model(float8, float8) IS 'a value x potential model from given thresholds';
CREATE FUNCTION crm.value_potential(model crm.value_potential_model, value float8, potential float8) RETURNS text
	AS 'MODULE_PATHNAME', 'value_potential_model_label' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_potential(crm.value_potential_model, float8, float8) IS
	'quadrant of a customer: invest (high value, high potential), maintain (high, low), develop (low, high), divest (low, low); high = at or above the threshold';
CREATE FUNCTION crm.value_potential(value float8, potential float8, value_threshold float8,
									potential_threshold float8) RETURNS text
	AS 'MODULE_PATHNAME', 'value_potential_label' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_potential(float8, float8, float8, float8) IS
	'quadrant of a customer for given thresholds: invest, maintain, develop or divest';
CREATE FUNCTION crm.value_threshold(model crm.value_potential_model) RETURNS float8
	AS 'MODULE_PATHNAME', 'value_potential_model_value_threshold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_threshold(crm.value_potential_model) IS 'the value threshold of a value x potential model';
CREATE FUNCTION crm.potential_threshold(model crm.value_potential_model) RETURNS float8
	AS 'MODULE_PATHNAME', 'value_potential_model_potential_threshold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.potential_threshold(crm.value_potential_model) IS 'the potential threshold of a value x potential model';
CREATE FUNCTION crm.customers(model crm.value_potential_model) RETURNS bigint
	AS 'MODULE_PATHNAME', 'value_potential_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.value_potential_model) IS
	'customers a value x potential model was fitted on (0 for given thresholds)';
CREATE FUNCTION crm.value_potential_model_jsonb(crm.value_potential_model) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN pg_catalog.jsonb_build_object(
		'value_threshold', crm.value_threshold($1), 'potential_threshold', crm.potential_threshold($1),
		'customers', crm.customers($1));
COMMENT ON FUNCTION crm.value_potential_model_jsonb(crm.value_potential_model) IS
	'a value x potential model as jsonb: value_threshold, potential_threshold, customers';
CREATE CAST (crm.value_potential_model AS jsonb) WITH FUNCTION crm.value_potential_model_jsonb(crm.value_potential_model);
COMMENT ON CAST (crm.value_potential_model AS jsonb) IS 'a value x potential model as jsonb (crm.value_potential_model_jsonb)';

-- ---- Loyalty and profitability metrics -----------------------------------

CREATE TYPE crm.loyalty_metrics AS (
	customers bigint,
	repeat_customers bigint,
	repeat_purchase_rate float8,
	purchases_per_customer float8,
	repeat_purchases bigint,
	average_order_value float8,
	average_interpurchase_time float8,
	average_recency float8,
	average_tenure float8
);
COMMENT ON TYPE crm.loyalty_metrics IS
	'loyalty metrics of a customer base: customers, repeat customers and rate, purchases per customer, repeat purchases, average repeat order value, average time between purchases, average recency and tenure (in the summary unit)';
CREATE FUNCTION crm.loyalty_metrics_trans(float8[], float8, float8, float8, float8) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'loyalty_metrics_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loyalty_metrics_trans(float8[], float8, float8, float8, float8) IS
	'transition function of crm.loyalty_metrics (state: customers, repeat customers, sum x, sum x * m, sum T, sum t_x)';
CREATE FUNCTION crm.loyalty_metrics_combine(float8[], float8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'loyalty_metrics_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.loyalty_metrics_combine(float8[], float8[]) IS 'combine function of crm.loyalty_metrics';
CREATE FUNCTION crm.loyalty_metrics_final(float8[]) RETURNS crm.loyalty_metrics
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE WHEN $1[1] > 0 THEN
		ROW($1[1]::bigint, $1[2]::bigint, $1[2] / $1[1], ($1[1] + $1[3]) / $1[1], $1[3]::bigint,
			$1[4] / NULLIF($1[3], 0), $1[6] / NULLIF($1[3], 0), $1[6] / $1[1], $1[5] / $1[1])::crm.loyalty_metrics
	END;
COMMENT ON FUNCTION crm.loyalty_metrics_final(float8[]) IS
	'final function of crm.loyalty_metrics: the metrics of a state, NULL without customers';
CREATE AGGREGATE crm.loyalty_metrics(frequency float8, recency float8, t float8, monetary_value float8) (
	SFUNC = crm.loyalty_metrics_trans, STYPE = float8[], FINALFUNC = crm.loyalty_metrics_final,
	COMBINEFUNC = crm.loyalty_metrics_combine, INITCOND = '{0,0,0,0,0,0}', PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.loyalty_metrics(float8, float8, float8, float8) IS
	'loyalty metrics over customer summaries (frequency x, recency t_x, age T, mean repeat spend): repeat purchase rate, purchases per customer, average repeat order value, time between purchases, recency, tenure';

CREATE FUNCTION crm.customer_profit(revenue float8, cost_to_serve float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'customer_profit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customer_profit(float8, float8) IS
	'customer profitability: revenue - cost to serve (cost >= 0)';
CREATE FUNCTION crm.customer_roi(value float8, acquisition_cost float8, retention_cost float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'customer_roi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customer_roi(float8, float8, float8) IS
	'customer ROI: (value - cost) / cost with cost = acquisition + retention cost (each >= 0); NULL when the cost is 0';
