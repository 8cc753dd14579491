-- Survey indices: NPS (crm.nps_agg), CSAT (crm.csat_agg), CES (crm.ces_agg)
-- and the weighted CSI (crm.csi, crm.csi_agg): the worked NPS example, edge
-- cases, agreement with plain SQL, rollups and merged values, window use,
-- text/binary/jsonb forms, and the CSI of the ECSI satisfaction data against
-- the PLS reference (../shared/data).  Errors are in survey_errors, forced-
-- parallel plans in survey_parallel.
CREATE SCHEMA survey;
SET search_path = survey, public;

-- ---------------------------------------------------------------------------
-- NPS: the worked example, 100 promoters, 60 passives, 40 detractors:
-- NPS 30, SE 5.5227, 95% CI [19.18, 40.82]
-- ---------------------------------------------------------------------------
CREATE TABLE worked (id int, score int);
INSERT INTO worked
SELECT i, CASE WHEN i <= 100 THEN 9 + i % 2             -- 100 promoters (9, 10)
               WHEN i <= 160 THEN 7 + i % 2             -- 60 passives (7, 8)
               ELSE i % 7 END                           -- 40 detractors (0..6)
FROM generate_series(1, 200) i;
SELECT crm.nps_agg(score) FROM worked;
SELECT crm.nps_score(v) AS nps, crm.nps_responses(v) AS n, round(crm.nps_se(v)::numeric, 4) AS se,
       round(crm.nps_ci_low(v)::numeric, 2) AS ci_low, round(crm.nps_ci_high(v)::numeric, 2) AS ci_high
FROM (SELECT crm.nps_agg(score) AS v FROM worked) q;
-- the same value from counts and from text
SELECT crm.nps(100, 60, 40)::text = (SELECT crm.nps_agg(score)::text FROM worked) AS constructor_same,
       'promoters=100 passives=60 detractors=40'::crm.nps::text = crm.nps(100, 60, 40)::text AS text_same;
-- the SE formula: 100 sqrt(((p + d) - (p - d)^2) / n), p = 0.5, d = 0.2
SELECT abs(crm.nps_se(crm.nps(100, 60, 40)) - 100 * sqrt(((0.5 + 0.2) - (0.5 - 0.2) ^ 2) / 200)) < 1e-12 AS se_formula,
       abs(crm.nps_ci_high(crm.nps(100, 60, 40)) - (30 + 1.959963984540054 * crm.nps_se(crm.nps(100, 60, 40)))) < 1e-12 AS ci_formula;
-- jsonb: exactly these keys
SELECT key, CASE WHEN jsonb_typeof(value) = 'number' THEN round(value::text::numeric, 4)::text ELSE value::text END AS value
FROM jsonb_each(crm.nps(100, 60, 40)::jsonb) ORDER BY key;
SELECT crm.nps_jsonb(crm.nps(100, 60, 40)) = crm.nps(100, 60, 40)::jsonb AS cast_is_function;

-- accessors of the counts; the categories of every score
SELECT crm.nps_promoters(v), crm.nps_passives(v), crm.nps_detractors(v), crm.nps_responses(v)
FROM (SELECT crm.nps(100, 60, 40) AS v) q;
SELECT s AS score, crm.nps_category(s) FROM generate_series(0, 10) s;

-- all promoters: NPS 100 with SE 0; all detractors -100; all passives 0
SELECT crm.nps_score(v) AS nps, crm.nps_se(v) AS se, crm.nps_ci_low(v) AS ci_low, crm.nps_ci_high(v) AS ci_high
FROM (SELECT crm.nps_agg(s) AS v FROM (VALUES (9), (10), (10)) t(s)) q;
SELECT crm.nps_score(v) AS nps, crm.nps_se(v) AS se, crm.nps_ci_low(v) AS ci_low, crm.nps_ci_high(v) AS ci_high
FROM (SELECT crm.nps_agg(s) AS v FROM (VALUES (0), (6), (3)) t(s)) q;
SELECT crm.nps_score(v) AS nps, crm.nps_se(v) AS se FROM (SELECT crm.nps_agg(s) AS v FROM (VALUES (7), (8)) t(s)) q;
-- half promoters, half detractors: NPS 0, the largest SE, 100 / sqrt(n)
SELECT crm.nps_score(v) AS nps, crm.nps_se(v) AS se FROM (SELECT crm.nps(50, 0, 50) AS v) q;
-- the interval is cut at +-100: 9 promoters and 1 detractor
SELECT crm.nps_score(v) AS nps, round(crm.nps_se(v)::numeric, 4) AS se,
       round(crm.nps_ci_low(v)::numeric, 4) AS ci_low, crm.nps_ci_high(v) AS ci_high
FROM (SELECT crm.nps(9, 0, 1) AS v) q;

-- n = 0: the counts are 0 and every statistic NULL; no rows, or only NULL
-- scores, give NULL; NULL scores among others are skipped
SELECT crm.nps_responses(v) AS n, crm.nps_score(v) IS NULL AS nps_null, crm.nps_se(v) IS NULL AS se_null,
       crm.nps_ci_low(v) IS NULL AS low_null, crm.nps_ci_high(v) IS NULL AS high_null, v::jsonb
FROM (SELECT crm.nps(0, 0, 0) AS v) q;
SELECT crm.nps_agg(score) IS NULL AS empty_is_null FROM worked WHERE false;
SELECT crm.nps_agg(s) IS NULL AS all_null_is_null FROM (VALUES (NULL::int), (NULL)) t(s);
SELECT crm.nps_agg(s) FROM (VALUES (NULL::int), (10), (NULL), (3)) t(s);
SELECT crm.nps_merge(v) IS NULL AS merge_of_nothing FROM (SELECT NULL::crm.nps AS v) q;

-- comparison of independent samples: difference, SE = sqrt(SE_a^2 + SE_b^2), 95% CI
SELECT difference, round(se::numeric, 4) AS se, round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM crm.nps_compare(crm.nps(100, 60, 40), crm.nps(80, 60, 60));
SELECT abs(c.se - sqrt(crm.nps_se(a) ^ 2 + crm.nps_se(b) ^ 2)) < 1e-12 AS se_formula,
       c.difference = -(crm.nps_compare(b, a)).difference AS antisymmetric
FROM (SELECT crm.nps(100, 60, 40) AS a, crm.nps(80, 60, 60) AS b) q, crm.nps_compare(a, b) c;
SELECT difference, round(se::numeric, 4) AS se, round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM crm.nps_compare(crm.nps(100, 60, 40), crm.nps(100, 60, 40));
SELECT (crm.nps_compare(crm.nps(1, 0, 0), crm.nps(0, 0, 1))).*;        -- cut at +-200
SELECT (crm.nps_compare(crm.nps(100, 60, 40), crm.nps(0, 0, 0))).*;    -- n = 0: NULLs

-- by group, crm equals the plain SQL of count(*) FILTER
CREATE TABLE responses AS
SELECT i, (i % 7) AS region, (i % 3) AS channel, date '2024-01-01' + (i % 30) AS day,
       CASE WHEN i % 23 = 0 THEN NULL ELSE (abs(hashint4(i)) % 11) END AS score
FROM generate_series(1, 5000) i;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE crm.nps_score(v) IS DISTINCT FROM sql_nps
                        OR abs(crm.nps_se(v) - sql_se) > 1e-12) AS differing
FROM (SELECT region, crm.nps_agg(score) AS v,
             100.0::float8 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) AS sql_nps,
             100 * sqrt(((count(*) FILTER (WHERE score >= 9) + count(*) FILTER (WHERE score <= 6))::float8 / count(score)
                         - ((count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))::float8 / count(score)) ^ 2)
                        / count(score)) AS sql_se
      FROM responses GROUP BY region) q;

-- GROUP BY ROLLUP: every subtotal equals the merge of its leaf groups, and
-- the grand total the whole table
CREATE TABLE rolled AS
SELECT region, channel, grouping(region, channel) AS g, crm.nps_agg(score) AS v
FROM responses GROUP BY ROLLUP (region, channel);
SELECT count(*) AS subtotals,
       count(*) FILTER (WHERE r.v::text <> (SELECT crm.nps_merge(l.v)::text FROM rolled l
                                            WHERE l.g = 0 AND l.region = r.region)) AS differing
FROM rolled r WHERE r.g = 1;
SELECT v::text = (SELECT crm.nps_agg(score)::text FROM responses) AS grand_total_same,
       v::text = (SELECT crm.nps_merge(v)::text FROM rolled WHERE g = 0) AS merge_of_leaves_same
FROM rolled WHERE g = 3;
-- stored daily values, rolled up to a month, equal one pass over the month
CREATE TABLE daily AS SELECT day, crm.nps_agg(score) AS v FROM responses GROUP BY day;
SELECT crm.nps_merge(v)::text = (SELECT crm.nps_agg(score)::text FROM responses) AS month_from_days FROM daily;
-- shipped as text, too
SELECT crm.nps_merge(v::text::crm.nps)::text = (SELECT crm.nps_agg(score)::text FROM responses) AS month_from_text FROM daily;

-- as a window aggregate: a running NPS by day equals one aggregate per prefix
SELECT count(*) AS days,
       count(*) FILTER (WHERE running <> (SELECT crm.nps_agg(score)::text FROM responses r WHERE r.day <= w.day)) AS differing
FROM (SELECT DISTINCT day, (crm.nps_agg(score) OVER (ORDER BY day))::text AS running FROM responses) w;

-- called directly, the transition and combine functions leave their input unchanged
SELECT crm.nps_trans(v, 10) AS added, v AS input FROM (SELECT crm.nps(1, 2, 3) AS v) q;
SELECT crm.nps_combine(v, v) AS added, v AS input FROM (SELECT crm.nps(1, 2, 3) AS v) q;

-- text input: any whitespace between fields; prints canonically
SELECT '  promoters=1	passives=0
 detractors=9223372036854775806 '::crm.nps;
-- binary round trip (COPY binary)
CREATE TABLE nps_stored AS SELECT region, crm.nps_agg(score) AS v FROM responses GROUP BY region;
\copy nps_stored TO 'results/survey_nps.bin' WITH (FORMAT binary)
CREATE TABLE nps_back (LIKE nps_stored);
\copy nps_back FROM 'results/survey_nps.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE a.v::text <> b.v::text) AS binary_round_trip_differs
FROM nps_stored a JOIN nps_back b USING (region);
SELECT crm.nps_send(crm.nps(1, 2, 3));

-- ---------------------------------------------------------------------------
-- CSAT: top-2-box share and mean of scores 1..scale_max
-- ---------------------------------------------------------------------------
-- 5-point scale: 2 x 1, 3 x 2, 10 x 3, 40 x 4, 45 x 5 -> CSAT 85 %, mean 4.22
CREATE TABLE csat5 (score int);
INSERT INTO csat5 SELECT 1 FROM generate_series(1, 2);
INSERT INTO csat5 SELECT 2 FROM generate_series(1, 3);
INSERT INTO csat5 SELECT 3 FROM generate_series(1, 10);
INSERT INTO csat5 SELECT 4 FROM generate_series(1, 40);
INSERT INTO csat5 SELECT 5 FROM generate_series(1, 45);
INSERT INTO csat5 VALUES (NULL);                     -- skipped
SELECT crm.csat_agg(score, 5) FROM csat5;
SELECT crm.csat_score(v) AS csat, crm.csat_mean(v) AS mean, crm.csat_responses(v) AS n,
       crm.csat_scale_max(v) AS scale_max, crm.csat_counts(v) AS counts,
       crm.csat_top_box(v, 1) AS top_box, crm.csat_top_box(v, 3) AS top_3_box, crm.csat_top_box(v, 5) AS all_boxes
FROM (SELECT crm.csat_agg(score, 5) AS v FROM csat5) q;
SELECT crm.csat_agg(score, 5)::jsonb FROM csat5;
SELECT crm.csat_jsonb(v) = v::jsonb AS cast_is_function FROM (SELECT crm.csat_agg(score, 5) AS v FROM csat5) q;
-- equal to plain SQL on generated 3-, 7- and 10-point scales, by group
SELECT s AS scale_max, count(*) AS groups,
       count(*) FILTER (WHERE abs(crm.csat_score(v) - sql_top2) > 1e-12 OR abs(crm.csat_mean(v) - sql_mean) > 1e-12
                        OR crm.csat_responses(v) <> sql_n) AS differing
FROM (SELECT s, i % 5 AS grp, crm.csat_agg(1 + abs(hashint4(i * s)) % s, s) AS v,
             100.0::float8 * count(*) FILTER (WHERE 1 + abs(hashint4(i * s)) % s >= s - 1) / count(*) AS sql_top2,
             avg(1 + abs(hashint4(i * s)) % s)::float8 AS sql_mean, count(*) AS sql_n
      FROM generate_series(1, 3000) i, (VALUES (3), (7), (10)) v(s) GROUP BY s, i % 5) q
GROUP BY s ORDER BY s;
-- merge by group = one pass; NULL without rows; n = 0 gives NULL statistics
SELECT crm.csat_merge(v)::text = (SELECT crm.csat_agg(score, 5)::text FROM csat5) AS merge_same
FROM (SELECT score, crm.csat_agg(score, 5) AS v FROM csat5 GROUP BY score) q;
SELECT crm.csat_agg(score, 5) IS NULL AS empty_is_null FROM csat5 WHERE false;
SELECT crm.csat_agg(NULL::int, 5) IS NULL AS all_null_is_null FROM generate_series(1, 3);
SELECT crm.csat_score(v) IS NULL AS csat_null, crm.csat_mean(v) IS NULL AS mean_null,
       crm.csat_top_box(v, 1) IS NULL AS top_box_null, crm.csat_responses(v) AS n, v::jsonb
FROM (SELECT 'scale_max=3 counts={0,0,0}'::crm.csat AS v) q;
-- text and binary round trips
SELECT 'scale_max=10 counts={1,2,3,4,5,6,7,8,9,10}'::crm.csat, ' scale_max=3  counts={0,9223372036854775807,0} '::crm.csat;
CREATE TABLE csat_stored AS SELECT crm.csat_agg(score, 5) AS v FROM csat5;
\copy csat_stored TO 'results/survey_csat.bin' WITH (FORMAT binary)
CREATE TABLE csat_back (LIKE csat_stored);
\copy csat_back FROM 'results/survey_csat.bin' WITH (FORMAT binary)
SELECT a.v::text = b.v::text AS binary_round_trip FROM csat_stored a, csat_back b;
SELECT crm.csat_combine(v, v) AS added, v AS input FROM csat_stored;

-- ---------------------------------------------------------------------------
-- CES on 1..7: mean and % agree (5..7)
-- ---------------------------------------------------------------------------
SELECT crm.ces_agg(s) FROM (VALUES (1), (2), (5), (5), (6), (7), (7), (7), (NULL)) t(s);
SELECT crm.ces_mean(v) AS mean, crm.ces_agree(v) AS agree, crm.ces_responses(v) AS n, crm.ces_counts(v) AS counts, v::jsonb
FROM (SELECT crm.ces_agg(s) AS v FROM (VALUES (1), (2), (5), (5), (6), (7), (7), (7)) t(s)) q;
SELECT crm.ces_jsonb(v) = v::jsonb AS cast_is_function FROM (SELECT crm.ces_agg(7) AS v) q;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE abs(crm.ces_mean(v) - sql_mean) > 1e-12 OR abs(crm.ces_agree(v) - sql_agree) > 1e-12) AS differing
FROM (SELECT i % 9 AS grp, crm.ces_agg(1 + abs(hashint4(i)) % 7) AS v, avg(1 + abs(hashint4(i)) % 7)::float8 AS sql_mean,
             100.0::float8 * count(*) FILTER (WHERE 1 + abs(hashint4(i)) % 7 >= 5) / count(*) AS sql_agree
      FROM generate_series(1, 3000) i GROUP BY 1) q;
SELECT crm.ces_merge(v)::text = (SELECT crm.ces_agg(1 + i % 7)::text FROM generate_series(1, 100) i) AS merge_same
FROM (SELECT i % 4, crm.ces_agg(1 + i % 7) AS v FROM generate_series(1, 100) i GROUP BY 1) q;
SELECT crm.ces_agg(s) IS NULL AS empty_is_null FROM (SELECT 1 WHERE false) t(s);
SELECT crm.ces_mean(v) IS NULL AS mean_null, crm.ces_agree(v) IS NULL AS agree_null, v::jsonb
FROM (SELECT 'counts={0,0,0,0,0,0,0}'::crm.ces AS v) q;
SELECT 'counts={1,2,3,4,5,6,7}'::crm.ces::text::crm.ces;
CREATE TABLE ces_stored AS SELECT crm.ces_agg(1 + i % 7) AS v FROM generate_series(1, 50) i;
\copy ces_stored TO 'results/survey_ces.bin' WITH (FORMAT binary)
CREATE TABLE ces_back (LIKE ces_stored);
\copy ces_back FROM 'results/survey_ces.bin' WITH (FORMAT binary)
SELECT a.v::text = b.v::text AS binary_round_trip FROM ces_stored a, ces_back b;

-- ---------------------------------------------------------------------------
-- CSI = 100 sum w~_i (s_i - min) / (max - min), weights normalized
-- ---------------------------------------------------------------------------
-- one respondent: 8, 9, 7 on 1..10 with weights 0.5, 0.3, 0.2:
-- 100 (0.5 * 7 + 0.3 * 8 + 0.2 * 6) / 9 = 78.8889
SELECT round(crm.csi('{8,9,7}', '{0.5,0.3,0.2}', 1, 10)::numeric, 4) AS csi,
       crm.csi('{8,9,7}', '{5,3,2}', 1, 10) = crm.csi('{8,9,7}', '{0.5,0.3,0.2}', 1, 10) AS weights_normalized,
       round(crm.csi('{8,9,7}', '{1,1,1}', 0, 10)::numeric, 4) AS equal_weights_0_10;
SELECT crm.csi('{10,10}', '{1,3}', 1, 10) AS all_max, crm.csi('{1,1}', '{1,3}', 1, 10) AS all_min,
       crm.csi('{3}', '{2}', 1, 5) AS one_item, crm.csi('{-1,1}', '{1,1}', -1, 1) AS negative_scale;
-- zero weights are allowed; a NULL score is skipped and the weights renormalized
SELECT crm.csi('{8,1,7}', '{0.5,0,0.5}', 1, 10) = crm.csi('{8,7}', '{0.5,0.5}', 1, 10) AS zero_weight_ignored,
       crm.csi('{8,NULL,7}', '{0.5,0.3,0.2}', 1, 10) = crm.csi('{8,7}', '{0.5,0.2}', 1, 10) AS null_item_skipped,
       crm.csi('{NULL,NULL}', '{1,1}', 1, 10) IS NULL AS all_null_is_null,
       crm.csi('{NULL,5}', '{1,0}', 1, 10) IS NULL AS only_zero_weight_answered_is_null,
       crm.csi(NULL, '{1}', 1, 10) IS NULL AS strict;

-- over respondents: the CSI of the mean item scores (crm.csi_score); without
-- missing items it equals the mean of the respondents' CSIs
CREATE TABLE items AS
SELECT i, i % 4 AS grp, ARRAY[1 + abs(hashint4(i)) % 10, 1 + abs(hashint4(i + 7)) % 10, 1 + abs(hashint4(i + 13)) % 10]::float8[] AS scores
FROM generate_series(1, 2000) i;
SELECT crm.csi_respondents(v) AS n, round(crm.csi_score(v)::numeric, 6) AS csi,
       abs(crm.csi_score(v) - (SELECT avg(crm.csi(scores, '{0.5,0.3,0.2}', 1, 10)) FROM items)) < 1e-9 AS equals_mean_of_respondents,
       (SELECT array_agg(round(m::numeric, 6)) FROM unnest(crm.csi_item_means(v)) m) AS item_means
FROM (SELECT crm.csi_agg(scores, '{0.5,0.3,0.2}', 1, 10) AS v FROM items) q;
-- the CSI of the means equals the scalar CSI of the mean scores
SELECT abs(crm.csi_score(v) - crm.csi(crm.csi_item_means(v), '{0.5,0.3,0.2}', 1, 10)) < 1e-9 AS csi_of_means
FROM (SELECT crm.csi_agg(scores, '{0.5,0.3,0.2}', 1, 10) AS v FROM items) q;
-- with missing items the two differ: item 3 is answered only by a low scorer
SELECT v, round(crm.csi_score(v)::numeric, 4) AS csi_of_means, crm.csi_item_means(v) AS item_means, crm.csi_respondents(v) AS n
FROM (SELECT crm.csi_agg(s, '{1,1,2}', 1, 5) AS v
      FROM (VALUES ('{5,5,NULL}'::float8[]), ('{1,1,1}'), ('{NULL,NULL,NULL}'), (NULL)) t(s)) q;
SELECT round(avg(crm.csi(s, '{1,1,2}', 1, 5))::numeric, 4) AS mean_of_scalar
FROM (VALUES ('{5,5,NULL}'::float8[]), ('{1,1,1}')) t(s);
-- an item nobody answered is left out of the CSI of means
SELECT crm.csi_score(v) AS csi, crm.csi_item_means(v) AS item_means, v::jsonb
FROM (SELECT crm.csi_agg(s, '{1,1}', 0, 10) AS v FROM (VALUES ('{8,NULL}'::float8[]), ('{6,NULL}')) t(s)) q;
-- only the zero-weight item answered: respondents, but no CSI
SELECT crm.csi_respondents(v) AS n, crm.csi_score(v) IS NULL AS csi_null
FROM (SELECT crm.csi_agg(s, '{1,0}', 0, 10) AS v FROM (VALUES ('{NULL,3}'::float8[])) t(s)) q;
-- no rows, or only NULL scores: NULL
SELECT crm.csi_agg(scores, '{1,1,1}', 1, 10) IS NULL AS empty_is_null FROM items WHERE false;
SELECT crm.csi_agg(s, '{1,1}', 1, 10) IS NULL AS all_null_is_null
FROM (VALUES (NULL::float8[]), ('{NULL,NULL}')) t(s);
-- merged group states = one pass; shipped as text, too (integer scores: exact)
CREATE TABLE csi_groups AS SELECT grp, crm.csi_agg(scores, '{0.5,0.3,0.2}', 1, 10) AS v FROM items GROUP BY grp;
SELECT crm.csi_merge(v)::text = (SELECT crm.csi_agg(scores, '{0.5,0.3,0.2}', 1, 10)::text FROM items) AS merge_same,
       crm.csi_merge(v::text::crm.csi_state)::text = (SELECT crm.csi_agg(scores, '{0.5,0.3,0.2}', 1, 10)::text FROM items) AS text_merge_same
FROM csi_groups;
SELECT crm.csi_combine(v, v) AS added, v AS input
FROM (SELECT crm.csi_agg(s, '{1,2}', 1, 5) AS v FROM (VALUES ('{1,5}'::float8[])) t(s)) q;
-- text: shortest exact numbers round-trip; binary round trip
SELECT 'scale_min=0.1 scale_max=1e3 respondents=2 items={0.1,3.3000000000000003,2;2e-5,0,0}'::crm.csi_state;
SELECT count(*) FILTER (WHERE v::text::crm.csi_state::text <> v::text) AS text_round_trip_differs FROM csi_groups;
\copy csi_groups TO 'results/survey_csi.bin' WITH (FORMAT binary)
CREATE TABLE csi_back (LIKE csi_groups);
\copy csi_back FROM 'results/survey_csi.bin' WITH (FORMAT binary)
SELECT count(*) FILTER (WHERE a.v::text <> b.v::text) AS binary_round_trip_differs FROM csi_groups a JOIN csi_back b USING (grp);
SELECT key FROM jsonb_each((SELECT v FROM csi_groups WHERE grp = 0)::jsonb) ORDER BY key;
SELECT crm.csi_state_jsonb(v) = v::jsonb AS cast_is_function FROM csi_groups WHERE grp = 0;

-- ---------------------------------------------------------------------------
-- Reference: the ECSI satisfaction data (plspm's Spanish bank survey, 250
-- respondents).  The items are answered on 0..10 (SOURCES.md says 1..10, but
-- 111 of the 6,750 answers are 0, so the scale is taken as 0..10).  For each
-- block and PLS weighting scheme, the reference's rescaled latent variable
-- mean sum w~_i mean(x_i) is the index in scale units, so the CSI with those
-- normalized weights is 100 (mean - 0) / (10 - 0), the ACSI formula on this
-- scale.  The reference prints 10 significant digits: tolerance 1e-6 index
-- points.
-- ---------------------------------------------------------------------------
CREATE TABLE ecsi (imag1 int, imag2 int, imag3 int, imag4 int, imag5 int, expe1 int, expe2 int, expe3 int,
                   expe4 int, expe5 int, qual1 int, qual2 int, qual3 int, qual4 int, qual5 int, val1 int, val2 int,
                   val3 int, val4 int, sat1 int, sat2 int, sat3 int, sat4 int, loy1 int, loy2 int, loy3 int, loy4 int,
                   gender text);
\copy ecsi FROM PROGRAM 'cat "$CRM_DATA_DIR/satisfaction_ecsi.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE ecsi_ref (dataset text, scheme text, scaled boolean, quantity text, block text, item text, value float8);
\copy ecsi_ref FROM PROGRAM 'cat "$CRM_DATA_DIR/ecsi_plspm_reference_results.csv"' WITH (FORMAT csv, HEADER true)
-- one row per respondent and block, the items in order
CREATE TABLE ecsi_blocks AS
SELECT r.respondent, upper(regexp_replace(e.key, '[0-9]+$', '')) AS block,
       array_agg(e.value::float8 ORDER BY e.key) AS scores
FROM (SELECT row_number() OVER () AS respondent, to_jsonb(ecsi) - 'gender' AS j FROM ecsi) r,
     jsonb_each_text(r.j) e
GROUP BY 1, 2;
CREATE TABLE ecsi_weights AS
SELECT scheme, block, array_agg(value ORDER BY item) AS weights
FROM ecsi_ref WHERE dataset = 'satisfaction_ecsi' AND NOT scaled AND quantity = 'normalized_weight'
GROUP BY 1, 2;
SELECT w.scheme, w.block, count(*) AS respondents, round(crm.csi_score(crm.csi_agg(b.scores, w.weights, 0, 10))::numeric, 4) AS csi,
       round((100 * min(m.value) / 10)::numeric, 4) AS reference,
       abs(crm.csi_score(crm.csi_agg(b.scores, w.weights, 0, 10)) - 100 * min(m.value) / 10) < 1e-6 AS within_1e_6,
       abs(avg(crm.csi(b.scores, w.weights, 0, 10)) - 100 * min(m.value) / 10) < 1e-6 AS mean_of_respondents_within_1e_6
FROM ecsi_weights w
JOIN ecsi_blocks b USING (block)
JOIN ecsi_ref m ON m.dataset = 'satisfaction_ecsi' AND NOT m.scaled AND m.quantity = 'rescaled_lv_mean'
               AND m.scheme = w.scheme AND m.block = w.block
GROUP BY w.scheme, w.block ORDER BY w.scheme, w.block;

RESET search_path;
DROP SCHEMA survey CASCADE;
