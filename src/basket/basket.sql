-- ---------------------------------------------------------------------------
-- Cross-selling rules: frequent itemsets of 1 to 3 items, association rules
-- with support, confidence, lift and conviction, next-item recommendations
-- (src/basket/basket_state.c, src/basket/basket_io.c, src/basket/basket_rules.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable counts of baskets: items, pairs and (with a prior)
-- triples, each with the baskets holding it.  It is also the value the
-- aggregates return.
CREATE TYPE crm.basket_state;
CREATE FUNCTION crm.basket_state_in(cstring) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.basket_state_out(crm.basket_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'basket_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.basket_state_recv(internal) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.basket_state_send(crm.basket_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'basket_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.basket_state (
	INPUT = crm.basket_state_in, OUTPUT = crm.basket_state_out,
	RECEIVE = crm.basket_state_recv, SEND = crm.basket_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.basket_state_in(cstring) IS 'text input of crm.basket_state';
COMMENT ON FUNCTION crm.basket_state_out(crm.basket_state) IS 'text output of crm.basket_state (exact, round-trips)';
COMMENT ON FUNCTION crm.basket_state_recv(internal) IS 'binary input of crm.basket_state';
COMMENT ON FUNCTION crm.basket_state_send(crm.basket_state) IS 'binary output of crm.basket_state';
COMMENT ON TYPE crm.basket_state IS
	'basket counts: baskets, and the baskets holding each item (16 bytes), each pair counted (24 bytes) and each triple counted (32 bytes); exact and mergeable, at most 1 GB';

-- ---- Aggregates ------------------------------------------------------------

CREATE FUNCTION crm.basket_trans(crm.basket_state, bigint[]) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_trans(crm.basket_state, bigint[]) IS
	'transition function of crm.basket_fit(items)';
CREATE FUNCTION crm.basket_size_trans(crm.basket_state, bigint[], integer) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_size_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_size_trans(crm.basket_state, bigint[], integer) IS
	'transition function of crm.basket_fit(items, max_size)';
CREATE FUNCTION crm.basket_prior_trans(crm.basket_state, bigint[], crm.basket_state, float8) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_prior_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_prior_trans(crm.basket_state, bigint[], crm.basket_state, float8) IS
	'transition function of crm.basket_fit(items, prior, min_support)';
CREATE FUNCTION crm.basket_combine(crm.basket_state, crm.basket_state) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_combine(crm.basket_state, crm.basket_state) IS
	'merge two basket states counted the same way (the baskets of both)';
CREATE FUNCTION crm.basket_final(crm.basket_state) RETURNS crm.basket_state
	AS 'MODULE_PATHNAME', 'basket_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_final(crm.basket_state) IS
	'a basket state, flat and sorted; NULL without a basket (final function of the aggregates)';

CREATE AGGREGATE crm.basket_fit(items bigint[]) (
	SFUNC = crm.basket_trans, STYPE = crm.basket_state, FINALFUNC = crm.basket_final,
	COMBINEFUNC = crm.basket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.basket_fit(bigint[]) IS
	'basket counts (one row per basket, its items as an array): every item and every pair; NULL items skipped, repeats counted once, baskets of more than 1000 distinct items skipped and counted';
CREATE AGGREGATE crm.basket_fit(items bigint[], max_size integer) (
	SFUNC = crm.basket_size_trans, STYPE = crm.basket_state, FINALFUNC = crm.basket_final,
	COMBINEFUNC = crm.basket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.basket_fit(bigint[], integer) IS
	'basket counts of itemsets up to max_size items: 1 (items only, the first of two passes) or 2 (items and every pair)';
CREATE AGGREGATE crm.basket_fit(items bigint[], prior crm.basket_state, min_support float8) (
	SFUNC = crm.basket_prior_trans, STYPE = crm.basket_state, FINALFUNC = crm.basket_final,
	COMBINEFUNC = crm.basket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.basket_fit(bigint[], crm.basket_state, float8) IS
	'basket counts, second pass over the baskets of prior: every item, the pairs of items frequent in prior at min_support, and (prior with pairs) the triples whose three pairs were frequent in prior';
CREATE AGGREGATE crm.basket_merge(crm.basket_state) (
	SFUNC = crm.basket_combine, STYPE = crm.basket_state, FINALFUNC = crm.basket_final,
	COMBINEFUNC = crm.basket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.basket_merge(crm.basket_state) IS
	'merge basket states of disjoint baskets counted the same way (rollup across partitions, shards or segments)';

-- ---- Results ---------------------------------------------------------------

CREATE FUNCTION crm.basket_summary(state crm.basket_state,
	OUT baskets bigint, OUT skipped bigint, OUT empty bigint, OUT null_items bigint, OUT depth integer,
	OUT items integer, OUT pairs integer, OUT triples integer, OUT pruned_at bigint, OUT prior_baskets bigint)
	AS 'MODULE_PATHNAME', 'basket_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.basket_summary(crm.basket_state) IS
	'the counts of a basket state: baskets, baskets skipped (too large; empty), NULL items skipped, depth (largest itemsets counted), distinct items, pairs and triples counted, and the pruning (NULL without a prior)';

CREATE FUNCTION crm.frequent_itemsets(state crm.basket_state, min_support float8,
	OUT itemset bigint[], OUT size integer, OUT count bigint, OUT support float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'basket_frequent_itemsets' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.frequent_itemsets(crm.basket_state, float8) IS
	'the itemsets of 1 to 3 items held by a share of the baskets >= min_support in (0, 1], by size, then count descending, then items';

CREATE FUNCTION crm.association_rules(state crm.basket_state, min_support float8, min_confidence float8,
	OUT antecedent bigint[], OUT consequent bigint[], OUT antecedent_count bigint, OUT consequent_count bigint,
	OUT count bigint, OUT support float8, OUT confidence float8, OUT lift float8, OUT conviction float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'basket_association_rules' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.association_rules(crm.basket_state, float8, float8) IS
	'rules X -> y (X of 1 or 2 items) of the frequent itemsets with confidence >= min_confidence in [0, 1]: support, confidence, lift, conviction (NULL when confidence is 1: infinite); by confidence, lift, count descending';

CREATE FUNCTION crm.recommend(state crm.basket_state, basket bigint[], k integer, min_support float8, min_confidence float8,
	OUT rank integer, OUT item bigint, OUT antecedent bigint[], OUT count bigint,
	OUT support float8, OUT confidence float8, OUT lift float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'basket_recommend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.recommend(crm.basket_state, bigint[], integer, float8, float8) IS
	'the k (1 .. 10000) items to offer with a basket: each item not in it with its best rule X -> item (X in the basket, frequent at min_support, confidence >= min_confidence), by confidence, lift, count descending, then antecedent and item';
CREATE FUNCTION crm.recommend(state crm.basket_state, basket bigint[], k integer,
	OUT rank integer, OUT item bigint, OUT antecedent bigint[], OUT count bigint,
	OUT support float8, OUT confidence float8, OUT lift float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'basket_recommend_all' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.recommend(crm.basket_state, bigint[], integer) IS
	'the k items to offer with a basket, from every pair and triple the state counted (any support and confidence)';

CREATE FUNCTION crm.basket_state_jsonb(state crm.basket_state) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.to_jsonb(s)) FROM crm.basket_summary(state) s; END;
COMMENT ON FUNCTION crm.basket_state_jsonb(crm.basket_state) IS
	'a basket state as jsonb: the fields of crm.basket_summary';
CREATE CAST (crm.basket_state AS jsonb) WITH FUNCTION crm.basket_state_jsonb(crm.basket_state);
COMMENT ON CAST (crm.basket_state AS jsonb) IS 'a basket state as jsonb (crm.basket_state_jsonb)';
