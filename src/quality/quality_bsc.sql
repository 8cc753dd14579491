-- ---------------------------------------------------------------------------
-- The CRM balanced scorecard (src/quality/quality_bsc.c): a model value of
-- perspectives and KPIs, its scoring per period and crm.bsc_refresh, which
-- keeps a history table for BI tools.  Not crm.refresh_scorecard, which is
-- a per-customer score table (src/workflow).
-- ---------------------------------------------------------------------------

CREATE TYPE crm.bsc_model;
CREATE FUNCTION crm.bsc_model_in(cstring) RETURNS crm.bsc_model
	AS 'MODULE_PATHNAME', 'bsc_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bsc_model_out(crm.bsc_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'bsc_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bsc_model_recv(internal) RETURNS crm.bsc_model
	AS 'MODULE_PATHNAME', 'bsc_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.bsc_model_send(crm.bsc_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bsc_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.bsc_model (
	INPUT = crm.bsc_model_in, OUTPUT = crm.bsc_model_out,
	RECEIVE = crm.bsc_model_recv, SEND = crm.bsc_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.bsc_model_in(cstring) IS 'text input of crm.bsc_model';
COMMENT ON FUNCTION crm.bsc_model_out(crm.bsc_model) IS 'text output of crm.bsc_model (round-trips)';
COMMENT ON FUNCTION crm.bsc_model_recv(internal) IS 'binary input of crm.bsc_model';
COMMENT ON FUNCTION crm.bsc_model_send(crm.bsc_model) IS 'binary output of crm.bsc_model';
COMMENT ON TYPE crm.bsc_model IS
	'a CRM balanced scorecard model: perspectives with weights, KPIs with perspective, direction, target, threshold and weight (not crm.refresh_scorecard''s per-customer table)';

CREATE FUNCTION crm.bsc_model(perspectives text[], perspective_weights float8[], kpis text[],
	kpi_perspectives text[], directions text[], targets float8[], thresholds float8[], kpi_weights float8[])
	RETURNS crm.bsc_model
	AS 'MODULE_PATHNAME', 'bsc_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bsc_model(text[], float8[], text[], text[], text[], float8[], float8[], float8[]) IS
	'a balanced scorecard model from arrays: perspectives and their weights; per KPI its name, perspective, direction (higher or lower), target (attainment 1), threshold (attainment 0) and weight within its perspective';
CREATE FUNCTION crm.bsc_perspectives(crm.bsc_model,
	OUT perspective text, OUT ordinal integer, OUT weight_given float8, OUT weight float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bsc_perspectives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.bsc_perspectives(crm.bsc_model) IS
	'the perspectives of a scorecard model in order, with their weights as given and normalized to sum 1';
CREATE FUNCTION crm.bsc_kpis(crm.bsc_model,
	OUT kpi text, OUT ordinal integer, OUT perspective text, OUT direction text, OUT target float8,
	OUT threshold float8, OUT weight_given float8, OUT weight float8, OUT overall_weight float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bsc_kpis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION crm.bsc_kpis(crm.bsc_model) IS
	'the KPIs of a scorecard model: perspective, direction, target, threshold, weight as given, weight normalized within the perspective, and share of the overall score';
CREATE FUNCTION crm.bsc_attainment(value float8, target float8, threshold float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'bsc_attainment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.bsc_attainment(float8, float8, float8) IS
	'attainment of a KPI value: (value - threshold) / (target - threshold) clamped to [0, 1] (for either direction)';

-- a JSON array of arrays of numbers as float8[][] (NULL for JSON null or a missing key)
CREATE FUNCTION crm.bsc_json_matrix(matrix jsonb) RETURNS float8[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN matrix IS NULL OR pg_catalog.jsonb_typeof(matrix) = 'null' THEN NULL
	            ELSE pg_catalog.translate(matrix::text, '[]', '{}')::float8[] END;
COMMENT ON FUNCTION crm.bsc_json_matrix(jsonb) IS
	'a JSON comparison matrix [[1, 3], [0.333, 1]] as float8[][] (NULL for null), for crm.bsc_model(jsonb)';

-- the model from a jsonb spec: {"perspectives": [{"name": ..., "weight": w,
-- "kpis": [{"name", "direction", "target", "threshold", "weight"}, ...],
-- "kpi_matrix": AHP matrix}, ...], "perspective_matrix": AHP matrix};
-- weights default to 1, a matrix gives the AHP weights instead
CREATE FUNCTION crm.bsc_model(spec jsonb) RETURNS crm.bsc_model
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	WITH p AS (
		SELECT e.value AS pj, e.ordinality AS pos, e.value ->> 'name' AS pname
		FROM pg_catalog.jsonb_array_elements(spec -> 'perspectives') WITH ORDINALITY e),
	pw AS (
		SELECT p.pos, p.pname,
		       COALESCE((SELECT (crm.ahp_weights(crm.bsc_json_matrix(spec -> 'perspective_matrix'))).weights)[p.pos],
		                (p.pj ->> 'weight')::float8, 1) AS w
		FROM p),
	k AS (
		SELECT p.pos, p.pname, ke.ordinality AS kpos, ke.value AS kj,
		       COALESCE((SELECT (crm.ahp_weights(crm.bsc_json_matrix(p.pj -> 'kpi_matrix'))).weights)[ke.ordinality],
		                (ke.value ->> 'weight')::float8, 1) AS w
		FROM p, pg_catalog.jsonb_array_elements(p.pj -> 'kpis') WITH ORDINALITY ke)
	SELECT crm.bsc_model(
		(SELECT pg_catalog.array_agg(pw.pname ORDER BY pw.pos) FROM pw),
		(SELECT pg_catalog.array_agg(pw.w ORDER BY pw.pos) FROM pw),
		(SELECT pg_catalog.array_agg(k.kj ->> 'name' ORDER BY k.pos, k.kpos) FROM k),
		(SELECT pg_catalog.array_agg(k.pname ORDER BY k.pos, k.kpos) FROM k),
		(SELECT pg_catalog.array_agg(COALESCE(k.kj ->> 'direction', 'higher') ORDER BY k.pos, k.kpos) FROM k),
		(SELECT pg_catalog.array_agg((k.kj ->> 'target')::float8 ORDER BY k.pos, k.kpos) FROM k),
		(SELECT pg_catalog.array_agg((k.kj ->> 'threshold')::float8 ORDER BY k.pos, k.kpos) FROM k),
		(SELECT pg_catalog.array_agg(k.w ORDER BY k.pos, k.kpos) FROM k));
END;
COMMENT ON FUNCTION crm.bsc_model(jsonb) IS
	'a balanced scorecard model from a jsonb spec {"perspectives": [{"name", "weight", "kpis": [{"name", "direction", "target", "threshold", "weight"}], "kpi_matrix"}], "perspective_matrix"}; a matrix gives AHP weights, a missing weight is 1';

CREATE FUNCTION crm.bsc_model_jsonb(model crm.bsc_model) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT pg_catalog.jsonb_build_object('perspectives', pg_catalog.jsonb_agg(
		pg_catalog.jsonb_build_object('name', p.perspective, 'weight', p.weight_given, 'kpis',
			(SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', k.kpi, 'direction', k.direction,
			        'target', k.target, 'threshold', k.threshold, 'weight', k.weight_given) ORDER BY k.ordinal)
			 FROM crm.bsc_kpis(model) k WHERE k.perspective = p.perspective))
		ORDER BY p.ordinal))
	FROM crm.bsc_perspectives(model) p;
END;
COMMENT ON FUNCTION crm.bsc_model_jsonb(crm.bsc_model) IS
	'a scorecard model as the jsonb spec crm.bsc_model(jsonb) reads (weights as given)';
CREATE CAST (crm.bsc_model AS jsonb) WITH FUNCTION crm.bsc_model_jsonb(crm.bsc_model);
COMMENT ON CAST (crm.bsc_model AS jsonb) IS 'a scorecard model as its jsonb spec (crm.bsc_model_jsonb)';

-- the score of one period: KPI values {kpi: number or null}
CREATE FUNCTION crm.bsc_score(model crm.bsc_model, kpi_values jsonb,
	OUT kpi text, OUT perspective text, OUT value float8, OUT attainment float8, OUT kpi_weight float8,
	OUT perspective_score float8, OUT perspective_weight float8, OUT overall float8)
	RETURNS SETOF record
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 12 SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	unknown text;
	bad text;
BEGIN
	IF pg_catalog.jsonb_typeof(kpi_values) <> 'object' THEN
		RAISE EXCEPTION 'KPI values must be a jsonb object {"kpi": value, ...}, not %', pg_catalog.jsonb_typeof(kpi_values)
			USING ERRCODE = '22023';
	END IF;
	SELECT e.key INTO unknown FROM pg_catalog.jsonb_each(kpi_values) e
	WHERE NOT EXISTS (SELECT FROM crm.bsc_kpis(model) k WHERE k.kpi = e.key) LIMIT 1;
	IF unknown IS NOT NULL THEN
		RAISE EXCEPTION 'KPI "%" is not in the scorecard model', unknown USING ERRCODE = '22023';
	END IF;
	SELECT e.key INTO bad FROM pg_catalog.jsonb_each(kpi_values) e
	WHERE pg_catalog.jsonb_typeof(e.value) NOT IN ('number', 'null') LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'the value of KPI "%" must be a number or null, not %', bad, kpi_values -> bad
			USING ERRCODE = '22023';
	END IF;
	RETURN QUERY
	WITH a AS (
		SELECT k.kpi, k.ordinal, k.perspective, k.weight, v.value,
		       crm.bsc_attainment(v.value, k.target, k.threshold) AS attainment
		FROM crm.bsc_kpis(model) k
		LEFT JOIN LATERAL (SELECT (kpi_values ->> k.kpi)::float8 AS value) v ON true),
	ps AS (
		SELECT p.perspective, p.weight,
		       pg_catalog.sum(a.weight * a.attainment) / NULLIF(pg_catalog.sum(a.weight) FILTER (WHERE a.attainment IS NOT NULL), 0) AS score
		FROM crm.bsc_perspectives(model) p JOIN a ON a.perspective = p.perspective
		GROUP BY p.perspective, p.weight),
	o AS (
		SELECT pg_catalog.sum(ps.weight * ps.score) / NULLIF(pg_catalog.sum(ps.weight) FILTER (WHERE ps.score IS NOT NULL), 0) AS overall
		FROM ps)
	SELECT a.kpi, a.perspective, a.value, a.attainment, a.weight, ps.score, ps.weight, o.overall
	FROM a JOIN ps ON ps.perspective = a.perspective, o
	ORDER BY a.ordinal;
END
$$;
COMMENT ON FUNCTION crm.bsc_score(crm.bsc_model, jsonb) IS
	'scores one period: per KPI its value, attainment (linear from threshold 0 to target 1, clamped), weight; its perspective''s score (weighted mean of the attainments it has) and weight; the overall score (weighted mean of the perspective scores it has); a missing KPI value has NULL attainment and the rest are scored';

-- crm.bsc_refresh: one period's KPI values, from queries and given values,
-- scored into a history table (created on the first refresh)
CREATE PROCEDURE crm.bsc_refresh(model crm.bsc_model, period date, target text,
		kpi_queries jsonb, kpi_values jsonb DEFAULT '{}')
	LANGUAGE plpgsql AS $$
DECLARE
	ident text[];
	target_q text;			-- quoted schema.table of the history
	vals jsonb := kpi_values;
	q record;
	v float8;
	n_rows bigint;
BEGIN
	IF model IS NULL OR period IS NULL OR target IS NULL OR kpi_queries IS NULL OR kpi_values IS NULL THEN
		RAISE EXCEPTION 'arguments of crm.bsc_refresh must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF pg_catalog.isfinite(period) IS NOT TRUE THEN
		RAISE EXCEPTION 'period must be a finite date' USING ERRCODE = '22000';
	END IF;
	IF pg_catalog.jsonb_typeof(kpi_queries) <> 'object' OR pg_catalog.jsonb_typeof(kpi_values) <> 'object' THEN
		RAISE EXCEPTION 'kpi_queries and kpi_values must be jsonb objects keyed by KPI name' USING ERRCODE = '22023';
	END IF;
	-- the target: one or two identifiers (parse_ident rejects anything else)
	ident := pg_catalog.parse_ident(target);
	IF pg_catalog.cardinality(ident) = 1 THEN
		ident := ARRAY[pg_catalog.current_schema(), ident[1]];
	ELSIF pg_catalog.cardinality(ident) <> 2 THEN
		RAISE EXCEPTION 'target "%" must be a table name, optionally schema-qualified', target USING ERRCODE = '22023';
	END IF;
	IF ident[1] IS NULL THEN
		RAISE EXCEPTION 'no schema to create target "%" in', target USING ERRCODE = '3F000';
	END IF;
	target_q := pg_catalog.format('%I.%I', ident[1], ident[2]);

	-- the KPI values of the period: each query gets the period as $1 and
	-- returns one value; no row or NULL means the KPI is missing this period
	FOR q IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(kpi_queries) e ORDER BY e.key LOOP
		IF NOT EXISTS (SELECT FROM crm.bsc_kpis(model) k WHERE k.kpi = q.key) THEN
			RAISE EXCEPTION 'KPI "%" is not in the scorecard model', q.key USING ERRCODE = '22023';
		END IF;
		IF vals ? q.key THEN
			RAISE EXCEPTION 'KPI "%" has both a query and a value', q.key USING ERRCODE = '22023';
		END IF;
		IF pg_catalog.jsonb_typeof(q.value) <> 'string' THEN
			RAISE EXCEPTION 'the query of KPI "%" must be a string', q.key USING ERRCODE = '22023';
		END IF;
		EXECUTE q.value #>> '{}' INTO v USING period;
		GET DIAGNOSTICS n_rows = ROW_COUNT;
		IF n_rows > 1 THEN
			RAISE EXCEPTION 'the query of KPI "%" returned % rows, not one', q.key, n_rows USING ERRCODE = '21000';
		END IF;
		IF v IS NOT NULL AND v NOT BETWEEN '-Infinity'::float8 AND 'Infinity'::float8 OR v IN ('Infinity'::float8, '-Infinity'::float8) THEN
			RAISE EXCEPTION 'the query of KPI "%" returned "%", not a finite number', q.key, v USING ERRCODE = '22000';
		END IF;
		vals := vals || pg_catalog.jsonb_build_object(q.key, v);
	END LOOP;

	-- refreshes of one history queue on an advisory lock keyed on its name,
	-- taken before it may be created
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('crm.bsc_refresh'), pg_catalog.hashtext(target_q));
	IF pg_catalog.to_regclass(target_q) IS NULL THEN
		EXECUTE pg_catalog.format($f$
			CREATE TABLE %s (
				period date NOT NULL,
				kpi text NOT NULL,
				perspective text NOT NULL,
				value float8,
				attainment float8,
				kpi_weight float8 NOT NULL,
				perspective_score float8,
				perspective_weight float8 NOT NULL,
				overall float8,
				model crm.bsc_model NOT NULL,
				refreshed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
				PRIMARY KEY (period, kpi))$f$, target_q);
	END IF;
	EXECUTE pg_catalog.format('DELETE FROM %s WHERE period = $1', target_q) USING period;
	EXECUTE pg_catalog.format($f$
		INSERT INTO %s (period, kpi, perspective, value, attainment, kpi_weight, perspective_score,
		                perspective_weight, overall, model)
		SELECT $1, s.kpi, s.perspective, s.value, s.attainment, s.kpi_weight, s.perspective_score,
		       s.perspective_weight, s.overall, $2
		FROM crm.bsc_score($2, $3) s$f$, target_q) USING period, model, vals;
END
$$;
COMMENT ON PROCEDURE crm.bsc_refresh(crm.bsc_model, date, text, jsonb, jsonb) IS
	'scores one period of a balanced scorecard into a history table (period, kpi, perspective, value, attainment, kpi_weight, perspective_score, perspective_weight, overall, model, refreshed_at): KPI values from queries {kpi: SQL with $1 = period} and given values {kpi: number}; a refresh replaces the period''s rows';
