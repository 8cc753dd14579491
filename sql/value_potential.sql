-- Value x potential quadrants (given thresholds and a model fitted on the
-- medians), loyalty metrics over customer summaries, customer profit and ROI.
-- Hand-made inputs, then CDNOW: historical spend against the 52-week CLV of
-- a BG/NBD + Gamma-Gamma model, and the loyalty metrics against plain SQL.
CREATE SCHEMA value_potential;
SET search_path = value_potential, public;

-- the four quadrants; a value or potential equal to its threshold is high
SELECT v, p, crm.value_potential(v, p, 10, 5) AS quadrant
FROM (VALUES (20.0::float8, 8.0::float8), (20, 1), (2, 8), (2, 1), (10, 5), (10, 4.99), (9.99, 5), (-3, -1)) t(v, p);

-- a model fitted on the medians (as percentile_cont(0.5): the mean of the two
-- middle values for an even count), with negative values allowed; a customer
-- needs both values
CREATE TABLE base AS SELECT * FROM (VALUES (1, 100.0::float8, 5.0::float8), (2, 40, 30), (3, 10, 2), (4, 0, 12),
	(5, -20, 7), (6, 60, NULL), (7, NULL, 3), (8, 75, 0)) t(id, v, p);
SELECT crm.value_potential_fit(v, p) FROM base;
SELECT crm.value_threshold(m) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM base WHERE p IS NOT NULL)
       AS value_median,
       crm.potential_threshold(m) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY p) FROM base WHERE v IS NOT NULL)
       AS potential_median, crm.customers(m)
FROM (SELECT crm.value_potential_fit(v, p) AS m FROM base) x;
SELECT crm.value_potential_fit(v, p) FROM base WHERE id <= 3;
SELECT id, v, p, crm.value_potential(m, v, p) AS quadrant
FROM base, (SELECT crm.value_potential_fit(v, p) AS m FROM base) x WHERE v IS NOT NULL AND p IS NOT NULL ORDER BY id;
-- no customers (or none with both values) gives NULL
SELECT crm.value_potential_fit(v, p) IS NULL AS empty_is_null FROM base WHERE false;
SELECT crm.value_potential_fit(v, NULL) IS NULL AS all_null_is_null FROM base;
-- a model from given thresholds; forms
SELECT crm.value_potential_model(50, 10) AS given, crm.customers(crm.value_potential_model(50, 10)),
       crm.value_potential(crm.value_potential_model(50, 10), 50, 9.5) AS quadrant;
SELECT 'value_threshold=1e2 potential_threshold=-0.5 n=7'::crm.value_potential_model;
SELECT m::text::crm.value_potential_model::text = m::text AS text_round_trip, m::jsonb
FROM (SELECT crm.value_potential_fit(v, p) AS m FROM base) x;
CREATE TABLE stored AS SELECT 1 AS k, crm.value_potential_fit(v, p) AS m FROM base;
\copy stored TO 'results/value_potential.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/value_potential.bin' WITH (FORMAT binary)
SELECT a.m::text = b.m::text AS binary_round_trip FROM stored a JOIN stored_back b USING (k);

-- loyalty metrics by hand: customers (x, t_x, T, m) = (0, 0, 10, 0), (2, 5, 10,
-- 20), (1, 3, 8, 10): 2 of 3 came back, 6 purchases for 3 customers, repeat
-- orders worth (2 * 20 + 10) / 3, (5 + 3) / 3 time units between purchases
SELECT (crm.loyalty_metrics(x, tx, t, m)).*
FROM (VALUES (0, 0, 10, 0), (2, 5, 10, 20), (1, 3, 8, 10), (NULL, 1, 1, 1), (1, 1, 1, NULL)) v(x, tx, t, m);
-- no repeat purchases: no average order value or time between purchases
SELECT (crm.loyalty_metrics(x, tx, t, m)).* FROM (VALUES (0, 0, 4, 0), (0, 0, 6, 0)) v(x, tx, t, m);
SELECT crm.loyalty_metrics(1, 1, 1, 1) IS NULL AS empty_is_null FROM base WHERE false;

-- customer profit and ROI; no cost gives no ROI (NULL)
SELECT crm.customer_profit(120, 45) AS profit, crm.customer_profit(-10, 5) AS loss,
       crm.customer_roi(150, 50, 25) AS roi, crm.customer_roi(50, 50, 25) AS negative_roi,
       crm.customer_roi(100, 0, 0) IS NULL AS no_cost_no_roi, crm.customer_roi(0, 10, 0) AS lost_everything;

-- ---------------------------------------------------------------------------
-- CDNOW, weekly summaries as of 1997-09-30
-- ---------------------------------------------------------------------------
\i test/load/cdnow.sql
CREATE TABLE cbs AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
-- loyalty metrics against plain SQL (the summary's monetary_value is the mean
-- spend of the repeat purchases, so the order value is that of repeat orders)
CREATE TABLE metrics AS SELECT (crm.loyalty_metrics(frequency, recency, t, monetary_value)).* FROM cbs;
SELECT customers, repeat_customers, round(repeat_purchase_rate::numeric, 6) AS repeat_purchase_rate,
       round(purchases_per_customer::numeric, 6) AS purchases_per_customer, repeat_purchases,
       round(average_order_value::numeric, 4) AS average_order_value,
       round(average_interpurchase_time::numeric, 4) AS weeks_between_purchases,
       round(average_recency::numeric, 4) AS average_recency_weeks, round(average_tenure::numeric, 4) AS average_tenure_weeks
FROM metrics;
SELECT m.customers = s.n AS customers, m.repeat_customers = s.repeaters AS repeaters,
       abs(m.repeat_purchase_rate - s.repeaters::float8 / s.n) < 1e-12 AS rate,
       abs(m.purchases_per_customer - s.avg_purchases) < 1e-12 AS purchases,
       abs(m.average_order_value - s.aov) < 1e-12 AS order_value,
       abs(m.average_interpurchase_time - s.gap) < 1e-12 AS gap,
       abs(m.average_recency - s.recency) < 1e-12 AS recency, abs(m.average_tenure - s.tenure) < 1e-12 AS tenure
FROM metrics m,
     (SELECT count(*) AS n, count(*) FILTER (WHERE frequency > 0) AS repeaters, avg(frequency + 1)::float8 AS avg_purchases,
             sum(frequency * monetary_value) / sum(frequency) AS aov, sum(recency) / sum(frequency) AS gap,
             avg(recency) AS recency, avg(t) AS tenure FROM cbs) s;

-- value x potential: historical spend against the expected spend of the next
-- 52 weeks (BG/NBD + Gamma-Gamma, 10 % a year), thresholds at the medians
CREATE TABLE clv AS
SELECT c.customer_id, c.monetary_total AS value,
       crm.clv(m.purchases, m.spend, c.frequency, c.recency, c.t, c.monetary_value, 52, 0.0018) AS potential
FROM cbs c, (SELECT crm.bgnbd_fit(frequency, recency, t) AS purchases, crm.gammagamma_fit(frequency, monetary_value) AS spend
             FROM cbs) m;
CREATE TABLE vp AS SELECT crm.value_potential_fit(value, potential) AS m FROM clv;
SELECT round(crm.value_threshold(m)::numeric, 4) AS value_median, round(crm.potential_threshold(m)::numeric, 4) AS potential_median,
       crm.value_threshold(m) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY value) FROM clv) AS value_is_median,
       crm.potential_threshold(m) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY potential) FROM clv) AS potential_is_median
FROM vp;
SELECT quadrant, count(*) AS customers, round(avg(value)::numeric, 2) AS mean_value,
       round(avg(potential)::numeric, 2) AS mean_potential, count(*) FILTER (WHERE quadrant <> sql_quadrant) AS differ_from_sql
FROM (SELECT value, potential, crm.value_potential(m, value, potential) AS quadrant,
             CASE WHEN value >= crm.value_threshold(m)
                  THEN CASE WHEN potential >= crm.potential_threshold(m) THEN 'invest' ELSE 'maintain' END
                  ELSE CASE WHEN potential >= crm.potential_threshold(m) THEN 'develop' ELSE 'divest' END
             END AS sql_quadrant
      FROM clv, vp) q
GROUP BY 1 ORDER BY 1;
