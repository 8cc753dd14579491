-- Inputs of the cancellation test (test/cancel/run), built once before the
-- timed statements so that each timed statement spends its time in crm's
-- own loops (an SRF, a merge, a fit), not in scanning or aggregating rows
SET client_min_messages = warning;
-- The large values are stored uncompressed (STORAGE EXTERNAL): each call
-- then reads them without a decompression that nothing can interrupt, so
-- the time measured after the timeout is crm's, not pglz's.

-- a concentration value of 1,000,000 distinct customer values
CREATE TABLE conc (c crm.concentration);
ALTER TABLE conc ALTER c SET STORAGE EXTERNAL;
INSERT INTO conc SELECT crm.concentration_fit(g * 1.5) FROM generate_series(1, 1000000) g;

-- a cohort state and table spanning 3,000 daily periods (4.5 million cells
-- per triangle): 1,000,000 customers, each active on two days
CREATE TABLE cohort_events AS
SELECT g AS customer, date '2000-01-01' + (g % 3000) AS day FROM generate_series(1, 1000000) g
UNION ALL
SELECT g, date '2000-01-01' + ((g * 7) % 3000) FROM generate_series(1, 1000000) g;
CREATE TABLE cohort (s crm.cohort_state, t crm.cohort_table);
ALTER TABLE cohort ALTER s SET STORAGE EXTERNAL, ALTER t SET STORAGE EXTERNAL;
INSERT INTO cohort (s)
SELECT crm.cohort_partial(customer, day, '1 day', date '2000-01-01' + 2999) FROM cohort_events;
UPDATE cohort SET t = crm.cohort_final(s);

-- a Kaplan-Meier value of 1,000,000 distinct durations
CREATE TABLE km (s crm.survival);
ALTER TABLE km ALTER s SET STORAGE EXTERNAL;
INSERT INTO km SELECT crm.km_fit(g / 7.0, g % 3 <> 0) FROM generate_series(1, 1000000) g;

-- fit states of 1,000,000 distinct (x, t_x, T) and 1,000,000 distinct tenures
CREATE TABLE fit (purchases crm.clv_fit_state);
ALTER TABLE fit ALTER purchases SET STORAGE EXTERNAL;
INSERT INTO fit SELECT crm.clv_fit_partial((g % 50)::float8, CASE WHEN g % 50 = 0 THEN 0 ELSE (g % 997) / 10.0 END,
						   100 + g / 1000.0)
FROM generate_series(1, 1000000) g;
CREATE TABLE tenure (s crm.clv_fit_state);
ALTER TABLE tenure ALTER s SET STORAGE EXTERNAL;
INSERT INTO tenure SELECT crm.tenure_fit_partial(1 + g % 1000000, g % 5 <> 0) FROM generate_series(1, 2000000) g;

-- an sBG input table of 1,000,000 periods
CREATE TABLE survivors (period integer[], surviving float8[]);
ALTER TABLE survivors ALTER period SET STORAGE EXTERNAL, ALTER surviving SET STORAGE EXTERNAL;
INSERT INTO survivors SELECT array_agg(g ORDER BY g), array_agg(2000000 - g::float8 ORDER BY g)
FROM generate_series(0, 999999) g;

-- a PLS state of 400 items (random answers, so the moments are of real data)
SELECT setseed(0.5);
CREATE TABLE pls (s crm.pls_state);
ALTER TABLE pls ALTER s SET STORAGE EXTERNAL;
INSERT INTO pls SELECT crm.pls_partial(items)
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
