-- Sales funnel and win rate (src/lifecycle/lifecycle_funnel*.c): every result
-- of crm.funnel_fit equals the same number computed in plain SQL on a seeded
-- generated events table, with censoring, ties, skipped stages, stage times
-- after as_of and out of order; empty and all-NULL input, forced parallel
-- plans and merged partial states, text round trips, and every error path
-- with its SQLSTATE.
CREATE SCHEMA funnel;
SET search_path = funnel, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- 3,000 leads entering over the first half of 2024 (whole hours, so many
-- whole-day ties); 60 % qualify, half of those get a proposal, 40 % of
-- those are won.  5 % of the qualified have no qualified event recorded
-- (a skipped stage), 1 % have a stray qualified event before their entry
-- (stage times out of order), and stages after as_of = 2024-06-30 happen
-- after the funnel is observed.
SELECT setseed(0.27);
CREATE TABLE leads AS
SELECT i AS lead_id, timestamptz '2024-01-01 00:00+00' + (random() * 180 * 24)::int * interval '1 hour' AS entered,
       random() AS u1, random() AS u2, random() AS u3, random() AS g1, random() AS g2, random() AS g3,
       random() AS skip, random() AS odd
FROM generate_series(1, 3000) i;
CREATE TABLE events AS
SELECT lead_id, 'lead' AS stage, entered AS t FROM leads
UNION ALL
SELECT lead_id, 'qualified', entered + (g1 * 20 * 24)::int * interval '1 hour' FROM leads WHERE u1 < 0.6 AND skip >= 0.05
UNION ALL
SELECT lead_id, 'proposal', entered + ((g1 * 20 + g2 * 30) * 24)::int * interval '1 hour' FROM leads WHERE u1 < 0.6 AND u2 < 0.5
UNION ALL
SELECT lead_id, 'won', entered + ((g1 * 20 + g2 * 30 + g3 * 40) * 24)::int * interval '1 hour' FROM leads
WHERE u1 < 0.6 AND u2 < 0.5 AND u3 < 0.4
UNION ALL
SELECT lead_id, 'qualified', entered - interval '2 days' FROM leads WHERE odd < 0.01;
-- one row per lead with the first time it reached each stage (the form
-- crm.funnel_fit takes), plus a few rows with a NULL array
CREATE TABLE per_lead AS
SELECT lead_id, ARRAY[min(t) FILTER (WHERE stage = 'lead'), min(t) FILTER (WHERE stage = 'qualified'),
                      min(t) FILTER (WHERE stage = 'proposal'), min(t) FILTER (WHERE stage = 'won')] AS st
FROM events GROUP BY lead_id
UNION ALL
SELECT NULL, NULL FROM generate_series(1, 3);
SELECT count(*) AS rows, count(st) AS leads FROM per_lead;

CREATE TABLE f AS
SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') AS f FROM per_lead;

-- ---- the plain-SQL side ---------------------------------------------------------
-- per lead and stage: its time, known (recorded and <= as_of); per lead:
-- consistent (recorded times never decrease along the stages) and last (the
-- last stage reached by as_of, 0 if none)
CREATE TABLE lead_stage AS
SELECT p.lead_id, s.i, s.t, s.t IS NOT NULL AND s.t <= '2024-06-30 00:00+00' AS known
FROM per_lead p, unnest(p.st) WITH ORDINALITY AS s(t, i) WHERE p.st IS NOT NULL;
CREATE TABLE lead_row AS
SELECT lead_id,
       bool_and(coalesce(t >= prev, true)) AS consistent,
       coalesce(max(i) FILTER (WHERE known), 0) AS last
FROM (SELECT lead_id, i, t, known,
             max(t) OVER (PARTITION BY lead_id ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
      FROM lead_stage) x
GROUP BY lead_id;
CREATE TABLE good AS
SELECT s.* , r.last FROM lead_stage s JOIN lead_row r USING (lead_id) WHERE r.consistent AND r.last > 0;
-- durations of each transition (from 1..3 to the next, 4 = entry to won) in
-- whole days: converted at a known time (event), or open at as_of (censored)
CREATE TABLE durations AS
SELECT a.i AS tr, floor(extract(epoch FROM b.t - a.t) / 86400)::bigint AS d, true AS event
FROM good a JOIN good b ON b.lead_id = a.lead_id AND b.i = a.i + 1 WHERE a.known AND b.known
UNION ALL
SELECT a.i, floor(extract(epoch FROM timestamptz '2024-06-30 00:00+00' - a.t) / 86400)::bigint, false
FROM good a WHERE a.known AND a.i = a.last AND a.i < 4
UNION ALL
SELECT 4, floor(extract(epoch FROM b.t - a.t) / 86400)::bigint, true
FROM good a JOIN good b ON b.lead_id = a.lead_id AND b.i = 4 WHERE a.i = 1 AND a.known AND b.known
UNION ALL
SELECT 4, floor(extract(epoch FROM timestamptz '2024-06-30 00:00+00' - a.t) / 86400)::bigint, false
FROM good a WHERE a.i = 1 AND a.known AND a.last < 4;

-- ---- counts: leads, skipped (NULL arrays, no stage by as_of), out of order ----
SELECT (crm.funnel_summary(f)).* FROM f;
SELECT count(*) FILTER (WHERE consistent AND last > 0) AS leads,
       count(*) FILTER (WHERE consistent AND last = 4) AS won,
       (SELECT count(*) FROM per_lead WHERE st IS NULL) + count(*) FILTER (WHERE consistent AND last = 0) AS skipped,
       count(*) FILTER (WHERE NOT consistent) AS inconsistent
FROM lead_row;
SELECT crm.win_rate(f) = (SELECT count(*) FILTER (WHERE last = 4)::float8 / count(*) FROM lead_row WHERE consistent AND last > 0) AS win_rate_equals_sql
FROM f;

-- ---- the funnel table: leads per stage, conversions, Wilson intervals -------
-- a later stage implies the earlier ones: a lead reached stage i if its last
-- stage is >= i; reached_timed counts those with a known time at i
\i test/load/wilson.sql
CREATE TABLE sql_table AS
SELECT i AS stage_no, count(*) AS reached, count(*) FILTER (WHERE known) AS reached_timed
FROM good WHERE i <= last GROUP BY i;
SELECT t.stage_no, t.stage, t.reached, t.reached_timed, round(t.conversion::numeric, 6) AS conversion,
       round(t.conversion_low::numeric, 6) AS conv_low, round(t.conversion_high::numeric, 6) AS conv_high,
       round(t.from_entry::numeric, 6) AS from_entry, round(t.from_entry_low::numeric, 6) AS entry_low,
       round(t.from_entry_high::numeric, 6) AS entry_high
FROM f, crm.funnel_table(f) t;
-- at 95 % and 80 % (z = 1.2815515655446004), against plain SQL
SELECT c.level, count(*) AS stages,
       count(*) FILTER (WHERE NOT (t.reached = s.reached AND t.reached_timed = s.reached_timed
           AND close(t.conversion, s.reached::float8 / p.reached)
           AND close(t.conversion_low, (wilson(s.reached, p.reached, c.z)).lo)
           AND close(t.conversion_high, (wilson(s.reached, p.reached, c.z)).hi)
           AND close(t.from_entry, s.reached::float8 / e.reached)
           AND close(t.from_entry_low, (wilson(s.reached, e.reached, c.z)).lo)
           AND close(t.from_entry_high, (wilson(s.reached, e.reached, c.z)).hi))) AS differing
FROM (VALUES (0.95, 1.959963984540054), (0.8, 1.2815515655446004)) c(level, z), f,
     crm.funnel_table(f, c.level) t
JOIN sql_table s USING (stage_no)
LEFT JOIN sql_table p ON p.stage_no = s.stage_no - 1
CROSS JOIN (SELECT reached FROM sql_table WHERE stage_no = 1) e
GROUP BY c.level ORDER BY c.level;

-- ---- time to convert ---------------------------------------------------------
-- Kaplan-Meier in plain SQL: S after each distinct duration is the product
-- of (1 - events / at risk) (censored at a duration still at risk there);
-- the quantile p is the first event duration where S <= 1 - p, the middle
-- of a stretch where S = 1 - p (R's quantile.survfit rule, tolerance 1e-8)
CREATE AGGREGATE mul(float8) (SFUNC = float8mul, STYPE = float8, INITCOND = '1');
CREATE TABLE km AS
SELECT tr, d, e, c, mul(1 - e::float8 / n_risk) OVER (PARTITION BY tr ORDER BY d) AS s
FROM (SELECT tr, d, count(*) FILTER (WHERE event) AS e, count(*) FILTER (WHERE NOT event) AS c,
             sum(count(*)) OVER (PARTITION BY tr ORDER BY d DESC) AS n_risk
      FROM durations GROUP BY tr, d) x;
CREATE FUNCTION km_quantile(transition integer, p float8) RETURNS float8 LANGUAGE sql AS $$
WITH firsts AS (SELECT min(d) FILTER (WHERE e > 0 AND s <= 1 - p + 1e-8) AS first,
                       min(d) FILTER (WHERE e > 0 AND s <= 1 - p - 1e-8) AS below, max(d) AS last
                FROM km WHERE tr = transition)
SELECT CASE WHEN first IS NOT NULL THEN first / 2.0 + coalesce(below, last) / 2.0 END FROM firsts
$$;
SELECT t.from_stage, t.to_stage, t.leads, t.converted, t.censored, t.converted_time_unknown AS unknown,
       t.quantile, t.time_km, round(t.time_converted::numeric, 4) AS time_converted, t.unit
FROM f, crm.funnel_times(f) t WHERE t.quantile = 0.5;
WITH q AS (SELECT unnest('{0.1,0.25,0.5,0.75,0.9}'::float8[]) AS p),
     tr AS (SELECT i AS tr, CASE WHEN i = 4 THEN 'lead' ELSE (ARRAY['lead','qualified','proposal'])[i] END AS from_stage,
                   (ARRAY['qualified','proposal','won','won'])[i] AS to_stage FROM generate_series(1, 4) i),
     sq AS (SELECT tr.tr, tr.from_stage, tr.to_stage, q.p,
                   (SELECT count(*) FROM durations d WHERE d.tr = tr.tr) AS leads,
                   (SELECT count(*) FILTER (WHERE event) FROM durations d WHERE d.tr = tr.tr) AS converted,
                   (SELECT count(*) FILTER (WHERE NOT event) FROM durations d WHERE d.tr = tr.tr) AS censored,
                   km_quantile(tr.tr, q.p) AS km,
                   (SELECT percentile_cont(q.p) WITHIN GROUP (ORDER BY d) FROM durations d WHERE d.tr = tr.tr AND event) AS conv
            FROM tr, q)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE NOT (t.leads = sq.leads AND t.converted = sq.converted AND t.censored = sq.censored
                                   AND t.time_km IS NOT DISTINCT FROM sq.km
                                   AND abs(t.time_converted - sq.conv) < 1e-9)) AS differing,
       count(*) FILTER (WHERE t.time_km IS NULL) AS km_null
FROM f, crm.funnel_times(f, '{0.1,0.25,0.5,0.75,0.9}') t
JOIN sq ON sq.from_stage = t.from_stage AND sq.to_stage = t.to_stage AND sq.p = t.quantile;
-- converted at an unknown time: leads qualified at a known time whose
-- proposal came without a recorded proposal time cannot happen here (the
-- proposal is always recorded); the skipped qualified stage shows as
-- lead -> qualified unknown: leads with a known entry that reached
-- qualified only by implication
SELECT t.converted_time_unknown = (SELECT count(*) FROM good a JOIN good b ON b.lead_id = a.lead_id AND b.i = 2
                                   WHERE a.i = 1 AND a.known AND NOT b.known AND b.i <= b.last) AS unknown_equals_sql
FROM f, crm.funnel_times(f) t WHERE t.from_stage = 'lead' AND t.to_stage = 'qualified' AND t.quantile = 0.5;
-- each transition as a crm.survival equals crm.km_fit on the plain-SQL
-- durations, and its median is crm.median_survival's
SELECT tr.a, tr.b,
       crm.funnel_survival(f, tr.a, tr.b)::text = (SELECT crm.km_fit(d, event)::text FROM durations WHERE durations.tr = tr.i) AS equals_km_fit,
       crm.median_survival(crm.funnel_survival(f, tr.a, tr.b)) IS NOT DISTINCT FROM
         (SELECT t.time_km FROM crm.funnel_times(f) t WHERE t.from_stage = tr.a AND t.to_stage = tr.b AND t.quantile = 0.5) AS median_equals
FROM f, (VALUES (1, 'lead', 'qualified'), (2, 'qualified', 'proposal'), (3, 'proposal', 'won'), (4, 'lead', 'won')) tr(i, a, b);
SELECT round(crm.survival_at(crm.funnel_survival(f, 'lead', 'won'), 60)::numeric, 6) AS not_won_by_day_60 FROM f;

-- ---- the rules on a few leads -------------------------------------------------
-- a: every stage; b: proposal without a qualified time (qualified implied,
-- time unknown); c: won after as_of (counts as open at proposal); d: two
-- stages at the same time (duration 0); e: entered after as_of (skipped);
-- f: only a won time (every earlier stage implied, no duration known);
-- g: +infinity as "not reached"; h: qualified before entry (out of order)
CREATE TABLE small(lead text, st timestamptz[]);
INSERT INTO small VALUES
 ('a', '{2024-01-01, 2024-01-03, 2024-01-10, 2024-01-30}'),
 ('b', '{2024-01-01, NULL, 2024-01-10 12:00, NULL}'),
 ('c', '{2024-01-02, 2024-01-04, 2024-01-11, 2024-07-15}'),
 ('d', '{2024-01-02, 2024-01-02, NULL, NULL}'),
 ('e', '{2024-07-01, NULL, NULL, NULL}'),
 ('f', '{NULL, NULL, NULL, 2024-03-01}'),
 ('g', '{2024-01-05, infinity, infinity, infinity}'),
 ('h', '{2024-01-05, 2024-01-01, NULL, NULL}');
SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') AS s FROM small \gset
SELECT :'s'::crm.funnel_state;
SELECT * FROM crm.funnel_table(:'s');
SELECT from_stage, to_stage, leads, converted, censored, converted_time_unknown, time_km, time_converted
FROM crm.funnel_times(:'s', '{0.5}');
-- ties: an event and a censoring at the same duration (the censored lead is
-- at risk there), as crm.km_fit counts them
SELECT (SELECT crm.funnel_survival(crm.funnel_fit('{lead,won}', st, '2024-01-11 00:00+00', '1 day'), 'lead', 'won')::text
        FROM (VALUES ('{2024-01-01, 2024-01-06}'::timestamptz[]), ('{2024-01-06, NULL}'), ('{2024-01-01, 2024-01-03}'),
                     ('{2024-01-02, 2024-01-07 23:00}')) v(st))
     = (SELECT crm.km_fit(d, e)::text FROM (VALUES (5, true), (5, false), (2, true), (5, true)) v(d, e)) AS ties_as_km_fit;
-- a two-stage funnel has one transition; durations in whole hours
SELECT t.from_stage, t.to_stage, t.leads, t.converted, t.censored, t.time_km, t.time_converted, t.unit
FROM (SELECT crm.funnel_fit('{lead,won}', st, '2024-01-02 00:00+00', '1 hour') AS s
      FROM (VALUES ('{2024-01-01 00:00, 2024-01-01 02:30}'::timestamptz[]), ('{2024-01-01 00:00, 2024-01-01 05:59}'),
                   ('{2024-01-01 12:00, NULL}')) v(st)) a,
     crm.funnel_times(a.s, '{0.5}') t;

-- ---- empty and all-NULL input --------------------------------------------------
SELECT crm.funnel_fit('{a,b}', st, now(), '1 day') IS NULL AS empty FROM small WHERE false;
SELECT crm.funnel_fit('{a,b}', NULL::timestamptz[], now(), '1 day') IS NULL AS all_null_times,
       crm.funnel_fit(NULL, '{2024-01-01,NULL}'::timestamptz[], now(), '1 day') IS NULL AS null_stages,
       crm.funnel_fit('{a,b}', '{NULL,NULL}'::timestamptz[], now(), '1 day') IS NULL AS no_stage_reached
FROM generate_series(1, 3);
SELECT crm.funnel_merge(s) IS NULL AS merge_empty FROM (SELECT NULL::crm.funnel_state AS s) x;

-- ---- by cohort of entry, and the rollup ------------------------------------------
SET client_min_messages = warning;  -- one NOTICE per cohort with leads out of order
CREATE TABLE cohorts AS
SELECT date_trunc('month', st[1], 'UTC') AS cohort,
       crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') AS f
FROM per_lead GROUP BY 1;
RESET client_min_messages;
SELECT c.cohort::date, s.leads, s.won, round(s.win_rate::numeric, 4) AS win_rate,
       (SELECT t.time_km FROM crm.funnel_times(c.f, '{0.5}') t WHERE t.to_stage = 'qualified') AS median_days_to_qualify
FROM cohorts c, crm.funnel_summary(c.f) s ORDER BY 1;
-- the merged cohorts are the whole funnel (NULL cohort: the NULL rows)
SELECT (SELECT crm.funnel_merge(f)::text FROM cohorts) = f::text AS rollup_equals_whole FROM f;

-- ---- forced-parallel plans and merged partial states -------------------------
-- 40,000 more leads (the per-lead rows repeated with shifted times)
CREATE TABLE big AS
SELECT p.lead_id + 10000 * k AS lead_id, ARRAY(SELECT x + k * interval '1 hour' FROM unnest(p.st) x) AS st
FROM per_lead p, generate_series(0, 12) k WHERE p.st IS NOT NULL;
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day')::text AS f FROM big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET client_min_messages = warning;
SELECT plan_partial_aggregate($q$SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') FROM funnel.big$q$)
       AS partial_aggregate;
SELECT p.f = s.f AS parallel_equals_serial
FROM (SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day')::text AS f FROM big) p, serial s;
-- partial states per "shard" and bucket, merged (in parallel too, and after
-- a trip through their text form) = one pass
CREATE TABLE parts AS
SELECT lead_id % 5 AS shard, lead_id % 37 AS bucket,
       crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') AS f
FROM big GROUP BY 1, 2;
ANALYZE parts;
SELECT plan_partial_aggregate($q$SELECT crm.funnel_merge(f) FROM funnel.parts$q$) AS partial_aggregate;
SELECT m.f = s.f AS merged, m.via_text = s.f AS merged_via_text
FROM (SELECT crm.funnel_merge(f)::text AS f, crm.funnel_merge(f::text::crm.funnel_state)::text AS via_text FROM parts) m, serial s;
SELECT m.f::text = s.f AS shards_merged
FROM (SELECT crm.funnel_merge(f) AS f FROM (SELECT crm.funnel_merge(f) AS f FROM parts GROUP BY shard) x) m, serial s;
-- the combine function called directly
SELECT crm.funnel_combine(a.f, b.f)::text =
       (SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day')::text FROM big WHERE lead_id % 5 IN (1, 2))
       AS combine
FROM (SELECT crm.funnel_merge(f) AS f FROM parts WHERE shard = 1) a, (SELECT crm.funnel_merge(f) AS f FROM parts WHERE shard = 2) b;
RESET client_min_messages;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---- text round trips and jsonb ---------------------------------------------------
SELECT f::text::crm.funnel_state::text = f::text AS round_trip, length(f::text) AS text_length FROM f;
SELECT (:'s'::crm.funnel_state)::jsonb;
-- a state that has only skipped rows (a partial state of a worker), and its merge
SELECT 'v1 stages={} skipped=2'::crm.funnel_state AS only_skipped,
       crm.funnel_combine('v1 stages={} skipped=2', :'s')::text = replace(:'s', 'skipped=1', 'skipped=3') AS merged;
-- fractional seconds in as_of and an hour unit survive
SELECT crm.funnel_fit('{a,b}', ARRAY[t, t + interval '90 minutes'], t + interval '1 day', '1 hour')::text
FROM (VALUES (timestamptz '2024-05-01 10:00:00.123456+00')) v(t);
SELECT s::crm.funnel_state::text = s AS same
FROM (SELECT crm.funnel_fit('{a,b}', ARRAY[t, t + interval '90 minutes'], t + interval '1 day', '1 hour')::text AS s
      FROM (VALUES (timestamptz '2024-05-01 10:00:00.123456+00')) v(t)) x;

-- ---- errors ------------------------------------------------------------------
-- the same as sqlstate_of, with the error's detail (for malformed text)
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' -- ' || nullif(detail, ''), '');
END $$;
-- the funnel definition (22023, 22004 for a NULL stage name)
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a}', '{2024-01-01}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit(array_fill('x'::text, '{17}'), '{2024-01-01}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,NULL}', '{2024-01-01,NULL}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b,a}', '{2024-01-01,NULL,NULL}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{{a,b},{c,d}}', '{2024-01-01,NULL}', '2024-06-30', '1 day')$$);
-- the unit: fixed length and positive (22023)
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', '2024-06-30', '1 month')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', '2024-06-30', '0 days')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', '2024-06-30', '-1 day')$$);
-- the stage times: one per stage (22023); -infinity and an infinite as_of (22000)
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{{2024-01-01,NULL}}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{-infinity,2024-01-01}', '2024-06-30', '1 day')$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', 'infinity', '1 day')$$);
-- an aggregate's funnel is the same on every row (22023)
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', t, '1 day')
                     FROM unnest('{2024-06-30,2024-07-01}'::timestamptz[]) t$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit(CASE WHEN i = 1 THEN '{a,b}' ELSE '{a,c}' END::text[], '{2024-01-01,NULL}', '2024-06-30', '1 day')
                     FROM generate_series(1, 2) i$$);
SELECT sqlstate_of($$SELECT crm.funnel_fit(CASE WHEN i = 1 THEN '{a,b}' ELSE '{a,b}' END::text[], '{2024-01-01,NULL}', u, '1 day')
                     FROM generate_series(1, 2) i, (VALUES (timestamptz '2024-06-30')) v(u)$$) AS same_stages_per_row;
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', '2024-06-30', u) FROM unnest('{1 day,1 hour}'::interval[]) u$$);
-- merging different funnels (22023)
SELECT sqlstate_of($$SELECT crm.funnel_merge(s) FROM (SELECT crm.funnel_fit(ARRAY['a', b], '{2024-01-01,NULL}', '2024-06-30', '1 day') AS s
                     FROM unnest('{b,c}'::text[]) b GROUP BY b) x$$);
SELECT sqlstate_of($$SELECT crm.funnel_combine(crm.funnel_fit('{a,b}', '{2024-01-01,NULL}'::timestamptz[], '2024-06-30', '1 day'),
                     crm.funnel_fit('{a,b}', '{2024-01-01,NULL}'::timestamptz[], '2024-07-30', '1 day'))$$);
-- result arguments (22023)
SELECT sqlstate_of(format($$SELECT * FROM crm.funnel_table(%L, 1)$$, :'s'));
SELECT sqlstate_of(format($$SELECT * FROM crm.funnel_table(%L, 'NaN')$$, :'s'));
SELECT sqlstate_of(format($$SELECT * FROM crm.funnel_times(%L, %L)$$, :'s', q))
FROM unnest(ARRAY['{0}', '{1}', '{NaN}', '{}', '{0.5,NULL}', '{{0.5}}']) q;
SELECT sqlstate_of(format($$SELECT * FROM crm.funnel_times(%L, array_fill(0.5::float8, '{101}'))$$, :'s'));
SELECT sqlstate_of(format($$SELECT crm.funnel_survival(%L, 'lead', 'nope')$$, :'s'));
SELECT sqlstate_of(format($$SELECT crm.funnel_survival(%L, 'lead', 'proposal')$$, :'s'));
SELECT sqlstate_of(format($$SELECT crm.funnel_survival(%L, 'won', 'lead')$$, :'s'));
-- text input: malformed (22P02)
SELECT error_of(format('SELECT %L::crm.funnel_state', t)) FROM unnest(ARRAY[
  '',
  'v2 stages={} skipped=0',
  'v1 stages={} skipped=-1',
  'v1 stages={"a"} as_of=2024-06-30T00:00:00Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0} timed={0} unknown={0} cells={}',
  'v1 stages={"a","a"} as_of=2024-06-30T00:00:00Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-06-30 unit=P1D leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-06-30T00:00:00.000000Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-02-30T00:00:00Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1M leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0} timed={0,0} unknown={0,0} cells={}',
  'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D leads=0 skipped=0 inconsistent=0 reached={0,0} timed={0,0} unknown={0,0} cells={} extra'
]) t;
-- text input: impossible states (22P02)
SELECT error_of(format('SELECT %L::crm.funnel_state', 'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D ' || t)) FROM unnest(ARRAY[
  'leads=2 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={0:3:0:1}',
  'leads=1 skipped=0 inconsistent=0 reached={1,2} timed={1,2} unknown={0,0} cells={0:3:1:0}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={2,0} unknown={0,0} cells={0:3:0:1}',
  'leads=1 skipped=0 inconsistent=0 reached={1,1} timed={1,0} unknown={0,0} cells={}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={}',
  'leads=2 skipped=0 inconsistent=0 reached={2,0} timed={2,0} unknown={0,0} cells={0:5:0:1,0:3:0:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,0} timed={2,0} unknown={0,0} cells={0:3:0:1,0:3:0:1}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={0:3:0:0}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={1:3:0:1}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={0:3:1:0}',
  'leads=1 skipped=0 inconsistent=0 reached={1,1} timed={1,1} unknown={0,1} cells={0:3:1:0}',
  'leads=1 skipped=0 inconsistent=0 reached={1,1} timed={1,1} unknown={1,0} cells={}',
  'leads=1 skipped=0 inconsistent=0 reached={1,0} timed={1,0} unknown={0,0} cells={0:9223372036854775807:0:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={2,0} cells={0:3:1:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={0,1} cells={0:3:1:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={-1,0} cells={0:3:1:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={1} cells={0:3:1:1}'
]) t;
SELECT error_of($$SELECT 'v1 stages={} skipped=0 leads=1'::crm.funnel_state$$);
-- and the valid ones of the same shape read back
SELECT 'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} cells={0:3:1:1}'::crm.funnel_state;
