-- ---------------------------------------------------------------------------
-- SERVQUAL (Parasuraman, Zeithaml and Berry 1988): the dimension map
-- (src/quality/quality_servqual_map.c), the gap aggregate and its state
-- (quality_servqual.c) and its accessors (quality_servqual_access.c).
-- ---------------------------------------------------------------------------

CREATE TYPE crm.servqual_map;
CREATE FUNCTION crm.servqual_map_in(cstring) RETURNS crm.servqual_map
	AS 'MODULE_PATHNAME', 'servqual_map_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_map_out(crm.servqual_map) RETURNS cstring
	AS 'MODULE_PATHNAME', 'servqual_map_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_map_recv(internal) RETURNS crm.servqual_map
	AS 'MODULE_PATHNAME', 'servqual_map_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_map_send(crm.servqual_map) RETURNS bytea
	AS 'MODULE_PATHNAME', 'servqual_map_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.servqual_map (
	INPUT = crm.servqual_map_in, OUTPUT = crm.servqual_map_out,
	RECEIVE = crm.servqual_map_recv, SEND = crm.servqual_map_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
COMMENT ON FUNCTION crm.servqual_map_in(cstring) IS 'text input of crm.servqual_map';
COMMENT ON FUNCTION crm.servqual_map_out(crm.servqual_map) IS 'text output of crm.servqual_map (round-trips)';
COMMENT ON FUNCTION crm.servqual_map_recv(internal) IS 'binary input of crm.servqual_map';
COMMENT ON FUNCTION crm.servqual_map_send(crm.servqual_map) IS 'binary output of crm.servqual_map';
COMMENT ON TYPE crm.servqual_map IS
	'SERVQUAL dimension of each item 1..N (N <= 1000, at most 32 dimensions); text tangibles=1-4 reliability=5-9 responsiveness=10-13 assurance=14-17 empathy=18-22';

CREATE FUNCTION crm.servqual_map() RETURNS crm.servqual_map
	AS 'MODULE_PATHNAME', 'servqual_map_standard' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_map() IS
	'the standard 22-item SERVQUAL map (Parasuraman, Zeithaml and Berry 1988): tangibles 1-4, reliability 5-9, responsiveness 10-13, assurance 14-17, empathy 18-22';
CREATE FUNCTION crm.servqual_map(item_dimensions text[]) RETURNS crm.servqual_map
	AS 'MODULE_PATHNAME', 'servqual_map_of_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_map(text[]) IS
	'a custom SERVQUAL map: element i names the dimension of item i (dimensions in order of first appearance)';
CREATE FUNCTION crm.servqual_map_items(crm.servqual_map, OUT item integer, OUT dimension text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'servqual_map_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 22;
COMMENT ON FUNCTION crm.servqual_map_items(crm.servqual_map) IS 'one row per item of a SERVQUAL map, with its dimension';
CREATE FUNCTION crm.servqual_map_dimensions(crm.servqual_map) RETURNS text[]
	AS 'MODULE_PATHNAME', 'servqual_map_dimensions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_map_dimensions(crm.servqual_map) IS
	'the dimension names of a SERVQUAL map, in order (the order of importance weights)';
CREATE FUNCTION crm.servqual_map_jsonb(crm.servqual_map) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'servqual_map_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_map_jsonb(crm.servqual_map) IS
	'a SERVQUAL map as jsonb: [{"dimension": name, "items": [...]}, ...] in order';
CREATE CAST (crm.servqual_map AS jsonb) WITH FUNCTION crm.servqual_map_jsonb(crm.servqual_map);
COMMENT ON CAST (crm.servqual_map AS jsonb) IS 'a SERVQUAL map as jsonb (crm.servqual_map_jsonb)';

CREATE TYPE crm.servqual_state;
CREATE FUNCTION crm.servqual_state_in(cstring) RETURNS crm.servqual_state
	AS 'MODULE_PATHNAME', 'servqual_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_state_out(crm.servqual_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'servqual_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_state_recv(internal) RETURNS crm.servqual_state
	AS 'MODULE_PATHNAME', 'servqual_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.servqual_state_send(crm.servqual_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'servqual_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.servqual_state (
	INPUT = crm.servqual_state_in, OUTPUT = crm.servqual_state_out,
	RECEIVE = crm.servqual_state_recv, SEND = crm.servqual_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.servqual_state_in(cstring) IS 'text input of crm.servqual_state';
COMMENT ON FUNCTION crm.servqual_state_out(crm.servqual_state) IS 'text output of crm.servqual_state (exact, round-trips)';
COMMENT ON FUNCTION crm.servqual_state_recv(internal) IS 'binary input of crm.servqual_state';
COMMENT ON FUNCTION crm.servqual_state_send(crm.servqual_state) IS 'binary output of crm.servqual_state';
COMMENT ON TYPE crm.servqual_state IS
	'SERVQUAL gaps of a group of respondents, the state and value of crm.servqual_fit: the map and, per item, dimension and overall, counts and sums and sums of squares of expectation, perception and gap (144 bytes, 60 per item, 64 per dimension plus its name)';

CREATE FUNCTION crm.servqual_trans(crm.servqual_state, crm.servqual_map, float8[], float8[])
	RETURNS crm.servqual_state
	AS 'MODULE_PATHNAME', 'servqual_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_trans(crm.servqual_state, crm.servqual_map, float8[], float8[]) IS
	'transition function of crm.servqual_fit: adds a respondent (items with a NULL expectation or perception are skipped)';
CREATE FUNCTION crm.servqual_trans(crm.servqual_state, crm.servqual_map, float8[], float8[], float8[])
	RETURNS crm.servqual_state
	AS 'MODULE_PATHNAME', 'servqual_trans_weighted' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_trans(crm.servqual_state, crm.servqual_map, float8[], float8[], float8[]) IS
	'transition function of the weighted crm.servqual_fit: adds a respondent and its importance weights';
CREATE FUNCTION crm.servqual_combine(crm.servqual_state, crm.servqual_state) RETURNS crm.servqual_state
	AS 'MODULE_PATHNAME', 'servqual_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_combine(crm.servqual_state, crm.servqual_state) IS
	'the sums of two SERVQUAL states of one map added (combine function of crm.servqual_fit and crm.servqual_merge)';
CREATE AGGREGATE crm.servqual_fit(map crm.servqual_map, expectation float8[], perception float8[]) (
	SFUNC = crm.servqual_trans, STYPE = crm.servqual_state, COMBINEFUNC = crm.servqual_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.servqual_fit(crm.servqual_map, float8[], float8[]) IS
	'SERVQUAL gaps of respondents'' expectation and perception scores, one element per item of the map (the same map on every row; NULL without answered items)';
CREATE AGGREGATE crm.servqual_fit(map crm.servqual_map, expectation float8[], perception float8[], importance float8[]) (
	SFUNC = crm.servqual_trans, STYPE = crm.servqual_state, COMBINEFUNC = crm.servqual_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.servqual_fit(crm.servqual_map, float8[], float8[], float8[]) IS
	'SERVQUAL gaps with importance weights per dimension (e.g. 100 points allocated by each respondent) for the weighted overall gap';
CREATE AGGREGATE crm.servqual_merge(crm.servqual_state) (
	SFUNC = crm.servqual_combine, STYPE = crm.servqual_state, COMBINEFUNC = crm.servqual_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.servqual_merge(crm.servqual_state) IS
	'merge SERVQUAL states of one map (rollup over groups of respondents)';

CREATE FUNCTION crm.servqual_items(state crm.servqual_state, level float8 DEFAULT 0.95,
	OUT item integer, OUT dimension text, OUT n bigint, OUT expectation float8, OUT perception float8,
	OUT gap float8, OUT gap_sd float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'servqual_items' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 22;
COMMENT ON FUNCTION crm.servqual_items(crm.servqual_state, float8) IS
	'per item: respondents, mean expectation, perception and gap P - E, sd of the gap and its t interval at level (NULL sd and interval when n < 2)';
CREATE FUNCTION crm.servqual_dimensions(state crm.servqual_state, level float8 DEFAULT 0.95,
	OUT dimension text, OUT n bigint, OUT expectation float8, OUT perception float8,
	OUT gap float8, OUT gap_sd float8, OUT ci_low float8, OUT ci_high float8, OUT importance float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'servqual_dimensions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION crm.servqual_dimensions(crm.servqual_state, float8) IS
	'per dimension, of the respondents'' dimension means: n, mean expectation, perception and gap, sd and t interval of the gap, mean importance share (weighted states)';
CREATE FUNCTION crm.servqual_overall(state crm.servqual_state, level float8 DEFAULT 0.95,
	OUT score text, OUT n bigint, OUT expectation float8, OUT perception float8,
	OUT gap float8, OUT gap_sd float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'servqual_overall' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION crm.servqual_overall(crm.servqual_state, float8) IS
	'the overall SERVQUAL score: unweighted (mean of a respondent''s dimension scores) and, for a weighted state, importance-weighted; mean, sd and t interval of the gap';
CREATE FUNCTION crm.servqual_gap(crm.servqual_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'servqual_gap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_gap(crm.servqual_state) IS
	'the overall mean gap P - E: importance-weighted for a weighted state, else unweighted (NULL without respondents)';
CREATE FUNCTION crm.servqual_respondents(crm.servqual_state) RETURNS bigint
	AS 'MODULE_PATHNAME', 'servqual_respondents' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_respondents(crm.servqual_state) IS 'the number of respondents with at least one answered item';
CREATE FUNCTION crm.servqual_state_map(crm.servqual_state) RETURNS crm.servqual_map
	AS 'MODULE_PATHNAME', 'servqual_state_map' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_state_map(crm.servqual_state) IS 'the SERVQUAL map a state was built with';
CREATE FUNCTION crm.servqual_state_jsonb(crm.servqual_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'servqual_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.servqual_state_jsonb(crm.servqual_state) IS
	'a SERVQUAL state as jsonb: respondents, map, overall (and weighted_overall), dimensions and items with 95% intervals';
CREATE CAST (crm.servqual_state AS jsonb) WITH FUNCTION crm.servqual_state_jsonb(crm.servqual_state);
COMMENT ON CAST (crm.servqual_state AS jsonb) IS 'a SERVQUAL state as jsonb (crm.servqual_state_jsonb)';
