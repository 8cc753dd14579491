-- Reference test: the rfm R package (rsquaredacademy/rfm 0.3.0) on its
-- rfm_data_orders, analysis date 2006-12-31: recency = days since the last
-- order, frequency = number of orders, monetary = revenue.  Breakpoints are
-- compared exactly (they are quantiles + 1 of integer data); every one of
-- the 995 customers' scores must equal rfm_orders_expected_2006-12-31.csv.
\i test/load/rfm_orders.sql

-- per-customer inputs from crm.summary: days_since_last, n_transactions (rows), monetary_total
CREATE TABLE rfm_customers AS
SELECT customer_id, (s).days_since_last AS recency_days, (s).n_transactions AS transaction_count,
       (s).monetary_total AS amount
FROM (SELECT customer_id, crm.summary(order_date, revenue, date '2006-12-31', interval '1 day') AS s
      FROM rfm_orders GROUP BY customer_id) q;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE c.recency_days <> e.recency_days OR c.transaction_count <> e.transaction_count
                           OR c.amount <> e.amount) AS input_mismatch
FROM rfm_customers c JOIN rfm_expected e USING (customer_id);

-- the fitted model: recency 115/181/297.4/482, frequency 4/5/6/8, monetary
-- 255.8/382/506.4/666 (as the package prints them; tolerance 1e-9: like R,
-- crm interpolates at p = 3 * (1/5) = 0.6000000000000001, which gives
-- 297.4000000000001 and 506.4000000000001 exactly as R computes them)
CREATE TABLE rfm_models AS
SELECT crm.rfm_fit(recency_days, transaction_count, amount, 5, 'quantile') AS model FROM rfm_customers;
SELECT model FROM rfm_models;
CREATE FUNCTION max_abs_diff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql
	RETURN (SELECT max(abs(x - y)) FROM unnest(a, b) AS u(x, y));
SELECT max_abs_diff(crm.rfm_breakpoints(model, 'recency'), '{115,181,297.4,482}') < 1e-9 AS recency_ok,
       max_abs_diff(crm.rfm_breakpoints(model, 'frequency'), '{4,5,6,8}') < 1e-9 AS frequency_ok,
       max_abs_diff(crm.rfm_breakpoints(model, 'monetary'), '{255.8,382,506.4,666}') < 1e-9 AS monetary_ok,
       crm.rfm_bins(model), crm.rfm_method(model), crm.rfm_customers(model)
FROM rfm_models;
SELECT jsonb_pretty(model::jsonb) FROM rfm_models;

-- every customer's scores equal the package's
SELECT count(*) AS compared,
       count(*) FILTER (WHERE crm.r(s) <> e.recency_score) AS r_mismatch,
       count(*) FILTER (WHERE crm.f(s) <> e.frequency_score) AS f_mismatch,
       count(*) FILTER (WHERE crm.m(s) <> e.monetary_score) AS m_mismatch,
       count(*) FILTER (WHERE crm.rfm_cell(s) <> e.rfm_score) AS cell_mismatch
FROM (SELECT c.customer_id, crm.rfm_score(m.model, c.recency_days, c.transaction_count, c.amount) AS s
      FROM rfm_customers c, rfm_models m) x
JOIN rfm_expected e USING (customer_id);

-- the package's own custom-threshold example (its fitted breakpoints rounded:
-- 115/181/297/482, 4/5/6/8, 256/382/506/666) moves the customers whose value
-- lies between a rounded and an unrounded breakpoint (recency 297, amount 506)
SELECT crm.rfm_model('{115,181,297,482}', '{4,5,6,8}', '{256,382,506,666}') AS given;
SELECT recency_days, amount, crm.rfm_score(crm.rfm_model('{115,181,297,482}', '{4,5,6,8}', '{256,382,506,666}'),
                                           recency_days, transaction_count, amount) AS given_thresholds,
       crm.rfm_score(m.model, recency_days, transaction_count, amount) AS fitted
FROM rfm_customers, rfm_models m
WHERE crm.rfm_score(crm.rfm_model('{115,181,297,482}', '{4,5,6,8}', '{256,382,506,666}'), recency_days, transaction_count, amount)
   <> crm.rfm_score(m.model, recency_days, transaction_count, amount)
ORDER BY 1, 2;
