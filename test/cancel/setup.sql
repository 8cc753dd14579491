-- Inputs of the cancellation test (test/cancel/run), built once before the
-- timed statements so that each timed statement spends its time in crm's
-- own loops (an SRF, a merge, a fit), not in scanning or aggregating rows
SET client_min_messages = warning;

-- a concentration value of 1,000,000 distinct customer values
CREATE TABLE conc AS
SELECT crm.concentration_fit(g * 1.5) AS c FROM generate_series(1, 1000000) g;

-- a cohort state and table spanning 3,000 daily periods (4.5 million cells
-- per triangle): 1,000,000 customers, each active on two days
CREATE TABLE cohort_events AS
SELECT g AS customer, date '2000-01-01' + (g % 3000) AS day FROM generate_series(1, 1000000) g
UNION ALL
SELECT g, date '2000-01-01' + ((g * 7) % 3000) FROM generate_series(1, 1000000) g;
CREATE TABLE cohort AS
SELECT crm.cohort_partial(customer, day, '1 day', date '2000-01-01' + 2999) AS s
FROM cohort_events;
ALTER TABLE cohort ADD COLUMN t crm.cohort_table;
UPDATE cohort SET t = crm.cohort_final(s);

-- a Kaplan-Meier value of 1,000,000 distinct durations
CREATE TABLE km AS
SELECT crm.km_fit(g / 7.0, g % 3 <> 0) AS s FROM generate_series(1, 1000000) g;

-- fit states of 1,000,000 distinct (x, t_x, T) and 1,000,000 distinct tenures
CREATE TABLE fit AS
SELECT crm.clv_fit_partial((g % 50)::float8, CASE WHEN g % 50 = 0 THEN 0 ELSE (g % 997) / 10.0 END,
						   100 + g / 1000.0) AS purchases
FROM generate_series(1, 1000000) g;
CREATE TABLE tenure AS
SELECT crm.tenure_fit_partial(1 + g % 1000000, g % 5 <> 0) AS s FROM generate_series(1, 2000000) g;

-- an sBG input table of 1,000,000 periods
CREATE TABLE survivors AS
SELECT array_agg(g ORDER BY g) AS period, array_agg(2000000 - g::float8 ORDER BY g) AS surviving
FROM generate_series(0, 999999) g;

-- a PLS state of 400 items (random answers, so the moments are of real data)
SELECT setseed(0.5);
CREATE TABLE pls AS
SELECT crm.pls_partial(items) AS s
FROM (SELECT array_agg(random() + sin(row_id * (1 + (i - 1) / 10 * 0.37)) ORDER BY i) AS items
	  FROM generate_series(1, 2000) row_id, generate_series(1, 400) i
	  GROUP BY row_id) q;
-- 40 latent variables of 10 items each, in a chain
CREATE TABLE pls_spec AS
SELECT jsonb_build_object(
	'blocks', (SELECT jsonb_object_agg('LV' || k, (SELECT jsonb_agg(k * 10 + j) FROM generate_series(1, 10) j))
			   FROM generate_series(0, 39) k),
	'paths', (SELECT jsonb_agg(jsonb_build_array('LV' || k, 'LV' || (k + 1))) FROM generate_series(0, 38) k),
	'tol', 1e-300, 'maxiter', 100000) AS spec;
