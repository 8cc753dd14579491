-- Lost leads in the sales funnel (crm.funnel_fit with lost_at,
-- src/lifecycle/lifecycle_funnel*.c): leads lost and open per stage, the
-- win rate among closed leads and the conversions among closed leads equal
-- plain SQL on a generated table (values from hashes of the lead id, so the
-- same on every server version and plan), with lost after as_of, lost
-- before the last stage and lost-and-won leads (inconsistent), +infinity
-- and NULL; the times to convert equal those of the funnel without lost_at;
-- merges, parallel plans, text and binary round trips, and the errors.
CREATE SCHEMA funnel_lost;
SET search_path = funnel_lost, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- u(lead, k): a uniform number in [0, 1) from a hash of the lead and k
CREATE FUNCTION u(lead int, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT (hashint8(lead::bigint * 16 + k)::bigint + 2147483648) / 4294967296.0 $$;

-- 4,000 leads entering over the first half of 2024 at whole hours: 60 %
-- qualify, half of those get a proposal, 40 % of those are won.  A lead
-- not won is lost with probability 0.45, a number of whole hours (up to 60
-- days) after its last stage: some after as_of = 2024-06-30 (still open
-- then).  1 % are lost an hour before their last stage and 2 % of the won
-- are also lost (both inconsistent); 3 are lost at +infinity.
CREATE TABLE leads AS
SELECT i AS lead_id,
       timestamptz '2024-01-01 00:00+00' + (u(i, 1) * 180 * 24)::int * interval '1 hour' AS entered,
       u(i, 2) AS u1, u(i, 3) AS u2, u(i, 4) AS u3, u(i, 5) AS g1, u(i, 6) AS g2, u(i, 7) AS g3,
       u(i, 8) AS lose, u(i, 9) AS after, u(i, 10) AS odd
FROM generate_series(1, 4000) i;
CREATE TABLE per_lead AS
SELECT lead_id, st,
       CASE WHEN lead_id IN (7, 8, 9) THEN timestamptz 'infinity'
            WHEN st[4] IS NOT NULL AND odd < 0.02 THEN st[4] + interval '1 day'
            WHEN st[4] IS NOT NULL THEN NULL
            WHEN odd < 0.01 THEN last_t - interval '1 hour'
            WHEN lose < 0.45 THEN last_t + (after * 60 * 24)::int * interval '1 hour'
       END AS lost_at
FROM (SELECT l.*, s.st,
             (SELECT max(t) FROM unnest(s.st) t) AS last_t
      FROM leads l,
           LATERAL (SELECT ARRAY[entered,
                                 CASE WHEN u1 < 0.6 THEN entered + (g1 * 20 * 24)::int * interval '1 hour' END,
                                 CASE WHEN u1 < 0.6 AND u2 < 0.5 THEN entered + ((g1 * 20 + g2 * 30) * 24)::int * interval '1 hour' END,
                                 CASE WHEN u1 < 0.6 AND u2 < 0.5 AND u3 < 0.4
                                      THEN entered + ((g1 * 20 + g2 * 30 + g3 * 40) * 24)::int * interval '1 hour' END] AS st) s) x;
SELECT count(*) AS leads, count(lost_at) AS with_lost_at, count(*) FILTER (WHERE lost_at <= '2024-06-30 00:00+00') AS lost_by_as_of
FROM per_lead;

CREATE TABLE f AS
SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, lost_at, '2024-06-30 00:00+00', '1 day') AS f FROM per_lead;

-- ---- the plain-SQL side ---------------------------------------------------------
-- per lead: last, the last stage reached by as_of (stage times are in order
-- here), its time, lost (lost_at <= as_of) and consistent (not lost before
-- its last stage's time, not lost and won)
CREATE TABLE lead_row AS
SELECT lead_id, last, st[last] AS last_t, lost,
       NOT (lost AND (last = 4 OR lost_at < st[last])) AS consistent
FROM (SELECT lead_id, st, lost_at, coalesce(lost_at <= '2024-06-30 00:00+00', false) AS lost,
             (SELECT max(i) FROM unnest(st) WITH ORDINALITY a(t, i) WHERE t <= '2024-06-30 00:00+00') AS last
      FROM per_lead) x
WHERE last IS NOT NULL;
\i test/load/wilson.sql

-- ---- counts: won, lost, open, inconsistent; the win rate among closed leads ----
SELECT leads, won, lost, open, inconsistent, round(win_rate::numeric, 4) AS win_rate,
       round(closed_win_rate::numeric, 4) AS closed_win_rate
FROM f, crm.funnel_summary(f);
SELECT count(*) FILTER (WHERE consistent) AS leads,
       count(*) FILTER (WHERE consistent AND last = 4) AS won,
       count(*) FILTER (WHERE consistent AND lost) AS lost,
       count(*) FILTER (WHERE consistent AND NOT lost AND last < 4) AS open,
       count(*) FILTER (WHERE NOT consistent) AS inconsistent
FROM lead_row;
SELECT s.leads = q.leads AND s.won = q.won AND s.lost = q.lost AND s.open = q.open AND s.inconsistent = q.inconsistent
       AND s.closed_win_rate = q.won::float8 / (q.won + q.lost) AND crm.closed_win_rate(f) = s.closed_win_rate
       AS summary_equals_sql
FROM f, crm.funnel_summary(f) s,
     (SELECT count(*) FILTER (WHERE consistent) AS leads, count(*) FILTER (WHERE consistent AND last = 4) AS won,
             count(*) FILTER (WHERE consistent AND lost) AS lost,
             count(*) FILTER (WHERE consistent AND NOT lost AND last < 4) AS open,
             count(*) FILTER (WHERE NOT consistent) AS inconsistent FROM lead_row) q;

-- ---- per stage: lost and open there; conversion among the closed leads ---------
SELECT stage_no, stage, reached, lost, open, round(conversion::numeric, 4) AS conversion,
       round(closed_conversion::numeric, 4) AS closed_conversion,
       round(closed_conversion_low::numeric, 4) AS low, round(closed_conversion_high::numeric, 4) AS high
FROM f, crm.funnel_table(f);
WITH q AS (
  SELECT i, count(*) FILTER (WHERE last >= i) AS reached,
         count(*) FILTER (WHERE last = i AND lost) AS lost,
         count(*) FILTER (WHERE last = i AND NOT lost AND i < 4) AS open
  FROM lead_row, generate_series(1, 4) i WHERE consistent GROUP BY i),
closed AS (
  SELECT q.i, q.reached AS moved_on, p.lost AS lost_before, (wilson(q.reached, q.reached + p.lost, 1.959963984540054)).*
  FROM q JOIN q p ON p.i = q.i - 1)
SELECT bool_and(t.reached = q.reached AND t.lost = q.lost AND t.open = q.open) AS counts_equal_sql,
       bool_and(CASE WHEN t.stage_no = 1 THEN t.closed_conversion IS NULL
                     ELSE close(t.closed_conversion, c.moved_on::float8 / (c.moved_on + c.lost_before))
                          AND close(t.closed_conversion_low, c.lo) AND close(t.closed_conversion_high, c.hi) END)
       AS closed_conversions_equal_sql
FROM f, crm.funnel_table(f) t JOIN q ON q.i = t.stage_no LEFT JOIN closed c ON c.i = t.stage_no;

-- ---- times to convert: a lost lead is censored at as_of, as an open one ---------
-- (it did not convert by then): the times equal those of the funnel without
-- lost_at over the same (consistent) leads
SELECT bool_and(a IS NOT DISTINCT FROM b) AS times_equal_without_lost_at, count(*) AS rows
FROM (SELECT row_number() OVER () AS n, t AS a
      FROM f, crm.funnel_times(f, '{0.1,0.25,0.5,0.75,0.9}') t) x
FULL JOIN (SELECT row_number() OVER () AS n, t AS b
           FROM (SELECT crm.funnel_fit('{lead,qualified,proposal,won}', p.st, '2024-06-30 00:00+00', '1 day') AS g
                 FROM per_lead p JOIN lead_row r USING (lead_id) WHERE r.consistent) g,
                crm.funnel_times(g, '{0.1,0.25,0.5,0.75,0.9}') t) y USING (n);

-- ---- without lost_at, lost and the closed rates are unknown (NULL) -------------
SELECT s.lost, s.open, s.closed_win_rate, crm.closed_win_rate(g) AS closed_win_rate_fn,
       bool_and(t.lost IS NULL AND t.open IS NULL AND t.closed_conversion IS NULL) AS table_nulls
FROM (SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, '2024-06-30 00:00+00', '1 day') AS g FROM per_lead) x,
     crm.funnel_summary(g) s, crm.funnel_table(g) t
GROUP BY 1, 2, 3, 4;
-- with lost_at but no lead closed yet: 0 lost, the closed win rate NULL
SELECT lost, open, closed_win_rate
FROM crm.funnel_summary((SELECT crm.funnel_fit('{a,b}', ARRAY[timestamptz '2024-01-01 00:00+00', NULL], NULL::timestamptz,
                                               '2024-06-30 00:00+00', '1 day')));

-- ---- merges, parallel plans, text and binary forms --------------------------------
CREATE TABLE big AS SELECT p.* FROM per_lead p, generate_series(1, 10);
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, lost_at, '2024-06-30 00:00+00', '1 day')::text AS f FROM big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET client_min_messages = warning;
SELECT plan_partial_aggregate($q$SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, lost_at, '2024-06-30 00:00+00', '1 day') FROM funnel_lost.big$q$)
       AS partial_aggregate;
SELECT p.f = s.f AS parallel_equals_serial
FROM (SELECT crm.funnel_fit('{lead,qualified,proposal,won}', st, lost_at, '2024-06-30 00:00+00', '1 day')::text AS f FROM big) p, serial s;
CREATE TABLE parts AS
SELECT lead_id % 7 AS part, crm.funnel_fit('{lead,qualified,proposal,won}', st, lost_at, '2024-06-30 00:00+00', '1 day') AS f
FROM big GROUP BY 1;
SELECT m.f = s.f AS merged, m.via_text = s.f AS merged_via_text
FROM (SELECT crm.funnel_merge(f)::text AS f, crm.funnel_merge(f::text::crm.funnel_state)::text AS via_text FROM parts) m, serial s;
RESET client_min_messages;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- the text form (lost={...} only with lost_at) and the binary form round trip
SELECT crm.funnel_fit('{a,b,c}', ARRAY[t, t + interval '2 days', NULL], t + interval '5 days', t + interval '30 days', '1 day')::text
FROM (VALUES (timestamptz '2024-05-01 00:00+00')) v(t);
SELECT f::text::crm.funnel_state::text = f::text AS round_trip FROM f;
CREATE TABLE bin (f crm.funnel_state);
\copy (SELECT f FROM f) TO 'results/funnel_lost.bin' WITH (FORMAT binary)
\copy bin FROM 'results/funnel_lost.bin' WITH (FORMAT binary)
SELECT b.f::text = f.f::text AS binary_round_trip FROM bin b, f;
-- a state without lost_at keeps its text form (no lost={...})
SELECT crm.funnel_fit('{a,b}', ARRAY[t, NULL], t + interval '30 days', '1 day')::text
FROM (VALUES (timestamptz '2024-05-01 00:00+00')) v(t);

-- ---- errors -------------------------------------------------------------------------
-- lost_at -infinity (22000)
SELECT sqlstate_of($$SELECT crm.funnel_fit('{a,b}', '{2024-01-01,NULL}', '-infinity', '2024-06-30', '1 day')$$);
-- a state with lost leads does not merge with one without (22023)
SELECT sqlstate_of($$SELECT crm.funnel_combine(crm.funnel_fit('{a,b}', '{2024-01-01,NULL}'::timestamptz[], NULL, '2024-06-30', '1 day'),
                     crm.funnel_fit('{a,b}', '{2024-01-01,NULL}'::timestamptz[], '2024-06-30', '1 day'))$$);
-- impossible lost counts in the text form (22P02)
SELECT sqlstate_of(format('SELECT %L::crm.funnel_state', 'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D ' || t)) FROM unnest(ARRAY[
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={2,0} cells={0:3:1:1}',
  'leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={0,1} cells={0:3:1:1}'
]) t;
-- and the valid one of that shape reads back
SELECT 'v1 stages={"a","b"} as_of=2024-06-30T00:00:00Z unit=P1D leads=2 skipped=0 inconsistent=0 reached={2,1} timed={2,1} unknown={0,0} lost={1,0} cells={0:3:1:1}'::crm.funnel_state;
-- binary input: a lost flag other than 0 or 1 (22P03): the bytes of the
-- state's send function with the flag (its third byte) set to 2, as a bytea
-- column, read back through binary COPY as a crm.funnel_state
CREATE TABLE raw AS SELECT set_byte(crm.funnel_state_send(f), 2, 2) AS b FROM f;
\copy raw TO 'results/funnel_lost_bad.bin' WITH (FORMAT binary)
CREATE TABLE back (f crm.funnel_state);
\copy back FROM 'results/funnel_lost_bad.bin' WITH (FORMAT binary)
SELECT count(*) AS read_back FROM back;

DROP SCHEMA funnel_lost CASCADE;
