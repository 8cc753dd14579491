-- Service and complaints (src/service): every result of crm.ticket_fit,
-- crm.backlog_fit and crm.recovery_fit equals the same number computed in
-- plain SQL on a seeded generated tickets table (open tickets censored at
-- as_of, tickets resolved after as_of, ties in durations, sub-second times,
-- empty groups, NULLs), Kaplan-Meier quantiles equal crm.km_fit's median and
-- a plain-SQL Kaplan-Meier curve, forced-parallel plans and merged partial
-- states equal one serial pass, text round trips, and every error path with
-- its SQLSTATE.
CREATE SCHEMA service;
SET search_path = service, public;
SET timezone = 'UTC';
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- 6,000 tickets of 1,500 customers opened in January and February 2026 (at
-- microsecond times), as of 2026-03-01: a third take whole hours (ties), the
-- rest an exponential number of seconds; about 15 % never resolved, some
-- resolved after as_of (open as of as_of); some NULL opened, NULL flags
SELECT setseed(0.28);
CREATE TABLE tickets AS
SELECT i AS id, 1 + floor(random() * 1500)::int AS customer,
       CASE WHEN i % 499 = 0 THEN NULL ELSE o END AS opened,
       CASE WHEN u < 0.15 THEN NULL ELSE o + d END AS resolved,
       (ARRAY['email', 'phone', 'chat'])[1 + floor(random() * 3)::int] AS channel,
       (ARRAY['billing', 'delivery', 'product'])[1 + floor(random() * 3)::int] AS category,
       CASE WHEN i % 97 = 0 THEN NULL ELSE random() < 0.6 END AS fcr,
       CASE WHEN i % 89 = 0 THEN NULL ELSE random() < 0.1 END AS reopened
FROM generate_series(1, 6000) i,
     LATERAL (SELECT timestamptz '2026-01-01 00:00+00' + random() * interval '59 days' AS o,
                     random() AS u,
                     CASE WHEN random() < 0.33 THEN (1 + floor(random() * 48)) * interval '1 hour'
                          ELSE -ln(1 - random()) * interval '2 days' END AS d
              WHERE i > 0) g;
-- the rows crm.ticket_fit counts, with the duration in whole seconds and
-- whether the ticket is resolved as of as_of (plain-SQL side)
CREATE VIEW counted AS
SELECT *, resolved IS NOT NULL AND resolved <= timestamptz '2026-03-01 00:00+00' AS done,
       floor(extract(epoch FROM CASE WHEN resolved <= timestamptz '2026-03-01 00:00+00' THEN resolved
                                     ELSE timestamptz '2026-03-01 00:00+00' END)
             - extract(epoch FROM opened))::bigint AS secs
FROM tickets WHERE opened IS NOT NULL;

CREATE TABLE st AS
SELECT crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00') AS t,
       crm.ticket_fit(opened, resolved, timestamptz '2026-03-01 00:00+00') AS t3
FROM tickets;

-- ---- counts --------------------------------------------------------------------
SELECT (crm.ticket_summary(t)).* FROM st;
SELECT count(*) AS tickets, count(*) FILTER (WHERE done) AS resolved, count(*) FILTER (WHERE NOT done) AS open,
       count(fcr) AS fcr_known, count(*) FILTER (WHERE fcr) AS first_contact_resolved,
       count(reopened) AS reopen_known, count(*) FILTER (WHERE reopened) AS reopened,
       count(DISTINCT secs) AS distinct_durations, (SELECT count(*) FROM tickets) - count(*) AS skipped,
       count(*) FILTER (WHERE resolved > timestamptz '2026-03-01 00:00+00') AS resolved_after_as_of
FROM counted;
-- without flags: the same durations, no flagged tickets
SELECT s.tickets, s.open, s.fcr_known, s.reopen_known, t3::text = regexp_replace(regexp_replace(t::text,
       'fcr_known=\d+ fcr=\d+', 'fcr_known=0 fcr=0'), 'reopen_known=\d+ reopened=\d+', 'reopen_known=0 reopened=0') AS same_durations
FROM st, crm.ticket_summary(t3) s;
SELECT t::jsonb FROM st;

-- ---- complaint rate per 1,000 customers and orders -----------------------------
SELECT round(crm.complaint_rate(t, 1500)::numeric, 10) AS per_1000_customers,
       round(crm.complaint_rate(t, 48000)::numeric, 10) AS per_1000_orders,
       crm.complaint_rate(t, 1500) = (SELECT count(*) * 1000.0 / 1500 FROM counted)::float8 AS equals_sql
FROM st;

-- ---- rates with the Wilson score interval ----------------------------------------
-- plain SQL: center (p + z^2/2n) / (1 + z^2/n), half-width
-- z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2), z = 1.959963984540054 (95 %)
CREATE FUNCTION wilson(r bigint, n bigint, z float8, OUT lo float8, OUT hi float8) LANGUAGE sql AS $$
SELECT greatest(0, c - h), least(1, c + h)
FROM (SELECT r::float8 / n AS p) a,
     LATERAL (SELECT (p + z * z / (2 * n)) / (1 + z * z / n) AS c,
                     z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) AS h) b
$$;
SELECT r.measure, r.tickets, r.count, round(r.rate::numeric, 12) AS rate,
       round(r.ci_low::numeric, 12) AS ci_low, round(r.ci_high::numeric, 12) AS ci_high,
       abs(r.ci_low - (wilson(r.count, r.tickets, 1.959963984540054)).lo) < 1e-12
       AND abs(r.ci_high - (wilson(r.count, r.tickets, 1.959963984540054)).hi) < 1e-12 AS equals_wilson
FROM st, crm.ticket_rates(t) r;
SELECT 'first_contact_resolution' AS measure, count(fcr) AS tickets, count(*) FILTER (WHERE fcr) AS count FROM counted
UNION ALL SELECT 'reopened', count(reopened), count(*) FILTER (WHERE reopened) FROM counted;
-- 99 % (z = 2.5758293035489004); no flags: NULL rates
SELECT r.measure, round(r.ci_low::numeric, 12) AS ci_low,
       abs(r.ci_low - (wilson(r.count, r.tickets, 2.5758293035489004)).lo) < 1e-12 AS equals_wilson
FROM st, crm.ticket_rates(t, 0.99) r;
SELECT r.* FROM st, crm.ticket_rates(t3) r WHERE r.measure <> 'resolved';

-- ---- SLA attainment ----------------------------------------------------------------
-- met: resolved within target; missed: resolved later or open longer than
-- target; censored: open, not longer than target (whole seconds)
SELECT a.target, a.met, a.missed, a.censored, round(a.attainment::numeric, 12) AS attainment,
       abs(a.ci_low - (wilson(a.met, a.met + a.missed, 1.959963984540054)).lo) < 1e-12 AS equals_wilson,
       (a.met, a.missed, a.censored) = (SELECT count(*) FILTER (WHERE done AND secs <= x.s),
                                               count(*) FILTER (WHERE secs > x.s),
                                               count(*) FILTER (WHERE NOT done AND secs <= x.s)
                                        FROM counted) AS equals_sql
FROM st, (VALUES (interval '0'), (interval '4 hours'), (interval '1 day'), (interval '2 days 00:00:00.5'),
                 (interval '60 days')) g(target),
     LATERAL (SELECT floor(extract(epoch FROM g.target))::bigint AS s) x,
     crm.sla_attainment(t, g.target) a;
-- a ticket exactly at the target (3600 s) is met; at 3601 s missed
SELECT a.met, a.missed, a.censored, round(a.attainment::numeric, 12) AS attainment
FROM (SELECT (crm.sla_attainment(crm.ticket_fit(o, o + d, timestamptz '2026-03-01 00:00+00'), interval '1 hour')).*
FROM (VALUES (timestamptz '2026-01-01 00:00+00', interval '3600 seconds'), ('2026-01-01', '3600.9 seconds'),
             ('2026-01-01', '3601 seconds')) v(o, d)) a;

-- ---- resolution-time quantiles -------------------------------------------------------
-- plain SQL, R's quantile.survfit rule: among resolved tickets, F(t) = the
-- share resolved by t; the quantile p is the first t with F >= p (within
-- sqrt(2^(-52))), the middle up to the first t with F > p when F = p
CREATE FUNCTION plain_quantile(p float8) RETURNS float8 LANGUAGE sql AS $$
WITH d AS (SELECT secs, count(*) AS n FROM service.counted WHERE done GROUP BY secs),
     c AS (SELECT secs, sum(n) OVER (ORDER BY secs)::float8 / sum(n) OVER () AS f FROM d)
SELECT (SELECT min(secs) FROM c WHERE 1 - f <= 1 - p + sqrt(2^(-52))) / 2.0
     + coalesce((SELECT min(secs) FROM c WHERE 1 - f <= 1 - p - sqrt(2^(-52))), (SELECT max(secs) FROM c)) / 2.0
$$;
-- a plain-SQL Kaplan-Meier curve: S after each distinct duration, resolved =
-- event, open = censored there (at risk at its own time)
CREATE VIEW km AS
WITH d AS (SELECT secs, count(*) FILTER (WHERE done) AS ev, count(*) FILTER (WHERE NOT done) AS ce
           FROM service.counted GROUP BY secs),
     r AS (SELECT secs, ev, ce, sum(ev + ce) OVER (ORDER BY secs DESC) AS at_risk FROM d)
SELECT secs, ev, ce, at_risk, exp(sum(ln(1 - ev::float8 / at_risk)) OVER (ORDER BY secs)) AS s FROM r;
CREATE FUNCTION km_quantile(p float8) RETURNS float8 LANGUAGE sql AS $$
SELECT (SELECT min(secs) FROM service.km WHERE ev > 0 AND s <= 1 - p + sqrt(2^(-52))) / 2.0
     + coalesce((SELECT min(secs) FROM service.km WHERE ev > 0 AND s <= 1 - p - sqrt(2^(-52))),
                (SELECT max(secs) FROM service.km)) / 2.0
$$;
SELECT q.probability, round(q.km_time::numeric, 9) AS km_hours, round(q.resolved_time::numeric, 9) AS resolved_hours,
       q.km_time * 3600 = km_quantile(q.probability) AS km_equals_sql,
       q.resolved_time * 3600 = plain_quantile(q.probability) AS resolved_equals_sql
FROM st, crm.resolution_quantiles(t, '{0.1,0.25,0.5,0.75,0.8,0.9}', interval '1 hour') q;
-- the median among resolved = percentile_cont(0.5); KM median = crm.km_fit's
SELECT q.resolved_time = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM counted WHERE done) AS percentile_cont,
       q.km_time = crm.median_resolution(t, interval '1 second') AS median_resolution,
       q.km_time = (SELECT crm.median_survival(crm.km_fit(secs::float8, done)) FROM counted) AS km_fit
FROM st, crm.resolution_quantiles(t, '{0.5}', interval '1 second') q;
-- the default probabilities, in days; the KM quantile is above the plain one
SELECT probability, round(km_time::numeric, 6) AS km_days, round(resolved_time::numeric, 6) AS resolved_days,
       km_time >= resolved_time AS km_not_below
FROM st, crm.resolution_quantiles(t, interval '1 day');
-- ties: an even number of tickets, the median halfway between the middle two;
-- an odd number, the middle one; p reached exactly to the end: up to the last time
SELECT crm.median_resolution(s, interval '1 second') AS km, (crm.resolution_quantiles(s, '{0.5,0.75}', interval '1 second')).*
FROM (SELECT crm.ticket_fit(o, o + d * interval '1 second', timestamptz '2026-03-01 00:00+00') AS s
      FROM (VALUES (timestamptz '2026-01-01', 10), ('2026-01-01', 10), ('2026-01-01', 20), ('2026-01-01', 40)) v(o, d)) a;
SELECT (crm.resolution_quantiles(s, '{0.5}', interval '1 second')).*
FROM (SELECT crm.ticket_fit(o, o + d * interval '1 second', timestamptz '2026-03-01 00:00+00') AS s
      FROM (VALUES (timestamptz '2026-01-01', 10), ('2026-01-01', 20), ('2026-01-01', 20)) v(o, d)) a;
-- most tickets open: the KM median is not reached (NULL), the plain one is
SELECT crm.median_resolution(s, interval '1 hour') AS km, (crm.resolution_quantiles(s, '{0.5}', interval '1 hour')).*
FROM (SELECT crm.ticket_fit(o, r, timestamptz '2026-03-01 00:00+00') AS s
      FROM (VALUES (timestamptz '2026-02-28', timestamptz '2026-02-28 01:00'), ('2026-02-28', NULL), ('2026-02-28', NULL)) v(o, r)) a;

-- ---- the Kaplan-Meier resolution curve -------------------------------------------------
SELECT count(*) AS points,
       count(*) FILTER (WHERE (c."time", c.at_risk, c.resolved, c.censored) IS DISTINCT FROM (k.secs, k.at_risk, k.ev, k.ce)) AS counts_differ,
       max(abs(c.still_open - k.s)) < 1e-12 AS survival_equals_sql,
       bool_and(c.resolved_share = 1 - c.still_open) AS complement
FROM (SELECT row_number() OVER (ORDER BY "time") AS i, * FROM st, crm.resolution_curve(t, interval '1 second')) c
FULL JOIN (SELECT row_number() OVER (ORDER BY secs) AS i, * FROM km) k ON k.i = c.i;
SELECT c.* FROM (SELECT crm.ticket_fit(o, r, timestamptz '2026-01-02 00:00+00') AS s
                 FROM (VALUES (timestamptz '2026-01-01 00:00+00', timestamptz '2026-01-01 02:00+00'), ('2026-01-01 00:00+00', '2026-01-01 02:00:59+00'),
                              ('2026-01-01 12:00+00', NULL), ('2026-01-01 00:00+00', '2026-01-01 06:00+00')) v(o, r)) a,
              crm.resolution_curve(a.s, interval '1 hour') c;

-- ---- groups, empty groups, NULL inputs ----------------------------------------------------
-- per channel and category, as a BI tool reads them; a category without
-- tickets gives a NULL state and NULL results
SELECT c.category, (crm.ticket_summary(g.s)).tickets, crm.median_resolution(g.s, interval '1 hour') IS NOT NULL AS has_median,
       round((SELECT rate FROM crm.ticket_rates(g.s) WHERE measure = 'first_contact_resolution')::numeric, 6) AS fcr_rate
FROM (VALUES ('billing'), ('delivery'), ('product'), ('other')) c(category)
LEFT JOIN (SELECT category, crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00') AS s
           FROM tickets GROUP BY category) g USING (category)
ORDER BY 1;
SELECT channel, (crm.ticket_summary(s)).tickets = (SELECT count(*) FROM counted c WHERE c.channel = g.channel) AS equals_sql
FROM (SELECT channel, crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00') AS s
      FROM tickets GROUP BY channel) g ORDER BY 1;
-- no rows, only NULL opened: NULL
SELECT crm.ticket_fit(opened, resolved, timestamptz '2026-03-01') IS NULL AS no_rows FROM tickets WHERE false;
SELECT crm.ticket_fit(NULL::timestamptz, now(), timestamptz '2026-03-01') IS NULL AS all_null
FROM generate_series(1, 3);

-- ---- backlog over a calendar series ------------------------------------------------------
-- one pass = a plain-SQL count per date of generate_series
CREATE TABLE bl AS
SELECT crm.backlog_fit(opened, resolved, timestamptz '2025-12-30', timestamptz '2026-03-15', interval '1 day') AS b,
       crm.backlog_fit(opened, resolved, timestamptz '2026-01-01 08:30', timestamptz '2026-03-01', interval '1 week') AS w,
       crm.backlog_fit(opened, resolved, timestamptz '2026-01-31', timestamptz '2026-03-01', interval '1 month') AS m
FROM tickets;
SELECT count(*) AS dates, count(*) FILTER (WHERE x.open IS DISTINCT FROM y.open) AS differing, max(x.open) AS peak
FROM crm.backlog_table((SELECT b FROM bl)) x
FULL JOIN (SELECT d AS "at", (SELECT count(*) FROM tickets WHERE opened <= d AND (resolved IS NULL OR resolved > d)) AS open
           FROM generate_series(timestamptz '2025-12-30', timestamptz '2026-03-15', interval '1 day') d) y USING ("at");
SELECT x.*, x.open = (SELECT count(*) FROM tickets WHERE opened <= x."at" AND (resolved IS NULL OR resolved > x."at")) AS equals_sql
FROM bl, crm.backlog_table(w) x;
SELECT x.* FROM bl, crm.backlog_table(m) x;
-- a ticket opened exactly at a date is open there; resolved exactly at it is not
SELECT x.* FROM crm.backlog_table((SELECT crm.backlog_fit(o, r, timestamptz '2026-01-01', timestamptz '2026-01-03', interval '1 day')
                                   FROM (VALUES (timestamptz '2026-01-02', timestamptz '2026-01-03'), ('2026-01-01', '2026-01-02'),
                                                (NULL, NULL), ('2025-12-01', NULL)) v(o, r))) x;
SELECT b::text FROM (SELECT crm.backlog_fit(o, r, timestamptz '2026-01-01', timestamptz '2026-01-03', interval '1 day') AS b
                     FROM (VALUES (timestamptz '2026-01-02', timestamptz '2026-01-03'), (NULL, NULL)) v(o, r)) a;
SELECT crm.backlog_fit(opened, resolved, timestamptz '2026-01-01', timestamptz '2026-01-03', interval '1 day') IS NULL AS no_rows
FROM tickets WHERE false;

-- ---- service recovery -----------------------------------------------------------------
-- per customer: complained (a ticket in January), resolved (all their January
-- tickets resolved within 3 days), repurchased (an order in the 60 days after
-- the first January ticket; for customers without one, after January 15)
SELECT setseed(0.5);
CREATE TABLE orders AS
SELECT 1 + floor(random() * 1500)::int AS customer, timestamptz '2026-01-01 00:00+00' + random() * interval '120 days' AS ordered
FROM generate_series(1, 3000);
CREATE VIEW recovery_rows AS
WITH c AS (SELECT customer, min(opened) AS first_complaint,
                  bool_and(resolved IS NOT NULL AND resolved <= opened + interval '3 days') AS resolved
           FROM tickets WHERE opened < timestamptz '2026-02-01 00:00+00' GROUP BY customer)
SELECT k.customer, c.customer IS NOT NULL AS complained, c.resolved,
       EXISTS (SELECT FROM orders o WHERE o.customer = k.customer
               AND o.ordered > coalesce(c.first_complaint, timestamptz '2026-01-15 00:00+00')
               AND o.ordered <= coalesce(c.first_complaint, timestamptz '2026-01-15 00:00+00') + interval '60 days') AS repurchased
FROM generate_series(1, 1500) k(customer) LEFT JOIN c USING (customer);
CREATE TABLE rec AS SELECT crm.recovery_fit(complained, resolved, repurchased) AS r FROM recovery_rows;
SELECT r::text FROM rec;
SELECT x."group", x.customers, x.repurchased, round(x.rate::numeric, 12) AS rate,
       abs(x.ci_low - (wilson(x.repurchased, x.customers, 1.959963984540054)).lo) < 1e-12
       AND abs(x.ci_high - (wilson(x.repurchased, x.customers, 1.959963984540054)).hi) < 1e-12 AS equals_wilson,
       (x.customers, x.repurchased) = (SELECT count(*), count(*) FILTER (WHERE repurchased) FROM recovery_rows w
                                       WHERE CASE WHEN NOT complained THEN 'no_complaint' WHEN resolved THEN 'resolved'
                                                  ELSE 'unresolved' END = x."group") AS equals_sql
FROM rec, crm.recovery_rates(r) x;
-- plain SQL: difference, unpooled Wald interval, pooled z and two-sided p
CREATE VIEW grp AS
SELECT CASE WHEN NOT complained THEN 'no_complaint' WHEN resolved THEN 'resolved' ELSE 'unresolved' END AS g,
       count(*)::float8 AS n, avg(repurchased::int)::float8 AS p, count(*) FILTER (WHERE repurchased)::float8 AS r
FROM recovery_rows GROUP BY 1;
SELECT x.group_a, x.group_b, round(x.difference::numeric, 12) AS difference, round(x.z::numeric, 9) AS z,
       round(x.p_value::numeric, 9) AS p_value,
       abs(x.difference - (a.p - b.p)) < 1e-12
       AND abs(x.ci_low - (a.p - b.p - 1.959963984540054 * sqrt(a.p * (1 - a.p) / a.n + b.p * (1 - b.p) / b.n))) < 1e-12
       AND abs(x.z - (a.p - b.p) / sqrt((a.r + b.r) / (a.n + b.n) * (1 - (a.r + b.r) / (a.n + b.n)) * (1 / a.n + 1 / b.n))) < 1e-9
       AS equals_sql
FROM rec, crm.recovery_test(r) x JOIN grp a ON a.g = x.group_a JOIN grp b ON b.g = x.group_b;
-- NULLs skipped (a NULL complained, repurchased, or resolved of a complaint);
-- resolved ignored without a complaint; an empty group: NULL rate and test
SELECT r::text, (SELECT array_agg((x."group", x.customers, x.repurchased, x.rate, round(x.ci_low::numeric, 9), round(x.ci_high::numeric, 9))::text)
                 FROM crm.recovery_rates(r) x) AS rates,
       (SELECT array_agg((x.group_a, x.group_b, x.difference, round(x.ci_low::numeric, 9), round(x.ci_high::numeric, 9), x.z, x.p_value)::text)
        FROM crm.recovery_test(r, 0.9) x) AS tests
FROM (SELECT crm.recovery_fit(c, s, p) AS r
      FROM (VALUES (true, true, true), (true, true, false), (false, NULL::boolean, true), (false, true, false),
                   (NULL, true, true), (true, NULL, true), (false, false, NULL)) v(c, s, p)) a;
SELECT crm.recovery_fit(c, s, p) IS NULL AS all_skipped FROM (VALUES (NULL::boolean, true, true)) v(c, s, p);

-- ---- text round trips ---------------------------------------------------------------------
SELECT t::text::crm.ticket_state::text = t::text AS ticket, t3::text::crm.ticket_state::text = t3::text AS ticket3,
       (SELECT b::text::crm.backlog_state::text = b::text AND w::text::crm.backlog_state::text = w::text
               AND m::text::crm.backlog_state::text = m::text FROM bl) AS backlog,
       (SELECT r::text::crm.recovery_state::text = r::text FROM rec) AS recovery
FROM st;
-- binary round trips
CREATE TABLE stored AS SELECT 1 AS k, t, (SELECT b FROM bl) AS b, (SELECT m FROM bl) AS m, (SELECT r FROM rec) AS r FROM st;
\copy stored TO 'results/service_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/service_stored.bin' WITH (FORMAT binary)
SELECT a.t::text = b.t::text AS ticket, a.b::text = b.b::text AND a.m::text = b.m::text AS backlog, a.r::text = b.r::text AS recovery
FROM stored a JOIN stored_back b USING (k);
-- the backlog reads the same in another time zone (it keeps its times)
SET timezone = 'America/New_York';
SELECT b::text = (SELECT b::text FROM stored) AS same_text FROM bl;
SET timezone = 'UTC';
-- calling the transition and combine outside an aggregate leaves the input unchanged
SELECT crm.ticket_trans(t3, timestamptz '2026-01-01', NULL, timestamptz '2026-03-01 00:00+00') IS NOT NULL AS added,
       t3::text = (SELECT crm.ticket_fit(opened, resolved, timestamptz '2026-03-01 00:00+00')::text FROM tickets) AS input_unchanged
FROM st;
SELECT crm.ticket_combine(t3, t3)::text = (SELECT crm.ticket_merge(x)::text FROM (SELECT t3 FROM st UNION ALL SELECT t3 FROM st) v(x)) AS combine,
       t3::text = (SELECT crm.ticket_fit(opened, resolved, timestamptz '2026-03-01 00:00+00')::text FROM tickets) AS input_unchanged
FROM st;

-- ---- forced-parallel plans and merged partial states ----------------------------------
-- 200,000 tickets with many distinct durations (every worker's state
-- flushes and grows many times)
CREATE TABLE big AS
SELECT i AS id, o AS opened, CASE WHEN i % 7 = 0 THEN NULL ELSE o + (abs(hashint4(i + 1)) % 400000) * interval '1 second' END AS resolved,
       i % 3 = 0 AS fcr, i % 11 = 0 AS reopened, i % 5 AS channel
FROM generate_series(1, 200000) i,
     LATERAL (SELECT timestamptz '2026-01-01 00:00+00' + (abs(hashint4(i)) % 5000000) * interval '1 second' AS o) g;
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00')::text AS t,
       crm.backlog_fit(opened, resolved, timestamptz '2026-01-01', timestamptz '2026-03-01', interval '1 day')::text AS b,
       crm.recovery_fit(fcr, reopened, id % 2 = 0)::text AS r
FROM big;
SELECT (crm.ticket_summary(t::crm.ticket_state)).distinct_durations FROM serial;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($q$SELECT crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00'),
       crm.backlog_fit(opened, resolved, timestamptz '2026-01-01', timestamptz '2026-03-01', interval '1 day'),
       crm.recovery_fit(fcr, reopened, id % 2 = 0) FROM big$q$) AS partial_aggregate;
SELECT p.t = s.t AS tickets, p.b = s.b AS backlog, p.r = s.r AS recovery
FROM (SELECT crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00')::text AS t,
             crm.backlog_fit(opened, resolved, timestamptz '2026-01-01', timestamptz '2026-03-01', interval '1 day')::text AS b,
             crm.recovery_fit(fcr, reopened, id % 2 = 0)::text AS r
      FROM big) p, serial s;
-- partial states per "shard" and channel, merged (in parallel too, and
-- after a trip through their text form) = one pass
CREATE TABLE parts AS
SELECT id % 7 AS shard, channel, crm.ticket_fit(opened, resolved, fcr, reopened, timestamptz '2026-03-01 00:00+00') AS t,
       crm.backlog_fit(opened, resolved, timestamptz '2026-01-01', timestamptz '2026-03-01', interval '1 day') AS b,
       crm.recovery_fit(fcr, reopened, id % 2 = 0) AS r
FROM big GROUP BY 1, 2;
ANALYZE parts;
SELECT plan_partial_aggregate($q$SELECT crm.ticket_merge(t), crm.backlog_merge(b), crm.recovery_merge(r) FROM parts$q$) AS partial_aggregate;
SELECT crm.ticket_merge(p.t)::text = s.t AS tickets, crm.backlog_merge(p.b)::text = s.b AS backlog,
       crm.recovery_merge(p.r)::text = s.r AS recovery,
       crm.ticket_merge(p.t::text::crm.ticket_state)::text = s.t AS tickets_via_text,
       crm.backlog_merge(p.b::text::crm.backlog_state)::text = s.b AS backlog_via_text
FROM parts p, serial s GROUP BY s.t, s.b, s.r;
SELECT m.t::text = s.t AS shards_merged
FROM (SELECT crm.ticket_merge(t) AS t FROM (SELECT crm.ticket_merge(t) AS t FROM parts GROUP BY shard) x) m, serial s;
-- many groups at once (hashed), each equal to its group alone
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE g.t IS DISTINCT FROM (SELECT crm.ticket_fit(opened, resolved, timestamptz '2026-03-01 00:00+00')::text
                                                     FROM big b WHERE b.id % 97 = g.k)) AS differing
FROM (SELECT id % 97 AS k, crm.ticket_fit(opened, resolved, timestamptz '2026-03-01 00:00+00')::text AS t FROM big GROUP BY 1) g;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---- errors --------------------------------------------------------------------------
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
-- inconsistent rows (22000): resolved before opened, opened after as_of, infinite times
SELECT sqlstate_of($$SELECT crm.ticket_fit(o, r, timestamptz '2026-03-01 00:00+00') FROM (VALUES (timestamptz '2026-01-02 00:00+00', timestamptz '2026-01-01 00:00+00')) v(o, r)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(o, NULL, timestamptz '2026-03-01 00:00+00') FROM (VALUES (timestamptz '2026-03-02 00:00+00')) v(o)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(o, NULL, timestamptz '2026-03-01') FROM (VALUES (timestamptz '-infinity')) v(o)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(o, 'infinity', timestamptz '2026-03-01') FROM (VALUES (timestamptz '2026-01-01')) v(o)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(o, NULL, timestamptz 'infinity') FROM (VALUES (timestamptz '2026-01-01')) v(o)$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(o, r, timestamptz '2026-01-01', timestamptz '2026-01-05', interval '1 day') FROM (VALUES (timestamptz '2026-01-02', timestamptz '2026-01-01')) v(o, r)$$);
-- bad arguments: NULL as_of or series (22004), as_of changing between rows,
-- before year 1, bad series, units, targets, probabilities, denominators,
-- confidence levels (22023)
SELECT sqlstate_of($$SELECT crm.ticket_fit(now(), NULL, NULL::timestamptz)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(timestamptz '2026-01-01', NULL, a) FROM (VALUES (timestamptz '2026-03-01'), ('2026-03-02')) v(a)$$);
SELECT sqlstate_of($$SELECT crm.ticket_fit(timestamptz '0001-01-01 BC', NULL, timestamptz '0001-01-02 BC')$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(now(), NULL, NULL, now(), interval '1 day')$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(now(), NULL, timestamptz '2026-01-02', timestamptz '2026-01-01', interval '1 day')$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(now(), NULL, timestamptz '2026-01-01', timestamptz '2026-01-02', interval '-1 day')$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(now(), NULL, timestamptz '2026-01-01', timestamptz '2026-12-31', interval '1 minute')$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(o, NULL, s, timestamptz '2026-02-01', interval '1 day') FROM (VALUES (timestamptz '2026-01-01', timestamptz '2026-01-01'), ('2026-01-01', '2026-01-02')) v(o, s)$$);
SELECT sqlstate_of($$SELECT crm.backlog_fit(o, NULL, timestamptz '2026-01-01', e, interval '1 day') FROM (VALUES (timestamptz '2026-01-01', timestamptz '2026-01-05'), ('2026-01-01', '2026-01-10')) v(o, e)$$);
-- a stop that gives the same series is the same series
SELECT x.* FROM crm.backlog_table((SELECT crm.backlog_fit(o, NULL, timestamptz '2026-01-01', e, interval '1 day')
                                   FROM (VALUES (timestamptz '2026-01-01', timestamptz '2026-01-02'), ('2026-01-01', '2026-01-02 23:59')) v(o, e))) x;
SELECT sqlstate_of($$SELECT crm.backlog_merge(b) FROM (SELECT crm.backlog_fit(now(), NULL, timestamptz '2026-01-01', timestamptz '2026-01-02', interval '1 day') UNION ALL SELECT crm.backlog_fit(now(), NULL, timestamptz '2026-01-01', timestamptz '2026-01-03', interval '1 day')) v(b)$$);
SELECT sqlstate_of($$SELECT crm.ticket_merge(t) FROM (SELECT crm.ticket_fit(timestamptz '2026-01-01', NULL, timestamptz '2026-03-01') UNION ALL SELECT crm.ticket_fit(timestamptz '2026-01-01', NULL, timestamptz '2026-03-02')) v(t)$$);
SELECT sqlstate_of($$SELECT crm.median_resolution(t, interval '1 month') FROM service.st$$);
SELECT sqlstate_of($$SELECT crm.median_resolution(t, interval '0') FROM service.st$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_curve(t, interval '-1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_quantiles(t, '{0.5,1}', interval '1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_quantiles(t, '{0}', interval '1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_quantiles(t, '{}', interval '1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_quantiles(t, '{0.5,NULL}', interval '1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.resolution_quantiles(t, '{NaN}', interval '1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.sla_attainment(t, interval '1 month')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.sla_attainment(t, interval '-1 hour')$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.sla_attainment(t, interval '1 hour', 1.5)$$);
SELECT sqlstate_of($$SELECT crm.complaint_rate(t, 0) FROM service.st$$);
SELECT sqlstate_of($$SELECT crm.complaint_rate(t, 'NaN') FROM service.st$$);
SELECT sqlstate_of($$SELECT crm.complaint_rate(t, 'Infinity') FROM service.st$$);
SELECT sqlstate_of($$SELECT crm.complaint_rate(t, 1e-320) FROM service.st$$);
SELECT sqlstate_of($$SELECT * FROM service.st, crm.ticket_rates(t, 0)$$);
SELECT sqlstate_of($$SELECT * FROM service.rec, crm.recovery_rates(r, 1)$$);
SELECT sqlstate_of($$SELECT * FROM service.rec, crm.recovery_test(r, -0.5)$$);
-- STRICT: NULL arguments give NULL / no rows
SELECT crm.complaint_rate(NULL, 10) IS NULL AS null_state, (SELECT count(*) FROM st, crm.resolution_curve(t, NULL)) AS null_unit;
-- text input: malformed and impossible states (22P02, with the reason)
SELECT error_of($$SELECT 'v2 as_of=2026-03-01T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01 tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-02-30T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00.000000Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=0 open=0 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=2 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=1 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=2 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1,5:1:0}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=2 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1,6:0:0}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={-5:0:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:0:1} x'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 as_of=2026-03-01T00:00:00Z tickets=9223372036854775807 open=1 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:9223372036854775807:1}'::crm.ticket_state$$);
SELECT error_of($$SELECT 'v1 step=P1D tickets=1 skipped=0 open={2026-01-01T00:00:00Z:2}'::crm.backlog_state$$);
SELECT error_of($$SELECT 'v1 step=P1D tickets=1 skipped=0 open={2026-01-02T00:00:00Z:1,2026-01-01T00:00:00Z:0}'::crm.backlog_state$$);
SELECT error_of($$SELECT 'v1 step=P0D tickets=1 skipped=0 open={2026-01-01T00:00:00Z:1}'::crm.backlog_state$$);
SELECT error_of($$SELECT 'v1 step=P1D tickets=1 skipped=0 open={}'::crm.backlog_state$$);
SELECT error_of($$SELECT 'v1 resolved=3/2 unresolved=0/0 no_complaint=0/0 skipped=0'::crm.recovery_state$$);
SELECT error_of($$SELECT 'v1 resolved=0/0 unresolved=0/0 no_complaint=0/0 skipped=0'::crm.recovery_state$$);
SELECT error_of($$SELECT 'v1 resolved=0/1 unresolved=0/0 no_complaint=0/0'::crm.recovery_state$$);
-- counts never wrap (22003)
SELECT sqlstate_of($$SELECT crm.ticket_combine('v1 as_of=2026-03-01T00:00:00Z tickets=9223372036854775807 open=0 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:9223372036854775807:0}', 'v1 as_of=2026-03-01T00:00:00Z tickets=1 open=0 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:1:0}')$$);
SELECT sqlstate_of($$SELECT crm.recovery_combine('v1 resolved=0/9223372036854775807 unresolved=0/0 no_complaint=0/0 skipped=0', 'v1 resolved=0/1 unresolved=0/0 no_complaint=0/0 skipped=0')$$);
SELECT sqlstate_of($$SELECT crm.ticket_trans('v1 as_of=2026-03-01T00:00:00Z tickets=9223372036854775807 open=0 fcr_known=0 fcr=0 reopen_known=0 reopened=0 skipped=0 durations={5:9223372036854775807:0}', timestamptz '2026-01-01', NULL, timestamptz '2026-03-01 00:00+00')$$);

DROP SCHEMA service CASCADE;
