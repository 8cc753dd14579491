-- Reference test: PLS path modelling of the ECSI model on plspm's satisfaction
-- data (250 respondents, 27 items), against every row of
-- ../shared/data/ecsi_plspm_reference_results.csv (plspm 0.4.9's algorithm:
-- centroid, factorial and path schemes on unscaled items; path and centroid
-- on scaled items).  Tolerances: path coefficients 1e-6; R squared, outer and
-- normalized weights, loadings and rescaled LV means 1e-4.
CREATE SCHEMA pls_ecsi;
SET search_path = pls_ecsi, public;
\i test/load/ecsi.sql
CREATE TABLE ref (dataset text, scheme text, scaled boolean, quantity text, lv_or_block text,
                  item_or_from text, value float8);
\copy ref FROM PROGRAM 'cat "$CRM_DATA_DIR/ecsi_plspm_reference_results.csv"' WITH (FORMAT csv, HEADER true)
SELECT scheme, scaled, count(*) AS reference_rows FROM ref GROUP BY 1, 2 ORDER BY 1, 2;

-- one model per scheme and scaling
CREATE TABLE fits AS
SELECT s.scheme, sc.scaled, crm.pls_fit(items, :'ecsi_spec', s.scheme, sc.scaled) AS m
FROM ecsi_items, (VALUES ('centroid'), ('factorial'), ('path')) s(scheme), (VALUES (false), (true)) sc(scaled)
GROUP BY 1, 2;
SELECT f.scheme, f.scaled, s.respondents, s.skipped, s.iterations, s.converged
FROM fits f, crm.pls_summary(f.m) s ORDER BY 1, 2;

-- every quantity in the reference's long form
CREATE TABLE got AS
SELECT f.scheme, f.scaled, 'path' AS quantity, p.to_lv AS lv_or_block, p.from_lv AS item_or_from, p.coefficient AS value
FROM fits f, crm.pls_paths(f.m) p
UNION ALL
SELECT f.scheme, f.scaled, 'r2', r.lv, NULL, r.r2 FROM fits f, crm.pls_r2(f.m) r
UNION ALL
SELECT f.scheme, f.scaled, 'outer_weight', w.lv, n.name, w.weight
FROM fits f, crm.pls_weights(f.m) w JOIN ecsi_item_names n USING (item)
UNION ALL
SELECT f.scheme, f.scaled, 'normalized_weight', w.lv, n.name, w.normalized_weight
FROM fits f, crm.pls_weights(f.m) w JOIN ecsi_item_names n USING (item)
UNION ALL
SELECT f.scheme, f.scaled, 'loading', l.lv, n.name, l.loading
FROM fits f, crm.pls_loadings(f.m) l JOIN ecsi_item_names n USING (item)
UNION ALL
SELECT f.scheme, f.scaled, 'rescaled_lv_mean', i.lv, NULL, i.mean FROM fits f, crm.pls_index(f.m, 1, 10) i;

CREATE TABLE compared AS
SELECT r.*, g.value AS crm_value, abs(g.value - r.value) AS diff,
       CASE r.quantity WHEN 'path' THEN 1e-6 ELSE 1e-4 END AS tolerance
FROM ref r LEFT JOIN got g
  ON g.scheme = r.scheme AND g.scaled = r.scaled AND g.quantity = r.quantity
 AND g.lv_or_block = r.lv_or_block AND g.item_or_from IS NOT DISTINCT FROM r.item_or_from;

-- all 449 reference rows are within tolerance ...
SELECT count(*) AS reference_rows, count(crm_value) AS computed,
       count(*) FILTER (WHERE diff <= tolerance) AS within_tolerance
FROM compared;
SELECT quantity, count(*) AS rows, count(*) FILTER (WHERE diff <= tolerance) AS within_tolerance,
       max(diff) < 1e-9 AS agree_to_1e9
FROM compared GROUP BY quantity ORDER BY quantity;
-- ... and none is not (this lists any failure)
SELECT scheme, scaled, quantity, lv_or_block, item_or_from, value, crm_value
FROM compared WHERE diff IS NULL OR diff > tolerance ORDER BY 1, 2, 3, 4, 5;

-- plspm's published centroid / unscaled path coefficients (IMAG -> EXPE 0.578959128 ... SAT -> LOY 0.495479322)
SELECT p.from_lv, p.to_lv, round(p.coefficient::numeric, 9) AS coefficient
FROM fits f, crm.pls_paths(f.m) p WHERE f.scheme = 'centroid' AND NOT f.scaled;

-- the customer satisfaction indices (0-100 on the 1-10 scale), centroid, unscaled
SELECT i.lv, round(i.mean::numeric, 4) AS mean_1_to_10, round(i.index::numeric, 2) AS index_0_to_100
FROM fits f, crm.pls_index(f.m, 1, 10) i WHERE f.scheme = 'centroid' AND NOT f.scaled;

-- GoF = sqrt(mean communality over blocks of 2+ items x mean R2 of endogenous LVs), recomputed in SQL
SELECT f.scheme, f.scaled, round(g.gof::numeric, 6) AS gof,
       abs(g.gof - sqrt((SELECT avg(communality) FROM crm.pls_loadings(f.m))
                        * (SELECT avg(r2) FROM crm.pls_r2(f.m) WHERE endogenous))) < 1e-12 AS gof_by_definition
FROM fits f, crm.pls_gof(f.m) g ORDER BY 1, 2;

-- scores of the 250 respondents: standardized (mean 0, population SD 1),
-- loadings are the correlations of the items with them, path coefficients
-- of single-cause LVs are regression slopes, and the mean rescaled score
-- is the rescaled LV mean of the index
CREATE TABLE scores AS
SELECT f.scheme, f.scaled, e.id, e.items, s.lv, s.score, s.rescaled
FROM fits f, ecsi_items e, crm.pls_score(f.m, e.items) s;
SELECT scheme, scaled, max(abs(mean)) < 1e-12 AS mean_0, max(abs(sd - 1)) < 1e-12 AS sd_1
FROM (SELECT scheme, scaled, lv, avg(score) AS mean, stddev_pop(score) AS sd FROM scores GROUP BY 1, 2, 3) q
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT max(abs(c.r - l.loading)) < 1e-12 AS loadings_are_correlations
FROM (SELECT scheme, scaled, lv, n.item, corr(items[n.item], score) AS r
      FROM scores, ecsi_item_names n GROUP BY 1, 2, 3, 4) c
JOIN (SELECT f.scheme, f.scaled, l.* FROM fits f, crm.pls_loadings(f.m) l) l USING (scheme, scaled, lv, item);
SELECT max(abs(s.slope - p.coefficient)) < 1e-12 AS single_cause_paths_are_slopes
FROM (SELECT a.scheme, a.scaled, a.lv AS to_lv, b.lv AS from_lv, regr_slope(a.score, b.score) AS slope
      FROM scores a JOIN scores b USING (scheme, scaled, id)
      WHERE (a.lv, b.lv) IN (('EXPE', 'IMAG'), ('QUAL', 'EXPE')) GROUP BY 1, 2, 3, 4) s
JOIN (SELECT f.scheme, f.scaled, p.* FROM fits f, crm.pls_paths(f.m) p) p USING (scheme, scaled, from_lv, to_lv);
SELECT max(abs(s.mean - i.mean)) < 1e-12 AS mean_rescaled_score_is_index_mean
FROM (SELECT scheme, scaled, lv, avg(rescaled) AS mean FROM scores GROUP BY 1, 2, 3) s
JOIN (SELECT f.scheme, f.scaled, i.* FROM fits f, crm.pls_index(f.m, 1, 10) i) i USING (scheme, scaled, lv);
-- one latent variable of one respondent
SELECT round(crm.pls_score(f.m, e.items, 'SAT')::numeric, 10) = round(s.score::numeric, 10) AS one_lv_score
FROM fits f, ecsi_items e, scores s
WHERE f.scheme = 'path' AND f.scaled AND e.id = 7 AND s.scheme = f.scheme AND s.scaled AND s.id = 7 AND s.lv = 'SAT';

-- one model per group (gender): each equals the fit on that group alone
-- (to rounding: the rows may reach the aggregate in another order)
\i test/load/pls_close.sql
SELECT gender, pls_max_diff(crm.pls_fit(items, :'ecsi_spec', 'centroid', false),
                            (SELECT crm.pls_fit(items, :'ecsi_spec', 'centroid', false) FROM ecsi_items e2
                             WHERE e2.gender = e.gender)) < 1e-12 AS equals_group_alone,
       (crm.pls_summary(crm.pls_fit(items, :'ecsi_spec', 'centroid', false))).respondents
FROM ecsi_items e GROUP BY gender ORDER BY gender;

-- the two-step form on a partial state gives the identical model
SELECT crm.pls_fit_final(crm.pls_partial(items), :'ecsi_spec', 'factorial', false)::text
       = (SELECT m::text FROM fits WHERE scheme = 'factorial' AND NOT scaled) AS two_step_equals_one_step
FROM ecsi_items;
-- and the defaults are plspm's: centroid scheme, scaled items
SELECT crm.pls_fit(items, :'ecsi_spec')::text = (SELECT m::text FROM fits WHERE scheme = 'centroid' AND scaled) AS defaults_centroid_scaled,
       crm.pls_fit(items, :'ecsi_spec', 'path')::text = (SELECT m::text FROM fits WHERE scheme = 'path' AND scaled) AS default_scaled
FROM ecsi_items;

RESET search_path;
DROP SCHEMA pls_ecsi CASCADE;
