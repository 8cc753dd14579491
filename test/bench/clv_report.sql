-- Result tables of the CLV benchmark (see test/bench/clv.sh), printed as
-- Markdown from clv_times, clv_params and clv_fits.  Run with psql -At and
-- -v show=cdnow | synthetic | pipeline | checks (the part to print).
\set ON_ERROR_STOP on
SELECT :'show' = 'cdnow' AS show_cdnow, :'show' = 'synthetic' AS show_synthetic,
       :'show' = 'pipeline' AS show_pipeline, :'show' = 'checks' AS show_checks \gset

CREATE TEMP VIEW medians AS
SELECT dataset, name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median_ms, count(*) AS runs
FROM clv_times GROUP BY dataset, name;
CREATE TEMP VIEW model_names (model, title, ord) AS
VALUES ('bgnbd', 'BG/NBD', 1), ('mbgnbd', 'MBG/NBD', 2), ('gammagamma', 'Gamma-Gamma', 3);
-- the generating parameters of the synthetic base (peer_clv.py generate)
CREATE TEMP VIEW true_params (model, parameter, value, ord) AS
VALUES ('bgnbd', 'r', 0.243::float8, 1), ('bgnbd', 'alpha', 4.414, 2), ('bgnbd', 'a', 0.793, 3),
       ('bgnbd', 'b', 2.426, 4), ('gammagamma', 'p', 6.25, 5), ('gammagamma', 'q', 3.74, 6),
       ('gammagamma', 'gamma', 15.44, 7);
-- crm's and the peer's estimates side by side
CREATE TEMP VIEW both_params AS
SELECT c.dataset, c.model, c.parameter, c.estimate AS crm, c.std_error AS crm_se,
       p.estimate AS peer, p.std_error AS peer_se,
       abs(c.estimate - p.estimate) / abs(c.estimate) AS rel_diff
FROM clv_params c
     LEFT JOIN clv_params p ON p.who = 'peer' AND (p.dataset, p.model, p.parameter) = (c.dataset, c.model, c.parameter)
WHERE c.who = 'crm';
-- the recovery check: within 3 standard errors of the generating value
CREATE TEMP VIEW recovery AS
SELECT b.model, b.parameter, t.value AS true_value, b.crm, b.crm_se, b.peer,
       abs(b.crm - t.value) / b.crm_se AS z, abs(b.crm - t.value) <= 3 * b.crm_se AS pass, t.ord
FROM both_params b JOIN true_params t USING (model, parameter)
WHERE b.dataset = 'synthetic';
-- the answers of the timed pipeline queries, parsed from their text
CREATE TEMP VIEW pipeline_answers AS
SELECT name, rep, split_part(btrim(result, '()'), ',', 1)::bigint AS customers,
       split_part(btrim(result, '()'), ',', 2)::float8 AS clv_sum
FROM clv_times WHERE dataset = 'pipeline' AND name IN ('summary → fit → CLV', 'CLV scoring alone');

\if :show_cdnow
\echo '| model | crm median ms | peer median ms | peer / crm | crm < 5 ms |'
\echo '|---|---:|---:|---:|---|'
SELECT format('| %s | %s | %s | %s | %s |', n.title, to_char(c.median_ms, 'FM9990.00'),
              to_char(p.median_ms, 'FM999990.0'), to_char(p.median_ms / c.median_ms, 'FM99990.0'),
              CASE WHEN c.median_ms < 5 THEN 'yes' ELSE 'no' END)
FROM model_names n
     JOIN medians c ON c.dataset = 'cdnow' AND c.name = 'crm ' || n.model
     LEFT JOIN medians p ON p.dataset = 'cdnow' AND p.name = 'peer ' || n.model
ORDER BY n.ord;
\echo ''
\echo 'The same fits (estimate ± standard error; relative difference of the estimates):'
\echo ''
\echo '| model | parameter | crm | peer | relative difference |'
\echo '|---|---|---:|---:|---:|'
SELECT format('| %s | %s | %s ± %s | %s ± %s | %s |', n.title, b.parameter,
              clv_sig(b.crm, 6), clv_sig(b.crm_se, 4), clv_sig(b.peer, 6), clv_sig(b.peer_se, 4),
              btrim(to_char(b.rel_diff, '0.0EEEE')))
FROM both_params b JOIN model_names n USING (model)
WHERE b.dataset = 'cdnow'
ORDER BY n.ord, b.parameter = 'r' DESC, b.parameter = 'alpha' DESC, b.parameter;
\echo ''
\echo '| model | crm log-likelihood | peer log-likelihood | crm iterations | peer BFGS iterations | converged (crm, peer) |'
\echo '|---|---:|---:|---:|---:|---|'
SELECT format('| %s | %s | %s | %s | %s | %s, %s |', n.title, round(c.ll::numeric, 3), round(p.ll::numeric, 3),
              c.iterations, p.iterations, CASE WHEN c.converged THEN 'yes' ELSE 'no' END,
              CASE WHEN p.converged THEN 'yes' ELSE 'no' END)
FROM clv_fits c JOIN model_names n USING (model)
     LEFT JOIN clv_fits p ON p.who = 'peer' AND (p.dataset, p.model) = (c.dataset, c.model)
WHERE c.who = 'crm' AND c.dataset = 'cdnow'
ORDER BY n.ord;
\endif

\if :show_synthetic
\echo '| model | crm median ms | peer ms (1 run) | peer / crm |'
\echo '|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s |', n.title, to_char(c.median_ms, 'FM9999990.0'),
              to_char(p.median_ms, 'FM9999990.0'), to_char(p.median_ms / c.median_ms, 'FM99990.0'))
FROM model_names n
     JOIN medians c ON c.dataset = 'synthetic' AND c.name = 'crm ' || n.model
     LEFT JOIN medians p ON p.dataset = 'synthetic' AND p.name = 'peer ' || n.model
ORDER BY n.ord;
\echo ''
SELECT format('crm.bgnbd_fit = building the fit state (%s ms, the state alone) + the optimization and standard errors on its %s distinct tuples (the rest, %s ms)',
              to_char(s.median_ms, 'FM9999990'), (SELECT btrim(result, '()') FROM clv_times WHERE dataset = 'synthetic' AND name = 'crm bgnbd state' LIMIT 1),
              to_char(f.median_ms - s.median_ms, 'FM9999990'))
FROM medians s, medians f
WHERE s.dataset = 'synthetic' AND s.name = 'crm bgnbd state' AND f.dataset = 'synthetic' AND f.name = 'crm bgnbd';
\echo ''
\echo 'Recovery of the generating parameters (PASS: |crm estimate - true| <= 3 standard errors):'
\echo ''
\echo '| model | parameter | true | crm estimate | standard error | abs(est - true) / SE | within 3 SE | peer estimate |'
\echo '|---|---|---:|---:|---:|---:|---|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |', n.title, r.parameter, r.true_value,
              clv_sig(r.crm, 6), clv_sig(r.crm_se, 3), to_char(r.z, 'FM990.00'),
              CASE WHEN r.pass THEN 'PASS' ELSE 'FAIL' END, clv_sig(r.peer, 6))
FROM recovery r JOIN model_names n USING (model)
ORDER BY r.ord;
\echo ''
SELECT format('crm log-likelihood %s (%s iterations) / peer %s (%s BFGS iterations), %s customers',
              round(c.ll::numeric, 1), c.iterations, round(p.ll::numeric, 1), p.iterations, c.customers)
FROM clv_fits c LEFT JOIN clv_fits p ON p.who = 'peer' AND (p.dataset, p.model) = (c.dataset, c.model)
WHERE c.who = 'crm' AND c.dataset = 'synthetic' AND c.model = 'bgnbd';
\endif

\if :show_pipeline
\echo '| query | median ms | ratio to the pipeline | ratio to bare GROUP BY |'
\echo '|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s |', m.name, to_char(m.median_ms, 'FM999999990.0'),
              to_char(m.median_ms / p.median_ms, 'FM9990.00'), to_char(m.median_ms / b.median_ms, 'FM9990.00'))
FROM medians m JOIN clv_queries q ON q.dataset = m.dataset AND q.name = m.name,
     medians p, medians b
WHERE m.dataset = 'pipeline' AND p.dataset = 'pipeline' AND p.name = 'summary → fit → CLV'
  AND b.dataset = 'pipeline' AND b.name = 'bare GROUP BY customer'
ORDER BY q.ord;
\echo ''
SELECT format('pipeline / bare GROUP BY = %s (target <= 2)', to_char(p.median_ms / b.median_ms, 'FM9990.00'))
FROM medians p, medians b
WHERE p.dataset = 'pipeline' AND p.name = 'summary → fit → CLV'
  AND b.dataset = 'pipeline' AND b.name = 'bare GROUP BY customer';
SELECT format('breakdown: summary alone %s + fit alone %s + CLV scoring alone %s = %s ms (the pipeline: %s ms)',
              to_char(s.median_ms, 'FM999999990'), to_char(f.median_ms, 'FM999999990'),
              to_char(c.median_ms, 'FM999999990'), to_char(s.median_ms + f.median_ms + c.median_ms, 'FM999999990'),
              to_char(p.median_ms, 'FM999999990'))
FROM medians s, medians f, medians c, medians p
WHERE s.dataset = 'pipeline' AND s.name = 'summary alone' AND f.dataset = 'pipeline' AND f.name = 'fit alone'
  AND c.dataset = 'pipeline' AND c.name = 'CLV scoring alone'
  AND p.dataset = 'pipeline' AND p.name = 'summary → fit → CLV';
\echo ''
SELECT format('- the models: BG/NBD %s (converged %s); Gamma-Gamma %s (converged %s)',
              string_agg(format('%s = %s ± %s', b.parameter, clv_sig(b.crm, 5), clv_sig(b.crm_se, 3)), ', ')
                  FILTER (WHERE b.model = 'bgnbd'),
              (SELECT CASE WHEN converged THEN 'yes' ELSE 'no' END FROM clv_fits WHERE dataset = 'pipeline' AND model = 'bgnbd'),
              string_agg(format('%s = %s ± %s', b.parameter, clv_sig(b.crm, 5), clv_sig(b.crm_se, 3)), ', ')
                  FILTER (WHERE b.model = 'gammagamma'),
              (SELECT CASE WHEN converged THEN 'yes' ELSE 'no' END FROM clv_fits WHERE dataset = 'pipeline' AND model = 'gammagamma'))
FROM both_params b WHERE b.dataset = 'pipeline';
SELECT format('- the answer: CLV of %s customers, sum %s, mean %s per customer; for scale, each customer''s own '
              'repeat spend per week so far (x * monetary_value / T) times 52, summed: %s (CLV sum / that = %s)',
              a.customers, round(a.clv_sum::numeric, 0), round((a.clv_sum / a.customers)::numeric, 2),
              round(r.run_rate::numeric, 0), to_char(a.clv_sum / r.run_rate, 'FM990.00'))
FROM (SELECT * FROM pipeline_answers WHERE name = 'summary → fit → CLV' ORDER BY rep LIMIT 1) a,
     (SELECT sum(frequency * monetary_value / t * 52) AS run_rate FROM clv_pipe_summaries WHERE t > 0) r;
\endif

\if :show_checks
CREATE TEMP TABLE checks (ord int, what text, ok boolean);
INSERT INTO checks
SELECT 1, format('every crm fit converged (%s fits%s)', count(*),
                 ': not ' || string_agg(dataset || ' ' || model, ', ' ORDER BY dataset, model)
                                 FILTER (WHERE converged IS NOT TRUE)),
       bool_and(converged IS TRUE)
FROM clv_fits WHERE who = 'crm';
INSERT INTO checks
SELECT 2, format('CDNOW: crm and the peer give the same estimates (largest relative difference %s, at most 1e-3)',
                 btrim(to_char(max(rel_diff), '0.0EEEE'))),
       coalesce(max(rel_diff) <= 1e-3 AND count(peer) = count(*), false)
FROM both_params WHERE dataset = 'cdnow';
INSERT INTO checks
SELECT 3, format('synthetic base: every parameter within 3 standard errors of the generating value (largest %s SE)',
                 to_char(max(z), 'FM990.00')),
       coalesce(bool_and(pass), false) AND count(*) = 7
FROM recovery;
INSERT INTO checks
SELECT 4, 'every repetition of a timed crm query gave the same answer',
       NOT EXISTS (SELECT FROM clv_times WHERE name LIKE 'crm %' OR dataset = 'pipeline'
                   GROUP BY dataset, name HAVING count(DISTINCT result) > 1);
INSERT INTO checks
SELECT 5, format('pipeline: a finite positive CLV sum for %s customers, equal to CLV scoring alone (relative difference %s)',
                 p.customers, btrim(to_char(abs(p.clv_sum / c.clv_sum - 1), '0.0EEEE'))),
       p.clv_sum > 0 AND p.clv_sum < 'Infinity' AND p.customers = c.customers
       AND p.customers = (SELECT count(frequency) FROM clv_pipe_summaries)
       AND abs(p.clv_sum / c.clv_sum - 1) <= 1e-9
FROM (SELECT * FROM pipeline_answers WHERE name = 'summary → fit → CLV' ORDER BY rep LIMIT 1) p,
     (SELECT * FROM pipeline_answers WHERE name = 'CLV scoring alone' ORDER BY rep LIMIT 1) c;
SELECT format('- %s: %s', what, CASE WHEN ok THEN 'yes' ELSE 'NO' END) FROM checks ORDER BY ord;
\echo ''
SELECT format('CLV answers checked: %s', CASE WHEN bool_and(ok) AND count(*) = 5 THEN 'yes' ELSE 'no' END)
FROM checks;
\endif
