-- Real data, real mistakes: customers with a mean repeat spend of 0.
-- The CDNOW sample (2,357 customers) with 1 % of its purchase amounts set to
-- 0 (every 100th row in a fixed order, first purchases and repeat purchases
-- alike) goes through the whole workflow: the Gamma-Gamma fit skips the
-- customers whose repeat purchases are all free, counts them in the model
-- and says so in one NOTICE; its estimates are those of the fit on the
-- other customers; crm.expected_spend and crm.clv score every customer; the
-- scorecard scores all 2,357.
CREATE SCHEMA zs;
SET search_path = zs, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql

-- 1 % of the amounts set to 0
CREATE TABLE log0 AS
SELECT customer_id, purchased_on, cds,
       CASE WHEN row_number() OVER (ORDER BY customer_id, purchased_on, amount, cds) % 100 = 50 THEN 0 ELSE amount END AS amount
FROM cdnow_log;
SELECT count(*) AS rows, count(*) FILTER (WHERE amount = 0) AS zero_rows,
       count(DISTINCT customer_id) FILTER (WHERE amount = 0) AS customers_with_a_zero
FROM log0;

CREATE TABLE sums AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1998-06-30', interval '1 week')).*
FROM log0 GROUP BY customer_id;
-- repeat customers whose mean repeat spend is 0 (all their repeat periods free)
SELECT count(*) FILTER (WHERE frequency > 0) AS repeat_customers,
       count(*) FILTER (WHERE frequency > 0 AND monetary_value = 0) AS zero_mean_spend
FROM sums;

-- the fit skips them with one NOTICE, and counts them
CREATE TABLE fits AS
SELECT crm.gammagamma_fit(frequency, monetary_value, unit) AS gg,
       crm.bgnbd_fit(frequency, recency, t, unit) AS bg
FROM sums;
SELECT crm.skipped(gg) AS skipped, crm.customers(gg) AS fitted_on, crm.converged(gg) AS converged,
       crm.unit(gg) AS unit, (gg::jsonb)->'skipped' AS jsonb_skipped,
       gg::text LIKE '% skipped=' || crm.skipped(gg) || ' %' AS text_shows_skipped
FROM fits;
-- ... and its estimates are exactly those of the fit without them
SELECT crm.parameter(f.gg, 'p') = crm.parameter(w.gg, 'p') AS same_p,
       crm.parameter(f.gg, 'q') = crm.parameter(w.gg, 'q') AS same_q,
       crm.parameter(f.gg, 'gamma') = crm.parameter(w.gg, 'gamma') AS same_gamma,
       crm.loglik(f.gg) = crm.loglik(w.gg) AS same_loglik,
       crm.std_error(f.gg, 'p') = crm.std_error(w.gg, 'p') AS same_se_p,
       crm.skipped(w.gg) AS skipped_without_them
FROM fits f,
     (SELECT crm.gammagamma_fit(frequency, monetary_value, unit) AS gg FROM sums WHERE monetary_value > 0) w;
-- the text form round-trips with the count and the unit
SELECT gg::text::crm.gammagamma::text = gg::text AS round_trip,
       (gg::text::crm.gammagamma)::jsonb = gg::jsonb AS jsonb_equal
FROM fits;
-- partial states merged give the same model (the skipped customers travel in the state)
SELECT crm.gammagamma_fit_final(crm.clv_fit_combine(a, b))::text = (SELECT gg::text FROM fits) AS merged_same
FROM (SELECT crm.spend_fit_partial(frequency, monetary_value, unit) FILTER (WHERE customer_id % 2 = 0) AS a,
             crm.spend_fit_partial(frequency, monetary_value, unit) FILTER (WHERE customer_id % 2 = 1) AS b
      FROM sums) p;

-- the posterior mean spend is defined at m = 0: p gamma / (p x + q - 1)
SELECT count(*) AS zero_spend_customers,
       bool_and(abs(crm.expected_spend(gg, frequency, monetary_value) -
                    crm.parameter(gg, 'p') * crm.parameter(gg, 'gamma') /
                    (crm.parameter(gg, 'p') * frequency + crm.parameter(gg, 'q') - 1)) < 1e-9) AS posterior_mean_ok,
       bool_and(crm.expected_spend(gg, frequency, monetary_value) < crm.expected_spend(gg, 0, 0)) AS below_prior_mean,
       bool_and(crm.clv(bg, gg, frequency, recency, t, monetary_value, 52, 0.01, 0.3) > 0) AS clv_positive
FROM sums, fits WHERE frequency > 0 AND monetary_value = 0;
-- every customer is scored, every score finite
SELECT count(*) AS customers,
       count(crm.expected_spend(gg, frequency, monetary_value)) AS expected_spend_scored,
       count(crm.clv(bg, gg, frequency, recency, t, monetary_value, 52, 0.01, 0.3)) AS clv_scored,
       count(*) FILTER (WHERE crm.clv(bg, gg, frequency, recency, t, monetary_value, 52, 0.01, 0.3)
                              NOT BETWEEN 0 AND 1e9) AS clv_out_of_range
FROM sums, fits;
-- the same through the unit-checked forms that take the summary itself
SELECT count(*) AS customers,
       count(*) FILTER (WHERE crm.clv(bg, gg, s, interval '1 year', 0.01, 0.3) IS NOT NULL) AS clv_scored,
       bool_and(crm.clv(bg, gg, s, interval '52 weeks', 0.01, 0.3) =
                crm.clv(bg, gg, (s).frequency, (s).recency, (s).t, (s).monetary_value, 52, 0.01, 0.3)) AS same_as_numbers,
       bool_and(crm.expected_spend(gg, s) = crm.expected_spend(gg, (s).frequency, (s).monetary_value)) AS same_spend
FROM (SELECT crm.summary(purchased_on, amount, date '1998-06-30', interval '1 week') AS s
      FROM log0 GROUP BY customer_id) x, fits;

-- a negative mean spend (refunds netted in by the user) is skipped by the fit
-- too, and is a customer the spend model cannot score: NULL, not an error
SELECT crm.skipped(crm.gammagamma_fit(x, m)) AS skipped_negative
FROM (VALUES (2, -5.0), (3, 10.0), (1, 5.0), (4, 7.0), (2, 12.0), (5, 8.0), (1, 30.0), (2, 9.0)) v(x, m);
SELECT crm.expected_spend(crm.gammagamma(6.25, 3.74, 15.44), 2, -5) IS NULL AS negative_is_null,
       crm.clv(crm.bgnbd(0.243, 4.414, 0.793, 2.426), crm.gammagamma(6.25, 3.74, 15.44), 2, 10, 30, -5, 52, 0.01) IS NULL AS clv_null,
       crm.loglik(crm.gammagamma(6.25, 3.74, 15.44), 2, 0) IS NULL AS loglik_undefined_at_zero;
-- a fit where every repeat customer spent nothing: no model (NULL) and the NOTICE
SELECT crm.gammagamma_fit(x, m) IS NULL AS no_model
FROM (VALUES (2, 0.0), (3, 0.0), (0, 0.0)) v(x, m);

-- the scorecard: all 2,357 customers scored, the skipped count reported
CALL crm.refresh_scorecard('zs.log0', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'zs.sc',
	horizon => 52, discount_rate => 0.01, margin => 0.3);
SELECT count(*) AS customers, count(clv) AS clv_scored, count(expected_spend) AS spend_scored,
       count(p_alive) AS p_alive_scored, count(score_note) AS noted,
       count(*) FILTER (WHERE clv = 'NaN' OR clv NOT BETWEEN 0 AND 1e9) AS clv_out_of_range
FROM zs.sc;
SELECT crm.skipped(r.model::crm.gammagamma) AS registered_model_skipped,
       crm.unit(r.model::crm.gammagamma) AS registered_unit
FROM crm.model_registry r WHERE r.kind = 'gammagamma' AND r.scope = 'zs.sc';
-- the scorecard's numbers are those of the functions called directly
SELECT bool_and(c.clv = crm.clv(f.bg, f.gg, s.frequency, s.recency, s.t, s.monetary_value, 52, 0.01, 0.3)) AS same_clv
FROM zs.sc c JOIN sums s USING (customer_id),
     (SELECT r1.model::crm.bgnbd AS bg, r2.model::crm.gammagamma AS gg
      FROM crm.model_registry r1, crm.model_registry r2
      WHERE r1.kind = 'bgnbd' AND r1.scope = 'zs.sc' AND r2.kind = 'gammagamma' AND r2.scope = 'zs.sc') f;

-- a log where nobody ever comes back: no BG/NBD and no Gamma-Gamma model,
-- the scorecard still completes, RFM is scored, the reason is in score_note
CREATE TABLE once AS SELECT customer_id, min(purchased_on) AS purchased_on, min(amount) AS amount FROM log0 GROUP BY customer_id;
CALL crm.refresh_scorecard('zs.once', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'zs.sc_once');
SELECT count(*) AS customers, count(rfm) AS rfm_scored, count(clv) AS clv_scored, min(score_note) AS note
FROM zs.sc_once;

-- leave the registry as it was (later tests count its rows and ids)
DELETE FROM crm.model_registry WHERE scope IN ('zs.sc', 'zs.sc_once');
SELECT setval('crm.model_registry_id_seq', (SELECT COALESCE(max(id), 0) + 1 FROM crm.model_registry), false) AS next_registry_id;
DROP SCHEMA zs CASCADE;
