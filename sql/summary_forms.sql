-- The two storage forms of a summary state's period set (sorted array for
-- few or sparse periods, bitmap for dense ones; see summary_state.h).  The
-- form is invisible: whatever order the rows come in, whichever form a
-- state ends in, and however states are merged, advanced, printed and read
-- back, the summary equals plain SQL over the same rows.
-- Amounts are multiples of 0.25, so every sum is exact in any order and
-- states compare as text.
CREATE SCHEMA sf;
SET search_path = sf, public;

-- Customers of six shapes, 40 each:
--   0 dense: about 350 distinct days in the last 500 days before as_of, repeats
--   1 sparse: 40 purchases spread over 30 years (a bitmap would be larger)
--   2 dense recent days plus one purchase 20 years earlier
--   3 few: at most 15 distinct days
--   4 around the switch to a bitmap at 16 distinct days (12 to 16)
--   5 dense, then purchases in the holdout window (after 2024-06-30)
CREATE TABLE log AS
WITH c AS (SELECT g AS customer, g % 6 AS shape FROM generate_series(0, 239) g),
rows AS (
	SELECT customer, date '2024-06-30' - 500 + (abs(hashint4(customer * 1000 + i)) % 500) AS day, i
	FROM c, generate_series(1, 700) i WHERE shape IN (0, 2, 5)
	UNION ALL
	SELECT customer, date '2024-06-30' - (abs(hashint4(customer * 1000 + i)) % 10950), i
	FROM c, generate_series(1, 40) i WHERE shape = 1
	UNION ALL
	SELECT customer, date '2004-03-01' + customer % 17, 0 FROM c WHERE shape = 2
	UNION ALL
	SELECT customer, date '2024-06-30' - 7 * (i + customer % 3), i
	FROM c, generate_series(1, 1 + customer % 15) i WHERE shape = 3
	UNION ALL
	SELECT customer, date '2024-06-30' - 3 * i, i
	FROM c, generate_series(1, 14 + (customer / 6) % 5) i WHERE shape = 4
	UNION ALL
	SELECT customer, date '2024-06-30' + 1 + (abs(hashint4(customer * 7 + i)) % 90), i
	FROM c, generate_series(1, 30) i WHERE shape = 5
)
SELECT customer, day,
       CASE WHEN i % 13 = 5 THEN -2.5 ELSE 0.25 * (1 + (customer + i) % 40) END::float8 AS amount
FROM rows
ORDER BY hashint4(customer * 7919 + i), day;
ANALYZE log;

-- the plain-SQL truth (calibration up to 2024-06-30, holdout to 2024-09-30, day periods, unit 1 day)
CREATE TABLE truth AS
WITH p AS (SELECT * FROM log WHERE amount >= 0 AND day <= '2024-06-30'),
first AS (SELECT customer, min(day) AS first_day FROM p GROUP BY customer)
SELECT customer, count(*) AS n_transactions, count(DISTINCT day)::int AS n_periods,
       min(day) AS first_purchase, max(day) AS last_purchase,
       (max(day) - min(day))::float8 AS recency, (date '2024-06-30' - min(day))::float8 AS t,
       sum(amount) AS monetary_total,
       coalesce(sum(amount) FILTER (WHERE day > f.first_day) / nullif(count(DISTINCT day) - 1, 0), 0) AS monetary_value,
       (SELECT coalesce(sum(-amount), 0) FROM log r WHERE r.customer = p.customer AND r.amount < 0 AND r.day <= '2024-06-30') AS refund_total,
       (SELECT count(DISTINCT day)::int FROM log h WHERE h.customer = p.customer AND h.amount >= 0
          AND h.day > '2024-06-30' AND h.day <= '2024-09-30') AS frequency_holdout
FROM p JOIN first f USING (customer)
GROUP BY customer, f.first_day;

-- the summary in three row orders (table order, ascending, descending: every
-- row of the descending order extends a bitmap downwards)
CREATE TABLE built AS
SELECT customer,
       crm.calibration_holdout(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day') AS h,
       crm.calibration_holdout(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day' ORDER BY day) AS h_asc,
       crm.calibration_holdout(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day' ORDER BY day DESC) AS h_desc,
       crm.summary_partial(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day', interval '1 day') AS s,
       crm.summary_partial(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day', interval '1 day' ORDER BY day) AS s_asc,
       crm.summary_partial(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day', interval '1 day' ORDER BY day DESC) AS s_desc
FROM log GROUP BY customer;

SELECT count(*) AS customers,
       count(*) FILTER (WHERE (b.h).n_transactions <> t.n_transactions OR (b.h).n_periods <> t.n_periods
                           OR (b.h).first_purchase <> t.first_purchase OR (b.h).last_purchase <> t.last_purchase
                           OR (b.h).recency <> t.recency OR (b.h).t <> t.t
                           OR (b.h).monetary_total <> t.monetary_total OR (b.h).monetary_value <> t.monetary_value
                           OR (b.h).refund_total <> t.refund_total
                           OR (b.h).frequency_holdout <> t.frequency_holdout) AS differ_from_plain_sql,
       count(*) FILTER (WHERE b.h IS DISTINCT FROM b.h_asc OR b.h IS DISTINCT FROM b.h_desc) AS differ_by_row_order,
       count(*) FILTER (WHERE b.s::text <> b.s_asc::text OR b.s::text <> b.s_desc::text) AS state_text_differs_by_order,
       count(*) FILTER (WHERE t.frequency_holdout > 0) AS with_holdout_purchases
FROM built b FULL JOIN truth t USING (customer);

-- memory (as built, before any TOAST compression of a stored value): a
-- dense buyer's state stays at 256 bytes whatever its number of purchase
-- days (bitmap); a sparse buyer's grows with its periods (array); the switch
-- happens at 16 periods
SELECT customer % 6 AS shape, min(t.n_periods) AS min_periods, max(t.n_periods) AS max_periods,
       min(b.bytes) AS min_bytes, max(b.bytes) AS max_bytes
FROM (SELECT customer, pg_column_size(crm.summary_partial(day, amount, date '2024-06-30', date '2024-09-30',
                                                          interval '1 day', interval '1 day')) AS bytes
      FROM log GROUP BY customer) b
JOIN truth t USING (customer) GROUP BY 1 ORDER BY 1;

-- the same for the states crm.summary builds (date rows, no holdout
-- window), by day and by week: 256 bytes for up to 32 periods, or for
-- dense periods within 1,024 periods of the first (a bitmap); a sparse
-- buyer's weeks over 30 years also fit a bitmap
CREATE AGGREGATE summary_state_of(date, float8, date, interval, interval) (
	SFUNC = crm.summary_trans, STYPE = crm.summary_state);
SELECT customer % 6 AS shape,
       min(pg_column_size(w)) AS min_week_bytes, max(pg_column_size(w)) AS max_week_bytes,
       min(pg_column_size(d)) AS min_day_bytes, max(pg_column_size(d)) AS max_day_bytes
FROM (SELECT customer,
             summary_state_of(day, amount, date '2024-06-30', interval '1 week', interval '1 week') AS w,
             summary_state_of(day, amount, date '2024-06-30', interval '1 day', interval '1 day') AS d
      FROM log GROUP BY customer) s
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE pg_column_size(d) = 256) AS at_256_bytes,
       count(*) FILTER (WHERE crm.summary_final(d) IS DISTINCT FROM crm.summary_final(d::text::crm.summary_state)) AS round_trip_differs
FROM (SELECT customer, summary_state_of(day, amount, date '2024-06-30', interval '1 day', interval '1 day') AS d
      FROM log WHERE day > date '2024-06-30' - 8 GROUP BY customer) s;

-- week periods with as_of in mid-week (Wednesday 2024-06-26): the week
-- holding as_of is both a calibration and a holdout period of a customer
-- who bought on both sides of as_of within it; dense buyers hold their
-- weeks in the bitmap form, sparse ones in the array form
SELECT count(*) AS customers,
       count(*) FILTER (WHERE q.straddles) AS straddling_as_of_week,
       count(*) FILTER (WHERE (s.h).n_periods <> q.cal_weeks OR (s.h).frequency_holdout <> q.hold_weeks) AS differ,
       count(*) FILTER (WHERE s.h IS DISTINCT FROM s.h_desc) AS differ_by_row_order,
       count(*) FILTER (WHERE crm.holdout_final(s.p::text::crm.summary_state) IS DISTINCT FROM s.h) AS round_trip_differs,
       count(*) FILTER (WHERE crm.holdout_final(m.p) IS DISTINCT FROM s.h) AS merge_differs
FROM (SELECT customer,
             crm.calibration_holdout(day, amount, date '2024-06-26', date '2024-09-30', interval '1 week', interval '1 week') AS h,
             crm.calibration_holdout(day, amount, date '2024-06-26', date '2024-09-30', interval '1 week', interval '1 week' ORDER BY day DESC) AS h_desc,
             crm.summary_partial(day, amount, date '2024-06-26', date '2024-09-30', interval '1 week', interval '1 week') AS p
      FROM log GROUP BY customer) s
JOIN (SELECT customer, crm.summary_merge(p ORDER BY part DESC) AS p
      FROM (SELECT customer, day_number % 3 AS part,
                   crm.summary_partial(day, amount, date '2024-06-26', date '2024-09-30', interval '1 week', interval '1 week') AS p
            FROM (SELECT customer, day - date '2000-01-01' AS day_number, day, amount FROM log) l
            GROUP BY customer, day_number % 3) parts
      GROUP BY customer) m USING (customer)
JOIN (SELECT customer,
             count(DISTINCT floor((day - date '2000-01-03') / 7.0)) FILTER (WHERE day <= '2024-06-26') AS cal_weeks,
             count(DISTINCT floor((day - date '2000-01-03') / 7.0)) FILTER (WHERE day > '2024-06-26' AND day <= '2024-09-30') AS hold_weeks,
             bool_or(day BETWEEN '2024-06-24' AND '2024-06-26') AND bool_or(day BETWEEN '2024-06-27' AND '2024-06-30') AS straddles
      FROM log WHERE amount >= 0 GROUP BY customer HAVING bool_or(day <= '2024-06-26')) q USING (customer);

-- merges of partial states of every mix of forms: rows split by day into
-- three parts of different density (about 1/2, 1/3, 1/6 of the days)
CREATE TABLE parts AS
SELECT customer, CASE WHEN (day - date '2000-01-01') % 6 < 3 THEN 0 WHEN (day - date '2000-01-01') % 6 < 5 THEN 1 ELSE 2 END AS part,
       crm.summary_partial(day, amount, date '2024-06-30', date '2024-09-30', interval '1 day', interval '1 day') AS s
FROM log GROUP BY 1, 2;
SELECT count(*) AS merged,
       count(*) FILTER (WHERE m.s::text <> b.s::text) AS merge_differs_from_whole,
       count(*) FILTER (WHERE m.s_rev::text <> b.s::text) AS reversed_merge_differs
FROM (SELECT customer, crm.summary_merge(s ORDER BY part) AS s, crm.summary_merge(s ORDER BY part DESC) AS s_rev
      FROM parts GROUP BY customer) m JOIN built b USING (customer);

-- text and binary round trips of states in both forms
SELECT count(*) AS text_round_trip_differs FROM built WHERE s::text::crm.summary_state::text <> s::text;
CREATE TABLE states_bin (customer int, s crm.summary_state);
\copy (SELECT customer, s FROM built) TO 'results/summary_forms.bin' WITH (FORMAT binary)
\copy states_bin FROM 'results/summary_forms.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM built b JOIN states_bin r USING (customer) WHERE r.s::text <> b.s::text;
-- a state read back from text (array form) merges with one built in the
-- bitmap form, on either side, in the merge order of the parts or reversed
SELECT count(*) FILTER (WHERE crm.summary_combine(p0.s::text::crm.summary_state, p1.s)::text
                              <> crm.summary_combine(p0.s, p1.s)::text) AS read_back_first_differs,
       count(*) FILTER (WHERE crm.summary_combine(p0.s, p1.s::text::crm.summary_state)::text
                              <> crm.summary_combine(p0.s, p1.s)::text) AS read_back_second_differs,
       count(*) FILTER (WHERE crm.summary_combine(p1.s, p0.s)::text
                              <> crm.summary_combine(p0.s, p1.s)::text) AS order_differs
FROM parts p0 JOIN parts p1 ON p0.customer = p1.customer AND p0.part = 0 AND p1.part = 1;

-- week and month periods, timestamptz rows: plain SQL truth for the period counts and T
SET TIME ZONE 'UTC';
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (w).n_periods <> q.weeks OR (m).n_periods <> q.months
                           OR (w).first_purchase <> q.first_day OR (m).last_purchase <> q.last_day) AS differ
FROM (SELECT customer,
             crm.summary(day::timestamptz + interval '13 hours', amount, timestamptz '2024-06-30 23:59:59+00',
                         interval '1 week', interval '1 week') AS w,
             crm.summary(day, amount, date '2024-06-30', interval '1 month', interval '1 month' ORDER BY day DESC) AS m
      FROM log GROUP BY customer) s
JOIN (SELECT customer, count(DISTINCT floor((day - date '2000-01-03') / 7.0)) AS weeks,
             count(DISTINCT date_trunc('month', day)) AS months, min(day) AS first_day, max(day) AS last_day
      FROM log WHERE amount >= 0 AND day <= '2024-06-30' GROUP BY customer) q USING (customer);
RESET TIME ZONE;

-- crm.summary_advance on bitmap states: the rows up to 2024-03-31, advanced
-- to 2024-06-30 (beyond the bitmap's end) and merged with the later rows,
-- equal the state of all rows
SELECT count(*) AS advanced,
       count(*) FILTER (WHERE crm.summary_final(CASE WHEN o.s IS NULL THEN n.s WHEN n.s IS NULL THEN crm.summary_advance(o.s, '2024-06-30')
                                                     ELSE crm.summary_combine(crm.summary_advance(o.s, '2024-06-30'), n.s) END)
                           IS DISTINCT FROM w.s) AS advanced_differs
FROM (SELECT customer, crm.summary_partial(day, amount, date '2024-06-30', date '2024-06-30', interval '1 day', interval '1 day') AS s
      FROM log GROUP BY customer) a
JOIN (SELECT customer, crm.summary(day, amount, date '2024-06-30', interval '1 day') AS s FROM log GROUP BY customer) w USING (customer)
LEFT JOIN (SELECT customer, crm.summary_partial(day, amount, date '2024-03-31', date '2024-03-31', interval '1 day', interval '1 day') AS s
           FROM log WHERE day <= '2024-03-31' GROUP BY customer) o USING (customer)
LEFT JOIN (SELECT customer, crm.summary_partial(day, amount, date '2024-06-30', date '2024-06-30', interval '1 day', interval '1 day') AS s
           FROM log WHERE day > '2024-03-31' GROUP BY customer) n USING (customer);

-- a dense buyer then given a purchase 60 years earlier: the bitmap would
-- need 22,000 bits, so the state goes back to the array form, and the
-- summary is still exact
SELECT (s).n_periods, (s).first_purchase, (s).recency, pg_column_size(p) AS bytes
FROM (SELECT crm.summary_final(p) AS s, p
      FROM (SELECT crm.summary_partial(day, amount, date '2024-06-30', date '2024-06-30', interval '1 day', interval '1 day' ORDER BY day DESC) AS p
            FROM (SELECT day, amount FROM log WHERE customer = 0 UNION ALL SELECT date '1964-06-30', 1.0) r) q) q2;

DROP SCHEMA sf CASCADE;
