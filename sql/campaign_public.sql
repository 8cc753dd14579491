-- Campaign metrics on public data not in ../shared: the Pima Indians
-- diabetes test set of R's MASS package (332 women; plasma glucose as the
-- score, diabetes as the response), written to test/reference/pima_te.csv by
-- test/reference/campaign_pima.R, which also computes the reference numbers
-- independently of crm (R 4.2, MASS 7.3): AUC 0.797054346485 by the
-- Mann-Whitney statistic (ties 1/2), the 95 % Wilson interval
-- [0.280015000059, 0.380539118541] of the rate 109/332 (prop.test without
-- continuity correction), and the cumulative customers/responders of score
-- buckets 1, 1-2, 1-3 and 1-5 of 10 with ties kept together: 34/31, 68/51,
-- 102/65, 168/83.  Tolerance 1e-9 for the AUC, Gini and interval (R printed
-- 12 decimals); the counts exactly.
CREATE SCHEMA campaign_public;
SET search_path = campaign_public, public;
CREATE TABLE pima (id int, glu float8, diabetic boolean);
\copy pima FROM 'test/reference/pima_te.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE st AS SELECT crm.gains_fit(glu, diabetic) AS g, crm.response_fit(diabetic) AS r FROM pima;
SELECT count(*) AS customers, count(*) FILTER (WHERE diabetic) AS responders, count(DISTINCT glu) AS distinct_scores FROM pima;
SELECT abs(crm.auc(g) - 0.797054346485) < 1e-9 AS auc, abs(crm.gini(g) - 0.594108692969) < 1e-9 AS gini,
       round(crm.auc(g)::numeric, 6) AS auc_6
FROM st;
SELECT "group", abs(ci_low - 0.280015000059) < 1e-9 AS wilson_lower, abs(ci_high - 0.380539118541) < 1e-9 AS wilson_upper
FROM st, crm.response_rate(st.r, 0.95);
SELECT bucket, cum_customers, cum_responders
FROM st, crm.gains_table(st.g, 10) WHERE bucket IN (1, 2, 3, 5) ORDER BY bucket;
SELECT bool_and((bucket, cum_customers, cum_responders) IN ((1, 34, 31), (2, 68, 51), (3, 102, 65), (5, 168, 83))) AS buckets_equal_r
FROM st, crm.gains_table(st.g, 10) WHERE bucket IN (1, 2, 3, 5);
DROP SCHEMA campaign_public CASCADE;
