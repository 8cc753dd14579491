-- The overview table of the benchmark suite (test/bench/run, last step):
-- one line per capability from the medians the parts recorded in this run
-- (bench_times of the SQL-timed parts, clv_times of the CLV part, par_times
-- of the parallel part), with the ratio to the comparison, the target of
-- issue #10 and the size of the capability's state.  Run with psql -At
-- -v as_of=...; prints Markdown.
\set ON_ERROR_STOP on
CREATE TEMP VIEW m AS
SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_times GROUP BY name
UNION ALL
SELECT dataset || ': ' || name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM clv_times GROUP BY dataset, name;

CREATE TEMP TABLE overview (ord int, capability text, crm_ms float8, comparison text, other_ms float8,
                           ratio_label text, target text, state text);

-- the sizes of the states, measured here on the same data
CREATE TEMP TABLE state_sizes AS
SELECT (SELECT avg(pg_column_size(s)) FROM
          (SELECT crm.summary_partial(purchased_on, amount, DATE :'as_of', DATE :'as_of', INTERVAL '1 week', INTERVAL '1 day') AS s
           FROM bench_log WHERE customer_id % 100 = 0 GROUP BY customer_id) q) AS summary_bytes,
       (SELECT pg_column_size(crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')) FROM bench_customers) AS rfm_bytes,
       (SELECT pg_column_size(crm.clv_fit_partial(x, t_x, t)) FROM clv_synth) AS clv_bytes,
       (SELECT count(*) FROM clv_synth) AS clv_customers;

INSERT INTO overview
SELECT 1, 'customer summary (per customer)', (SELECT ms FROM m WHERE name = 'crm.summary'),
       'bare GROUP BY customer', (SELECT ms FROM m WHERE name = 'bare GROUP BY'), 'crm / bare', '≤ 1.5',
       format('%s B per customer (mean)', round(summary_bytes)) FROM state_sizes
UNION ALL
SELECT 2, 'customer summary (per customer)', (SELECT ms FROM m WHERE name = 'crm.summary'),
       'plain SQL (two GROUP BY levels)', (SELECT ms FROM m WHERE name = 'plain SQL'), 'plain / crm', '≥ 2', ''
UNION ALL
SELECT 3, 'RFM model fit + every customer scored', (SELECT ms FROM m WHERE name = 'crm.rfm_fit + rfm_score'),
       'plain SQL percentile_cont', (SELECT ms FROM m WHERE name = 'plain SQL percentile_cont'), 'plain / crm', '≥ 2',
       format('%s (fit state)', pg_size_pretty(rfm_bytes::bigint)) FROM state_sizes
UNION ALL
SELECT 4, 'RFM model fit + every customer scored', (SELECT ms FROM m WHERE name = 'crm.rfm_fit + rfm_score'),
       'plain SQL NTILE', (SELECT ms FROM m WHERE name = 'plain SQL NTILE'), 'plain / crm', '≥ 2', ''
UNION ALL
SELECT 5, format('BG/NBD fit from %s customer summaries', clv_customers), (SELECT ms FROM m WHERE name = 'synthetic: crm bgnbd'),
       'numpy/scipy peer (lifetimes'' method)', (SELECT ms FROM m WHERE name = 'synthetic: peer bgnbd'), 'peer / crm', 'crm ≤ 1000 ms',
       format('%s (fit state)', pg_size_pretty(clv_bytes::bigint)) FROM state_sizes
UNION ALL
SELECT 6, 'summary → BG/NBD + GG fit → CLV of every customer', (SELECT ms FROM m WHERE name = 'pipeline: summary → fit → CLV'),
       'bare GROUP BY customer', (SELECT ms FROM m WHERE name = 'pipeline: bare GROUP BY customer'), 'crm / bare', '≤ 2 (#4)', ''
UNION ALL
SELECT 7, 'monthly cohort retention matrix', (SELECT ms FROM m WHERE name = 'crm.cohort_fit + cohort_retention'),
       'plain SQL (COUNT(DISTINCT))', (SELECT ms FROM m WHERE name LIKE 'plain SQL (first month%'), 'plain / crm', '≥ 2', ''
UNION ALL
SELECT 8, 'NPS by group', (SELECT ms FROM m WHERE name = 'crm.nps_agg'),
       'plain SQL count(*) FILTER', (SELECT ms FROM m WHERE name = 'plain SQL count(*) FILTER'), 'plain / crm', '—', '32 B per group';

\echo '| capability | crm ms | compared with | its ms | ratio | value | target | state |'
\echo '|---|---:|---|---:|---|---:|---|---|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |', capability, to_char(crm_ms, 'FM999999990.0'), comparison,
              coalesce(to_char(other_ms, 'FM999999990.0'), '—'), ratio_label,
              coalesce(to_char(CASE WHEN ratio_label LIKE 'crm /%' THEN crm_ms / other_ms ELSE other_ms / crm_ms END, 'FM9990.00'), '—'),
              target, state)
FROM overview WHERE crm_ms IS NOT NULL ORDER BY ord;
