-- Load the donations data of Fader, Hardie & Shang (2010): 11,104 first-time
-- donors of 1995, their repeat donations in the 6 annual opportunities
-- 1996-2001, as an (x, t_x, n) table with counts, from both copies:
-- lifetimes' donations.csv into donations(frequency, recency, periods,
-- weights) and BTYD's donationsSummary rf.matrix into
-- donations_rf(x, t_x, n_cal, custs).  Then one row per donor in
-- donors(donor_id, x, t_x, n).  Files are read from $CRM_DATA_DIR (set by
-- test/lib.sh).
CREATE TABLE donations (frequency int, recency int, periods int, weights bigint);
\copy donations FROM PROGRAM 'cat "$CRM_DATA_DIR/lifetimes/donations.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE donations_rf (x int, t_x int, n_cal int, custs bigint);
\copy donations_rf FROM PROGRAM 'cat "$CRM_DATA_DIR/BTYD/donationsSummary.rf.matrix.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE donors AS
SELECT row_number() OVER (ORDER BY frequency, recency, i) AS donor_id,
       frequency::float8 AS x, recency::float8 AS t_x, periods::float8 AS n
FROM donations, generate_series(1, weights) i;
ANALYZE donations;
ANALYZE donations_rf;
ANALYZE donors;
