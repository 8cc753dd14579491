-- Data and cases of the merge benchmark (see test/bench/merge.sh).  psql
-- variable: n (customers).
--
-- mb_customers: one row per customer with continuous values drawn after
-- setseed (so that almost every customer's tuple is distinct):
--   x, t_x, t		a purchase summary in weeks from a BG/NBD-like process:
--			age T ~ U(10, 100), purchase rate lognormal, about N ~
--			Poisson(rate T) purchases (normal approximation) of which
--			the first K ~ Geometric(p) happen before dropout
--   duration, event	survival time and churn flag
--   recency, frequency, monetary	RFM inputs
--   value, potential	customer value and potential
--   score, csat	a 0-10 and a 1-5 survey answer, items a 4-item survey row
-- mb_events: 1 to 5 events per customer (3 on average) over 2023-2024, with
-- amounts, for the cohort and summary aggregates.
\set ON_ERROR_STOP on
\set N '(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))'
SELECT setseed(0.42);

DROP TABLE IF EXISTS mb_customers, mb_events, merge_cases CASCADE;
CREATE UNLOGGED TABLE mb_customers AS
SELECT i AS customer_id, x, CASE WHEN x = 0 THEN 0 ELSE t * (x / greatest(n, 1)) * random() ^ (1 / x) END AS t_x, t,
       100 * random() AS duration, random() < 0.6 AS event,
       365 * random() AS recency, 1 + floor(-3 * ln(1 - random())) AS frequency,
       1000 * random() AS monetary,
       1000 * random() ^ 2 AS value, 1000 * random() AS potential,
       floor(11 * random())::int AS score, 1 + floor(5 * random())::int AS csat,
       ARRAY[f1 + 0.6 * random(), f1 + 0.6 * random(), f2 + 0.6 * random(), 0.5 * f1 + f2 + 0.6 * random()] AS items
FROM (SELECT i, t, n, least(n, floor(ln(1 - random()) / ln(1 - p))) AS x, random() AS f1, random() AS f2
      FROM (SELECT i, t, p, greatest(0, round(rate * t + sqrt(rate * t) * :N)) AS n
            FROM (SELECT i, 10 + 90 * random() AS t, exp(-2.5 + 1.2 * :N) AS rate, 0.05 + 0.5 * random() AS p
                  FROM generate_series(1, :n) i) a) b) c;

CREATE UNLOGGED TABLE mb_events AS
SELECT customer_id, DATE '2023-01-01' + (first_day + k * gap)::int AS event_on, 5 + 95 * random() AS amount
FROM (SELECT customer_id, floor(600 * random()) AS first_day, 1 + floor(120 * random()) AS gap,
             1 + (customer_id % 5) AS events
      FROM mb_customers) c, generate_series(0, 4) k
WHERE k < events;
VACUUM ANALYZE mb_customers;
VACUUM ANALYZE mb_events;

-- The cases: the partial states are built by build (one per customer, or per
-- customer and year for the summary), into a table named after the case;
-- direct and merge give the same answer from the rows and from the states:
-- one value, or (grouped) one (customer_id, value) per customer.  exact:
-- the answers must be equal as text; otherwise (float sums added in another
-- order) every number within 1e-12 relative.
CREATE TABLE merge_cases (ord int PRIMARY KEY, name text, states text, build text, direct text,
                          merge text, exact boolean, grouped boolean DEFAULT false);
INSERT INTO merge_cases (ord, name, states, build, direct, merge, exact, grouped) VALUES
(1, 'crm.clv_fit_merge (purchases; the states alone)', 'mb_clv',
 'SELECT crm.clv_fit_partial(x, t_x, t) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.clv_fit_partial(x, t_x, t) FROM mb_customers',
 'SELECT crm.clv_fit_merge(s) FROM mb_clv', true, false),
(2, 'crm.clv_fit_merge + crm.bgnbd_fit_final', 'mb_clv', NULL,
 'SELECT crm.bgnbd_fit(x, t_x, t) FROM mb_customers',
 'SELECT crm.bgnbd_fit_final(crm.clv_fit_merge(s)) FROM mb_clv', true, false),
(3, 'crm.clv_fit_merge + crm.km_fit_final (durations)', 'mb_durations',
 'SELECT crm.duration_fit_partial(duration, event) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.km_fit(duration, event) FROM mb_customers',
 'SELECT crm.km_fit_final(crm.clv_fit_merge(s)) FROM mb_durations', true, false),
(4, 'crm.survival_merge', 'mb_survival',
 'SELECT crm.km_fit(duration, event) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.km_fit(duration, event) FROM mb_customers',
 'SELECT crm.survival_merge(s) FROM mb_survival', true, false),
(5, 'crm.rfm_fit_merge + crm.rfm_fit_final', 'mb_rfm',
 'SELECT crm.rfm_fit_partial(recency, frequency, monetary, 5, ''quantile'') AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.rfm_fit(recency, frequency, monetary, 5, ''quantile'') FROM mb_customers',
 'SELECT crm.rfm_fit_final(crm.rfm_fit_merge(s)) FROM mb_rfm', true, false),
(6, 'crm.cohort_merge + crm.cohort_final', 'mb_cohort',
 'SELECT crm.cohort_partial(customer_id, event_on, INTERVAL ''1 month'', DATE ''2024-12-24'') AS s FROM mb_events GROUP BY customer_id',
 'SELECT crm.cohort_fit(customer_id, event_on, INTERVAL ''1 month'', DATE ''2024-12-24'') FROM mb_events',
 'SELECT crm.cohort_final(crm.cohort_merge(s)) FROM mb_cohort', true, false),
(7, 'crm.cohort_sum', 'mb_cohort_tables',
 'SELECT crm.cohort_fit(customer_id, event_on, INTERVAL ''1 month'', DATE ''2024-12-24'') AS s FROM mb_events GROUP BY customer_id',
 'SELECT crm.cohort_fit(customer_id, event_on, INTERVAL ''1 month'', DATE ''2024-12-24'') FROM mb_events',
 'SELECT crm.cohort_sum(s) FROM mb_cohort_tables', true, false),
(8, 'crm.value_fit_merge + crm.value_tier_fit_final', 'mb_pyramid',
 'SELECT crm.value_tier_fit_partial(value, ''{0.01,0.05,0.2,1}'', ''{Platinum,Gold,Iron,Lead}'') AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.value_tier_fit(value, ''{0.01,0.05,0.2,1}'', ''{Platinum,Gold,Iron,Lead}'') FROM mb_customers',
 'SELECT crm.value_tier_fit_final(crm.value_fit_merge(s)) FROM mb_pyramid', true, false),
(9, 'crm.value_fit_merge + crm.value_potential_fit_final', 'mb_potential',
 'SELECT crm.value_potential_fit_partial(value, potential) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.value_potential_fit(value, potential) FROM mb_customers',
 'SELECT crm.value_potential_fit_final(crm.value_fit_merge(s)) FROM mb_potential', true, false),
(10, 'crm.concentration_merge', 'mb_concentration',
 'SELECT crm.concentration_fit(value) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.concentration_fit(value) FROM mb_customers',
 'SELECT crm.concentration_merge(s) FROM mb_concentration', true, false),
(11, 'crm.summary_merge (per customer, of its yearly states)', 'mb_summary',
 'SELECT customer_id, crm.summary_partial(event_on, amount, DATE ''2024-12-24'', DATE ''2024-12-24'', INTERVAL ''1 week'', INTERVAL ''1 week'') AS s FROM mb_events GROUP BY customer_id, extract(year FROM event_on)',
 'SELECT customer_id, crm.summary_final(crm.summary_partial(event_on, amount, DATE ''2024-12-24'', DATE ''2024-12-24'', INTERVAL ''1 week'', INTERVAL ''1 week'')) FROM mb_events GROUP BY customer_id',
 'SELECT customer_id, crm.summary_final(crm.summary_merge(s)) FROM mb_summary GROUP BY customer_id', false, true),
(12, 'crm.pls_merge + crm.pls_fit_final', 'mb_pls',
 'SELECT crm.pls_partial(items) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.pls_fit(items, ''{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'') FROM mb_customers',
 'SELECT crm.pls_fit_final(crm.pls_merge(s), ''{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'') FROM mb_pls', false, false),
(13, 'crm.nps_merge', 'mb_nps',
 'SELECT crm.nps_agg(score) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.nps_agg(score) FROM mb_customers',
 'SELECT crm.nps_merge(s) FROM mb_nps', true, false),
(14, 'crm.csat_merge', 'mb_csat',
 'SELECT crm.csat_agg(csat, 5) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.csat_agg(csat, 5) FROM mb_customers',
 'SELECT crm.csat_merge(s) FROM mb_csat', true, false),
(15, 'crm.csi_merge', 'mb_csi',
 'SELECT crm.csi_agg(ARRAY[score::float8, csat::float8], ''{0.6,0.4}'', 0, 10) AS s FROM mb_customers GROUP BY customer_id',
 'SELECT crm.csi_agg(ARRAY[score::float8, csat::float8], ''{0.6,0.4}'', 0, 10) FROM mb_customers',
 'SELECT crm.csi_merge(s) FROM mb_csi', true, false);

-- Every number of two text forms within 1e-12 relative, the rest of the text equal
CREATE OR REPLACE FUNCTION merge_bench_close(a text, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
SELECT regexp_replace(a, '-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?', '#', 'g')
       = regexp_replace(b, '-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?', '#', 'g')
   AND coalesce(bool_and(abs(x::float8 - y::float8) <= 1e-12 * greatest(abs(x::float8), abs(y::float8))), true)
FROM unnest(ARRAY(SELECT (regexp_matches(a, '-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?', 'g'))[1]),
            ARRAY(SELECT (regexp_matches(b, '-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?', 'g'))[1])) AS u(x, y)
$$;
