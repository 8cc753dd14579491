-- Synthetic transaction log for the crm.summary benchmark (see test/bench/run).
--
-- psql variables: rows, customers, seed, data_start, data_end (set by
-- test/bench/summary.sh from BENCH_ROWS, BENCH_CUSTOMERS, BENCH_SEED).
--
-- Shape of the data (reproducible: setseed + random() in one serial INSERT):
--   * 90% of the rows go to a uniformly random customer 1..customers, 10% to
--     the "heavy" first 1% of customers (about 100 rows each), so most
--     customers have a handful of rows and a few have many distinct days;
--   * each customer starts buying on a fixed day (a multiplicative hash of
--     the id) within the first ~700 days, and buys on days of a 3-day grid
--     from then to data_end: several distinct purchase days per customer and
--     some same-day repeats;
--   * 3% of the rows are refunds (negative amounts), the rest cost
--     0.05 .. 200.00 (skewed towards small baskets);
--   * rows come in random customer order (not clustered by customer).
\set ON_ERROR_STOP on
SELECT setseed(:seed);

CREATE UNLOGGED TABLE bench_log (customer_id int, purchased_on date, amount float8);

INSERT INTO bench_log
SELECT c,
       birth + 3 * floor(u * ((DATE :'data_end' - birth) / 3 + 1))::int,
       CASE WHEN r < 0.03 THEN -round(100 + 9900 * a) / 100
            ELSE round(5 + 19995 * a * a) / 100 END
FROM (SELECT c, u, a, r,
             DATE :'data_start' + (c::bigint * 2654435761 % 700)::int AS birth
      FROM (SELECT CASE WHEN random() < 0.1
                        THEN 1 + floor(random() * greatest(:customers / 100, 1))
                        ELSE 1 + floor(random() * :customers) END::int AS c,
                   random() AS u, random() AS a, random() AS r
            FROM generate_series(1, :rows)
            OFFSET 0) AS draws       -- OFFSET 0: evaluate each random() once
     ) AS rows_with_birth;

VACUUM ANALYZE bench_log;
