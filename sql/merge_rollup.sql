-- Merging many partial states: every merge aggregate over a few thousand
-- per-customer states gives exactly what the aggregate gives over the rows
-- (equal text forms; PLS, whose moments are float sums merged in another
-- order, to 1e-12 relative), whatever the order of the states (ORDER BY
-- inside the aggregate, shuffled subqueries, merges of merges, a big state
-- first or last), with NULL states, empty states, tuples repeated across
-- customers, the same state merged many times, a forced-parallel plan,
-- window frames, and one merged state read by several final functions;
-- and per-customer states built by a hashed GROUP BY that spills to disk
-- or by grouping sets equal those of a sorted GROUP BY.
-- The merge aggregates add each state to a buffer of their own and compact
-- it (tuple_state.c, merge_buffer.c); these are the cases where that could
-- go wrong.
CREATE SCHEMA merge_rollup;
SET search_path = merge_rollup, public;

-- 3,000 customers, deterministic (hashes of the customer number): purchase
-- summaries (x, t_x, T) simulated from BG/NBD (exponential inter-purchase
-- times, a dropout after each purchase with probability p); a third of the
-- customers with T, t_x and the other values rounded to a few levels (so
-- that their tuples repeat across customers), the others almost all
-- distinct
CREATE TABLE sim AS
SELECT i, CASE WHEN i % 3 = 0 THEN 30 + abs(hashint4(-i)) % 3 ELSE 30 + (abs(hashint4(-i)) % 1000000) / 100000.0 END AS t,
       -ln((abs(hashint4(i * 7 + 1)) % 1000000 + 0.5) / 1000000.0) * 0.2 AS rate,
       0.05 + 0.5 * (abs(hashint4(i * 7 + 2)) % 1000) / 1000.0 AS p
FROM generate_series(1, 3000) i;
CREATE TABLE cust AS
SELECT i AS customer_id, x, CASE WHEN i % 3 = 0 THEN round(t_x) ELSE t_x END AS t_x, t,
       CASE WHEN i % 3 = 0 THEN 10 + h[4] % 3 ELSE 4 + 40 * ((h[4] % 100000) / 100000.0) ^ 2 * (0.5 + (h[3] % 1000) / 1000.0) END AS m,
       CASE WHEN i % 3 = 0 THEN (h[5] % 10)::float8 ELSE (h[5] % 1000000) / 1000.0 END AS duration,
       h[6] % 3 <> 0 AS event,
       (h[7] % 365)::float8 AS recency, (1 + h[8] % 20)::float8 AS frequency, (h[9] % 1000000) / 100.0 AS monetary,
       CASE WHEN i % 3 = 0 THEN (h[10] % 50)::float8 ELSE (h[10] % 1000000) / 100.0 END AS value,
       (h[11] % 10000) / 10.0 AS potential,
       (h[12] % 11)::int AS score, (1 + h[13] % 5)::int AS csat,
       ARRAY[(h[1] % 7)::float8, (h[1] % 7 + h[2] % 3)::float8, (h[4] % 9)::float8, (h[4] % 9 + h[5] % 4)::float8] AS items
FROM (SELECT i, t, count(*) FILTER (WHERE tk <= t AND NOT dead)::float8 AS x,
             coalesce(max(tk) FILTER (WHERE tk <= t AND NOT dead), 0) AS t_x,
             ARRAY(SELECT abs(hashint4(i * 16 + k)::int8) FROM generate_series(0, 13) k) AS h
      FROM (SELECT i, t, k, sum(-ln((abs(hashint4(i * 64 + k)) % 1000000 + 0.5) / 1000000.0) / rate) OVER w AS tk,
                   coalesce(bool_or((abs(hashint4(-i * 64 - k)) % 1000) / 1000.0 < p)
                            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS dead
            FROM sim, generate_series(1, 40) k
            WINDOW w AS (PARTITION BY i ORDER BY k)) purchases
      GROUP BY i, t) c;
-- one to four events per customer over 2023-2024
CREATE TABLE events AS
SELECT customer_id, DATE '2023-01-01' + ((abs(hashint4(customer_id)) % 500) + k * (1 + abs(hashint4(customer_id + 7)) % 90))::int AS event_on,
       5 + k * 2.5 + customer_id % 7 AS amount
FROM cust, generate_series(0, 3) k
WHERE k <= customer_id % 4;
SELECT count(*) AS customers, count(DISTINCT (x, t_x, t)) AS distinct_purchase_tuples,
       count(DISTINCT (duration, event)) AS distinct_durations, count(DISTINCT value) AS distinct_values,
       (SELECT count(*) FROM events) AS events
FROM cust;

-- the per-customer partial states
CREATE TABLE states AS
SELECT customer_id,
       crm.clv_fit_partial(x, t_x, t) AS purchases,
       crm.spend_fit_partial(x, m) AS spend,
       crm.duration_fit_partial(duration, event) AS durations,
       crm.km_fit(duration, event) AS survival,
       crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile') AS rfm,
       crm.value_tier_fit_partial(value, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}') AS pyramid,
       crm.value_potential_fit_partial(value, potential) AS potential,
       crm.concentration_fit(value) AS concentration,
       crm.pls_partial(items) AS pls,
       crm.nps_agg(score) AS nps, crm.csat_agg(csat, 5) AS csat, crm.ces_agg(1 + score % 7) AS ces,
       crm.csi_agg(ARRAY[score::float8, csat::float8], '{0.6,0.4}', 0, 10) AS csi
FROM cust GROUP BY customer_id;
CREATE TABLE cohort_states AS
SELECT customer_id, crm.cohort_partial(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24') AS cohort,
       crm.cohort_fit(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24') AS cohort_table
FROM events GROUP BY customer_id;
-- the spend model skips customers without repeat purchases: their states are empty
SELECT count(*) AS states, count(*) FILTER (WHERE crm.clv_fit_customers(spend) = 0) AS empty_spend_states
FROM states;

-- the aggregates over the rows, directly (in one query: the aggregates with
-- the same transition, clv_fit_partial and bgnbd_fit for one, share one
-- state that each final function reads)
CREATE TABLE direct AS
SELECT crm.clv_fit_partial(x, t_x, t)::text AS purchases,
       crm.bgnbd_fit(x, t_x, t)::text AS bgnbd,
       crm.spend_fit_partial(x, m)::text AS spend,
       crm.gammagamma_fit(x, m)::text AS gammagamma,
       crm.duration_fit_partial(duration, event)::text AS durations,
       crm.km_fit(duration, event)::text AS survival,
       crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm_state,
       crm.rfm_fit(recency, frequency, monetary, 5, 'quantile')::text AS rfm,
       crm.value_tier_fit(value, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}')::text AS pyramid,
       crm.value_potential_fit(value, potential)::text AS potential,
       crm.concentration_fit(value)::text AS concentration,
       crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') AS pls,
       crm.nps_agg(score)::text AS nps, crm.csat_agg(csat, 5)::text AS csat, crm.ces_agg(1 + score % 7)::text AS ces,
       crm.csi_agg(ARRAY[score::float8, csat::float8], '{0.6,0.4}', 0, 10)::text AS csi,
       (SELECT crm.cohort_partial(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24')::text FROM events) AS cohort_state,
       (SELECT crm.cohort_fit(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24')::text FROM events) AS cohort
FROM cust;
SELECT crm.converged(bgnbd::crm.bgnbd) AS bgnbd_converged, crm.converged(gammagamma::crm.gammagamma) AS gammagamma_converged
FROM direct;

-- Every merge aggregate over all the states = the aggregate over the rows
SELECT m.purchases = d.purchases AS clv_fit_merge_purchases,
       m.bgnbd = d.bgnbd AS bgnbd_fit_final,
       m.spend = d.spend AS clv_fit_merge_spend,
       m.gammagamma = d.gammagamma AS gammagamma_fit_final,
       m.durations = d.durations AS clv_fit_merge_durations,
       m.km = d.survival AS km_fit_final,
       m.survival = d.survival AS survival_merge,
       m.rfm_state = d.rfm_state AS rfm_fit_merge,
       m.rfm = d.rfm AS rfm_fit_final,
       m.pyramid = d.pyramid AS value_fit_merge_pyramid,
       m.potential = d.potential AS value_fit_merge_potential,
       m.concentration = d.concentration AS concentration_merge,
       m.nps = d.nps AS nps_merge, m.csat = d.csat AS csat_merge, m.ces = d.ces AS ces_merge, m.csi = d.csi AS csi_merge,
       (SELECT bool_and(abs(mp.coefficient - dp.coefficient) <= 1e-12 * abs(dp.coefficient))
        FROM crm.pls_paths(m.pls) mp JOIN crm.pls_paths(d.pls) dp USING (from_lv, to_lv)) AS pls_merge_paths,
       (SELECT bool_and(abs(mw.weight - dw.weight) <= 1e-12 * abs(dw.weight))
        FROM crm.pls_weights(m.pls) mw JOIN crm.pls_weights(d.pls) dw USING (lv, item)) AS pls_merge_weights
FROM (SELECT crm.clv_fit_merge(purchases)::text AS purchases,
             crm.bgnbd_fit_final(crm.clv_fit_merge(purchases))::text AS bgnbd,
             crm.clv_fit_merge(spend)::text AS spend,
             crm.gammagamma_fit_final(crm.clv_fit_merge(spend))::text AS gammagamma,
             crm.clv_fit_merge(durations)::text AS durations,
             crm.km_fit_final(crm.clv_fit_merge(durations))::text AS km,
             crm.survival_merge(survival)::text AS survival,
             crm.rfm_fit_merge(rfm)::text AS rfm_state,
             crm.rfm_fit_final(crm.rfm_fit_merge(rfm))::text AS rfm,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid))::text AS pyramid,
             crm.value_potential_fit_final(crm.value_fit_merge(potential))::text AS potential,
             crm.concentration_merge(concentration)::text AS concentration,
             crm.pls_fit_final(crm.pls_merge(pls), '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') AS pls,
             crm.nps_merge(nps)::text AS nps, crm.csat_merge(csat)::text AS csat, crm.ces_merge(ces)::text AS ces,
             crm.csi_merge(csi)::text AS csi
      FROM states) m, direct d;
SELECT (SELECT crm.cohort_merge(cohort)::text FROM cohort_states) = cohort_state AS cohort_merge,
       (SELECT crm.cohort_final(crm.cohort_merge(cohort))::text FROM cohort_states) = cohort AS cohort_final,
       (SELECT crm.cohort_sum(cohort_table)::text FROM cohort_states) = cohort AS cohort_sum
FROM direct;

-- The order of the states does not matter: ORDER BY inside the aggregate,
-- forwards, backwards and shuffled (by a hash)
SELECT bool_and(m.purchases = d.purchases) AS clv_fit_merge, bool_and(m.durations = d.durations) AS durations,
       bool_and(m.survival = d.survival) AS survival_merge, bool_and(m.rfm = d.rfm_state) AS rfm_fit_merge,
       bool_and(m.pyramid = d.pyramid) AS value_fit_merge, bool_and(m.concentration = d.concentration) AS concentration_merge,
       count(*) AS orders
FROM (SELECT crm.clv_fit_merge(purchases ORDER BY customer_id)::text AS purchases,
             crm.clv_fit_merge(durations ORDER BY customer_id)::text AS durations,
             crm.survival_merge(survival ORDER BY customer_id)::text AS survival,
             crm.rfm_fit_merge(rfm ORDER BY customer_id)::text AS rfm,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid ORDER BY customer_id))::text AS pyramid,
             crm.concentration_merge(concentration ORDER BY customer_id)::text AS concentration
      FROM states
      UNION ALL
      SELECT crm.clv_fit_merge(purchases ORDER BY customer_id DESC)::text, crm.clv_fit_merge(durations ORDER BY customer_id DESC)::text,
             crm.survival_merge(survival ORDER BY customer_id DESC)::text, crm.rfm_fit_merge(rfm ORDER BY customer_id DESC)::text,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid ORDER BY customer_id DESC))::text,
             crm.concentration_merge(concentration ORDER BY customer_id DESC)::text
      FROM states
      UNION ALL
      SELECT crm.clv_fit_merge(purchases ORDER BY hashint4(customer_id))::text, crm.clv_fit_merge(durations ORDER BY hashint4(customer_id))::text,
             crm.survival_merge(survival ORDER BY hashint4(customer_id))::text, crm.rfm_fit_merge(rfm ORDER BY hashint4(customer_id))::text,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid ORDER BY hashint4(customer_id)))::text,
             crm.concentration_merge(concentration ORDER BY hashint4(customer_id))::text
      FROM states) m, direct d;
SELECT bool_and(m.cohort = d.cohort_state) AS cohort_merge, bool_and(m.cohort_table = d.cohort) AS cohort_sum, count(*) AS orders
FROM (SELECT crm.cohort_merge(cohort ORDER BY customer_id DESC)::text AS cohort,
             crm.cohort_sum(cohort_table ORDER BY customer_id DESC)::text AS cohort_table
      FROM cohort_states
      UNION ALL
      SELECT crm.cohort_merge(cohort ORDER BY hashint4(customer_id))::text, crm.cohort_sum(cohort_table ORDER BY hashint4(customer_id))::text
      FROM cohort_states) m, direct d;

-- Merges of merges: states merged per group of customers in a shuffled
-- subquery, then the groups' states merged (also each group's merge =
-- the aggregate over its rows)
CREATE TABLE group_states AS
SELECT customer_id % 7 AS g, crm.clv_fit_merge(purchases) AS purchases, crm.clv_fit_merge(durations) AS durations,
       crm.survival_merge(survival) AS survival, crm.rfm_fit_merge(rfm) AS rfm,
       crm.value_fit_merge(pyramid) AS pyramid, crm.concentration_merge(concentration) AS concentration
FROM (SELECT * FROM states ORDER BY hashint4(customer_id + 1)) s
GROUP BY 1;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE g.purchases::text = d.purchases AND g.durations::text = d.durations AND g.survival::text = d.survival
                        AND g.rfm::text = d.rfm AND g.pyramid::text = d.pyramid AND g.concentration::text = d.concentration) AS equal_to_direct
FROM group_states g
JOIN (SELECT customer_id % 7 AS g, crm.clv_fit_partial(x, t_x, t)::text AS purchases,
             crm.duration_fit_partial(duration, event)::text AS durations, crm.km_fit(duration, event)::text AS survival,
             crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm,
             crm.value_tier_fit_partial(value, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}')::text AS pyramid,
             crm.concentration_fit(value)::text AS concentration
      FROM cust GROUP BY 1) d USING (g);
SELECT m.purchases = d.purchases AS clv_fit_merge, m.durations = d.durations AS durations, m.survival = d.survival AS survival_merge,
       m.rfm = d.rfm_state AS rfm_fit_merge, m.pyramid = d.pyramid AS value_fit_merge, m.concentration = d.concentration AS concentration_merge
FROM (SELECT crm.clv_fit_merge(purchases ORDER BY g DESC)::text AS purchases, crm.clv_fit_merge(durations)::text AS durations,
             crm.survival_merge(survival)::text AS survival, crm.rfm_fit_merge(rfm)::text AS rfm,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid))::text AS pyramid,
             crm.concentration_merge(concentration)::text AS concentration
      FROM group_states) m, direct d;

-- A big state and many small ones, the big one first or last (a long run
-- merged straight in, or appended to; short ones buffered)
SELECT bool_and(m.purchases = d.purchases) AS clv_fit_merge, bool_and(m.survival = d.survival) AS survival_merge,
       bool_and(m.rfm = d.rfm_state) AS rfm_fit_merge, count(*) AS orders
FROM (SELECT crm.clv_fit_merge(purchases ORDER BY big DESC, customer_id)::text AS purchases,
             crm.survival_merge(survival ORDER BY big DESC, customer_id)::text AS survival,
             crm.rfm_fit_merge(rfm ORDER BY big DESC, customer_id)::text AS rfm
      FROM (SELECT true AS big, 0 AS customer_id, crm.clv_fit_partial(x, t_x, t) AS purchases, crm.km_fit(duration, event) AS survival,
                   crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile') AS rfm
            FROM cust WHERE customer_id <= 2000
            UNION ALL
            SELECT false, customer_id, purchases, survival, rfm FROM states WHERE customer_id > 2000) s
      UNION ALL
      SELECT crm.clv_fit_merge(purchases ORDER BY big, customer_id)::text, crm.survival_merge(survival ORDER BY big, customer_id)::text,
             crm.rfm_fit_merge(rfm ORDER BY big, customer_id)::text
      FROM (SELECT true AS big, 0 AS customer_id, crm.clv_fit_partial(x, t_x, t) AS purchases, crm.km_fit(duration, event) AS survival,
                   crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile') AS rfm
            FROM cust WHERE customer_id <= 2000
            UNION ALL
            SELECT false, customer_id, purchases, survival, rfm FROM states WHERE customer_id > 2000) s) m, direct d;

-- NULL states are skipped; empty states (no rows: a spend state of a
-- customer without repeat purchases, a state over weight-0 rows, an RFM
-- state over NULL rows, a cohort state over rows without a customer) add
-- nothing
SELECT m.purchases = d.purchases AS clv_fit_merge, m.spend = d.spend AS spend_with_empty_states,
       m.survival = d.survival AS survival_merge, m.rfm = d.rfm_state AS rfm_fit_merge,
       m.pyramid = d.pyramid AS value_fit_merge
FROM (SELECT crm.clv_fit_merge(purchases ORDER BY n)::text AS purchases, crm.clv_fit_merge(spend ORDER BY n)::text AS spend,
             crm.survival_merge(survival ORDER BY n)::text AS survival, crm.rfm_fit_merge(rfm ORDER BY n)::text AS rfm,
             crm.value_tier_fit_final(crm.value_fit_merge(pyramid ORDER BY n))::text AS pyramid
      FROM (SELECT hashint4(customer_id) AS n, purchases, spend, survival, rfm, pyramid FROM states
            UNION ALL
            SELECT n, NULL, NULL, NULL, NULL, NULL FROM generate_series(1, 500) n
            UNION ALL
            SELECT n, (SELECT crm.clv_fit_partial(1, 1, 2, 0::bigint)), NULL, NULL,
                   (SELECT crm.rfm_fit_partial(NULL, NULL, NULL, 5, 'quantile')), NULL
            FROM generate_series(1, 500) n) s) m, direct d;
SELECT crm.clv_fit_customers(s) AS customers, crm.clv_fit_distinct(s) AS tuples
FROM (SELECT crm.clv_fit_merge(s) AS s
      FROM (SELECT crm.clv_fit_partial(1, 1, 2, 0::bigint) AS s FROM generate_series(1, 2000)) q) m;
SELECT crm.cohort_merge(s)::text AS merged_empty_cohort_states
FROM (SELECT crm.cohort_partial(NULL::int, DATE '2024-01-01', INTERVAL '1 month', DATE '2024-12-24') AS s
      FROM generate_series(1, 3)) q;
SELECT (SELECT crm.cohort_merge(cohort ORDER BY n)::text
        FROM (SELECT hashint4(customer_id) AS n, cohort FROM cohort_states
              UNION ALL SELECT n, NULL FROM generate_series(1, 100) n
              UNION ALL SELECT n, crm.cohort_partial(NULL::int, DATE '2024-01-01', INTERVAL '1 month', DATE '2024-12-24')
                        FROM generate_series(1, 100) n GROUP BY n) s) = cohort_state AS cohort_merge_with_null_and_empty
FROM direct;

-- The same state merged many times: every count multiplied
SELECT (SELECT crm.clv_fit_merge(purchases) FROM states, generate_series(1, 4))::text
       = (SELECT crm.clv_fit_partial(x, t_x, t, 4::bigint) FROM cust)::text AS clv_fit_merge_repeated,
       (SELECT crm.survival_merge(survival) FROM states, generate_series(1, 4))::text
       = (SELECT crm.km_fit(duration, event, 4::bigint) FROM cust)::text AS survival_merge_repeated,
       (SELECT crm.rfm_fit_final(crm.rfm_fit_merge(rfm)) FROM states, generate_series(1, 4))::text
       = (SELECT crm.rfm_fit(recency, frequency, monetary, 5, 'quantile') FROM cust, generate_series(1, 4))::text
         AS rfm_fit_merge_repeated;
-- a merged state merged with itself (the combine functions called directly
-- and inside an aggregate) doubles every count
SELECT crm.clv_fit_combine(s, s)::text = crm.clv_fit_merge(s) OVER ()::text AS clv_fit_combine_self,
       crm.survival_combine(v, v)::text = crm.survival_merge(v) OVER ()::text AS survival_combine_self,
       crm.rfm_fit_combine(r, r)::text = crm.rfm_fit_merge(r) OVER ()::text AS rfm_fit_combine_self
FROM (SELECT crm.clv_fit_merge(purchases) AS s, crm.survival_merge(survival) AS v, crm.rfm_fit_merge(rfm) AS r FROM states) a,
     generate_series(1, 2);

-- One merged state read by several final functions in one query; and
-- merges in a window: each row's running merge = the partial state of the
-- customers so far, a moving frame's = that of its three customers
SELECT crm.clv_fit_merge(s.purchases)::text = d.purchases AS shared_compact,
       crm.bgnbd_fit_final(crm.clv_fit_merge(s.purchases))::text = d.bgnbd AS shared_fit,
       crm.km_fit_final(crm.clv_fit_merge(s.durations))::text = d.survival AS shared_km,
       crm.clv_fit_distinct(crm.clv_fit_merge(s.durations)) = crm.clv_fit_distinct(d.durations::crm.clv_fit_state) AS shared_distinct
FROM states s, direct d GROUP BY d.purchases, d.bgnbd, d.survival, d.durations;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.running::text = p.running::text) AS running_equal,
       count(*) FILTER (WHERE w.moving::text = p.moving::text) AS moving_equal,
       count(*) FILTER (WHERE w.moving_survival::text = p.moving_survival::text) AS moving_survival_equal,
       count(*) FILTER (WHERE w.moving_rfm::text = p.moving_rfm::text) AS moving_rfm_equal
FROM (SELECT customer_id,
             crm.clv_fit_merge(purchases) OVER (ORDER BY customer_id) AS running,
             crm.clv_fit_merge(purchases) OVER (ORDER BY customer_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving,
             crm.survival_merge(survival) OVER (ORDER BY customer_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_survival,
             crm.rfm_fit_merge(rfm) OVER (ORDER BY customer_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_rfm
      FROM states WHERE customer_id <= 300) w
JOIN (SELECT c.customer_id,
             (SELECT crm.clv_fit_partial(x, t_x, t) FROM cust d WHERE d.customer_id <= c.customer_id) AS running,
             (SELECT crm.clv_fit_partial(x, t_x, t) FROM cust d WHERE d.customer_id BETWEEN c.customer_id - 2 AND c.customer_id) AS moving,
             (SELECT crm.km_fit(duration, event) FROM cust d WHERE d.customer_id BETWEEN c.customer_id - 2 AND c.customer_id) AS moving_survival,
             (SELECT crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile') FROM cust d
              WHERE d.customer_id BETWEEN c.customer_id - 2 AND c.customer_id) AS moving_rfm
      FROM cust c WHERE c.customer_id <= 300) p USING (customer_id);

\i test/load/plan_shape.sql
-- Per-customer states built by a hashed GROUP BY that spills to disk (a
-- small work_mem: the groups of later batches are built after the memory of
-- the first ones is reset) and by grouping sets (a state per set) = the
-- states built by a sorted GROUP BY, one grouping at a time
SET enable_sort = off;
SET work_mem = '64kB';
CREATE TABLE hashed AS
SELECT customer_id, crm.clv_fit_partial(x, t_x, t)::text AS purchases, crm.km_fit(duration, event)::text AS survival,
       crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm
FROM cust GROUP BY customer_id;
CREATE TABLE hashed_cohorts AS
SELECT customer_id, crm.cohort_partial(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24')::text AS cohort
FROM events GROUP BY customer_id;
CREATE TABLE hashed_merges AS
SELECT customer_id % 97 AS g, crm.clv_fit_merge(purchases)::text AS purchases, crm.survival_merge(survival)::text AS survival,
       crm.rfm_fit_merge(rfm)::text AS rfm
FROM states GROUP BY 1;
CREATE TABLE grouping_sets AS
SELECT customer_id % 10 AS g10, customer_id % 7 AS g7, crm.clv_fit_partial(x, t_x, t)::text AS purchases,
       crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm
FROM cust GROUP BY GROUPING SETS ((customer_id % 10), (customer_id % 7), ());
SELECT plan_has($q$SELECT customer_id, crm.clv_fit_partial(x, t_x, t) FROM cust GROUP BY customer_id$q$,
                '{"Node Type": "Aggregate", "Strategy": "Hashed"}') AS hashed_plan;
RESET enable_sort;
RESET work_mem;
SET enable_hashagg = off;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE h.purchases = d.purchases AND h.survival = d.survival AND h.rfm = d.rfm) AS equal_to_sorted
FROM hashed h
JOIN (SELECT customer_id, crm.clv_fit_partial(x, t_x, t)::text AS purchases, crm.km_fit(duration, event)::text AS survival,
             crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm
      FROM cust GROUP BY customer_id) d USING (customer_id);
SELECT count(*) AS customers, count(*) FILTER (WHERE h.cohort = d.cohort) AS equal_to_sorted
FROM hashed_cohorts h
JOIN (SELECT customer_id, crm.cohort_partial(customer_id, event_on, INTERVAL '1 month', DATE '2024-12-24')::text AS cohort
      FROM events GROUP BY customer_id) d USING (customer_id);
SELECT count(*) AS groups,
       count(*) FILTER (WHERE h.purchases = d.purchases AND h.survival = d.survival AND h.rfm = d.rfm) AS equal_to_sorted
FROM hashed_merges h
JOIN (SELECT customer_id % 97 AS g, crm.clv_fit_partial(x, t_x, t)::text AS purchases,
             crm.km_fit(duration, event)::text AS survival,
             crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm
      FROM cust GROUP BY 1) d USING (g);
SELECT count(*) AS grouping_set_rows,
       count(*) FILTER (WHERE s.purchases = d.purchases AND s.rfm = d.rfm) AS equal_to_one_grouping
FROM grouping_sets s
JOIN (SELECT customer_id % 10 AS g10, NULL::int AS g7, crm.clv_fit_partial(x, t_x, t)::text AS purchases,
             crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text AS rfm
      FROM cust GROUP BY 1
      UNION ALL
      SELECT NULL, customer_id % 7, crm.clv_fit_partial(x, t_x, t)::text,
             crm.rfm_fit_partial(recency, frequency, monetary, 5, 'quantile')::text
      FROM cust GROUP BY 2
      UNION ALL
      SELECT NULL, NULL, purchases, rfm_state FROM direct) d
  ON s.g10 IS NOT DISTINCT FROM d.g10 AND s.g7 IS NOT DISTINCT FROM d.g7;
RESET enable_hashagg;

-- Merged under a forced-parallel plan (the combine function merging the
-- workers' merged states) = serial
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT plan_partial_aggregate($q$SELECT crm.clv_fit_merge(purchases), crm.survival_merge(survival), crm.rfm_fit_merge(rfm) FROM states$q$)
       AS partial_aggregate;
SELECT m.purchases = d.purchases AS clv_fit_merge, m.bgnbd = d.bgnbd AS bgnbd_fit_final, m.survival = d.survival AS survival_merge,
       m.rfm = d.rfm_state AS rfm_fit_merge, m.cohort_table = d.cohort AS cohort_sum
FROM (SELECT crm.clv_fit_merge(purchases)::text AS purchases, crm.bgnbd_fit_final(crm.clv_fit_merge(purchases))::text AS bgnbd,
             crm.survival_merge(survival)::text AS survival, crm.rfm_fit_merge(rfm)::text AS rfm,
             (SELECT crm.cohort_sum(cohort_table)::text FROM cohort_states) AS cohort_table
      FROM states) m, direct d;
SELECT p.purchases = d.purchases AS parallel_clv_fit_partial, p.bgnbd = d.bgnbd AS parallel_bgnbd_fit,
       p.survival = d.survival AS parallel_km_fit, p.rfm = d.rfm AS parallel_rfm_fit
FROM (SELECT crm.clv_fit_partial(x, t_x, t)::text AS purchases, crm.bgnbd_fit(x, t_x, t)::text AS bgnbd,
             crm.km_fit(duration, event)::text AS survival, crm.rfm_fit(recency, frequency, monetary, 5, 'quantile')::text AS rfm
      FROM cust) p, direct d;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- States that cannot be merged are refused, whichever comes first
SELECT crm.clv_fit_merge(s) FROM (VALUES (1, (SELECT crm.clv_fit_partial(1, 1, 2))),
                                         (2, (SELECT crm.duration_fit_partial(1, true)))) v(n, s);
SELECT crm.rfm_fit_merge(s ORDER BY n) FROM (VALUES (1, (SELECT crm.rfm_fit_partial(1, 1, 1, 5, 'quantile'))),
                                                    (2, (SELECT crm.rfm_fit_partial(1, 1, 1, 4, 'quantile')))) v(n, s);
SELECT crm.rfm_fit_merge(s ORDER BY n) FROM (SELECT n, CASE WHEN n < 1500 THEN (SELECT crm.rfm_fit_partial(1, 1, 1, 5, 'quantile'))
                                                            ELSE (SELECT crm.rfm_fit_partial(1, 1, 1, 5, 'ntile')) END AS s
                                             FROM generate_series(1, 2000) n) v;

DROP SCHEMA merge_rollup CASCADE;
