-- Correctness of the survey benchmark (see test/bench/survey.sh): crm and
-- plain SQL compared group by group.  Run with psql -At; prints one line:
-- groups|differing|responses|answered|max_nps_diff|max_se_diff|value_bytes
\set ON_ERROR_STOP on
CREATE TEMP TABLE crm_groups AS SELECT * FROM survey_crm;
CREATE TEMP TABLE sql_groups AS SELECT * FROM survey_sql;
-- the NPS is computed the same way in both (exactly equal); the SE up to
-- rounding (x^2 in SQL is pow(), crm multiplies)
SELECT (SELECT count(*) FROM crm_groups),
       count(*) FILTER (WHERE c.grp IS NULL OR s.grp IS NULL OR c.n <> s.n OR c.nps <> s.nps
                           OR abs(c.se - s.se) > 1e-12),
       (SELECT count(*) FROM bench_responses), (SELECT count(score) FROM bench_responses),
       max(abs(c.nps - s.nps)), max(abs(c.se - s.se)),
       (SELECT pg_column_size(crm.nps_agg(score)) FROM bench_responses WHERE grp = 1)
FROM crm_groups c FULL JOIN sql_groups s USING (grp);
