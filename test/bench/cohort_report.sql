-- Result table of the cohort benchmark (see test/bench/cohort.sh).  Run with psql -At.
\set ON_ERROR_STOP on
CREATE TEMP VIEW cohort_medians AS
SELECT q.ord, q.name, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms
FROM bench_times t JOIN bench_queries q USING (name)
WHERE q.ord BETWEEN 41 AND 49
GROUP BY q.ord, q.name;

\echo '| query | median ms | ratio to crm |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', m.name, to_char(m.median_ms, 'FM999999990.0'),
              to_char(m.median_ms / c.median_ms, 'FM9990.00'))
FROM cohort_medians m, (SELECT median_ms FROM cohort_medians WHERE ord = 41) c
ORDER BY m.ord;
\echo ''
SELECT format('plain SQL / crm = %s (target >= 2)', to_char(s.median_ms / c.median_ms, 'FM9990.00'))
FROM cohort_medians s, cohort_medians c WHERE s.ord = 42 AND c.ord = 41;
