-- Bad input to the summary aggregates: every case raises a clear error with
-- its SQLSTATE (shown as "SQLSTATE: message"), or has a documented result.
\i test/load/sqlstate_of.sql

CREATE TABLE elog (d date, ts timestamptz, amount float8, amount_n numeric);
INSERT INTO elog VALUES ('2024-01-01', '2024-01-01 10:00+00', 10, 10), ('2024-01-05', '2024-01-05 10:00+00', 20, 20);

-- NULL purchase times or amounts are skipped (documented), not errors
SELECT (crm.summary(d, amount, date '2024-02-01', interval '1 day')).n_transactions
FROM (SELECT d, amount FROM elog UNION ALL SELECT NULL, 5 UNION ALL SELECT date '2024-01-09', NULL) s;

-- amounts must be finite numbers (22000)
SELECT sqlstate_of($$SELECT crm.summary(d, 'NaN'::float8, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, 'Infinity'::float8, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, '-Infinity'::float8, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, 'NaN'::numeric, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, 'Infinity'::numeric, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, 1e400::numeric, date '2024-02-01', interval '1 day') FROM elog$$);
-- NaN is an error even on a row after as_of
SELECT sqlstate_of($$SELECT crm.summary(date '2025-01-01', 'NaN'::float8, date '2024-02-01', interval '1 day')$$);

-- times must be finite (22000)
SELECT sqlstate_of($$SELECT crm.summary('infinity'::date, amount, date '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary('-infinity'::timestamptz, amount, timestamptz '2024-02-01', interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, 'infinity'::date, interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(ts, amount, 'infinity'::timestamptz, interval '1 day') FROM elog$$);

-- parameters must not be NULL (22004)
SELECT sqlstate_of($$SELECT crm.summary(d, amount, NULL::date, interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', NULL::interval) FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', NULL::interval) FROM elog$$);
SELECT sqlstate_of($$SELECT crm.calibration_holdout(d, amount, date '2024-02-01', NULL::date, interval '1 day') FROM elog$$);

-- units: positive, fixed length; whole months only with a month-based period (22023)
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '0 days') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '-1 week') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day -24 hours') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 month') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 month 2 days', interval '1 month') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '-1 month', interval '1 month') FROM elog$$);

-- periods: a positive whole number of days or of months (22023)
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '0 days') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '-1 week') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '12 hours') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '1 month 1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '-2 months') FROM elog$$);

-- parameters must be the same on every row of a group (22023)
SELECT sqlstate_of($$SELECT crm.summary(d, amount, d + 30, interval '1 day') FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day' * (amount / 10)) FROM elog$$);
SELECT sqlstate_of($$SELECT crm.summary(d, amount, date '2024-02-01', interval '1 day', interval '1 day' * (amount / 10)) FROM elog$$);

-- the holdout must not end before the calibration period (22023)
SELECT sqlstate_of($$SELECT crm.calibration_holdout(d, amount, date '2024-02-01', date '2024-01-01', interval '1 day') FROM elog$$);

-- states built with different parameters do not merge (22023)
SELECT sqlstate_of($$SELECT crm.summary_merge(s) FROM (
	SELECT crm.summary_partial(d, amount, date '2024-02-01', date '2024-02-01', interval '1 day', interval '1 day') FROM elog
	UNION ALL
	SELECT crm.summary_partial(d, amount, date '2024-03-01', date '2024-03-01', interval '1 day', interval '1 day') FROM elog) AS t(s)$$);
SELECT sqlstate_of($$SELECT crm.summary_merge(s) FROM (
	SELECT crm.summary_partial(d, amount, date '2024-02-01', date '2024-02-01', interval '1 day', interval '1 day') FROM elog
	UNION ALL
	SELECT crm.summary_partial(d, amount, date '2024-02-01', date '2024-02-01', interval '1 week', interval '1 day') FROM elog) AS t(s)$$);

-- malformed state text (22P02)
SELECT sqlstate_of($$SELECT 'garbage'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v2 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1/2/0/0 cal={3,9} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1/2/0/0 cal={9,3} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1/NaN/0/0 cal={3,9} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/0/0 days=3/9 tx=2/0 spend=1/2/0/0 cal={3,9} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/12 tx=2/0 spend=1/2/0/0 cal={3,12} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=1/0 spend=1/2/0/0 cal={3,9} hold={}'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1/2/0/0 cal={3,9} hold={} extra'::crm.summary_state$$);
SELECT sqlstate_of($$SELECT 'v1 flags=8 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1/2/0/0 cal={3,9} hold={}'::crm.summary_state$$);
-- holdout purchases in a state without a holdout window (flag 2 unset)
SELECT sqlstate_of($$SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/1 spend=1/2/5/0 cal={3,9} hold={10}'::crm.summary_state$$);
-- a valid state reads back and prints identically
SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1.5/2.25/0/0 cal={3,9} hold={}'::crm.summary_state;
SELECT crm.summary_final('v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1.5/2.25/0/0 cal={3,9} hold={}'::crm.summary_state);
