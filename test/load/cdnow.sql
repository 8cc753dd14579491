-- Load the CDNOW sample transaction log (lifetimes' CDNOW_sample.txt:
-- master_id, sample_id, YYYYMMDD, number of CDs, dollars; whitespace
-- separated) into cdnow_log(customer_id = sample_id 1..2357, purchased_on,
-- cds, amount).  The file is read from $CRM_DATA_DIR (set by test/lib.sh).
CREATE TEMP TABLE cdnow_raw (line text);
\copy cdnow_raw FROM PROGRAM 'cat "$CRM_DATA_DIR/lifetimes/CDNOW_sample.txt"'
CREATE TABLE cdnow_log AS
SELECT f[2]::int AS customer_id,
       to_date(f[3], 'YYYYMMDD') AS purchased_on,
       f[4]::int AS cds,
       f[5]::float8 AS amount
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM cdnow_raw) AS s;
DROP TABLE cdnow_raw;
ANALYZE cdnow_log;
