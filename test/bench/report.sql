-- Result tables of the crm.summary benchmark (see test/bench/run), printed
-- as Markdown from the recorded bench_times.  Run with psql -At.
\set ON_ERROR_STOP on
CREATE TEMP VIEW medians AS
SELECT q.ord, q.name,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms,
       min(t.ms) AS min_ms, max(t.ms) AS max_ms
FROM bench_times t JOIN bench_queries q USING (name)
GROUP BY q.ord, q.name;

CREATE TEMP VIEW ratios AS
SELECT (SELECT median_ms FROM medians WHERE name = 'crm.summary') /
       (SELECT median_ms FROM medians WHERE name = 'plain SQL') AS crm_plain,
       (SELECT median_ms FROM medians WHERE name = 'crm.summary') /
       (SELECT median_ms FROM medians WHERE name = 'bare GROUP BY') AS crm_bare;

\echo '| query | median ms | ratio to crm |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', m.name, to_char(m.median_ms, 'FM999999990.0'),
              to_char(m.median_ms / c.median_ms, 'FM9990.00'))
FROM medians m, (SELECT median_ms FROM medians WHERE name = 'crm.summary') c
ORDER BY m.ord;

\echo ''
SELECT format('crm / plain SQL = %s (target <= 0.5)', to_char(crm_plain, 'FM9990.00')) FROM ratios;
SELECT format('crm / bare GROUP BY = %s (target <= 1.5)', to_char(crm_bare, 'FM9990.00')) FROM ratios;
