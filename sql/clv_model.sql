-- crm.bgnbd / crm.mbgnbd / crm.gammagamma values: building from parameters,
-- text/jsonb forms, accessors, and the mathematical properties of the
-- predictions (published numbers are in clv_reference).
CREATE SCHEMA clv_model;
SET search_path = clv_model, public;

-- models from given parameters print as one line that reads back
SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS bg, crm.mbgnbd(0.525, 6.183, 0.891, 1.614) AS mbg,
       crm.gammagamma(6.25, 3.74, 15.44) AS gg;
SELECT 'r=0.243 alpha=4.414 a=0.793 b=2.426'::crm.bgnbd::text AS text_in,
       'b=2.426 a=0.793 alpha=4.414 r=0.243'::crm.bgnbd::text AS any_key_order;
-- a fitted model's text (as stored or shipped) reads back with every field
SELECT m::text = m::text::crm.bgnbd::text AS round_trip, crm.converged(m), crm.iterations(m), crm.customers(m),
       crm.loglik(m), crm.std_error(m, 'b') AS se_b
FROM (SELECT 'r=0.25 alpha=4 a=0.8 b=2.5 ll=-100.5 n=50 iterations=12 converged=false se_r=0.1 se_alpha=1 se_a=0.2 se_b=0.7 penalizer=0.01'::crm.bgnbd AS m) x;

-- jsonb with the papers' names
SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426)::jsonb;
SELECT crm.gammagamma(6.25, 3.74, 15.44)::jsonb ->> 'gamma' AS gamma;
SELECT ('r=0.25 alpha=4 a=0.8 b=2.5 ll=-100.5 n=50 iterations=12 converged=true se_r=0.1 se_alpha=1 se_a=0.2 se_b=0.7'::crm.mbgnbd)::jsonb;

-- accessors; given models have no fit statistics (NULL), and parameters() is a table
SELECT crm.parameter(m, 'alpha') AS alpha, crm.std_error(m, 'alpha') AS se, crm.loglik(m) AS ll, crm.customers(m) AS n,
       crm.iterations(m) AS iterations, crm.converged(m) AS converged
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS m) x;
SELECT * FROM crm.parameters(crm.gammagamma(6.25, 3.74, 15.44));
SELECT * FROM crm.parameters('r=0.25 alpha=4 a=0.8 b=2.5 ll=-100.5 n=50 iterations=12 converged=true se_r=0.1 se_alpha=1 se_a=0.2 se_b=0.7'::crm.mbgnbd);

-- models are values: stored in a table, scored later
CREATE TABLE saved_models (name text PRIMARY KEY, model crm.bgnbd);
INSERT INTO saved_models VALUES ('cdnow', crm.bgnbd(0.243, 4.414, 0.793, 2.426));
SELECT round(crm.p_alive(model, 2, 30.43, 38.86)::numeric, 6) AS p_alive FROM saved_models;

-- predictions: properties that hold for every parameter set
CREATE TABLE models AS
SELECT 'bg' AS kind, crm.bgnbd(r, alpha, a, b)::text AS bg, crm.mbgnbd(r, alpha, a, b)::text AS mbg, r, alpha, a, b
FROM (VALUES (0.243, 4.414, 0.793, 2.426), (1.5, 20.0, 3.0, 0.5), (0.8, 0.5, 0.2, 9.0)) v(r, alpha, a, b);
-- E[X(0)] = 0; E[X(t)] increases; the conditional expectation of a new customer (0, 0, 0) is E[X(t)]
SELECT r, alpha, crm.expected_purchases(bg::crm.bgnbd, 0) AS bg_at_0, crm.expected_purchases(mbg::crm.mbgnbd, 0) AS mbg_at_0,
       crm.expected_purchases(bg::crm.bgnbd, 10) < crm.expected_purchases(bg::crm.bgnbd, 20) AS increasing,
       abs(crm.expected_purchases(bg::crm.bgnbd, 26, 0, 0, 0) - crm.expected_purchases(bg::crm.bgnbd, 26)) < 1e-12 AS bg_new_customer,
       abs(crm.expected_purchases(mbg::crm.mbgnbd, 26, 0, 0, 0) - crm.expected_purchases(mbg::crm.mbgnbd, 26)) < 1e-12 AS mbg_new_customer
FROM models ORDER BY r;
-- the PMF sums to 1 and its mean is E[X(t)] (1e-9), for both models
SELECT r, abs(sum(crm.purchase_probability(bg::crm.bgnbd, n, 26)) - 1) < 1e-9 AS bg_sums_to_1,
       abs(sum(n * crm.purchase_probability(bg::crm.bgnbd, n, 26)) / crm.expected_purchases(bg::crm.bgnbd, 26) - 1) < 1e-9 AS bg_mean_ok,
       abs(sum(crm.purchase_probability(mbg::crm.mbgnbd, n, 26)) - 1) < 1e-9 AS mbg_sums_to_1,
       abs(sum(n * crm.purchase_probability(mbg::crm.mbgnbd, n, 26)) / crm.expected_purchases(mbg::crm.mbgnbd, 26) - 1) < 1e-9 AS mbg_mean_ok
FROM models, generate_series(0, 3000) n GROUP BY r, bg, mbg ORDER BY r;
-- P(alive): 1 for BG/NBD customers without repeat purchases, less for MBG/NBD;
-- buying up to T is better than having stopped long ago
SELECT r, crm.p_alive(bg::crm.bgnbd, 0, 0, 30) AS bg_x0, crm.p_alive(mbg::crm.mbgnbd, 0, 0, 30) < 1 AS mbg_x0_below_1,
       crm.p_alive(bg::crm.bgnbd, 5, 30, 30) > crm.p_alive(bg::crm.bgnbd, 5, 10, 30) AS recent_more_alive
FROM models ORDER BY r;
-- the increasing-frequency paradox (BTYD's bgnbd.PAlive example x = 5..20, t_x = 30, T = 39):
-- at fixed recency, more purchases make a customer look less alive
SELECT bool_and(p_next < p) AS decreasing_in_x, round(min(p)::numeric, 4) AS p_x20, round(max(p)::numeric, 4) AS p_x5
FROM (SELECT x, p, lead(p) OVER (ORDER BY x) AS p_next
      FROM (SELECT x, crm.p_alive(crm.bgnbd(0.243, 4.414, 0.793, 2.426), x, 30, 39) AS p FROM generate_series(5, 20) x) s) s2
WHERE p_next IS NOT NULL OR x = 20;

-- near a = 1 the expectation (which divides by a - 1) is continuous: its limit is used within 1e-8 of 1
SELECT abs(crm.expected_purchases(crm.bgnbd(0.5, 5, 1, 2), 30, 3, 20, 25) / crm.expected_purchases(crm.bgnbd(0.5, 5, 1.000001, 2), 30, 3, 20, 25) - 1) < 1e-5 AS continuous_at_a_1,
       abs(crm.expected_purchases(crm.mbgnbd(0.5, 5, 1, 2), 30) / crm.expected_purchases(crm.mbgnbd(0.5, 5, 0.999999, 2), 30) - 1) < 1e-5 AS mbg_continuous_at_a_1;
-- long horizons converge
SELECT round(crm.expected_purchases(crm.bgnbd(0.243, 4.414, 0.793, 2.426), 5200)::numeric, 4) AS e_5200_weeks,
       round(crm.expected_purchases(crm.bgnbd(0.243, 4.414, 0.793, 2.426), 5200, 0, 0, 39)::numeric, 4) AS cet_5200_weeks;

-- Gamma-Gamma: the expected spend shrinks a customer's mean towards the population mean p gamma / (q - 1)
SELECT round(crm.expected_spend(g, 0, 0)::numeric, 4) AS population_mean, round((6.25 * 15.44 / 2.74)::numeric, 4) AS p_gamma_over_q_1,
       crm.expected_spend(g, 1, 100) BETWEEN crm.expected_spend(g, 0, 0) AND 100 AS shrunk_one,
       crm.expected_spend(g, 50, 100) > crm.expected_spend(g, 1, 100) AS more_purchases_less_shrinkage
FROM (SELECT crm.gammagamma(6.25, 3.74, 15.44) AS g) x;

-- crm.clv: with no discounting and one period it is spend x expected purchases; discounting lowers it;
-- the margin scales it; the Gamma-Gamma form equals the given-spend form at the expected spend
SELECT abs(crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 1, 0) - crm.expected_spend(gg, 2, 22.35) * crm.expected_purchases(bg, 1, 2, 30.43, 38.86)) < 1e-12 AS one_period,
       abs(crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0) - crm.expected_spend(gg, 2, 22.35) * crm.expected_purchases(bg, 52, 2, 30.43, 38.86)) < 1e-9 AS undiscounted_52,
       crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.01) < crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0) AS discounting_lowers,
       abs(crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.01, 0.3) / crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.01) - 0.3) < 1e-12 AS margin_scales,
       abs(crm.clv(bg, 2, 30.43, 38.86, crm.expected_spend(gg, 2, 22.35), 52, 0.01) - crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.01)) < 1e-12 AS given_spend_same,
       round(crm.clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.001)::numeric, 4) AS clv_52_weeks
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS bg, crm.gammagamma(6.25, 3.74, 15.44) AS gg) x;
-- a fractional horizon: the last period ends at the horizon
SELECT abs(crm.clv(m, 0, 0, 10, 1, 2.5, 0) - crm.expected_purchases(m, 2.5, 0, 0, 10)) < 1e-12 AS fractional_undiscounted,
       abs(crm.clv(m, 0, 0, 10, 1, 2.5, 0.1) - (crm.expected_purchases(m, 1, 0, 0, 10) / 1.1
           + (crm.expected_purchases(m, 2, 0, 0, 10) - crm.expected_purchases(m, 1, 0, 0, 10)) / 1.1 ^ 2
           + (crm.expected_purchases(m, 2.5, 0, 0, 10) - crm.expected_purchases(m, 2, 0, 0, 10)) / 1.1 ^ 2.5)) < 1e-12 AS fractional_discounted
FROM (SELECT crm.mbgnbd(0.525, 6.183, 0.891, 1.614) AS m) x;
-- scoring all customers of a table with a stored model is a plain projection
SELECT count(*) AS scored, round(sum(crm.clv(bg, gg, x, t_x, t, m, 52, 0.001))::numeric, 2) AS total_clv
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS bg, crm.gammagamma(6.25, 3.74, 15.44) AS gg) x,
     (VALUES (0, 0, 30, 0), (1, 5, 30, 20), (4, 25, 30, 35.5), (12, 29, 30, 18)) v(x, t_x, t, m);
-- crm.clv sums its periods from per-customer series coefficients (in w = t / (alpha + T) or in
-- z = t / (alpha + T + t), whichever converges faster, or per period at a = 1): it equals the
-- discounted differences of crm.expected_purchases period by period (1e-11 relative), for parameter
-- sets that take each path (large b: w; small T: z; a = 1) and customers young and old
SELECT m::text AS model, count(*) AS customers, max(abs(clv / ref - 1)) < 1e-11 AS equal
FROM (SELECT m, crm.clv(m, x, t_x, t, 1, 52, 0.01) AS clv,
             (SELECT sum((crm.expected_purchases(m, k, x, t_x, t) - crm.expected_purchases(m, k - 1, x, t_x, t)) / 1.01 ^ k)
              FROM generate_series(1, 52) k) AS ref
      FROM (VALUES (crm.bgnbd(0.243, 4.414, 0.793, 2.426)), (crm.bgnbd(2.33, 11.18, 0.2029, 1091)),
                   (crm.bgnbd(0.5, 5, 1, 2)), (crm.bgnbd(1.5, 20, 3, 0.5))) v(m),
           (SELECT x, CASE WHEN x = 0 THEN 0 ELSE 0.7 * t END AS t_x, t
            FROM generate_series(0, 30, 3) x, (VALUES (5.0), (20), (60), (150)) a(t)) c) s
GROUP BY 1 ORDER BY 1;
-- crm.clv caches the part that depends on (x, T) per call site: customers sharing x and T but
-- not t_x, and rows alternating between models, horizons and rates, get their own values
SELECT count(*) AS rows, max(abs(clv / ref - 1)) < 1e-11 AS equal, count(DISTINCT round(clv::numeric, 9)) AS distinct_values
FROM (SELECT crm.clv(m, 5, t_x, 40, 1, h, d) AS clv,
             (SELECT sum((crm.expected_purchases(m, k, 5, t_x, 40) - crm.expected_purchases(m, k - 1, 5, t_x, 40)) / (1 + d) ^ k)
              FROM generate_series(1, h::int) k) AS ref
      FROM generate_series(1, 3) rep, (VALUES (10.0), (20), (39)) a(t_x), (VALUES (12.0), (26)) b(h), (VALUES (0.0), (0.02)) c(d),
           (VALUES (crm.bgnbd(0.243, 4.414, 0.793, 2.426)), (crm.bgnbd(0.5, 5, 2, 3))) v(m)) s;
-- the cache holds every (x, T) of a scoring run (it grows from 1,024 slots): 20,000 distinct
-- (x, T), each scored once (no cache hits), equal those scored three times over in shuffled order
-- (two thirds hits, across the table's growth)
CREATE TEMP TABLE clv_cache_keys AS
SELECT x, t, crm.clv(crm.bgnbd(0.243, 4.414, 0.793, 2.426), x, 0.5 * t * sign(x), t, 1, 52, 0.001) AS once
FROM generate_series(0, 99) x, (SELECT 10 + k / 7.0 AS t FROM generate_series(0, 199) k) a;
SELECT count(*) AS rows, count(*) FILTER (WHERE clv = once) AS equal
FROM (SELECT k.once, crm.clv(crm.bgnbd(0.243, 4.414, 0.793, 2.426), k.x, 0.5 * k.t * sign(k.x), k.t, 1, 52, 0.001) AS clv
      FROM clv_cache_keys k, generate_series(1, 3) rep
      ORDER BY hashint4(k.x * 1000 + (k.t * 7)::int + rep * 7919)) s;
