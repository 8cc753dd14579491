-- AHP and the CRM balanced scorecard (src/quality): AHP weights against
-- Saaty's published worked example, the scorecard model as a value (arrays,
-- jsonb spec with AHP matrices, text and jsonb round trips), attainment and
-- scores against a hand computation in SQL, missing KPI values,
-- crm.bsc_refresh and its history table, and every error path.
CREATE SCHEMA bsc;
SET search_path = bsc, public;
\i test/load/sqlstate_of.sql

-- ---- AHP: Saaty's "relative consumption of drinks in the United States" ----------
-- Saaty, T. L. (2008), Decision making with the analytic hierarchy process,
-- International Journal of Services Sciences 1(1), 83-98: the 7 x 7 matrix
-- (coffee, wine, tea, beer, soda, milk, water) and its printed eigenvector
-- weights 0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327 and CR 0.022 (as
-- reproduced in the AHPy README).  The printed numbers have 3 decimals:
-- ours, rounded to 3 decimals, must equal them (tolerance 0.0005).
CREATE TABLE drinks AS
SELECT * FROM crm.ahp_weights(ARRAY[
	[1,     9, 5,     2,     1,     1,     1/2.],
	[1/9., 1, 1/3., 1/9., 1/9., 1/9., 1/9.],
	[1/5., 3, 1,     1/3., 1/4., 1/3., 1/9.],
	[1/2., 9, 3,     1,     1/2., 1,     1/3.],
	[1,     9, 4,     2,     1,     2,     1/2.],
	[1,     9, 3,     1,     1/2., 1,     1/3.],
	[2,     9, 9,     3,     2,     3,     1]]::float8[]);
SELECT array_agg(round(w::numeric, 3) ORDER BY k) AS weights,
       array_agg(round(w::numeric, 3) ORDER BY k) = '{0.177,0.019,0.042,0.116,0.190,0.129,0.327}' AS saaty_weights
FROM drinks, unnest(weights) WITH ORDINALITY u(w, k);
SELECT round(lambda_max::numeric, 3) AS lambda_max, round(ci::numeric, 4) AS ci, ri, round(cr::numeric, 3) AS cr,
       round(cr::numeric, 3) = 0.022 AS saaty_cr, converged,
       abs((SELECT sum(w) FROM unnest(weights) w) - 1) < 1e-12 AS sums_to_one
FROM drinks;
-- the weights are an eigenvector: A w = lambda_max w
CREATE TABLE drink_matrix AS SELECT ARRAY[
	[1,     9, 5,     2,     1,     1,     1/2.], [1/9., 1, 1/3., 1/9., 1/9., 1/9., 1/9.],
	[1/5., 3, 1,     1/3., 1/4., 1/3., 1/9.], [1/2., 9, 3,     1,     1/2., 1,     1/3.],
	[1,     9, 4,     2,     1,     2,     1/2.], [1,     9, 3,     1,     1/2., 1,     1/3.],
	[2,     9, 9,     3,     2,     3,     1]]::float8[] AS a;
SELECT bool_and(abs((SELECT sum(m.a[i][j] * d.weights[j]) FROM generate_series(1, 7) j) - d.lambda_max * d.weights[i]) < 1e-12) AS eigenvector
FROM drink_matrix m, drinks d, generate_series(1, 7) i;
-- a consistent matrix: exact ratios, CR 0; n = 1 and 2
SELECT weights, round(cr::numeric, 12) AS cr FROM crm.ahp_weights('{{1,2,4},{0.5,1,2},{0.25,0.5,1}}');
SELECT weights, lambda_max, ci, cr FROM crm.ahp_weights('{{1}}');
SELECT weights, round(lambda_max::numeric, 12) AS lambda_max, cr FROM crm.ahp_weights('{{1,3},{0.333,1}}');
-- an inconsistent matrix: a WARNING, and CR >= 0.1 reported
SELECT round(cr::numeric, 3) AS cr FROM crm.ahp_weights(ARRAY[[1, 9, 1/9.], [1/9., 1, 9], [9, 1/9., 1]]::float8[]);

-- ---- the scorecard model -----------------------------------------------------------
CREATE TABLE models AS
SELECT crm.bsc_model(ARRAY['financial', 'customer', 'internal process', 'learning and growth'],
                     '{0.4,0.3,0.2,0.1}',
                     ARRAY['revenue_growth', 'avg_clv', 'nps', 'retention', 'resolution_days', 'training_hours'],
                     ARRAY['financial', 'financial', 'customer', 'customer', 'internal process', 'learning and growth'],
                     ARRAY['higher', 'higher', 'higher', 'higher', 'lower', 'higher'],
                     '{0.10,250,50,0.85,1,20}', '{0,150,0,0.6,5,0}', '{2,1,1,1,1,1}') AS m;
SELECT m FROM models;
SELECT m::text::crm.bsc_model::text = m::text AS text_round_trip, crm.bsc_model(m::jsonb)::text = m::text AS jsonb_round_trip
FROM models;
SELECT m::jsonb FROM models;
SELECT * FROM crm.bsc_perspectives((SELECT m FROM models));
SELECT kpi, ordinal, perspective, direction, target, threshold, weight_given, round(weight::numeric, 4) AS weight,
       round(overall_weight::numeric, 4) AS overall_weight
FROM crm.bsc_kpis((SELECT m FROM models));
-- weights from AHP matrices in the jsonb spec
SELECT crm.bsc_model('{"perspectives": [
	{"name": "financial", "kpis": [{"name": "revenue_growth", "target": 0.1, "threshold": 0},
	                               {"name": "avg_clv", "target": 250, "threshold": 150}],
	 "kpi_matrix": [[1, 3], [0.3333, 1]]},
	{"name": "customer", "kpis": [{"name": "nps", "target": 50, "threshold": 0, "weight": 2},
	                              {"name": "churn", "direction": "lower", "target": 0.05, "threshold": 0.25}]}],
	"perspective_matrix": [[1, 2], [0.5, 1]]}'::jsonb) AS from_ahp;

-- ---- attainment and scores vs a hand computation ------------------------------------------
SELECT crm.bsc_attainment(0.05, 0.10, 0) AS half, crm.bsc_attainment(0.2, 0.10, 0) AS above,
       crm.bsc_attainment(-1, 0.10, 0) AS below, crm.bsc_attainment(2, 1, 5) AS lower_is_better,
       crm.bsc_attainment(6, 1, 5) AS lower_above_threshold, crm.bsc_attainment(0.5, 1, 5) AS lower_beyond_target;
-- periods of KPI values, some missing
CREATE TABLE kpi_values (period date, kpi text, value float8);
-- (values from hashes of the period and KPI, not random(): the same whatever
-- order the plan of a PostgreSQL version visits the rows in)
INSERT INTO kpi_values
SELECT p, k.kpi, CASE WHEN u1 < 0.15 THEN NULL ELSE k.threshold + (k.target - k.threshold) * (u2 * 1.4 - 0.2) END
FROM generate_series(DATE '2026-01-01', DATE '2026-06-01', INTERVAL '1 month') p, crm.bsc_kpis((SELECT m FROM models)) k,
     LATERAL (SELECT (abs(hashtext(to_char(p, 'YYYY-MM-DD') || k.kpi)) % 10007) / 10007.0 AS u1,
                     (abs(hashtext(k.kpi || to_char(p, 'YYYY-MM-DD'))) % 10007) / 10007.0 AS u2) u;
CREATE VIEW hand AS
WITH a AS (
	SELECT v.period, k.kpi, k.perspective, p.weight_given AS pw, k.weight_given AS kw, v.value,
	       CASE WHEN v.value IS NOT NULL
	            THEN least(1, greatest(0, (v.value - k.threshold) / (k.target - k.threshold))) END AS att
	FROM kpi_values v JOIN crm.bsc_kpis((SELECT m FROM models)) k USING (kpi)
	JOIN crm.bsc_perspectives((SELECT m FROM models)) p USING (perspective)),
ps AS (
	SELECT period, perspective, pw, sum(kw * att) / nullif(sum(kw) FILTER (WHERE att IS NOT NULL), 0) AS score
	FROM a GROUP BY period, perspective, pw),
o AS (SELECT period, sum(pw * score) / nullif(sum(pw) FILTER (WHERE score IS NOT NULL), 0) AS overall FROM ps GROUP BY period)
SELECT a.period, a.kpi, a.value, a.att, ps.score, o.overall FROM a JOIN ps USING (period, perspective) JOIN o USING (period);
CREATE VIEW scored AS
SELECT v.period, s.* FROM (SELECT period, jsonb_object_agg(kpi, value) AS vals FROM kpi_values GROUP BY period) v,
     LATERAL crm.bsc_score((SELECT m FROM models), v.vals) s;
SELECT count(*) AS rows, count(*) FILTER (WHERE h.att IS NULL) AS missing,
       count(*) FILTER (WHERE s.attainment IS NOT DISTINCT FROM h.att
                          AND coalesce(abs(s.perspective_score - h.score) < 1e-12, s.perspective_score IS NULL AND h.score IS NULL)
                          AND abs(s.overall - h.overall) < 1e-12) AS equal
FROM scored s JOIN hand h USING (period, kpi);
SELECT period, round(min(overall)::numeric, 4) AS overall FROM scored GROUP BY period ORDER BY period;
-- every KPI missing in a perspective: its score is NULL, the others are scored
SELECT kpi, attainment, perspective_score, round(overall::numeric, 4) AS overall
FROM crm.bsc_score((SELECT m FROM models), '{"revenue_growth": 0.05, "avg_clv": null, "nps": 25}');
SELECT count(*), bool_and(overall IS NULL) AS no_overall FROM crm.bsc_score((SELECT m FROM models), '{}');

-- ---- crm.bsc_refresh ----------------------------------------------------------------------
SELECT m AS model FROM models \gset
CREATE TABLE tickets (opened date, days float8);
INSERT INTO tickets SELECT DATE '2026-01-01' + i % 60, 1 + i % 5 FROM generate_series(1, 300) i;
CALL crm.bsc_refresh(:'model', '2026-01-01', 'bsc.history',
	'{"resolution_days": "SELECT avg(days) FROM bsc.tickets WHERE opened >= $1 AND opened < $1 + 31",
	  "nps": "SELECT 42"}',
	'{"revenue_growth": 0.08, "retention": 0.7}');
CALL crm.bsc_refresh(:'model', '2026-02-01', 'bsc.history',
	'{"resolution_days": "SELECT avg(days) FROM bsc.tickets WHERE opened >= $1 AND opened < $1 + 28",
	  "nps": "SELECT NULL::float8"}', '{}');
-- a second refresh of a period replaces its rows
CALL crm.bsc_refresh(:'model', '2026-02-01', 'bsc.history',
	'{"resolution_days": "SELECT avg(days) FROM bsc.tickets WHERE opened >= $1 AND opened < $1 + 28",
	  "nps": "SELECT 45 WHERE false"}', '{"training_hours": 12}');
SELECT period, kpi, perspective, value, round(attainment::numeric, 4) AS attainment, round(kpi_weight::numeric, 4) AS kpi_weight,
       round(perspective_score::numeric, 4) AS perspective_score, perspective_weight, round(overall::numeric, 4) AS overall,
       model::text = (SELECT m::text FROM models) AS model
FROM history ORDER BY period, kpi;

-- ---- errors ---------------------------------------------------------------------------------
SELECT sqlstate_of($$SELECT crm.ahp_weights('{1,2}')$$) AS one_dimensional,
       sqlstate_of($$SELECT crm.ahp_weights('{{1,2,3},{1,2,3}}')$$) AS not_square,
       sqlstate_of($$SELECT crm.ahp_weights('{{1,2},{0.4,1}}')$$) AS not_reciprocal,
       sqlstate_of($$SELECT crm.ahp_weights('{{2,1},{1,1}}')$$) AS diagonal,
       sqlstate_of($$SELECT crm.ahp_weights('{{1,-1},{-1,1}}')$$) AS negative,
       sqlstate_of($$SELECT crm.ahp_weights('{{1,NULL},{1,1}}')$$) AS null_cell,
       sqlstate_of($$SELECT crm.ahp_weights('{{1,NaN},{NaN,1}}')$$) AS nan_cell,
       sqlstate_of($$SELECT crm.ahp_weights(array_fill(1::float8, ARRAY[11, 11]))$$) AS too_large;
SELECT sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{b}', '{higher}', '{1}', '{0}', '{1}')$$) AS unknown_perspective,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{up}', '{1}', '{0}', '{1}')$$) AS bad_direction,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{higher}', '{0}', '{1}', '{1}')$$) AS target_below_threshold,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{lower}', '{1}', '{0}', '{1}')$$) AS lower_target_above,
       sqlstate_of($$SELECT crm.bsc_model('{a,b}', '{1,1}', '{k}', '{a}', '{higher}', '{1}', '{0}', '{1}')$$) AS perspective_without_kpi,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{-1}', '{k}', '{a}', '{higher}', '{1}', '{0}', '{1}')$$) AS negative_weight,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k,k}', '{a,a}', '{higher,higher}', '{1,1}', '{0,0}', '{1,1}')$$) AS repeated_kpi,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{higher}', '{1,2}', '{0}', '{1}')$$) AS lengths,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{higher}', '{Infinity}', '{0}', '{1}')$$) AS infinite_target,
       sqlstate_of($$SELECT crm.bsc_model('{a}', '{1}', '{k}', '{a}', '{higher}', '{1}', '{NULL}', '{1}')$$) AS null_threshold;
SELECT sqlstate_of($$SELECT 'perspectives={"a"} perspective_weights={1} kpis={"k"} kpi_perspectives={2} directions={"higher"} targets={1} thresholds={0} kpi_weights={1}'::crm.bsc_model$$) AS text_bad_perspective,
       sqlstate_of($$SELECT 'perspectives={"a"} perspective_weights={1} kpis={"k"} kpi_perspectives={1} directions={"up"} targets={1} thresholds={0} kpi_weights={1}'::crm.bsc_model$$) AS text_bad_direction,
       sqlstate_of($$SELECT 'perspectives={"a"} perspective_weights={1}'::crm.bsc_model$$) AS text_truncated;
SELECT sqlstate_of($$SELECT crm.bsc_attainment(1, 2, 2)$$) AS target_equals_threshold,
       sqlstate_of($$SELECT crm.bsc_attainment('NaN', 2, 1)$$) AS nan_value,
       sqlstate_of($$SELECT * FROM crm.bsc_score((SELECT m FROM models), '{"profit": 1}')$$) AS unknown_kpi,
       sqlstate_of($$SELECT * FROM crm.bsc_score((SELECT m FROM models), '{"nps": "high"}')$$) AS text_value,
       sqlstate_of($$SELECT * FROM crm.bsc_score((SELECT m FROM models), '[1]')$$) AS not_object;
SELECT sqlstate_of($$CALL crm.bsc_refresh(NULL, '2026-01-01', 'h', '{}')$$) AS null_model,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', 'infinity', 'h', '{}')$$) AS infinite_period,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'a.b.c', '{}')$$) AS bad_target,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'h', '{"profit": "SELECT 1"}')$$) AS unknown_kpi,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'h', '{"nps": "SELECT 1"}', '{"nps": 2}')$$) AS twice,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'h', '{"nps": "SELECT generate_series(1, 2)"}')$$) AS two_rows,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'h', '{"nps": "SELECT ''NaN''::float8"}')$$) AS nan_value,
       sqlstate_of($$CALL crm.bsc_refresh('$$ || :'model' || $$', '2026-01-01', 'h', '{"nps": 3}')$$) AS query_not_text;
RESET search_path;
