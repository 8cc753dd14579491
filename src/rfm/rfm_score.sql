-- ---------------------------------------------------------------------------
-- RFM scores: the crm.rfm type (src/rfm/rfm_score.c, src/rfm/rfm.h)
-- ---------------------------------------------------------------------------

-- An RFM score: R, F and M, each 1..9, stored by value as the cell number
-- 100*R + 10*F + M.  Text '543' or '5-4-3' (printed '543'); the optional type
-- modifier crm.rfm(k) limits every score to k bins (2..9), like varchar(n).
CREATE TYPE crm.rfm;

CREATE FUNCTION crm.rfm_in(cstring, oid, integer) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_in(cstring, oid, integer) IS
	'text input of crm.rfm: ''543'' or ''5-4-3'', checked against the type modifier';
CREATE FUNCTION crm.rfm_out(crm.rfm) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rfm_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_out(crm.rfm) IS
	'text output of crm.rfm: three digits R, F, M (''543'')';
CREATE FUNCTION crm.rfm_recv(internal, oid, integer) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_recv(internal, oid, integer) IS
	'binary input of crm.rfm: three bytes R, F, M, checked against the type modifier';
CREATE FUNCTION crm.rfm_send(crm.rfm) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rfm_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_send(crm.rfm) IS
	'binary output of crm.rfm: three bytes R, F, M';
CREATE FUNCTION crm.rfm_typmod_in(cstring[]) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_typmod_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_typmod_in(cstring[]) IS
	'type modifier of crm.rfm(k): the number of bins k, 2..9';
CREATE FUNCTION crm.rfm_typmod_out(integer) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rfm_typmod_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_typmod_out(integer) IS
	'text form of a crm.rfm type modifier: (k)';

CREATE TYPE crm.rfm (
	INPUT = crm.rfm_in,
	OUTPUT = crm.rfm_out,
	RECEIVE = crm.rfm_recv,
	SEND = crm.rfm_send,
	TYPMOD_IN = crm.rfm_typmod_in,
	TYPMOD_OUT = crm.rfm_typmod_out,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE crm.rfm IS
	'RFM score: recency, frequency and monetary scores 1..9 (''543''); crm.rfm(k) limits them to k bins';

-- Length coercion to crm.rfm(k): applied on assignment and casts; never
-- truncates, a score above k is an error (22003).
CREATE FUNCTION crm.rfm(crm.rfm, integer, boolean) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_enforce_typmod' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm(crm.rfm, integer, boolean) IS
	'length coercion crm.rfm -> crm.rfm(k): error 22003 if a score exceeds k';
CREATE CAST (crm.rfm AS crm.rfm) WITH FUNCTION crm.rfm(crm.rfm, integer, boolean) AS IMPLICIT;
COMMENT ON CAST (crm.rfm AS crm.rfm) IS
	'apply the type modifier crm.rfm(k): error 22003 if a score exceeds k';

-- Comparison: by cell number, i.e. lexicographically by (R, F, M).
CREATE FUNCTION crm.rfm_eq(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_eq(crm.rfm, crm.rfm) IS 'true if two RFM scores are equal';
CREATE FUNCTION crm.rfm_ne(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_ne(crm.rfm, crm.rfm) IS 'true if two RFM scores differ';
CREATE FUNCTION crm.rfm_lt(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_lt(crm.rfm, crm.rfm) IS 'true if the first RFM score sorts before the second (by R, F, M)';
CREATE FUNCTION crm.rfm_le(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_le(crm.rfm, crm.rfm) IS 'true if the first RFM score sorts before or equals the second';
CREATE FUNCTION crm.rfm_gt(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_gt(crm.rfm, crm.rfm) IS 'true if the first RFM score sorts after the second (by R, F, M)';
CREATE FUNCTION crm.rfm_ge(crm.rfm, crm.rfm) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rfm_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_ge(crm.rfm, crm.rfm) IS 'true if the first RFM score sorts after or equals the second';
CREATE FUNCTION crm.rfm_cmp(crm.rfm, crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_cmp(crm.rfm, crm.rfm) IS 'btree comparison of RFM scores: -1, 0 or 1 (by R, F, M)';
CREATE FUNCTION crm.rfm_hash(crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_hash(crm.rfm) IS 'hash of an RFM score (hash index, hash join, hash aggregate)';
CREATE FUNCTION crm.rfm_hash_extended(crm.rfm, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'rfm_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_hash_extended(crm.rfm, bigint) IS 'seeded 64-bit hash of an RFM score (hash partitioning)';

-- The comparison operators live in pg_catalog, not crm, so that
-- `score = '555'` works whatever the search_path (operators are found through
-- the search path only).  Their argument types are crm's own, so they cannot
-- clash with core operators; DROP EXTENSION removes them.
CREATE OPERATOR pg_catalog.= (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_eq,
	COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR pg_catalog.= (crm.rfm, crm.rfm) IS 'equal RFM scores';
CREATE OPERATOR pg_catalog.<> (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_ne,
	COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR pg_catalog.<> (crm.rfm, crm.rfm) IS 'different RFM scores';
CREATE OPERATOR pg_catalog.< (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_lt,
	COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (crm.rfm, crm.rfm) IS 'RFM score sorts before (by R, F, M)';
CREATE OPERATOR pg_catalog.<= (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_le,
	COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (crm.rfm, crm.rfm) IS 'RFM score sorts before or equals (by R, F, M)';
CREATE OPERATOR pg_catalog.> (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_gt,
	COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (crm.rfm, crm.rfm) IS 'RFM score sorts after (by R, F, M)';
CREATE OPERATOR pg_catalog.>= (
	LEFTARG = crm.rfm, RIGHTARG = crm.rfm, FUNCTION = crm.rfm_ge,
	COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (crm.rfm, crm.rfm) IS 'RFM score sorts after or equals (by R, F, M)';

CREATE OPERATOR CLASS crm.rfm_ops DEFAULT FOR TYPE crm.rfm USING btree AS
	OPERATOR 1 pg_catalog.< ,
	OPERATOR 2 pg_catalog.<= ,
	OPERATOR 3 pg_catalog.= ,
	OPERATOR 4 pg_catalog.>= ,
	OPERATOR 5 pg_catalog.> ,
	FUNCTION 1 crm.rfm_cmp(crm.rfm, crm.rfm);
COMMENT ON OPERATOR CLASS crm.rfm_ops USING btree IS 'order of RFM scores by cell number (R, then F, then M)';
CREATE OPERATOR CLASS crm.rfm_ops DEFAULT FOR TYPE crm.rfm USING hash AS
	OPERATOR 1 pg_catalog.= ,
	FUNCTION 1 crm.rfm_hash(crm.rfm),
	FUNCTION 2 crm.rfm_hash_extended(crm.rfm, bigint);
COMMENT ON OPERATOR CLASS crm.rfm_ops USING hash IS 'hashing of RFM scores';

-- Accessors and the cell number.
CREATE FUNCTION crm.r(crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_r' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.r(crm.rfm) IS 'recency score R (1..9) of an RFM score';
CREATE FUNCTION crm.f(crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_f' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.f(crm.rfm) IS 'frequency score F (1..9) of an RFM score';
CREATE FUNCTION crm.m(crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_m' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.m(crm.rfm) IS 'monetary score M (1..9) of an RFM score';
CREATE FUNCTION crm.rfm_cell(crm.rfm) RETURNS integer
	AS 'MODULE_PATHNAME', 'rfm_cell' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_cell(crm.rfm) IS 'cell number 100*R + 10*F + M of an RFM score';

-- Constructors and casts to and from the cell number.
CREATE FUNCTION crm.rfm(r integer, f integer, m integer) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm(integer, integer, integer) IS
	'RFM score from its three scores, each 1..9 (22003 otherwise)';
CREATE FUNCTION crm.rfm(cell integer) RETURNS crm.rfm
	AS 'MODULE_PATHNAME', 'rfm_from_cell' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm(integer) IS
	'RFM score of a cell number 100*R + 10*F + M with digits 1..9 (22003 otherwise)';
CREATE CAST (crm.rfm AS integer) WITH FUNCTION crm.rfm_cell(crm.rfm);
COMMENT ON CAST (crm.rfm AS integer) IS 'cell number 100*R + 10*F + M of an RFM score (explicit)';
CREATE CAST (integer AS crm.rfm) WITH FUNCTION crm.rfm(integer);
COMMENT ON CAST (integer AS crm.rfm) IS 'RFM score of a cell number (explicit; 22003 unless three digits 1..9)';
