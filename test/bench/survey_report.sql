-- Result table of the survey benchmark (see test/bench/survey.sh).  Run with psql -At.
\set ON_ERROR_STOP on
CREATE TEMP VIEW survey_medians AS
SELECT q.ord, q.name, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms
FROM bench_times t JOIN bench_queries q USING (name)
WHERE q.ord BETWEEN 51 AND 59
GROUP BY q.ord, q.name;

\echo '| query | median ms | ratio to crm |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', m.name, to_char(m.median_ms, 'FM999999990.0'),
              to_char(m.median_ms / c.median_ms, 'FM9990.00'))
FROM survey_medians m, (SELECT median_ms FROM survey_medians WHERE ord = 51) c
ORDER BY m.ord;
\echo ''
SELECT format('plain SQL / crm = %s', to_char(s.median_ms / c.median_ms, 'FM9990.00'))
FROM survey_medians s, survey_medians c WHERE s.ord = 52 AND c.ord = 51;
