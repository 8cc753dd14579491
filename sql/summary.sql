-- crm.summary / crm.calibration_holdout semantics on small hand-made logs:
-- same-day and per-period merging, units, refunds, NULLs, the as-of cut-off,
-- time zones, and the crm.summary_state value (text, binary, merge).
CREATE TABLE tx (customer text, purchased_on date, amount float8);
INSERT INTO tx VALUES
	-- a: two purchases on the first day, one repeat day, a refund, a NULL amount, a row after as_of
	('a', '2024-01-10', 10), ('a', '2024-01-10', 5), ('a', '2024-01-24', 30),
	('a', '2024-01-25', -7.5), ('a', '2024-02-01', NULL), ('a', '2024-03-01', 99),
	-- b: rows arrive out of order; the first day is seen last
	('b', '2024-02-20', 20), ('b', '2024-02-06', 40), ('b', '2024-01-30', 1),
	-- c: only purchases after as_of -> no summary
	('c', '2024-02-20', 8),
	-- d: a zero-amount order still counts as a purchase; NULL date skipped
	('d', '2024-01-01', 0), ('d', NULL, 50), ('d', '2024-01-08', 12);

-- as_of 2024-02-15, unit 1 day and 1 week
SELECT customer, (s).first_purchase, (s).last_purchase, (s).n_transactions, (s).n_periods,
       (s).frequency, (s).recency, (s).t, (s).monetary_total, (s).monetary_value,
       (s).days_since_last, (s).refund_total, (s).unit
FROM (SELECT customer, crm.summary(purchased_on, amount, date '2024-02-15', interval '1 day') AS s
      FROM tx GROUP BY customer) q ORDER BY customer;

SELECT customer, (s).frequency, round((s).recency::numeric, 6) AS recency_weeks,
       round((s).t::numeric, 6) AS t_weeks
FROM (SELECT customer, crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week') AS s
      FROM tx GROUP BY customer) q ORDER BY customer;

-- other fixed units: hours and 30-day "months"
SELECT customer, (s).recency AS recency_12h, (s).t AS t_12h
FROM (SELECT customer, crm.summary(purchased_on, amount, date '2024-02-15', interval '12 hours') AS s
      FROM tx GROUP BY customer) q ORDER BY customer;
SELECT customer, round((s).t::numeric, 6) AS t_30d
FROM (SELECT customer, crm.summary(purchased_on, amount, date '2024-02-15', interval '30 days') AS s
      FROM tx GROUP BY customer) q ORDER BY customer;

-- numeric amounts give the same result as float8
SELECT crm.summary(purchased_on, amount::numeric, date '2024-02-15', interval '1 day') =
       crm.summary(purchased_on, amount, date '2024-02-15', interval '1 day') AS numeric_equals_float8
FROM tx WHERE customer = 'a';

-- the whole summary as jsonb (for BI tools) and as one text line that reads back
SELECT jsonb_pretty(to_jsonb(crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week')))
FROM tx WHERE customer = 'b';
SELECT crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week')::text AS summary_text
FROM tx WHERE customer = 'b';
SELECT (crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week')::text)::crm.customer_summary =
       crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week') AS text_round_trip
FROM tx WHERE customer = 'b';

-- empty input, all-NULL input, and purchases only after as_of give NULL
SELECT crm.summary(purchased_on, amount, date '2024-02-15', interval '1 day') IS NULL AS empty_is_null
FROM tx WHERE false;
SELECT crm.summary(NULL::date, NULL::float8, date '2024-02-15', interval '1 day') IS NULL AS all_null_is_null
FROM generate_series(1, 3);
SELECT crm.summary(purchased_on, amount, date '2023-12-31', interval '1 day') IS NULL AS before_first_is_null
FROM tx;
-- a customer with only a refund up to as_of has no purchase: NULL
SELECT crm.summary(d, amt, date '2024-01-31', interval '1 day') IS NULL AS refund_only_is_null
FROM (VALUES (date '2024-01-05', -20.0::float8)) v(d, amt);

-- per-period merging: ISO weeks (Monday..Sunday) and calendar months
CREATE TABLE tx2 (purchased_on date, amount float8);
INSERT INTO tx2 VALUES ('2024-01-01', 1), ('2024-01-07', 2), ('2024-01-08', 4),
	('2024-01-30', 8), ('2024-03-02', 16), ('2024-03-31', 32);
SELECT 'day' AS period, (s).n_periods, (s).frequency, (s).recency, (s).t, (s).monetary_value, (s).unit
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-10', interval '1 day') s FROM tx2) q
UNION ALL
SELECT 'week', (s).n_periods, (s).frequency, (s).recency, (s).t, (s).monetary_value, (s).unit
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-10', interval '1 week', interval '1 week') s FROM tx2) q
UNION ALL
SELECT 'month', (s).n_periods, (s).frequency, (s).recency, (s).t, (s).monetary_value, (s).unit
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-10', interval '1 month', interval '1 month') s FROM tx2) q
UNION ALL
SELECT 'quarter', (s).n_periods, (s).frequency, (s).recency, (s).t, (s).monetary_value, (s).unit
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-10', interval '3 months', interval '3 months') s FROM tx2) q
UNION ALL
SELECT 'month in days', (s).n_periods, (s).frequency, (s).recency, (s).t, (s).monetary_value, (s).unit
FROM (SELECT crm.summary(purchased_on, amount, date '2024-06-10', interval '1 day', interval '1 month') s FROM tx2) q;

-- timestamptz: the purchase day is taken in the session time zone
CREATE TABLE tx3 (purchased_at timestamptz, amount float8);
INSERT INTO tx3 VALUES ('2024-01-01 23:30:00+00', 1), ('2024-01-02 00:30:00+00', 2),
	('2024-03-30 23:30:00+00', 4), ('2024-03-31 22:30:00+00', 8);
SET TIME ZONE 'UTC';
SELECT (s).first_purchase, (s).last_purchase, (s).n_periods, (s).days_since_last
FROM (SELECT crm.summary(purchased_at, amount, timestamptz '2024-04-30 00:00+00', interval '1 day') s FROM tx3) q;
SET TIME ZONE 'America/New_York';
SELECT (s).first_purchase, (s).last_purchase, (s).n_periods, (s).days_since_last
FROM (SELECT crm.summary(purchased_at, amount, timestamptz '2024-04-30 00:00+00', interval '1 day') s FROM tx3) q;
-- Europe/Berlin changes to summer time on 2024-03-31: local days 03-31 and 04-01
SET TIME ZONE 'Europe/Berlin';
SELECT purchased_at, crm.summary(purchased_at, amount, timestamptz '2024-04-30 00:00+00', interval '1 day') AS s
FROM tx3 GROUP BY purchased_at ORDER BY purchased_at;
-- a timestamp cut-off is exact: a purchase later on the as_of day is ignored
SELECT (s).n_transactions
FROM (SELECT crm.summary(purchased_at, amount, timestamptz '2024-01-02 00:00+00', interval '1 day') s FROM tx3) q;
RESET TIME ZONE;

-- calibration / holdout on the small log: a's 2024-03-01 purchase is in the holdout
SELECT customer, (h).frequency, (h).frequency_holdout, (h).monetary_value_holdout, (h).duration_holdout
FROM (SELECT customer, crm.calibration_holdout(purchased_on, amount, date '2024-02-15', date '2024-03-15',
                                               interval '1 day') AS h
      FROM tx GROUP BY customer) q ORDER BY customer;

-- a heavy buyer: 1000 distinct days in scrambled order, several rows per day
SELECT (s).n_transactions, (s).n_periods, (s).frequency, (s).recency, (s).t,
       round((s).monetary_total::numeric, 2) AS monetary_total, round((s).monetary_value::numeric, 6) AS monetary_value
FROM (SELECT crm.summary(date '2020-01-01' + (i * 7919) % 1000, 1.5, date '2023-01-01', interval '1 day') AS s
      FROM generate_series(0, 2999) AS i) q;

-- the partial state: text form, exact text round-trip, merge of two halves
SELECT crm.summary_partial(purchased_on, amount, date '2024-02-15', date '2024-03-15',
                           interval '1 week', interval '1 day') AS state
FROM tx WHERE customer = 'a';
CREATE TABLE halves AS
SELECT customer, (ctid::text::point)[1]::int % 2 AS half,
       crm.summary_partial(purchased_on, amount, date '2024-02-15', date '2024-03-15', interval '1 week', interval '1 day') AS state
FROM tx GROUP BY customer, (ctid::text::point)[1]::int % 2;
SELECT customer,
       crm.summary_final(crm.summary_merge(state)) IS NOT DISTINCT FROM (SELECT crm.summary(purchased_on, amount, date '2024-02-15', interval '1 week') FROM tx t WHERE t.customer = h.customer) AS merged_equals_whole,
       crm.holdout_final(crm.summary_merge(state::text::crm.summary_state)) IS NOT DISTINCT FROM
         (SELECT crm.calibration_holdout(purchased_on, amount, date '2024-02-15', date '2024-03-15', interval '1 week') FROM tx t WHERE t.customer = h.customer) AS text_merged_equals_whole
FROM halves h GROUP BY customer ORDER BY customer;
SELECT count(*) AS text_round_trip_differs FROM halves WHERE state::text::crm.summary_state::text <> state::text;

-- binary send/recv round-trip through COPY BINARY
CREATE TABLE states_bin (customer text, half int, state crm.summary_state);
\copy (SELECT customer, half, state FROM halves) TO 'results/summary_states.bin' WITH (FORMAT binary)
\copy states_bin FROM 'results/summary_states.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs
FROM halves h JOIN states_bin b USING (customer, half) WHERE b.state::text <> h.state::text;

-- called as a plain function, the combine function does not modify its input
SELECT a.state::text = a2.state::text AS input_unchanged
FROM halves a, halves b, LATERAL (SELECT crm.summary_combine(a.state, b.state)) m,
     LATERAL (SELECT state FROM halves WHERE customer = a.customer AND half = a.half) a2
WHERE a.customer = 'a' AND b.customer = 'a' AND a.half = 0 AND b.half = 1;
