-- crm demo: a customer report from the CDNOW sample transaction log.
\pset footer off
\pset null '-'
CREATE EXTENSION crm;
\echo
\echo '== crm demo: the CDNOW sample (2357 customers who first bought in Q1 1997)'
SELECT crm.version() AS crm_version, current_setting('server_version') AS postgresql;
\i test/load/cdnow.sql

\echo '== The transaction log'
SELECT count(*) AS transactions, count(DISTINCT customer_id) AS customers,
       min(purchased_on) AS first_day, max(purchased_on) AS last_day,
       round(sum(amount)::numeric, 2) AS revenue
FROM cdnow_log;

\echo '== Customer summaries as of 1997-09-30, in weeks (one pass: crm.summary)'
CREATE TABLE customers AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
SELECT count(*) AS customers, sum(frequency) AS repeat_purchases,
       round(avg(frequency), 3) AS mean_frequency,
       round(avg(recency)::numeric, 2) AS mean_recency_weeks,
       round(avg(t)::numeric, 2) AS mean_age_weeks,
       round(avg(monetary_value) FILTER (WHERE frequency > 0)::numeric, 2) AS mean_repeat_spend
FROM customers;

\echo '== How often customers came back (repeat purchase days up to 1997-09-30)'
SELECT CASE WHEN frequency >= 5 THEN '5+' ELSE frequency::text END AS repeat_days,
       count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct,
       round(avg(monetary_total)::numeric, 2) AS mean_spend,
       round(avg(days_since_last)) AS mean_days_since_last
FROM customers GROUP BY 1 ORDER BY 1;

\echo '== Ten most valuable customers so far'
SELECT customer_id, first_purchase, last_purchase, n_transactions, frequency,
       round(recency::numeric, 1) AS recency_wk, round(t::numeric, 1) AS age_wk,
       round(monetary_total::numeric, 2) AS spend, round(monetary_value::numeric, 2) AS per_repeat_day,
       days_since_last
FROM customers ORDER BY monetary_total DESC, customer_id LIMIT 10;

\echo '== Calibration (to 1997-09-30) vs holdout (to 1998-06-30): do past buyers buy again?'
SELECT CASE WHEN frequency >= 5 THEN '5+' ELSE frequency::text END AS calibration_repeats,
       count(*) AS customers,
       round(avg(frequency_holdout), 2) AS mean_holdout_repeats,
       round(100.0 * avg((frequency_holdout > 0)::int), 1) AS pct_active_in_holdout
FROM (SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '1997-09-30',
                                                   date '1998-06-30', interval '1 week')).*
      FROM cdnow_log GROUP BY customer_id) h
GROUP BY 1 ORDER BY 1;

\echo '== One customer as JSON, ready for a BI tool'
SELECT jsonb_pretty(to_jsonb(crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week'))) AS customer_1
FROM cdnow_log WHERE customer_id = 1;

\echo '== RFM: a 5-bin model fitted on the customers as of 1997-09-30 (the rfm package method)'
CREATE TABLE rfm_model AS
SELECT crm.rfm_fit(days_since_last, n_transactions, monetary_total, 5, 'quantile') AS model FROM customers;
SELECT crm.rfm_breakpoints(model, 'recency') AS recency_days, crm.rfm_breakpoints(model, 'frequency') AS orders,
       crm.rfm_breakpoints(model, 'monetary') AS spend
FROM rfm_model;
CREATE TABLE rfm_scores AS
SELECT customer_id, crm.rfm_score(model, days_since_last, n_transactions, monetary_total) AS score,
       monetary_total
FROM customers, rfm_model;
\echo '== Customers by R score (5 = bought most recently) and F score'
SELECT crm.r(score) AS r,
       count(*) FILTER (WHERE crm.f(score) = 1) AS f1, count(*) FILTER (WHERE crm.f(score) = 2) AS f2,
       count(*) FILTER (WHERE crm.f(score) = 3) AS f3, count(*) FILTER (WHERE crm.f(score) = 4) AS f4,
       count(*) FILTER (WHERE crm.f(score) = 5) AS f5,
       round(avg(monetary_total)::numeric, 2) AS mean_spend
FROM rfm_scores GROUP BY 1 ORDER BY 1 DESC;
\echo '== RFM segments (the rfm package map): who to reward, who to win back'
SELECT crm.rfm_segment(score) AS segment, count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct,
       round(sum(monetary_total)::numeric, 0) AS spend,
       round((100.0 * sum(monetary_total) / sum(sum(monetary_total)) OVER ())::numeric, 1) AS pct_spend
FROM rfm_scores GROUP BY 1 ORDER BY customers DESC;

\echo '== Customer lifetime value: BG/NBD and Gamma-Gamma fitted in the database (weeks, calibration to 1997-09-30)'
CREATE TABLE clv_models AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS purchases, crm.gammagamma_fit(frequency, monetary_value) AS spend
FROM customers;
SELECT m.parameter, round(m.estimate::numeric, 4) AS estimate, round(m.std_error::numeric, 4) AS std_error,
       round(crm.loglik(purchases)::numeric, 2) AS ll, crm.converged(purchases) AS converged
FROM clv_models, crm.parameters(purchases) m;
SELECT m.parameter, round(m.estimate::numeric, 4) AS estimate, round(m.std_error::numeric, 4) AS std_error
FROM clv_models, crm.parameters(spend) m;
\echo '== Expected purchases over the next 39 weeks against what the customers actually did (holdout to 1998-06-30)'
SELECT h.frequency AS x_calibration, count(*) AS customers,
       round(avg(crm.expected_purchases(purchases, 39, h.frequency, h.recency, h.t))::numeric, 2) AS predicted,
       round(avg(h.frequency_holdout)::numeric, 2) AS actual
FROM clv_models,
     (SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '1997-09-30', date '1998-06-30', interval '1 week')).*
      FROM cdnow_log GROUP BY customer_id) h
WHERE h.frequency <= 7 GROUP BY 1 ORDER BY 1;
\echo '== The ten most valuable customers: P(alive), expected purchases and discounted value over a year (10 %/year)'
SELECT customer_id, frequency AS x, round(recency::numeric, 1) AS t_x, round(t::numeric, 1) AS t,
       round(crm.p_alive(purchases, frequency, recency, t)::numeric, 3) AS p_alive,
       round(crm.expected_purchases(purchases, 52, frequency, recency, t)::numeric, 2) AS purchases_52w,
       round(crm.expected_spend(spend, frequency, monetary_value)::numeric, 2) AS spend_per_purchase,
       round(crm.clv(purchases, spend, frequency, recency, t, monetary_value, 52, 0.0018)::numeric, 2) AS clv_52w
FROM customers, clv_models ORDER BY clv_52w DESC LIMIT 10;

\echo '== Pareto/NBD on the same summaries: BG/NBD and Pareto/NBD predictions side by side, and DERT (15 %/year, continuous)'
CREATE TABLE pareto_model AS SELECT crm.paretonbd_fit(frequency, recency, t) AS m FROM customers;
SELECT m AS paretonbd FROM pareto_model;
SELECT customer_id, frequency AS x, round(recency::numeric, 1) AS t_x, round(t::numeric, 1) AS t,
       round(crm.p_alive(purchases, frequency, recency, t)::numeric, 3) AS p_alive_bgnbd,
       round(crm.p_alive(m, frequency, recency, t)::numeric, 3) AS p_alive_paretonbd,
       round(crm.expected_purchases(m, 52, frequency, recency, t)::numeric, 2) AS purchases_52w,
       round(crm.dert(m, frequency, recency, t, 0.0027)::numeric, 2) AS dert,
       round((crm.dert(m, frequency, recency, t, 0.0027) * crm.expected_spend(spend, frequency, monetary_value))::numeric, 2) AS residual_value
FROM customers, clv_models, pareto_model ORDER BY residual_value DESC LIMIT 10;

\echo '== Model checking: repeat purchases per week, actual against expected, from first purchases (calibration: weeks 1-39, holdout: weeks 40-78)'
CREATE TABLE tracking AS
SELECT crm.tracking_data(days, date '1997-01-01', interval '1 week', 78) AS base
FROM (SELECT array_agg(purchased_on) AS days FROM cdnow_log GROUP BY customer_id) c;
SELECT b.period AS week, to_char(b.period_start, 'YYYY-MM-DD') AS week_of, b.actual_cumulative AS actual,
       round(b.expected_cumulative::numeric, 1) AS bgnbd, round(p.expected_cumulative::numeric, 1) AS paretonbd
FROM tracking, clv_models, pareto_model, crm.tracking(purchases, base) b JOIN crm.tracking(m, base) p USING (period)
WHERE b.period IN (13, 26, 39, 52, 65, 78) ORDER BY b.period;
\echo '== Holdout evaluation (weeks 40-78) of both models: the totals, and the customer-level errors'
CREATE TABLE cal_holdout AS
SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '1997-09-30', date '1998-06-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE evaluation AS
SELECT crm.holdout_evaluation(frequency, frequency_holdout,
                              crm.expected_purchases(purchases, duration_holdout, frequency, recency, t)) AS bgnbd,
       crm.holdout_evaluation(frequency, frequency_holdout,
                              crm.expected_purchases(m, duration_holdout, frequency, recency, t)) AS paretonbd
FROM cal_holdout, clv_models, pareto_model;
SELECT 'bgnbd' AS model, actual_total, round(expected_total::numeric, 1) AS expected_total,
       round(bias_percent::numeric, 1) AS bias_percent, round(mae::numeric, 3) AS mae, round(rmse::numeric, 3) AS rmse,
       round(correlation::numeric, 3) AS correlation
FROM evaluation, crm.holdout_metrics(bgnbd)
UNION ALL
SELECT 'paretonbd', actual_total, round(expected_total::numeric, 1), round(bias_percent::numeric, 1),
       round(mae::numeric, 3), round(rmse::numeric, 3), round(correlation::numeric, 3)
FROM evaluation, crm.holdout_metrics(paretonbd);

\echo '== Cohort retention: customers by month of first purchase, % of each cohort buying N months later ("-": not yet observable) as of 1998-06-30'
CREATE TABLE cohorts AS
SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 month', date '1998-06-30') AS t FROM cdnow_log;
SELECT to_char(cohort, 'YYYY-MM') AS cohort, cohort_size AS customers,
       round((100 * retention[2])::numeric, 1) AS "+1", round((100 * retention[3])::numeric, 1) AS "+2",
       round((100 * retention[4])::numeric, 1) AS "+3", round((100 * retention[7])::numeric, 1) AS "+6",
       round((100 * retention[13])::numeric, 1) AS "+12", round((100 * retention[16])::numeric, 1) AS "+15",
       round((100 * retention[18])::numeric, 1) AS "+17",
       round((100 * retention_unbounded[13])::numeric, 1) AS "+12 or later"
FROM cohorts, crm.cohort_matrix(t) ORDER BY cohort;
\echo '== The average curve (cohorts weighted by size; late months seen by fewer cohorts), and monthly churn = 1 - (active - new) / active before'
SELECT a.period_offset AS month, a.cohorts, round((100 * a.retention)::numeric, 1) AS pct_active,
       round((100 * a.retention_unbounded)::numeric, 1) AS pct_active_then_or_later
FROM cohorts, crm.average_retention(t) a WHERE a.period_offset IN (1, 2, 3, 6, 12, 15, 16, 17);
SELECT to_char(period, 'YYYY-MM') AS month, customers_start AS active_before, new_customers AS new,
       customers_end AS active, round((100 * churn_rate)::numeric, 1) AS churn_pct
FROM cohorts, crm.period_retention(t) WHERE period BETWEEN '1997-02-01' AND '1997-07-01';

\echo '== Customer value: how concentrated is spend? (total spend per customer up to 1997-09-30)'
CREATE TABLE value_concentration AS SELECT crm.concentration_fit(monetary_total) AS c FROM customers;
SELECT crm.customers(c) AS customers, round(crm.total_value(c)::numeric, 2) AS spend,
       round((100 * crm.top_share(c, 0.01))::numeric, 1) AS "% held by top 1 %",
       round((100 * crm.top_share(c, 0.2))::numeric, 1) AS "% held by top 20 %",
       round((100 * crm.customers_for_share(c, 0.8))::numeric, 1) AS "% of customers making 80 %",
       round(crm.gini(c)::numeric, 3) AS gini
FROM value_concentration;
\echo '== The Lorenz curve: % of spend held by the bottom x % of customers'
SELECT round((100 * customer_share)::numeric) AS pct_customers, round((100 * value_share)::numeric, 1) AS pct_spend
FROM value_concentration, crm.lorenz(c, 11);
\echo '== The customer pyramid (top 1 % / next 4 % / next 15 % / the other 80 %), fitted once, stored, applied to anyone'
CREATE TABLE pyramid AS SELECT crm.value_tier_fit(monetary_total) AS m FROM customers;
SELECT name AS tier, round(threshold::numeric, 2) AS spend_from, customers,
       round((100 * customer_share)::numeric, 1) AS pct_customers, round(value::numeric) AS spend,
       round((100 * value_share)::numeric, 1) AS pct_spend
FROM pyramid, crm.value_tiers(m);
SELECT crm.value_tier(m, 300) AS customer_spending_300, crm.value_tier(m, 40) AS customer_spending_40 FROM pyramid;
\echo '== Value x potential: spend so far against the expected spend of the next 52 weeks (thresholds at the medians)'
WITH c AS (SELECT monetary_total, crm.clv(purchases, spend, frequency, recency, t, monetary_value, 52, 0.0018) AS clv
           FROM customers, clv_models),
     m AS (SELECT crm.value_potential_fit(monetary_total, clv) AS vp FROM c)
SELECT crm.value_potential(vp, monetary_total, clv) AS quadrant, count(*) AS customers,
       round(avg(monetary_total)::numeric, 2) AS mean_spend, round(avg(clv)::numeric, 2) AS mean_clv_52w
FROM c, m GROUP BY 1 ORDER BY 2 DESC;
