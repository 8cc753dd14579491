-- Correctness check of the crm.summary benchmark (see test/bench/run):
-- crm.summary and the plain-SQL version must give the same answer for every
-- customer.  Integers and dates must be equal; recency, t, monetary_total
-- and monetary_value may differ by 1e-6 (relative to the value when it is
-- above 1), as the two sum the same amounts in different orders.
-- Customers whose crm summary is NULL (no purchase up to as_of: only refunds
-- or only later rows) must have no plain-SQL row either.
--
-- Prints one unaligned line
--   compared|mismatched|null summaries|avg distinct days|max distinct days
--   |same-day repeat rows|refund rows|rows after as_of
-- and then up to 5 differing customers as "id|crm row|plain row".
\set ON_ERROR_STOP on
CREATE TEMP TABLE crm_res AS SELECT * FROM bench_crm;
CREATE TEMP TABLE plain_res AS SELECT * FROM bench_plain;
SELECT count(*) AS null_summaries FROM crm_res WHERE n_periods IS NULL \gset
DELETE FROM crm_res WHERE n_periods IS NULL;

CREATE TEMP VIEW cmp AS
SELECT coalesce(c.customer_id, p.customer_id) AS customer_id, c, p,
       c.customer_id IS NULL OR p.customer_id IS NULL
       OR c.first_purchase <> p.first_purchase OR c.last_purchase <> p.last_purchase
       OR c.n_transactions <> p.n_transactions OR c.n_periods <> p.n_periods
       OR c.frequency <> p.frequency OR c.days_since_last <> p.days_since_last
       OR abs(c.recency - p.recency) > 1e-6 * greatest(1, abs(p.recency))
       OR abs(c.t - p.t) > 1e-6 * greatest(1, abs(p.t))
       OR abs(c.monetary_total - p.monetary_total) > 1e-6 * greatest(1, abs(p.monetary_total))
       OR abs(c.monetary_value - p.monetary_value) > 1e-6 * greatest(1, abs(p.monetary_value))
       AS differs
FROM crm_res AS c
     FULL JOIN plain_res AS p ON p.customer_id = c.customer_id;

SELECT count(*),
       count(*) FILTER (WHERE differs),
       :null_summaries,
       round(avg((c).n_periods), 2),
       max((c).n_periods),
       sum((c).n_transactions - (c).n_periods),
       (SELECT count(*) FROM bench_log WHERE amount < 0),
       (SELECT count(*) FROM bench_log WHERE purchased_on > DATE :'as_of')
FROM cmp;

SELECT customer_id, c::text, p::text FROM cmp WHERE differs ORDER BY customer_id LIMIT 5;
