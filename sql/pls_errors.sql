-- Bad input to PLS path modelling: every case raises a clear error with its
-- SQLSTATE (shown as "SQLSTATE: message"), or has a documented result.
CREATE SCHEMA pls_errors;
SET search_path = pls_errors, public;
\i test/load/sqlstate_of.sql
-- "SQLSTATE: detail" of a statement's error (for messages that echo a long input)
CREATE FUNCTION sqlstate_detail(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || coalesce(nullif(detail, ''), SQLERRM);
END $$;

CREATE TABLE r (items float8[]);
INSERT INTO r VALUES ('{1,2,1,2,3,4}'), ('{2,1,3,2,2,3}'), ('{3,3,2,4,4,4}'), ('{4,5,5,4,5,6}'), ('{5,4,6,6,7,5}'),
	('{2,3,2,3,3,2}'), ('{4,4,3,5,4,5}'), ('{5,5,4,6,6,7}');
CREATE FUNCTION fit(spec text) RETURNS text LANGUAGE sql AS $$
SELECT sqlstate_of(format('SELECT crm.pls_fit(items, %L) FROM pls_errors.r', spec)) $$;

-- the inner model must be acyclic: a self-loop, a two-LV cycle, a longer cycle (22023)
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "A"], ["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"], ["B", "A"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4], "C": [5, 6]}, "paths": [["A", "B"], ["B", "C"], ["C", "A"]]}');
SELECT fit('{"blocks": {"A": [1], "B": [2], "C": [3], "D": [4]}, "paths": [["A", "B"], ["B", "C"], ["C", "D"], ["D", "B"]]}');
-- a path naming an unknown latent variable; a malformed path (22023)
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"], ["A", "SAT"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B", "C"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", 2]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"], ["A", "B"]]}');
-- a latent variable in no path; no paths; one latent variable (22023)
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4], "C": [5, 6]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": []}');
SELECT fit('{"blocks": {"A": [1, 2]}, "paths": [["A", "A"]]}');
-- a block with no items; not an array; an empty name (22023)
SELECT fit('{"blocks": {"A": [1, 2], "B": []}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": 3}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "": [3]}, "paths": [["A", ""]]}');
-- item positions out of range (the rows have 6 items), not positive
-- integers, shared between blocks or repeated in one (22023)
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 7]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [0, 2], "B": [3, 4]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1.5, 2], "B": [3, 4]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": ["1", 2], "B": [3, 4]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [2, 3]}, "paths": [["A", "B"]]}');
SELECT fit('{"blocks": {"A": [1, 2, 1], "B": [3, 4]}, "paths": [["A", "B"]]}');
-- the spec's shape, keys, tol and maxiter (22023)
SELECT fit('[1, 2]');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]], "mode": "A"}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]], "tol": 0}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]], "tol": 0.01}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]], "maxiter": 0}');
SELECT fit('{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]], "maxiter": 2.5}');
-- an unknown scheme (22023); NULL spec, scheme or scaled (22004)
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', 'factor') FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, NULL) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', NULL) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', 'path', NULL) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit_final(crm.pls_partial(items), NULL) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit_final(crm.pls_partial(items), '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', 'nope') FROM r$$);
-- spec, scheme and scaled must be the same on every row of a group (22023)
SELECT sqlstate_of($$SELECT crm.pls_fit(items, CASE WHEN items[1] < 3 THEN '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'
                                                    ELSE '{"blocks": {"A": [1, 2], "B": [3, 5]}, "paths": [["A", "B"]]}' END::jsonb) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}',
                                        CASE WHEN items[1] < 3 THEN 'path' ELSE 'centroid' END) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', 'path', items[1] < 3) FROM r$$);
-- ... but the same spec written differently is the same spec, and each group may have its own
SELECT crm.iterations(crm.pls_fit(items, CASE WHEN items[1] < 3 THEN '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'
                                               ELSE '{"paths": [["A", "B"]],   "blocks": {"B": [3, 4], "A": [1, 2]}}' END::jsonb)) > 0 AS same_spec
FROM r;
SELECT items[1] <= 3 AS grp, (crm.pls_summary(crm.pls_fit(items, CASE WHEN items[1] <= 3 THEN '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'
                                                    ELSE '{"blocks": {"A": [1, 2], "B": [3, 5]}, "paths": [["A", "B"]]}' END::jsonb))).respondents
FROM r GROUP BY 1 ORDER BY 1;

-- constant items have zero variance (22000); so has every item of a single row
SELECT sqlstate_of($$SELECT crm.pls_fit(items || 9::float8, '{"blocks": {"A": [1, 2], "B": [3, 7]}, "paths": [["A", "B"]]}') FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') FROM (SELECT * FROM r LIMIT 1) q$$);
-- perfectly collinear causes (22000): B and C measured by the same items as A
SELECT sqlstate_of($$SELECT crm.pls_fit(items || items[1:2] || items[1:2], '{"blocks": {"A": [1, 2], "B": [7, 8], "C": [9, 10], "D": [3, 4]}, "paths": [["A", "D"], ["B", "D"], ["C", "D"], ["A", "B"], ["A", "C"]]}', 'path') FROM r$$);

-- arrays of the wrong length or shape (2202E), too many items (54000)
SELECT sqlstate_of($$SELECT crm.pls_fit(x, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') FROM (VALUES ('{1,2,3,4}'::float8[]), ('{1,2,3}')) v(x)$$);
SELECT sqlstate_of($$SELECT crm.pls_fit(x, '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}') FROM (VALUES ('{{1,2},{3,4}}'::float8[])) v(x)$$);
SELECT sqlstate_of($$SELECT crm.pls_partial(x) FROM (VALUES ('{}'::float8[])) v(x)$$);
SELECT sqlstate_of($$SELECT crm.pls_partial(x) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(x)$$);
SELECT sqlstate_of($$SELECT crm.pls_partial(array_fill(1::float8, ARRAY[1001]))$$);
-- NaN and infinite items (22000)
SELECT sqlstate_of($$SELECT crm.pls_partial(x) FROM (VALUES ('{1,NaN}'::float8[])) v(x)$$);
SELECT sqlstate_of($$SELECT crm.pls_partial(x) FROM (VALUES ('{1,2}'::float8[]), ('{-Infinity,2}')) v(x)$$);
-- NULL items: documented, the row is skipped and counted (no error)
SELECT (crm.pls_summary(crm.pls_fit(x, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'))).skipped
FROM (SELECT items AS x FROM r UNION ALL VALUES (NULL::float8[]), ('{1,NULL,3,4,5,6}'::float8[])) q;

-- non-convergence: a clear warning, and the model says converged = false
SELECT s.iterations, s.converged
FROM (SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4], "C": [5, 6]}, "paths": [["A", "B"], ["B", "C"]], "maxiter": 1}') AS m FROM r) q,
     crm.pls_summary(m) s;
SELECT crm.converged(crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4], "C": [5, 6]}, "paths": [["A", "B"], ["B", "C"]], "maxiter": 100}')) FROM r;

-- states: fitting one without a spec (22023), merging states of different
-- items or specs (22023), malformed text (22P02)
SELECT sqlstate_of($$SELECT crm.pls_fit_final(crm.pls_partial(items)) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_combine(crm.pls_partial(items), crm.pls_partial(items || 1::float8)) FROM r$$);
SELECT sqlstate_of($$SELECT crm.pls_combine(
	crm.pls_trans(NULL, '{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}'),
	crm.pls_trans(NULL, '{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["B", "A"]]}'))$$);
SELECT sqlstate_of($$SELECT crm.pls_combine(
	crm.pls_trans(NULL, '{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}', 'path'),
	crm.pls_trans(NULL, '{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}', 'centroid'))$$);
SELECT sqlstate_of($$SELECT crm.pls_trans(crm.pls_trans(NULL, '{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}'),
	'{1,2}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}', 'path')$$);
-- a state with a spec merges with one without (the result carries the spec)
SELECT crm.pls_combine(crm.pls_partial('{1,2}'::float8[]),
	crm.pls_trans(NULL, '{3,5}', '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}')) AS merged;
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={-2,1,2}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=1 skipped=0 mean={2,5} comoment={2,1,2}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,NaN} comoment={2,1,2}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v2 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,2}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,2} scheme=path scaled=yes spec={}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,2} scheme=path scaled=true spec={"blocks": {"A": [1], "B": [3]}, "paths": [["A", "B"]]}'::crm.pls_state$$);
SELECT sqlstate_of($$SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,2} scheme=path scaled=true spec={"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]} x'::crm.pls_state$$);
-- the full message of one
SELECT 'v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,2} scheme=path scaled=true spec={"blocks": {"A": [1], "B": [3]}, "paths": [["A", "B"]]}'::crm.pls_state;

-- models: malformed text (22P02); a well-formed one for contrast
\set small '{"scheme": "centroid", "scaled": false, "items": 4, "respondents": 4, "skipped": 0, "iterations": 4, "converged": true, "tol": 1e-06, "maxiter": 100, "gof": 0.743, "lvs": [{"name": "A", "sign": 1, "r2": 0, "items": [{"item": 1, "mean": 2.5, "sd": 1.118, "weight": 0.592, "loading": 0.972}, {"item": 2, "mean": 2.5, "sd": 1.118, "weight": 0.347, "loading": 0.918}]}, {"name": "B", "sign": 1, "r2": 0.613, "items": [{"item": 3, "mean": 3, "sd": 0.707, "weight": 0.261, "loading": 0.908}, {"item": 4, "mean": 3, "sd": 1.225, "weight": 0.682, "loading": 0.996}]}], "paths": [{"from": "A", "to": "B", "coefficient": 0.783}]}'
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', :'small'));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"sign": 1, "r2": 0.613', '"sign": 0, "r2": 0.613')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"to": "B"', '"to": "A"')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"item": 3', '"item": 2')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"item": 4,', '"item": 5,')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"sd": 0.707', '"sd": 0')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"scheme": "centroid"', '"scheme": "mode b"')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"gof": 0.743', '"gof": 0.743, "extra": 1')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"name": "B"', '"name": "A"')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', replace(:'small', '"iterations": 4', '"iterations": 101')));
SELECT sqlstate_detail(format('SELECT %L::crm.pls_model', left(:'small', 100)));
SELECT sqlstate_of($$SELECT 'not json'::crm.pls_model$$);

-- scoring: the wrong number of items (2202E), NaN (22000), an unknown LV (22023)
SELECT sqlstate_of(format('SELECT crm.pls_score(%L::crm.pls_model, ARRAY[1, 2, 3]::float8[])', :'small'));
SELECT sqlstate_of(format('SELECT crm.pls_score(%L::crm.pls_model, ARRAY[1, 2, 3, ''NaN'']::float8[])', :'small'));
SELECT sqlstate_of(format('SELECT crm.pls_score(%L::crm.pls_model, ARRAY[1, 2, 3, 4]::float8[], ''C'')', :'small'));
-- the index: the scale must be finite with scale_min < scale_max, and hold the item means (22023)
SELECT sqlstate_of(format('SELECT crm.pls_index(%L::crm.pls_model, 10, 1)', :'small'));
SELECT sqlstate_of(format('SELECT crm.pls_index(%L::crm.pls_model, 1, ''Infinity'')', :'small'));
SELECT sqlstate_of(format('SELECT crm.pls_index(%L::crm.pls_model, 2.6, 10)', :'small'));
SELECT round(index::numeric, 4) AS index FROM crm.pls_index(:'small'::crm.pls_model, 1, 5) ORDER BY lv;

RESET search_path;
DROP SCHEMA pls_errors CASCADE;
