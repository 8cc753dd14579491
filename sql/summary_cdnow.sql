-- Reference test: customer summaries of the CDNOW sample (Fader, Hardie & Lee
-- 2005), weeks, calibration to 1997-09-30, holdout to 1998-06-30, against
-- lifetimes' cdnow_customers_summary*.csv and BTYD's cdnowSummary cbs.
-- Tolerances: frequency and holdout counts exact; recency, T and the mean
-- repeat spend equal the published values rounded to 2 decimals.
\i test/load/cdnow.sql

CREATE TEMP TABLE ref_summary (id int, frequency int, recency float8, t float8);
\copy ref_summary FROM PROGRAM 'cat "$CRM_DATA_DIR/lifetimes/cdnow_customers_summary.csv"' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_zbar (id int, x int, t_x float8, t float8, zbar float8);
\copy ref_zbar FROM PROGRAM 'cat "$CRM_DATA_DIR/lifetimes/cdnow_customers_summary_with_transactions.csv"' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE ref_cbs (id int, x int, t_x float8, t_cal float8, x_star int);
\copy ref_cbs FROM PROGRAM 'cat "$CRM_DATA_DIR/BTYD/cdnowSummary.cbs.csv"' WITH (FORMAT csv, HEADER true)

CREATE TABLE cdnow_summary AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;

-- the published totals: 2357 customers, sum of x = 2457, 1411 with x = 0
SELECT count(*) AS customers, sum(frequency) AS sum_x,
       count(*) FILTER (WHERE frequency = 0) AS zero_repeaters,
       count(*) FILTER (WHERE frequency > 0) AS repeaters
FROM cdnow_summary;

-- every customer equals lifetimes' summary (x exact; t_x and T to 2 decimals)
SELECT count(*) AS compared,
       count(*) FILTER (WHERE s.frequency <> r.frequency) AS x_mismatch,
       count(*) FILTER (WHERE round(s.recency::numeric, 2) <> round(r.recency::numeric, 2)) AS t_x_mismatch,
       count(*) FILTER (WHERE round(s.t::numeric, 2) <> round(r.t::numeric, 2)) AS t_mismatch
FROM cdnow_summary s FULL JOIN ref_summary r ON r.id = s.customer_id;

-- ... and BTYD's exact t.x and T.cal (weeks = days / 7) to 1e-9
SELECT count(*) FILTER (WHERE abs(s.recency - c.t_x) > 1e-9 OR abs(s.t - c.t_cal) > 1e-9) AS exact_mismatch
FROM cdnow_summary s JOIN ref_cbs c ON c.id = s.customer_id;

-- mean spend per repeat day equals zbar for all 2357 (0 when x = 0), 946 with x > 0
SELECT count(*) AS compared,
       count(*) FILTER (WHERE round(s.monetary_value::numeric, 2) <> round(z.zbar::numeric, 2)) AS zbar_mismatch,
       count(*) FILTER (WHERE z.x > 0) AS repeaters
FROM cdnow_summary s JOIN ref_zbar z ON z.id = s.customer_id;

-- monetary_total is the whole calibration spend: equal to a plain sum
SELECT round(sum(monetary_total)::numeric, 2) AS crm_total,
       (SELECT round(sum(amount)::numeric, 2) FROM cdnow_log WHERE purchased_on <= '1997-09-30') AS sql_total
FROM cdnow_summary;

-- a few customers in full
SELECT customer_id, first_purchase, last_purchase, n_transactions, n_periods, frequency,
       round(recency::numeric, 4) AS recency, round(t::numeric, 4) AS t,
       round(monetary_total::numeric, 2) AS monetary_total,
       round(monetary_value::numeric, 4) AS monetary_value, days_since_last, unit
FROM cdnow_summary WHERE customer_id IN (1, 2, 3, 18, 1000) ORDER BY customer_id;

-- holdout: repeat purchase days in (1997-09-30, 1998-06-30] equal BTYD's x.star, sum 1882
CREATE TABLE cdnow_holdout AS
SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '1997-09-30',
                                             date '1998-06-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
SELECT count(*) AS customers, sum(frequency_holdout) AS sum_x_star,
       count(*) FILTER (WHERE h.frequency_holdout <> c.x_star) AS x_star_mismatch,
       count(*) FILTER (WHERE h.frequency <> c.x) AS x_mismatch,
       min(round(duration_holdout::numeric, 4)) AS duration_weeks
FROM cdnow_holdout h JOIN ref_cbs c ON c.id = h.customer_id;

-- the timestamptz overload (midnight in the session zone) and numeric amounts agree
SET TIME ZONE 'America/New_York';
SELECT count(*) AS differing
FROM cdnow_summary s
JOIN (SELECT customer_id,
             crm.summary(purchased_on::timestamptz, amount::numeric,
                         timestamptz '1997-09-30', interval '1 week') AS ts
      FROM cdnow_log GROUP BY customer_id) x USING (customer_id)
WHERE (x.ts).frequency <> s.frequency OR (x.ts).recency <> s.recency OR (x.ts).t <> s.t
   OR abs((x.ts).monetary_value - s.monetary_value) > 1e-9;
RESET TIME ZONE;
