-- Kaplan-Meier survival (crm.km_fit, crm.survival): the R survival package's
-- aml reference, R's conventions (ties, censoring, median rule, S = 0),
-- properties on generated data, forced-parallel and merged partial states,
-- weights, text/binary/jsonb forms, and every error with its SQLSTATE.
\i test/load/sqlstate_of.sql
CREATE SCHEMA km;
SET search_path = km, public;

-- ---------------------------------------------------------------------------
-- Reference: survfit(Surv(time, status) ~ x, aml) and its summary(), from
-- ../shared/data/km_aml_expected.csv (printed to 6 decimals, so compared
-- with tolerance 1e-6: half a unit of the last printed decimal plus margin).
-- ---------------------------------------------------------------------------
CREATE TABLE aml (time float8, status int, x text);
\copy aml FROM PROGRAM 'cat "$CRM_DATA_DIR/km_aml.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE aml_expected (grp text, time float8, n_risk bigint, n_event bigint, survival float8,
                           std_err text, lower95 text, upper95 text);
\copy aml_expected FROM PROGRAM 'cat "$CRM_DATA_DIR/km_aml_expected.csv"' WITH (FORMAT csv, HEADER true)

CREATE TABLE aml_fit AS SELECT x AS grp, crm.km_fit(time, status = 1) AS s FROM aml GROUP BY x;
SELECT grp, s FROM aml_fit ORDER BY grp;

CREATE TABLE aml_table AS SELECT f.grp, t.* FROM aml_fit f, crm.survival_table(f.s) t;
SELECT grp, time, n_risk, n_event, n_censored, round(survival::numeric, 6) AS survival,
       round(std_err::numeric, 6) AS std_err, round(lower::numeric, 6) AS lower, round(upper::numeric, 6) AS upper
FROM aml_table ORDER BY grp, time;

-- every expected row is produced (and nothing else), counts equal, values within 1e-6;
-- R's NA (S = 0, Greenwood term undefined) is NULL
SELECT count(*) AS expected_rows,
       count(t.time) AS matched_rows,
       count(*) FILTER (WHERE t.n_risk = e.n_risk AND t.n_event = e.n_event) AS counts_equal,
       count(*) FILTER (WHERE abs(t.survival - e.survival) <= 1e-6) AS survival_within_1e6,
       count(*) FILTER (WHERE CASE WHEN e.std_err = 'NA' THEN t.std_err IS NULL
                                   ELSE abs(t.std_err - e.std_err::float8) <= 1e-6 END) AS std_err_within_1e6,
       count(*) FILTER (WHERE CASE WHEN e.lower95 = 'NA' THEN t.lower IS NULL
                                   ELSE abs(t.lower - e.lower95::float8) <= 1e-6 END) AS lower_within_1e6,
       count(*) FILTER (WHERE CASE WHEN e.upper95 = 'NA' THEN t.upper IS NULL
                                   ELSE abs(t.upper - e.upper95::float8) <= 1e-6 END) AS upper_within_1e6,
       max(greatest(abs(t.survival - e.survival),
                    abs(t.std_err - CASE WHEN e.std_err <> 'NA' THEN e.std_err::float8 END),
                    abs(t.lower - CASE WHEN e.lower95 <> 'NA' THEN e.lower95::float8 END),
                    abs(t.upper - CASE WHEN e.upper95 <> 'NA' THEN e.upper95::float8 END))) < 1e-6 AS max_abs_diff_below_1e6,
       max(greatest(abs(t.survival - e.survival),
                    abs(t.std_err - CASE WHEN e.std_err <> 'NA' THEN e.std_err::float8 END),
                    abs(t.lower - CASE WHEN e.lower95 <> 'NA' THEN e.lower95::float8 END),
                    abs(t.upper - CASE WHEN e.upper95 <> 'NA' THEN e.upper95::float8 END))) <= 5e-7 AS within_rounding_5e7,
       (SELECT count(*) FROM aml_table) AS produced_rows
FROM aml_expected e LEFT JOIN aml_table t ON t.grp = e.grp AND t.time = e.time;

-- medians 31 (Maintained) and 23 (Nonmaintained), as print(survfit)
SELECT grp, crm.median_survival(s) FROM aml_fit ORDER BY grp;

-- S(t) as a step function: 1 before the first event, the table's value from
-- each event time on, NULL past the last observed time (161, censored) in
-- Maintained, 0 past 45 in Nonmaintained (the curve reached 0 there)
SELECT grp, t, round(crm.survival_at(s, t)::numeric, 6) AS s_t
FROM aml_fit, (VALUES (-1::float8), (0), (8.999), (9), (12.5), (13), (48), (160), (161), (161.5), (1000)) v(t)
ORDER BY grp, t;
SELECT count(*) AS step_mismatches FROM aml_table t JOIN aml_fit f USING (grp)
WHERE crm.survival_at(f.s, t.time) <> t.survival
   OR crm.survival_at(f.s, t.time - 1e-9) <> coalesce((SELECT p.survival FROM aml_table p
                                                        WHERE p.grp = t.grp AND p.time < t.time
                                                        ORDER BY p.time DESC LIMIT 1), 1);

-- jsonb
SELECT grp, s::jsonb FROM aml_fit ORDER BY grp;

-- both groups pooled: survival_merge of the group values = one fit over all rows
SELECT crm.survival_merge(s)::text = (SELECT crm.km_fit(time, status = 1)::text FROM aml) AS pooled_same,
       crm.median_survival(crm.survival_merge(s)) AS pooled_median
FROM aml_fit;

-- ---------------------------------------------------------------------------
-- R's conventions on small cases
-- ---------------------------------------------------------------------------
-- ties: an event and a censoring at t = 2; the censored customer is at risk
-- at 2 (n_risk 5, S = 5/6 * 4/5 = 2/3), then S(3) = 2/3 * 1/2 = 1/3;
-- n_censored counts censorings in (previous event time, this time]: the one
-- at 2 on the row of 2, the one at 2.5 on the row of 3, none for the one at 4
SELECT time, n_risk, n_event, n_censored, round(survival::numeric, 12) AS survival,
       round(std_err::numeric, 12) AS std_err, round(lower::numeric, 12) AS lower, upper,
       abs(std_err - survival * sqrt(CASE time WHEN 1 THEN 1 / 30.0 WHEN 2 THEN 1 / 30.0 + 1 / 20.0
                                               ELSE 1 / 30.0 + 1 / 20.0 + 1 / 2.0 END)) < 1e-15 AS greenwood_exact
FROM crm.survival_table(
	(SELECT crm.km_fit(d, e) FROM (VALUES (1, true), (2, true), (2, false), (3, true), (4, false), (2.5, false)) v(d, e)));

-- R's own quantile test data (survival/tests/quantile.R, test1 without the
-- NA status row): S = 6/7, 18/35, 9/35 at 1, 6, 9; median 9
SELECT time, n_risk, n_event, n_censored, survival = (SELECT s FROM (VALUES (1::float8, 6/7::float8), (6, 6/7::float8 * 3/5), (9, 6/7::float8 * 3/5 * 1/2)) w(tt, s) WHERE tt = time) AS survival_exact,
       crm.median_survival((SELECT crm.km_fit(d, e) FROM (VALUES (9, true), (1, true), (1, false), (6, true), (6, true), (8, false), (10, false)) v(d, e))) AS median
FROM crm.survival_table((SELECT crm.km_fit(d, e) FROM (VALUES (9, true), (1, true), (1, false), (6, true), (6, true), (8, false), (10, false)) v(d, e)));

-- the median rule: S exactly 0.5 over an interval gives its middle (the
-- ordinary median of 1, 2, 3, 4 is 2.5); a flat at 0.5 up to the end of the
-- curve goes to the last observed time ((1 + 5) / 2); S never at or below 0.5 -> NULL;
-- no flat: the first time with S <= 0.5
SELECT crm.median_survival(crm.km_fit(d, true)) AS median_1234
FROM generate_series(1, 4) d;
SELECT crm.median_survival(crm.km_fit(d, e)) AS median_flat_to_end
FROM (VALUES (1, true), (5, false)) v(d, e);
SELECT crm.median_survival(crm.km_fit(d, e)) AS median_not_reached
FROM (VALUES (1, true), (2, true), (3, false), (4, false), (5, false)) v(d, e);
SELECT crm.median_survival(crm.km_fit(d, true)) AS median_12345
FROM generate_series(1, 5) d;
-- S = 1/2 up to rounding (the product of (n - 1)/n over n = 12..7 is
-- 0.4999999999999999 in float8, over n = 24..13 0.5000000000000001): still a
-- flat at 0.5, as R compares within sqrt(machine epsilon)
SELECT n, crm.survival_at(s, n / 2) = 0.5 AS exactly_half, crm.median_survival(s) AS median
FROM (SELECT n, crm.km_fit(d, true) AS s FROM (VALUES (12), (24)) v(n), generate_series(1, n) d GROUP BY n) f
ORDER BY n;

-- S reaching 0: the last row has survival 0 and NULL std_err, lower, upper;
-- survival_at is 0 from then on; all censored: no rows, S = 1, no median
SELECT time, n_risk, n_event, n_censored, round(survival::numeric, 12) AS survival,
       round(std_err::numeric, 12) AS std_err, round(lower::numeric, 12) AS lower, upper
FROM crm.survival_table((SELECT crm.km_fit(d, true) FROM (VALUES (2), (2), (5)) v(d)));
SELECT crm.survival_at(crm.km_fit(d, true), 100) AS after_end FROM (VALUES (2), (2), (5)) v(d);
SELECT (SELECT count(*) FROM crm.survival_table(s)) AS rows_all_censored,
       crm.survival_at(s, 10) AS s_10, crm.survival_at(s, 10.5) AS s_after, crm.median_survival(s) AS median
FROM (SELECT crm.km_fit(d, false) AS s FROM generate_series(1, 10) d) f;
-- a duration of 0 with an event: S(0) < 1
SELECT crm.survival_at(crm.km_fit(d, e), 0) AS s_0 FROM (VALUES (0, true), (0, false), (3, true), (4, true)) v(d, e);
-- the upper limit is capped at 1 (first row), never above
SELECT count(*) FILTER (WHERE upper = 1) AS capped, count(*) FILTER (WHERE upper > 1) AS above_one
FROM aml_table;

-- ---------------------------------------------------------------------------
-- Properties on generated data
-- ---------------------------------------------------------------------------
-- 5,000 customers in 4 plans: durations with many ties (whole days), about a
-- third censored
CREATE TABLE tenure AS
SELECT i AS customer_id, i % 4 AS plan,
       (abs(hashint4(i)) % 400)::float8 AS days,
       abs(hashint4(i + 7919)) % 3 <> 0 AS churned
FROM generate_series(1, 5000) i;
ANALYZE tenure;

-- no censoring: S(t) = 1 - F(t), the empirical survival (share with duration > t)
SELECT count(*) AS event_times,
       count(*) FILTER (WHERE abs(t.survival - (SELECT count(*) FILTER (WHERE days > t.time)::float8 / count(*) FROM tenure)) > 1e-12) AS differ_from_empirical,
       count(*) FILTER (WHERE t.n_risk <> (SELECT count(*) FROM tenure WHERE days >= t.time)) AS n_risk_differs
FROM crm.survival_table((SELECT crm.km_fit(days, true) FROM tenure)) t;

-- with censoring: n_risk, n_event and n_censored against SQL counts; S against
-- a product computed in SQL; Greenwood against its SQL sum; S non-increasing
CREATE TABLE gen_table AS SELECT f.plan, t.* FROM
	(SELECT plan, crm.km_fit(days, churned) AS s FROM tenure GROUP BY plan) f, crm.survival_table(f.s) t;
CREATE TABLE sql_km AS
SELECT plan, time, n_risk, n_event,
       CASE WHEN bool_or(n_risk = n_event) OVER w THEN 0
            ELSE exp(sum(ln(nullif(n_risk - n_event, 0)::float8 / n_risk)) OVER w) END AS survival,
       CASE WHEN NOT bool_or(n_risk = n_event) OVER w
            THEN sqrt(sum(n_event::float8 / nullif(n_risk * (n_risk - n_event), 0)) OVER w) END AS se_log
FROM (SELECT plan, days AS time,
             (SELECT count(*) FROM tenure u WHERE u.plan = d.plan AND u.days >= d.days) AS n_risk,
             count(*) FILTER (WHERE churned) AS n_event
      FROM tenure d GROUP BY plan, days HAVING count(*) FILTER (WHERE churned) > 0) q
WINDOW w AS (PARTITION BY plan ORDER BY time);
SELECT count(*) AS rows, count(g.time) AS matched,
       count(*) FILTER (WHERE g.n_risk <> s.n_risk OR g.n_event <> s.n_event) AS counts_differ,
       count(*) FILTER (WHERE abs(g.survival - s.survival) > 1e-12) AS survival_differs,
       count(*) FILTER (WHERE s.se_log IS NULL) AS rows_at_s_0,
       count(*) FILTER (WHERE CASE WHEN s.se_log IS NULL THEN num_nonnulls(g.std_err, g.lower, g.upper) > 0
                                   ELSE abs(g.std_err - g.survival * s.se_log) > 1e-12 END) AS std_err_differs,
       count(*) FILTER (WHERE CASE WHEN s.se_log IS NULL THEN false
                                   ELSE abs(g.lower - exp(ln(g.survival) - 1.959963984540054 * s.se_log)) > 1e-12
                                     OR abs(g.upper - least(1, exp(ln(g.survival) + 1.959963984540054 * s.se_log))) > 1e-12 END) AS ci_differs
FROM sql_km s LEFT JOIN gen_table g USING (plan, time);
-- n_censored: the censorings in (previous event time, this time], in SQL
SELECT count(*) AS n_censored_differs FROM
	(SELECT plan, time, n_censored, lag(time) OVER (PARTITION BY plan ORDER BY time) AS prev FROM gen_table) g
WHERE n_censored <> (SELECT count(*) FROM tenure u WHERE u.plan = g.plan AND NOT u.churned
                     AND u.days <= g.time AND u.days > coalesce(g.prev, '-Infinity'));
SELECT plan, bool_and(survival < coalesce(prev, 1)) AS decreasing, bool_and(lower <= survival AND survival <= upper) AS ci_brackets
FROM (SELECT *, lag(survival) OVER (PARTITION BY plan ORDER BY time) AS prev FROM gen_table) g
GROUP BY plan ORDER BY plan;

-- weights = repeated rows
SELECT crm.km_fit(days, churned, w)::text = (SELECT crm.km_fit(days, churned)::text
                                             FROM tenure, generate_series(1, (customer_id % 3)::int) r) AS weighted_same,
       crm.km_fit(days, churned, w) IS NOT NULL AS not_null
FROM (SELECT days, churned, (customer_id % 3)::bigint AS w FROM tenure) q;
-- weight 0 and NULL weight rows are skipped
SELECT crm.km_fit(d, e, w)::text AS weight_0_and_null_skipped
FROM (VALUES (1, true, 2::bigint), (2, false, 0), (3, true, NULL)) v(d, e, w);

-- ---------------------------------------------------------------------------
-- Forced-parallel plans equal the serial one (identical text)
-- ---------------------------------------------------------------------------
CREATE FUNCTION plan_has_partial_aggregate(query text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line ~ 'Partial (Hash|Group)?Aggregate' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
CREATE TABLE serial_fit AS SELECT plan, crm.km_fit(days, churned)::text AS s FROM tenure GROUP BY plan;
CREATE TABLE serial_all AS SELECT crm.km_fit(days, churned)::text AS s FROM tenure;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_has_partial_aggregate('SELECT plan, crm.km_fit(days, churned) FROM tenure GROUP BY plan') AS grouped_partial,
       plan_has_partial_aggregate('SELECT crm.km_fit(days, churned) FROM tenure') AS plain_partial;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s IS DISTINCT FROM f.s) AS differing
FROM (SELECT plan, crm.km_fit(days, churned)::text AS s FROM tenure GROUP BY plan) p FULL JOIN serial_fit f USING (plan);
SELECT crm.km_fit(days, churned)::text = (SELECT s FROM serial_all) AS parallel_same FROM tenure;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---------------------------------------------------------------------------
-- Two-step use across shards: partial states (shipped as text) merged = one fit
-- ---------------------------------------------------------------------------
CREATE TABLE shard_states AS
SELECT customer_id % 5 AS shard, crm.duration_fit_partial(days, churned)::text AS state
FROM tenure GROUP BY customer_id % 5;
SELECT crm.km_fit_final(crm.clv_fit_merge(state::crm.clv_fit_state))::text = (SELECT s FROM serial_all) AS merged_same,
       crm.clv_fit_customers(crm.clv_fit_merge(state::crm.clv_fit_state)) AS customers
FROM shard_states;
-- per-group survival values merged = the pooled fit
SELECT crm.survival_merge(s::crm.survival)::text = (SELECT s FROM serial_all) AS survival_merge_same FROM serial_fit;
-- the weighted partial form
SELECT crm.km_fit_final(crm.duration_fit_partial(d, e, 2))::text = crm.km_fit(d, e, 2)::text AS weighted_partial_same
FROM (VALUES (1.5, true), (2, false)) v(d, e);
-- the text form of a small state
SELECT crm.duration_fit_partial(d, e) FROM (VALUES (3.5, true), (1, false), (3.5, true), (3.5, false), (-0.0, true)) v(d, e);

-- ---------------------------------------------------------------------------
-- Text, binary and jsonb forms
-- ---------------------------------------------------------------------------
CREATE TABLE stored AS
SELECT plan, crm.km_fit(days + 1 / 3.0, churned) AS s, crm.duration_fit_partial(days + 1 / 3.0, churned) AS state
FROM tenure GROUP BY plan;
SELECT count(*) AS text_round_trip_differs FROM stored
WHERE s::text::crm.survival::text <> s::text OR state::text::crm.clv_fit_state::text <> state::text;
\copy stored TO 'results/km_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/km_stored.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM stored a JOIN stored_back b USING (plan)
WHERE a.s::text <> b.s::text OR a.state::text <> b.state::text;
-- text input: any valid value prints canonically; extreme but valid times
SELECT 'v1 n=3 times={0:1,0;1e-300:0,1;1.5:1,0}'::crm.survival;
SELECT 'v1 n=2 times={5e-324:1,0;1.7976931348623157e308:0,1}'::crm.survival::text::crm.survival;
SELECT crm.survival_jsonb('v1 n=2 times={1:0,2}') AS all_censored_jsonb;

-- ---------------------------------------------------------------------------
-- NULLs, empty input, errors
-- ---------------------------------------------------------------------------
SELECT crm.km_fit(d, e) IS NULL AS empty_is_null FROM (SELECT 1.0::float8, true WHERE false) v(d, e);
SELECT crm.km_fit(d, e) IS NULL AS all_null_durations_is_null FROM (VALUES (NULL::float8, true), (NULL, NULL)) v(d, e);
SELECT crm.km_fit(d, e, 0) IS NULL AS all_weight_0_is_null FROM (VALUES (1.0::float8, true)) v(d, e);
SELECT crm.duration_fit_partial(d, e) AS empty_partial FROM (SELECT 1.0::float8, true WHERE false) v(d, e);
SELECT crm.km_fit(d, e)::text AS null_duration_skipped FROM (VALUES (NULL::float8, true), (2, false), (NULL, NULL)) v(d, e);

-- the error and its detail (why a text is malformed)
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;
SELECT q AS statement, error_of(q) AS error FROM (VALUES
	('SELECT crm.km_fit(-1, true)'),
	('SELECT crm.km_fit(-1e-300, false)'),
	('SELECT crm.km_fit(''NaN'', true)'),
	('SELECT crm.km_fit(''Infinity'', false)'),
	('SELECT crm.km_fit(''-Infinity'', true)'),
	('SELECT crm.km_fit(5, NULL)'),
	('SELECT crm.km_fit(5, NULL, 1)'),
	('SELECT crm.duration_fit_partial(5, NULL)'),
	('SELECT crm.km_fit(5, true, -1)'),
	('SELECT crm.duration_fit_partial(5, true, -2)'),
	('SELECT crm.survival_at(''v1 n=1 times={1:1,0}'', ''NaN'')'),
	('SELECT crm.km_fit_final(crm.clv_fit_partial(1, 1, 2))'),
	('SELECT crm.clv_fit_combine(crm.duration_fit_partial(1, true), crm.tenure_fit_partial(1, true))'),
	-- malformed survival text
	('SELECT ''''::crm.survival'),
	('SELECT ''v2 n=1 times={1:1,0}''::crm.survival'),
	('SELECT ''v1 n=1''::crm.survival'),
	('SELECT ''v1 n=1 times={1:1,0''::crm.survival'),
	('SELECT ''v1 n=1 times={1:1,0} x''::crm.survival'),
	('SELECT ''v1 n=0 times={}''::crm.survival'),
	('SELECT ''v1 n=2 times={1:1,0}''::crm.survival'),
	('SELECT ''v1 n=1 times={-1:1,0}''::crm.survival'),
	('SELECT ''v1 n=1 times={NaN:1,0}''::crm.survival'),
	('SELECT ''v1 n=1 times={Infinity:0,1}''::crm.survival'),
	('SELECT ''v1 n=2 times={2:1,0;1:1,0}''::crm.survival'),
	('SELECT ''v1 n=2 times={1:1,0;1:1,0}''::crm.survival'),
	('SELECT ''v1 n=0 times={1:0,0}''::crm.survival'),
	('SELECT ''v1 n=1 times={1:-1,2}''::crm.survival'),
	('SELECT ''v1 n=1 times={1:1}''::crm.survival'),
	('SELECT ''v1 n=1 times={x:1,0}''::crm.survival'),
	('SELECT ''v1 n=1 times={1e999:1,0}''::crm.survival'),
	('SELECT ''v1 n=99999999999999999999 times={1:99999999999999999999,0}''::crm.survival'),
	('SELECT ''v1 n=-2 times={1:9223372036854775807,9223372036854775807}''::crm.survival'),
	('SELECT ''v1 n=2 times={1:9223372036854775807,9223372036854775807}''::crm.survival'),
	-- malformed durations fit state text
	('SELECT ''v1 shape=durations n=1 tuples={-1,1:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=durations n=1 tuples={1,2:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=durations n=2 tuples={1,1:1;1,0:1}''::crm.clv_fit_state')
) v(q);
-- a valid durations state text (fractional durations are allowed in this shape)
SELECT 'v1 shape=durations n=3 tuples={0,1:1;2.5,0:1;2.5,1:1}'::crm.clv_fit_state;

-- malformed binary: a valid row, then counts that do not add up to n, then
-- more times than bytes
CREATE TABLE bin (s crm.survival);
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\045\001\000\000\000\000\000\000\000\001\000\000\000\001\077\360\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
SELECT s FROM bin;
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\045\001\000\000\000\000\000\000\000\002\000\000\000\001\077\360\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\045\001\000\000\000\000\000\000\000\001\000\000\000\002\077\360\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\377\377"' WITH (FORMAT binary)
