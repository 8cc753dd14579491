-- Result table of the RFM benchmark (see test/bench/rfm.sh).  Run with psql -At.
\set ON_ERROR_STOP on
CREATE TEMP VIEW rfm_medians AS
SELECT q.ord, q.name, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms
FROM bench_times t JOIN bench_queries q USING (name)
WHERE q.ord > 10
GROUP BY q.ord, q.name;

\echo '| query | median ms | ratio to crm |'
\echo '|---|---:|---:|'
SELECT format('| %s | %s | %s |', m.name, to_char(m.median_ms, 'FM999999990.0'),
              to_char(m.median_ms / c.median_ms, 'FM9990.00'))
FROM rfm_medians m, (SELECT median_ms FROM rfm_medians WHERE ord = 11) c
ORDER BY m.ord;
\echo ''
SELECT format('plain SQL NTILE / crm = %s (target >= 2)', to_char(n.median_ms / c.median_ms, 'FM9990.00'))
FROM rfm_medians n, rfm_medians c WHERE n.ord = 12 AND c.ord = 11;
SELECT format('plain SQL percentile_cont / crm = %s', to_char(p.median_ms / c.median_ms, 'FM9990.00'))
FROM rfm_medians p, rfm_medians c WHERE p.ord = 13 AND c.ord = 11;
