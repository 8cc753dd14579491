-- SERVQUAL gap intervals on public paired data not in ../shared.  The
-- interval of a gap is the one-sample Student t interval of the
-- respondents' gaps P - E, i.e. R's paired t.test(P, E, paired = TRUE).
-- test/reference/servqual_public.R (R 4.2.2, MASS 7.3.58.2) writes two
-- public paired data sets of base R as expectation (E) and perception (P)
-- -- a relabelling, to check the arithmetic, not a survey -- and prints the
-- reference numbers computed with t.test, independently of crm:
--   - datasets::sleep (test/reference/sleep.csv): 10 patients, extra hours
--     of sleep on drug 1 (E) and drug 2 (P), one item: gap 1.58, 95 %
--     [0.700114236723, 2.459885763277] (= t.test(drug2, drug1, paired =
--     TRUE)), 99 % [0.315948114895, 2.844051885105];
--   - MASS::immer (test/reference/immer.csv): barley yields of 5 varieties
--     (items M, P, S, T, V) at 6 locations (respondents), 1931 (E) and 1932
--     (P); map a = items 1-2, b = items 3-5; importance weights 1 and 3:
--     every item, both dimensions (a respondent's dimension gap is the mean
--     of its item gaps), the overall gap (mean of the dimension gaps) and the
--     weighted gap ((g_a + 3 g_b) / 4) at 95 % and 99 % (t with 5 degrees of
--     freedom).
-- Tolerance 1e-9 on the gap, its sd and the interval ends (R printed 12
-- decimals); n exactly.
CREATE SCHEMA servqual_public;
SET search_path = servqual_public, public;
CREATE TABLE sleep (id int, drug1 float8, drug2 float8);
\copy sleep FROM 'test/reference/sleep.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE immer (loc text, var text, item int, y1931 float8, y1932 float8);
\copy immer FROM 'test/reference/immer.csv' WITH (FORMAT csv, HEADER true)
SELECT (SELECT count(*) FROM sleep) AS sleep_patients, count(*) AS immer_rows, count(DISTINCT loc) AS locations,
       count(DISTINCT item) AS varieties
FROM immer;

-- R's numbers: score, level, n, gap, sd, interval
CREATE TABLE r_ref (score text, level float8, n bigint, gap float8, sd float8, lo float8, hi float8);
INSERT INTO r_ref VALUES
	('sleep', 0.95, 10, 1.58, 1.229995483280, 0.700114236723, 2.459885763277),
	('sleep', 0.99, 10, 1.58, 1.229995483280, 0.315948114895, 2.844051885105),
	('item 1', 0.95, 6, -16.383333333333, 23.741896863281, -41.298926060395, 8.532259393728),
	('item 1', 0.99, 6, -16.383333333333, 23.741896863281, -55.465237283173, 22.698570616506),
	('item 2', 0.95, 6, -14.416666666667, 31.452784720382, -47.424339926211, 18.591006592878),
	('item 2', 0.99, 6, -14.416666666667, 31.452784720382, -66.191582482179, 37.358249148845),
	('item 3', 0.95, 6, -21.8, 29.443097663120, -52.698636036616, 9.098636036616),
	('item 3', 0.99, 6, -21.8, 29.443097663120, -70.266738840714, 26.666738840714),
	('item 4', 0.95, 6, -18.4, 17.618967052583, -36.889971963134, 0.089971963134),
	('item 4', 0.99, 6, -18.4, 17.618967052583, -47.402854405850, 10.602854405850),
	('item 5', 0.95, 6, -8.566666666667, 33.778316516172, -44.014835874424, 26.881502541091),
	('item 5', 0.99, 6, -8.566666666667, 33.778316516172, -64.169676370327, 47.036343036993),
	('a', 0.95, 6, -15.4, 26.219744468625, -42.915934314341, 12.115934314341),
	('a', 0.99, 6, -15.4, 26.219744468625, -58.560727249935, 27.760727249935),
	('b', 0.95, 6, -16.255555555556, 22.795785835366, -40.178265650624, 7.667154539513),
	('b', 0.99, 6, -16.255555555556, 22.795785835366, -53.780051496600, 21.268940385489),
	('unweighted', 0.95, 6, -15.827777777778, 23.808094834103, -40.812841014709, 9.157285459153),
	('unweighted', 0.99, 6, -15.827777777778, 23.808094834103, -55.018651232128, 23.363095676573),
	('weighted', 0.95, 6, -16.041666666667, 23.109578191016, -40.293681643281, 8.210348309948),
	('weighted', 0.99, 6, -16.041666666667, 23.109578191016, -54.082701061834, 21.999367728501);

CREATE TABLE fits AS
SELECT (SELECT crm.servqual_fit('sleep=1'::crm.servqual_map, ARRAY[drug1], ARRAY[drug2]) FROM sleep) AS sleep,
       (SELECT crm.servqual_fit('a=1-2 b=3-5'::crm.servqual_map, e, p, '{1,3}') FROM
          (SELECT loc, array_agg(y1931 ORDER BY item) AS e, array_agg(y1932 ORDER BY item) AS p FROM immer GROUP BY loc) r) AS immer;
CREATE VIEW crm_scores AS
SELECT 'sleep' AS score, l.level, x.n, x.gap, x.gap_sd, x.ci_low, x.ci_high
FROM fits, (VALUES (0.95), (0.99)) l(level), crm.servqual_items(fits.sleep, l.level) x
UNION ALL
SELECT 'item ' || x.item, l.level, x.n, x.gap, x.gap_sd, x.ci_low, x.ci_high
FROM fits, (VALUES (0.95), (0.99)) l(level), crm.servqual_items(fits.immer, l.level) x
UNION ALL
SELECT x.dimension, l.level, x.n, x.gap, x.gap_sd, x.ci_low, x.ci_high
FROM fits, (VALUES (0.95), (0.99)) l(level), crm.servqual_dimensions(fits.immer, l.level) x
UNION ALL
SELECT x.score, l.level, x.n, x.gap, x.gap_sd, x.ci_low, x.ci_high
FROM fits, (VALUES (0.95), (0.99)) l(level), crm.servqual_overall(fits.immer, l.level) x;
SELECT r.score, r.level, c.n,
       c.n = r.n AND abs(c.gap - r.gap) < 1e-9 AND abs(c.gap_sd - r.sd) < 1e-9 AS gap_sd_equal_r,
       abs(c.ci_low - r.lo) < 1e-9 AS lower_equals_r, abs(c.ci_high - r.hi) < 1e-9 AS upper_equals_r,
       round(c.ci_low::numeric, 4) AS ci_low, round(c.ci_high::numeric, 4) AS ci_high
FROM r_ref r LEFT JOIN crm_scores c USING (score, level)
ORDER BY r.score = 'sleep' DESC, r.score LIKE 'item%' DESC, r.score, r.level;
SELECT count(*) AS crm_scores, count(*) FILTER (WHERE r.score IS NULL) AS not_in_r
FROM crm_scores c LEFT JOIN r_ref r USING (score, level);
DROP SCHEMA servqual_public CASCADE;
