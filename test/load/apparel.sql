-- Load CLVTools' apparel retailer data (../shared/data/CLVTools: 600
-- customers, 2005-2010; see its SOURCES.md) into
--   apparel_log(customer_id, purchased_on, amount): apparelTrans.csv
--   apparel_static(customer_id, gender, channel): apparelStaticCov.csv (0/1)
--   apparel_cbs: each customer's summary in CLVTools' convention for this
--     data (weeks, purchases on one day merged, estimation split after 104
--     weeks: calibration end 2006-12-31 inclusive), with the holdout
--     purchases up to the end of the log, and the static covariates as
--     life_z and trans_z arrays (Gender, Channel) for the covariate fits.
-- The files are read from $CRM_DATA_DIR (set by test/lib.sh).
CREATE TABLE apparel_log (customer_id int, purchased_on date, amount float8);
\copy apparel_log FROM PROGRAM 'cat "$CRM_DATA_DIR/CLVTools/apparelTrans.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE apparel_static (customer_id int PRIMARY KEY, gender float8, channel float8);
\copy apparel_static FROM PROGRAM 'cat "$CRM_DATA_DIR/CLVTools/apparelStaticCov.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE apparel_cbs AS
SELECT h.customer_id, (h.s).frequency AS x, (h.s).recency AS t_x, (h.s).t AS t_cal,
       (h.s).monetary_value AS m, (h.s).frequency_holdout AS x_holdout,
       ARRAY[c.gender, c.channel] AS life_z, ARRAY[c.gender, c.channel] AS trans_z
FROM (SELECT customer_id,
             crm.calibration_holdout(purchased_on, amount, DATE '2006-12-31',
                                     (SELECT max(purchased_on) FROM apparel_log),
                                     INTERVAL '1 week') AS s
      FROM apparel_log GROUP BY customer_id) AS h
JOIN apparel_static AS c USING (customer_id)
WHERE h.s IS NOT NULL;
ANALYZE apparel_log;
ANALYZE apparel_cbs;
