-- Time units travel with the models, and arguments that are almost surely
-- mistakes are errors with a hint.  A model fitted with the unit of its
-- summaries records it (text, jsonb, crm.unit); predictions from a summary
-- refuse another unit; an interval horizon is converted; models built from
-- numbers alone keep working and say their unit is unknown.
CREATE SCHEMA un;
SET search_path = un, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql

CREATE TABLE weekly AS
SELECT customer_id, crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') AS s
FROM cdnow_log WHERE purchased_on <= date '1997-09-30' GROUP BY customer_id;
CREATE TABLE daily AS
SELECT customer_id, crm.summary(purchased_on, amount, date '1997-09-30', interval '1 day') AS s
FROM cdnow_log WHERE purchased_on <= date '1997-09-30' GROUP BY customer_id;
CREATE TABLE models AS
SELECT crm.bgnbd_fit((s).frequency, (s).recency, (s).t, (s).unit) AS bg,
       crm.mbgnbd_fit((s).frequency, (s).recency, (s).t, (s).unit) AS mbg,
       crm.paretonbd_fit((s).frequency, (s).recency, (s).t, (s).unit) AS pnbd,
       crm.gammagamma_fit((s).frequency, (s).monetary_value, (s).unit) AS gg,
       crm.bgnbd_fit((s).frequency, (s).recency, (s).t) AS bg_plain
FROM weekly;

-- the unit is recorded; the estimates are those of the fit without a unit
-- (BTYD's CDNOW BG/NBD r = 0.2425982, 1e-4)
SELECT crm.unit(bg) AS bg_unit, crm.unit(mbg) AS mbg_unit, crm.unit(pnbd) AS pnbd_unit, crm.unit(gg) AS gg_unit,
       crm.unit(bg_plain) IS NULL AS plain_unit_unknown,
       abs(crm.parameter(bg, 'r') - 0.2425982) < 1e-4 AS r_ok,
       crm.parameter(bg, 'r') = crm.parameter(bg_plain, 'r') AS same_estimates,
       (bg::jsonb)->>'unit' AS jsonb_unit, (bg_plain::jsonb)->'unit' AS jsonb_unit_unknown,
       bg::text LIKE '% unit=P7D' AS text_shows_unit, bg_plain::text NOT LIKE '%unit=%' AS text_without_unit
FROM models;
SELECT bg::text::crm.bgnbd::text = bg::text AS round_trip, bg::text::crm.bgnbd::jsonb = bg::jsonb AS jsonb_round_trip
FROM models;

-- a weekly model scores weekly summaries, and refuses daily ones (22023)
SELECT count(*) AS customers,
       bool_and(crm.p_alive(m.bg, w.s) = crm.p_alive(m.bg, (w.s).frequency, (w.s).recency, (w.s).t)) AS p_alive_same,
       bool_and(crm.p_alive(m.pnbd, w.s) = crm.p_alive(m.pnbd, (w.s).frequency, (w.s).recency, (w.s).t)) AS pnbd_same,
       bool_and(crm.expected_purchases(m.mbg, interval '52 weeks', w.s) =
                crm.expected_purchases(m.mbg, 52, (w.s).frequency, (w.s).recency, (w.s).t)) AS expected_same
FROM weekly w, models m;
SELECT sqlstate_of($$SELECT crm.p_alive(m.bg, d.s) FROM un.models m, un.daily d$$) AS p_alive_daily,
       sqlstate_of($$SELECT crm.expected_purchases(m.pnbd, interval '1 year', d.s) FROM un.models m, un.daily d$$) AS expected_daily,
       sqlstate_of($$SELECT crm.clv(m.bg, m.gg, d.s, interval '1 year', 0.01, 0.3) FROM un.models m, un.daily d$$) AS clv_daily,
       sqlstate_of($$SELECT crm.expected_spend(m.gg, d.s) FROM un.models m, un.daily d$$) AS spend_daily;
-- a model of unknown unit scores any summary (it cannot check)
SELECT count(crm.p_alive(m.bg_plain, d.s)) AS unknown_unit_scores FROM models m, daily d;

-- an interval horizon is converted to the model's unit: weeks, days, months
-- (a month is the mean Gregorian month, 30.436875 days; a year 365.2425 days)
SELECT crm.in_units(bg, interval '1 week') AS one_week, crm.in_units(bg, interval '14 days') AS two_weeks,
       round(crm.in_units(bg, interval '1 year')::numeric, 6) AS one_year_in_weeks,
       round(crm.in_units(bg, interval '1 month')::numeric, 6) AS one_month_in_weeks,
       crm.in_units(crm.with_unit(bg_plain, interval '1 day'), interval '1 week') AS one_week_in_days,
       crm.in_units(crm.with_unit(crm.bgnbd(1, 2, 3, 4), interval '1 month'), interval '1 year') AS one_year_in_months,
       crm.in_units(crm.with_unit(crm.bgnbd(1, 2, 3, 4), interval '3 months'), interval '1 year') AS one_year_in_quarters
FROM models;
SELECT crm.expected_purchases(bg, interval '1 year') = crm.expected_purchases(bg, 365.2425 / 7) AS unconditional_converted,
       crm.expected_purchases(bg, interval '26 weeks', 2, 30.43, 38.86) = crm.expected_purchases(bg, 26, 2, 30.43, 38.86) AS conditional_converted
FROM models;
-- what cannot be converted or checked
SELECT sqlstate_of($$SELECT crm.expected_purchases(crm.bgnbd(1, 2, 3, 4), interval '1 year')$$) AS unknown_unit,
       sqlstate_of($$SELECT crm.in_units(bg, interval '-1 week') FROM un.models$$) AS negative,
       sqlstate_of($$SELECT crm.in_units(bg, interval '1001 years') FROM un.models$$) AS over_1000_years,
       sqlstate_of($$SELECT crm.with_unit(bg, interval '1 day') FROM un.models$$) AS relabel_fitted,
       sqlstate_of($$SELECT crm.with_unit(crm.bgnbd(1, 2, 3, 4), interval '0 days')$$) AS zero_unit,
       sqlstate_of($$SELECT crm.with_unit(crm.bgnbd(1, 2, 3, 4), interval '1 month 2 days')$$) AS mixed_unit;
SELECT sqlstate_of($$SELECT crm.in_units(bg, interval '1001 years') FROM un.models$$) AS message;

-- the fit state carries the unit: text and binary forms, merges
SELECT crm.clv_fit_partial(x, t_x, t) AS no_unit FROM (VALUES (1.0, 2.0, 3.0)) v(x, t_x, t);
CREATE TEMP TABLE st AS
SELECT crm.clv_fit_partial(x, t_x, t, u) AS s, crm.spend_fit_partial(x, 10.5, u) AS sp
FROM (VALUES (1.0, 2.0, 3.0, interval '1 week'), (0, 0, 5, interval '1 week')) v(x, t_x, t, u);
SELECT s::text AS with_unit, s::text::crm.clv_fit_state::text = s::text AS round_trip,
       crm.unit(crm.bgnbd_fit_final(s)) AS fitted_unit, crm.unit(crm.gammagamma_fit_final(sp)) AS spend_unit
FROM st;
COPY st TO PROGRAM 'cat > /tmp/crm_clv_units.bin' (FORMAT binary);
CREATE TEMP TABLE st2 (LIKE st);
COPY st2 FROM '/tmp/crm_clv_units.bin' (FORMAT binary);
SELECT st2.s::text = st.s::text AS binary_round_trip, st2.sp::text = st.sp::text AS spend_binary_round_trip FROM st, st2;
-- a version-1 model in binary (before units and skipped counts: the same
-- fields without the last 24 bytes) is read as a model of unknown unit
CREATE TEMP TABLE v1 (m crm.bgnbd);
CREATE TEMP TABLE v1_bytes AS
SELECT overlay(crm.bgnbd_send(m) PLACING '\x01'::bytea FROM 1 FOR 1) AS b
FROM (SELECT 'r=0.25 alpha=4.4 a=0.8 b=2.4 ll=-9582.4 n=2357 iterations=20 converged=true'::crm.bgnbd AS m) x;
UPDATE v1_bytes SET b = substring(b FROM 1 FOR length(b) - 24);
COPY (SELECT translate(encode('\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea ||
                               '\x0001'::bytea || int4send(length(b)) || b || '\xffff'::bytea, 'base64'), E'\n', '')
      FROM v1_bytes) TO PROGRAM 'base64 -d > /tmp/crm_clv_v1.bin';
COPY v1 FROM '/tmp/crm_clv_v1.bin' (FORMAT binary);
SELECT m::text AS v1_read, crm.unit(m) IS NULL AS unit_unknown, crm.skipped(m) AS skipped FROM v1;
-- rows in two units in one fit, or merged states of two units: 22023
SELECT sqlstate_of($$SELECT crm.bgnbd_fit(x, t_x, t, u) FROM (VALUES (1.0, 2.0, 3.0, interval '1 week'), (1, 1, 5, interval '1 day')) v(x, t_x, t, u)$$) AS two_units,
       sqlstate_of($$SELECT crm.clv_fit_combine('v1 shape=purchases n=1 unit=P7D tuples={1,2,3:1}', 'v1 shape=purchases n=1 unit=P1D tuples={1,2,4:1}')$$) AS merge_two_units,
       sqlstate_of($$SELECT crm.clv_fit_combine('v1 shape=purchases n=1 unit=P7D tuples={1,2,3:1}', 'v1 shape=purchases n=1 tuples={1,2,4:1}')$$) AS merge_unit_and_none,
       crm.clv_fit_combine('v1 shape=purchases n=1 unit=P7D tuples={1,2,3:1}', 'v1 shape=purchases n=1 unit=P7D tuples={1,2,4:1}')::text AS merge_same_unit,
       sqlstate_of($$SELECT 'v1 shape=purchases n=1 unit=P0D tuples={1,2,3:1}'::crm.clv_fit_state$$) AS zero_unit_state,
       sqlstate_of($$SELECT 'r=1 alpha=2 a=3 b=4 unit=weekly'::crm.bgnbd$$) AS bad_unit_text;

-- arguments that are almost surely mistakes: errors with a hint
SELECT sqlstate_of($$SELECT crm.clv(bg, gg, 2, 30, 38, 20, 52, 10) FROM un.models$$) AS rate_10_meaning_10_percent,
       sqlstate_of($$SELECT crm.clv(bg, gg, 2, 30, 38, 20, 52, 0.1, 30) FROM un.models$$) AS margin_30_percent_as_30,
       sqlstate_of($$SELECT crm.expected_purchases(bg, 1e7, 2, 30, 38) FROM un.models$$) AS horizon_over_1000_years,
       sqlstate_of($$SELECT crm.dert(pnbd, 2, 30, 38, 1) FROM un.models$$) AS dert_rate_100_percent;
-- a negative given spend per purchase is refused; the Gamma-Gamma posterior
-- mean stays finite where its products overflow (it tends to m for huge x),
-- and a mean or likelihood that truly overflows is 22003, never Infinity
SELECT sqlstate_of($$SELECT crm.clv(bg, 2, 30, 38, -5, 52, 0.01) FROM un.models$$) AS negative_given_spend,
       round(crm.expected_spend(crm.gammagamma(1, 1, 1e-8), 1.7e308, 10)::numeric, 9) AS huge_x_tends_to_m,
       round(crm.expected_spend(crm.gammagamma(1e20, 3, 15), 1e300, 25)::numeric, 9) AS huge_px_tends_to_m,
       round((crm.expected_spend(crm.gammagamma(1, 1e8, 1e-8), 2, 1.7e308) / (3.4e308 / (1e8 + 1)))::numeric, 9) AS huge_m_ratio,
       sqlstate_of($$SELECT crm.expected_spend(crm.gammagamma(1, 0.5, 1), 1, 1.7e308)$$) AS overflowing_mean,
       sqlstate_of($$SELECT crm.loglik(crm.gammagamma(1, 1, 1e-8), 1.7e308, 10)$$) AS overflowing_loglik;
-- the hints
DO $$
DECLARE
	hint text;
BEGIN
	BEGIN
		PERFORM crm.clv(crm.bgnbd(1, 2, 3, 4), crm.gammagamma(6, 4, 15), 2, 30, 38, 20, 52, 10);
	EXCEPTION WHEN invalid_parameter_value THEN
		GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
		RAISE NOTICE 'rate: %', hint;
	END;
	BEGIN
		PERFORM crm.clv(crm.bgnbd(1, 2, 3, 4), crm.gammagamma(6, 4, 15), 2, 30, 38, 20, 52, 0.1, 30);
	EXCEPTION WHEN invalid_parameter_value THEN
		GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
		RAISE NOTICE 'margin: %', hint;
	END;
	BEGIN
		PERFORM crm.bgnbd_fit(2.5, 3, 10);
	EXCEPTION WHEN data_exception THEN
		GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
		RAISE NOTICE 'swapped: %', hint;
	END;
END $$;
-- swapped columns: recency passed as frequency (not a whole number), or
-- frequency and recency swapped (x = 0 with t_x > 0): the error says so
SELECT sqlstate_of($$SELECT crm.bgnbd_fit((s).recency, (s).frequency, (s).t) FROM un.weekly$$) AS recency_as_frequency,
       sqlstate_of($$SELECT crm.bgnbd_fit(0, 3, 10)$$) AS frequency_recency_swapped;

-- scoring with a model that did not converge: only when accepted explicitly
SELECT sqlstate_of($$SELECT crm.p_alive('r=0.3 alpha=4 a=1 b=2 ll=-10 n=5 iterations=500 converged=false'::crm.bgnbd, 1, 2, 3)$$) AS unconverged,
       crm.p_alive(crm.accept_unconverged('r=0.3 alpha=4 a=1 b=2 ll=-10 n=5 iterations=500 converged=false'::crm.bgnbd), 1, 2, 3) > 0 AS accepted_scores,
       crm.accept_unconverged('r=0.3 alpha=4 a=1 b=2 ll=-10 n=5 iterations=500 converged=false'::crm.bgnbd)::text AS accepted_text,
       crm.accept_unconverged(crm.bgnbd(1, 2, 3, 4))::text AS given_unchanged,
       sqlstate_of($$SELECT crm.expected_spend('p=1 q=2 gamma=3 ll=-10 n=5 iterations=500 converged=false'::crm.gammagamma, 1, 2)$$) AS unconverged_spend,
       sqlstate_of($$SELECT 'r=0.3 alpha=4 a=1 b=2 ll=-10 n=5 iterations=5 converged=true accepted=true'::crm.bgnbd$$) AS accepted_converged;

DROP SCHEMA un CASCADE;
