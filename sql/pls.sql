-- PLS path modelling on small and generated data: the state's moments
-- against SQL's own statistics, its text and binary forms, the spec's
-- canonical order, NULL rows, empty input, the model's text, jsonb and
-- binary forms, scoring, the index, plspm's sign rule, items left out of
-- every block, single-item blocks, large offsets.
CREATE SCHEMA pls;
SET search_path = pls, public;
\i test/load/pls_close.sql

-- a deterministic standard normal deviate per (row, stream)
CREATE FUNCTION z(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT sqrt(-2 * ln((abs(hashint8(i * 100 + k)) % 1000000 + 0.5) / 1e6))
       * cos(2 * pi() * ((abs(hashint8(i * 100 + k + 50)) % 1000000 + 0.5) / 1e6)) $$;

-- 500 respondents of a structural model XI -> ETA1 -> ETA2, XI -> ETA2,
-- three items each (positions 1-3, 4-6, 7-9) and a tenth unrelated item
CREATE TABLE resp AS
SELECT i AS id,
       ARRAY[5 + xi + 0.8 * z(i, 1), 5 + 0.9 * xi + 0.7 * z(i, 2), 5 + 1.1 * xi + z(i, 3),
             4 + eta1 + 0.6 * z(i, 4), 4 + 0.8 * eta1 + 0.9 * z(i, 5), 4 + eta1 + 0.8 * z(i, 6),
             6 + eta2 + 0.7 * z(i, 7), 6 + 1.2 * eta2 + z(i, 8), 6 + eta2 + 0.5 * z(i, 9),
             z(i, 10)] AS items
FROM (SELECT i, xi, eta1, 0.4 * xi + 0.5 * eta1 + 0.6 * z(i, 13) AS eta2
      FROM (SELECT i, xi, 0.7 * xi + 0.7 * z(i, 12) AS eta1
            FROM (SELECT i, z(i, 11) AS xi FROM generate_series(1, 500) i) a) b) c;
\set spec '{"blocks": {"XI": [1, 2, 3], "ETA1": [4, 5, 6], "ETA2": [7, 8, 9]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}'

-- the state's moments equal avg() and covar_samp() (1e-12 relative)
CREATE TABLE state AS SELECT crm.pls_partial(items) AS s FROM resp;
SELECT count(*) AS items, min(n) AS n,
       max(abs(m.mean - q.mean) / abs(q.mean)) < 1e-12 AS means_equal,
       max(abs(m.covariance[q.j] - q.cov) / sqrt(m.covariance[m.item] * q.var_j)) < 1e-12 AS covariances_equal
FROM state, crm.pls_moments(s) m
JOIN (SELECT a.i, b.j, avg(r.items[a.i]) AS mean, covar_samp(r.items[a.i], r.items[b.j]) AS cov,
             var_samp(r.items[b.j]) AS var_j
      FROM resp r, generate_series(1, 10) a(i), generate_series(1, 10) b(j) GROUP BY 1, 2) q ON q.i = m.item;

-- the text form of a small state: n, means and the co-moments of the upper triangle
SELECT crm.pls_partial(x) FROM (VALUES (ARRAY[1, 4]::float8[]), (ARRAY[2, 6]), (ARRAY[3, 5])) v(x);
SELECT crm.pls_moments(crm.pls_partial(x)) FROM (VALUES (ARRAY[1, 4]::float8[]), (ARRAY[2, 6]), (ARRAY[3, 5])) v(x);
-- text round-trips exactly; so does the binary form
SELECT s::text::crm.pls_state::text = s::text AS state_text_round_trip FROM state;
CREATE TABLE stored AS
SELECT (SELECT s FROM state) AS s, (SELECT crm.pls_fit(items, :'spec') FROM resp) AS m,
       (SELECT crm.pls_fit(items, :'spec', 'path', false) FROM resp) AS mu;
\copy stored TO 'results/pls_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/pls_stored.bin' WITH (FORMAT binary)
SELECT a.s::text = b.s::text AS state_binary_round_trip, a.m::text = b.m::text AND a.mu::text = b.mu::text AS model_binary_round_trip
FROM stored a, stored_back b;
-- a state of crm.pls_fit carries its spec (canonical: LVs by first item, paths by cause then effect)
SELECT substr(s::text, strpos(s::text, ' scheme=')) AS carried
FROM (SELECT crm.pls_trans(NULL, ARRAY[1, 2, 3, 4, 5, 6]::float8[],
                           '{"paths": [["B", "C"], ["A", "C"], ["A", "B"]], "blocks": {"C": [5, 6], "A": [2, 1], "B": [3, 4]}}',
                           'path', false) AS s) q;
SELECT s::text::crm.pls_state::text = s::text AS carried_spec_round_trips
FROM (SELECT crm.pls_trans(NULL, ARRAY[1, 2]::float8[], '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]], "tol": 1e-8}') AS s) q;

-- the spec's order does not matter: LVs by their first item, items as
-- listed, paths by cause then effect; tol and maxiter are kept
SELECT * FROM crm.pls_r2((SELECT crm.pls_fit(items, :'spec') FROM resp));
SELECT * FROM crm.pls_paths((SELECT crm.pls_fit(items,
	'{"paths": [["ETA1", "ETA2"], ["XI", "ETA2"], ["XI", "ETA1"]], "blocks": {"ETA2": [7, 8, 9], "ETA1": [4, 5, 6], "XI": [1, 2, 3]}}') FROM resp))
	WHERE coefficient IS NOT NULL;
SELECT pls_max_diff(crm.pls_fit(items, :'spec'),
                    crm.pls_fit(items, '{"paths": [["ETA1", "ETA2"], ["XI", "ETA2"], ["XI", "ETA1"]], "blocks": {"ETA2": [7, 8, 9], "ETA1": [4, 5, 6], "XI": [1, 2, 3]}}')) = 0 AS order_does_not_matter
FROM resp;
SELECT lv, item FROM crm.pls_weights((SELECT crm.pls_fit(items, '{"blocks": {"XI": [3, 1, 2], "ETA1": [4, 5, 6], "ETA2": [7, 8, 9]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}') FROM resp))
WHERE lv = 'XI';
SELECT m::jsonb -> 'tol' AS tol, m::jsonb -> 'maxiter' AS maxiter, crm.iterations(m) AS iterations,
       crm.iterations(m) > (SELECT crm.iterations(crm.pls_fit(items, :'spec')) FROM resp) AS more_iterations_than_at_1e6
FROM (SELECT crm.pls_fit(items, '{"blocks": {"XI": [1, 2, 3], "ETA1": [4, 5, 6], "ETA2": [7, 8, 9]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]], "tol": 1e-14, "maxiter": 500}') AS m FROM resp) q;

-- the model recovers the structure: all loadings high, positive paths
SELECT round(coefficient::numeric, 2) AS coefficient, from_lv, to_lv FROM crm.pls_paths((SELECT crm.pls_fit(items, :'spec', 'path') FROM resp));
SELECT min(loading) > 0.7 AS loadings_high FROM crm.pls_loadings((SELECT crm.pls_fit(items, :'spec', 'path') FROM resp));

-- items in no block are ignored: the fit equals one on the used items only
SELECT pls_max_diff(crm.pls_fit(items, '{"blocks": {"XI": [2, 4, 6], "ETA1": [8, 10, 12], "ETA2": [14, 16, 18]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}'),
                    (SELECT crm.pls_fit(items, :'spec') FROM resp)) IS NULL AS positions_differ,
       (SELECT max(abs(x.coefficient - y.coefficient)) FROM crm.pls_paths(crm.pls_fit(items, '{"blocks": {"XI": [2, 4, 6], "ETA1": [8, 10, 12], "ETA2": [14, 16, 18]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}')) x
        JOIN crm.pls_paths((SELECT crm.pls_fit(items, :'spec') FROM resp)) y USING (from_lv, to_lv)) < 1e-12 AS same_paths
FROM (SELECT array_agg(v ORDER BY k) AS items FROM (
	SELECT id, 2 * k - 1 AS k, z(id, 20 + k) AS v FROM resp, generate_series(1, 10) k
	UNION ALL SELECT id, 2 * k, items[k] FROM resp, generate_series(1, 9) k) u GROUP BY id) padded;

-- NULL rows: a NULL array or a NULL item skips the row (counted); empty input gives NULL
SELECT (crm.pls_summary(m)).respondents, (crm.pls_summary(m)).skipped,
       pls_max_diff(m, (SELECT crm.pls_fit(items, :'spec') FROM resp)) = 0 AS same_as_without
FROM (SELECT crm.pls_fit(items, :'spec') AS m FROM (
	SELECT items FROM resp UNION ALL SELECT NULL UNION ALL SELECT ARRAY[1, 2, 3, NULL, 5, 6, 7, 8, 9, 10]) q) f;
SELECT crm.pls_fit(items, :'spec') IS NULL AS empty_is_null FROM resp WHERE false;
SELECT crm.pls_fit(items, :'spec') IS NULL AS all_null_is_null FROM (VALUES (NULL::float8[]), (ARRAY[NULL::float8])) v(items);
SELECT crm.pls_partial(items) AS all_null_state FROM (VALUES (NULL::float8[]), (ARRAY[NULL::float8])) v(items);
SELECT crm.pls_fit_final(crm.pls_partial(items), :'spec') IS NULL AS skipped_only_is_null FROM (VALUES (NULL::float8[])) v(items);
SELECT crm.pls_fit_final(NULL, :'spec') IS NULL AS null_state_is_null;
-- a transition called directly leaves its input state unchanged
SELECT crm.pls_trans(s, ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]::float8[]) IS NOT NULL AS added,
       s::text = (SELECT s::text FROM state) AS input_unchanged FROM state;
SELECT crm.pls_combine(s, s)::text <> s::text AS combined, s::text = (SELECT s::text FROM state) AS input_unchanged FROM state;

-- the model's forms: one line of JSON that round-trips, jsonb, and a small model in full
SELECT m::text::crm.pls_model::text = m::text AS model_text_round_trip,
       jsonb_typeof(m::jsonb -> 'lvs') AS lvs, jsonb_array_length(m::jsonb -> 'paths') AS paths,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(m::jsonb) k) AS keys
FROM stored;
SELECT '{"paths": [{"to": "B", "from": "A", "coefficient": 0.783}], "lvs": [{"name": "A", "sign": 1, "r2": 0,
          "items": [{"item": 1, "mean": 2.5, "sd": 1.118, "weight": 0.592, "loading": 0.972},
                    {"item": 2, "mean": 2.5, "sd": 1.118, "weight": 0.347, "loading": 0.918}]},
         {"name": "B", "sign": 1, "r2": 0.613, "items": [{"item": 3, "mean": 3, "sd": 0.707, "weight": 0.261, "loading": 0.908},
                    {"loading": 0.996, "weight": 0.682, "sd": 1.225, "mean": 3, "item": 4}]}],
         "scheme": "centroid", "scaled": false, "items": 4, "respondents": 4, "skipped": 0, "iterations": 4,
         "converged": true, "tol": 1e-6, "maxiter": 100, "gof": 0.743}'::crm.pls_model AS small_model;
SELECT round(coefficient::numeric, 6) AS coefficient, (SELECT round(r2::numeric, 6) FROM crm.pls_r2(m) WHERE lv = 'B') AS r2_b,
       (SELECT array_agg(round(weight::numeric, 6) ORDER BY item) FROM crm.pls_weights(m)) AS weights,
       (SELECT array_agg(round(loading::numeric, 6) ORDER BY item) FROM crm.pls_loadings(m)) AS loadings
FROM (SELECT crm.pls_fit(x, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}', 'centroid', false) AS m
      FROM (VALUES (ARRAY[1, 2, 2, 1]::float8[]), (ARRAY[2, 1, 3, 3]), (ARRAY[3, 3, 4, 4]), (ARRAY[4, 4, 3, 4])) v(x)) q,
     crm.pls_paths(m);

-- scoring: a NULL item makes the scores of its LV NULL, only; each LV alone
SELECT s.* FROM stored, crm.pls_score(m, ARRAY[5, 5, NULL, 4, 4, 4, 6, 6, 6, 0]) s WHERE s.score IS NULL;
SELECT crm.pls_score(m, ARRAY[5, 5, NULL, 4, 4, 4, 6, 6, 6, 0], 'XI') IS NULL AS xi_null,
       round(crm.pls_score(m, ARRAY[5, 5, NULL, 4, 4, 4, 6, 6, 6, 0], 'ETA2')::numeric, 10)
       = round((SELECT score FROM crm.pls_score(m, ARRAY[5, 5, NULL, 4, 4, 4, 6, 6, 6, 0]) WHERE lv = 'ETA2')::numeric, 10) AS eta2_same
FROM stored;
-- scores of unscaled models are standardized too
SELECT lv, round(avg(score)::numeric, 10) AS mean, round(stddev_pop(score)::numeric, 10) AS sd
FROM stored, resp, crm.pls_score(mu, items) GROUP BY lv ORDER BY lv;

-- the index: normalized weights sum to 1 per block; index = 100 (mean - min) / (max - min)
SELECT lv, round(sum(normalized_weight)::numeric, 12) AS normalized_sum
FROM stored, crm.pls_weights(mu) GROUP BY lv ORDER BY lv;
SELECT i.lv, round(i.mean::numeric, 6) AS mean, round(i.index::numeric, 6) = round((100 * (i.mean - 0) / (10 - 0))::numeric, 6) AS index_formula
FROM stored, crm.pls_index(mu, 0, 10) i;
-- a scaled model's index weighs the raw items by weight / sd: the mean rescaled score, as unscaled
SELECT max(abs(i.mean - s.mean)) < 1e-12 AS scaled_index_is_mean_rescaled_score
FROM stored, crm.pls_index(m, 0, 10) i
JOIN (SELECT s.lv, avg(s.rescaled) AS mean FROM stored, resp, crm.pls_score(stored.m, items) s GROUP BY 1) s USING (lv);

-- plspm's sign rule: an LV whose items correlate negatively with it in the
-- majority is reversed; its loadings and paths change sign, the reported
-- outer weights do not (plspm's outer_model$weight), and its rescaled
-- index is NULL (plspm's rescale() requires positive weights)
CREATE TABLE flip AS
SELECT i, ARRAY[xi + z(i, 1), xi + z(i, 2), xi + z(i, 3), -0.3 * xi + z(i, 4), -0.3 * xi + z(i, 5), 1.5 * xi + z(i, 6)] AS items
FROM (SELECT i, z(i, 0) AS xi FROM generate_series(1, 1000) i) q;
CREATE TABLE flip_fit AS
SELECT crm.pls_fit(items, '{"blocks": {"A": [1, 2, 3], "B": [4, 5, 6]}, "paths": [["A", "B"]]}') AS m FROM flip;
SELECT lv, m::jsonb #> ARRAY['lvs', (lv = 'B')::int::text, 'sign'] AS sign FROM flip_fit, crm.pls_r2(m);
SELECT w.lv, w.item, sign(w.weight) AS weight_sign, sign(l.loading) AS loading_sign, w.normalized_weight
FROM flip_fit, crm.pls_weights(m) w JOIN crm.pls_loadings(m) l USING (lv, item) WHERE lv = 'B';
SELECT sign(coefficient) AS path_sign FROM flip_fit, crm.pls_paths(m);
SELECT lv, mean, index FROM flip_fit, crm.pls_index(m, -5, 5);
SELECT max(abs(c.r - l.loading)) < 1e-12 AS loadings_are_correlations_with_scores
FROM (SELECT s.lv, k AS item, corr(items[k], s.score) AS r
      FROM flip_fit, flip, crm.pls_score(m, items) s, generate_series(1, 6) k
      WHERE (s.lv = 'A') = (k <= 3) GROUP BY 1, 2) c
JOIN crm.pls_loadings((SELECT m FROM flip_fit)) l USING (lv, item);

-- a single-item block: its communality stays out of the GoF (plspm's get_gof)
SELECT round(g.gof::numeric, 12) = round(sqrt(
	(SELECT avg(communality) FROM crm.pls_loadings(m) WHERE lv <> 'ETA2')
	* (SELECT avg(r2) FROM crm.pls_r2(m) WHERE endogenous))::numeric, 12) AS gof_without_single_item_block,
       round((SELECT loading FROM crm.pls_loadings(m) WHERE lv = 'ETA2')::numeric, 12) = 1 AS single_item_loading_1
FROM (SELECT crm.pls_fit(items, '{"blocks": {"XI": [1, 2, 3], "ETA1": [4, 5, 6], "ETA2": [8]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}') AS m FROM resp) q,
     crm.pls_gof(m) g;

-- a large offset (1e8 added to every item) leaves the covariances and the model as they were (1e-7)
SELECT max(abs(x.coefficient - y.coefficient)) < 1e-7 AS same_paths_with_offset
FROM crm.pls_paths((SELECT crm.pls_fit(items, :'spec') FROM resp)) x
JOIN crm.pls_paths((SELECT crm.pls_fit(array(SELECT v + 1e8 FROM unnest(items) v), :'spec') FROM resp)) y
USING (from_lv, to_lv);
SELECT max(abs(a.covariance[k] - b.covariance[k])) < 1e-7 AS same_covariances_with_offset
FROM crm.pls_moments((SELECT crm.pls_partial(items) FROM resp)) a
JOIN crm.pls_moments((SELECT crm.pls_partial(array(SELECT v + 1e8 FROM unnest(items) v)) FROM resp)) b USING (item),
     generate_series(1, 10) k;

-- short arrays (1-byte varlena headers on disk) are read like long ones
CREATE TABLE short_rows AS SELECT ARRAY[items[1], items[4]] AS items FROM resp;
SELECT pls_max_diff(crm.pls_fit(items, '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}'),
                    (SELECT crm.pls_fit(ARRAY[items[1], items[4]], '{"blocks": {"A": [1], "B": [2]}, "paths": [["A", "B"]]}') FROM resp)) = 0 AS short_arrays
FROM short_rows;

RESET search_path;
DROP SCHEMA pls CASCADE;
