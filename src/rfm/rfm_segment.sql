-- ---------------------------------------------------------------------------
-- RFM segment maps (src/rfm/rfm_segment.c)
-- ---------------------------------------------------------------------------

-- A segment map is an ordered list of rules (segment name; inclusive R, F
-- and M ranges within 1..9).  A score gets the name of the first rule that
-- contains it, 'Others' if none does.  Built-in maps: 'rfm' (the rfm
-- package's table, the default) and 'rf_grid' (recency x frequency grid).
CREATE FUNCTION crm.rfm_segment(score crm.rfm) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_default' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(crm.rfm) IS
	'segment of an RFM score under the rfm package''s segment table (''Others'' if no rule matches)';
CREATE FUNCTION crm.rfm_segment(score crm.rfm, map text) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_builtin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(crm.rfm, text) IS
	'segment of an RFM score under a built-in segment map: rfm or rf_grid';

-- User maps, parsed once per call site (re-parsed only when the value changes).
CREATE FUNCTION crm.rfm_segment(score crm.rfm, rules jsonb) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(crm.rfm, jsonb) IS
	'segment of an RFM score under a map given as a JSON array of {"segment", "r": [lo, hi], "f": [lo, hi], "m": [lo, hi]} (first match)';
CREATE FUNCTION crm.rfm_segment(score crm.rfm, segments text[],
		r_low integer[], r_high integer[], f_low integer[], f_high integer[],
		m_low integer[], m_high integer[]) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(crm.rfm, text[], integer[], integer[], integer[], integer[], integer[], integer[]) IS
	'segment of an RFM score under a map given as parallel arrays, as the rfm package''s rfm_segment() takes it (first match)';

-- A rules table (position, segment, r_low, r_high, f_low, f_high, m_low,
-- m_high), read with SPI as the caller once per call site and snapshot.
CREATE FUNCTION crm.rfm_segment(score crm.rfm, rules regclass) RETURNS text
	AS 'MODULE_PATHNAME', 'rfm_segment_table' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_segment(crm.rfm, regclass) IS
	'segment of an RFM score under the rules of a table (position, segment, r_low, r_high, f_low, f_high, m_low, m_high), tried in ascending position';

-- A map's rules as a table (for BI tools, and to copy into a rules table).
CREATE FUNCTION crm.rfm_segment_rules(map text)
	RETURNS TABLE ("position" integer, segment text, r_low integer, r_high integer,
				   f_low integer, f_high integer, m_low integer, m_high integer)
	AS 'MODULE_PATHNAME', 'rfm_segment_rules_builtin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.rfm_segment_rules(text) IS
	'rules of a built-in segment map (rfm or rf_grid), in match order';
CREATE FUNCTION crm.rfm_segment_rules(rules jsonb)
	RETURNS TABLE ("position" integer, segment text, r_low integer, r_high integer,
				   f_low integer, f_high integer, m_low integer, m_high integer)
	AS 'MODULE_PATHNAME', 'rfm_segment_rules_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.rfm_segment_rules(jsonb) IS
	'rules of a jsonb segment map as a table, validated (a missing range is 1..9)';
