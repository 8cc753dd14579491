-- Service results on public data not in ../shared.  There is no public
-- ticket data in Debian: the NCCTG lung cancer data of R's survival package
-- (lung: 228 patients, days to death or censoring) stands in for resolution
-- times, written to test/reference/lung.csv by
-- test/reference/service_public.R, which computes the reference numbers
-- independently of crm (R 4.2.2, survival 3.5.3).  A death after `time` days
-- is a ticket resolved `time` days after it was opened (opened 1100 + id days
-- before as_of); a censored patient is a ticket opened `time` days before
-- as_of and still open then (for even ids with a resolution after as_of,
-- which is open as of as_of).  The flags and recovery groups relabel other
-- columns, to check crm's arithmetic on public proportions (not a claim
-- about service): first_contact_resolved = female, reopened = ECOG >= 2
-- (NULL where ECOG is missing); recovery: no complaint = ECOG 0, resolved
-- = ECOG 1, unresolved = ECOG >= 2 (missing ECOG: skipped), repurchased =
-- alive at the last follow-up.  Compared, with R's printed numbers:
--   - crm.resolution_curve with survfit's curve (test/reference/lung_km.csv,
--     every distinct time): at risk, events and censored exactly, the share
--     still open to 1e-12 relative (R wrote 17 digits);
--   - crm.resolution_quantiles at 0.1, 0.25, 0.5, 0.75, 0.9 with
--     quantile.survfit (whose rule crm follows: the first time with
--     1 - S >= p, the middle of a flat stretch at exactly p): Kaplan-Meier
--     79, 170, 310, 550, 735 days; the deaths alone 60, 135, 226, 387, 613
--     days, and at 33/165 and 99/165 (flat stretches) 107 and 289.5 days
--     (tolerance 1e-9 day); the deaths alone also
--     against plain-SQL percentile_disc (165 p is never a whole number, so
--     no flat stretch at exactly p);
--   - Wilson intervals of crm.ticket_rates, crm.sla_attainment (180 and 365
--     days) and crm.recovery_rates with prop.test(correct = FALSE), and the
--     differences of crm.recovery_test with two-sample prop.test(correct =
--     FALSE) (unpooled Wald interval; z = the signed square root of its
--     X-squared, pooled; its p-value): tolerance 1e-9 (R printed 12
--     decimals); the counts exactly.
CREATE SCHEMA service_public;
SET search_path = service_public, public;
SET timezone = 'UTC';
CREATE TABLE lung (id int, "time" int, status int, sex int, ph_ecog int);
\copy lung FROM 'test/reference/lung.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE r_km (time int, n_risk bigint, n_event bigint, n_censor bigint, surv float8);
\copy r_km FROM 'test/reference/lung_km.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE tickets AS
SELECT id, o AS opened,
       CASE WHEN status = 2 THEN o + "time" * interval '1 day'
            WHEN id % 2 = 0 THEN timestamptz '2026-01-01 00:00+00' + id * interval '1 hour' END AS resolved,
       sex = 2 AS first_contact_resolved, ph_ecog >= 2 AS reopened
FROM lung,
     LATERAL (SELECT timestamptz '2026-01-01 00:00+00'
                     - CASE WHEN status = 2 THEN 1100 + id ELSE "time" END * interval '1 day' AS o) a;
CREATE TABLE st AS
SELECT crm.ticket_fit(opened, resolved, first_contact_resolved, reopened, timestamptz '2026-01-01 00:00+00') AS s
FROM tickets;
SELECT (crm.ticket_summary(s)).* FROM st;
SELECT count(*) AS patients, count(*) FILTER (WHERE status = 2) AS dead, count(*) FILTER (WHERE status = 1) AS censored,
       count(DISTINCT "time") AS distinct_times, count(ph_ecog) AS ecog_known,
       (SELECT count(*) FROM tickets WHERE resolved > timestamptz '2026-01-01 00:00+00') AS resolved_after_as_of
FROM lung;

-- the Kaplan-Meier curve, row by row, against survfit
SELECT count(*) AS crm_rows, (SELECT count(*) FROM r_km) AS r_rows,
       count(*) FILTER (WHERE r.time IS NULL OR c.at_risk <> r.n_risk OR c.resolved <> r.n_event
                           OR c.censored <> r.n_censor OR NOT abs(c.still_open - r.surv) <= 1e-12 * r.surv
                           OR NOT abs(c.resolved_share - (1 - r.surv)) <= 1e-12) AS differing
FROM st, crm.resolution_curve(st.s, interval '1 day') c LEFT JOIN r_km r ON r.time = c."time";
SELECT round(c."time"::numeric, 6) AS days, c.at_risk, c.resolved, c.censored, round(c.still_open::numeric, 6) AS still_open
FROM st, crm.resolution_curve(st.s, interval '1 day') c WHERE c."time" IN (5, 310, 1022);

-- quantiles against quantile.survfit (R's printed days above)
SELECT q.probability, q.km_time, q.resolved_time,
       abs(q.km_time - r.km) < 1e-9 AS km_equals_r, abs(q.resolved_time - r.dead) < 1e-9 AS resolved_equals_r
FROM st, crm.resolution_quantiles(st.s, '{0.1,0.25,0.5,0.75,0.9}', interval '1 day') q
JOIN (VALUES (0.1, 79, 60), (0.25, 170, 135), (0.5, 310, 226), (0.75, 550, 387), (0.9, 735, 613)) r(p, km, dead)
  ON r.p = q.probability;
SELECT abs(crm.median_resolution(s, interval '1 day') - 310) < 1e-9 AS median_equals_r FROM st;
-- the deaths alone where 1 - S is exactly p on a flat stretch (R: p = 33/165
-- gives 107, the 33rd and 34th deaths tie at 107 days; p = 99/165 gives
-- 289.5, the middle of the 99th and 100th deaths at 288 and 291 days)
SELECT q.probability, q.resolved_time, abs(q.resolved_time - r.dead) < 1e-9 AS resolved_equals_r
FROM st, crm.resolution_quantiles(st.s, ARRAY[33.0 / 165, 99.0 / 165]::float8[], interval '1 day') q
JOIN (VALUES (0.2, 107), (0.6, 289.5)) r(p, dead) ON r.p = q.probability;
-- the deaths alone: plain SQL
SELECT bool_and(q.resolved_time = d.days) AS resolved_equals_percentile_disc
FROM st, crm.resolution_quantiles(st.s, '{0.1,0.25,0.5,0.75,0.9}', interval '1 day') q,
     LATERAL (SELECT percentile_disc(q.probability) WITHIN GROUP (ORDER BY "time") AS days FROM lung WHERE status = 2) d;

-- Wilson intervals against prop.test(correct = FALSE)
SELECT t.measure, t.tickets, t.count,
       abs(t.ci_low - r.lo) < 1e-9 AS wilson_lower, abs(t.ci_high - r.hi) < 1e-9 AS wilson_upper
FROM st, crm.ticket_rates(st.s, 0.95) t
JOIN (VALUES ('resolved', 0.662297499798, 0.777658323974),
             ('first_contact_resolution', 0.333538293949, 0.459423671335),
             ('reopened', 0.175216592928, 0.283286222647)) r(measure, lo, hi) USING (measure);
SELECT a.target, a.met, a.missed, a.censored,
       abs(a.ci_low - r.lo) < 1e-9 AS wilson_lower, abs(a.ci_high - r.hi) < 1e-9 AS wilson_upper
FROM st, (VALUES (interval '180 days', 0.228548673982, 0.346374369372),
                 (interval '365 days', 0.579598251037, 0.715384732911)) r(target, lo, hi),
     crm.sla_attainment(st.s, r.target) a;
-- the SLA counts in plain SQL
SELECT t AS target_days, count(*) FILTER (WHERE status = 2 AND "time" <= t) AS met,
       count(*) FILTER (WHERE "time" > t) AS missed, count(*) FILTER (WHERE status = 1 AND "time" <= t) AS censored
FROM lung, (VALUES (180), (365)) v(t) GROUP BY t ORDER BY t;

-- service recovery: group rates and pairwise differences against prop.test
CREATE TABLE rec AS
SELECT crm.recovery_fit(ph_ecog >= 1, ph_ecog = 1, status = 1) AS r FROM lung;
SELECT x."group", x.customers, x.repurchased,
       abs(x.ci_low - v.lo) < 1e-9 AS wilson_lower, abs(x.ci_high - v.hi) < 1e-9 AS wilson_upper
FROM rec, crm.recovery_rates(rec.r) x
JOIN (VALUES ('resolved', 0.200514122761, 0.362996975827), ('unresolved', 0.055050736779, 0.233808443143),
             ('no_complaint', 0.299584656268, 0.535846823026)) v("group", lo, hi) USING ("group");
SELECT x.group_a, x.group_b, abs(x.difference - v.d) < 1e-9 AS difference, abs(x.ci_low - v.lo) < 1e-9 AS wald_lower,
       abs(x.ci_high - v.hi) < 1e-9 AS wald_upper, abs(x.z - v.z) < 1e-9 AS z, abs(x.p_value - v.p) < 1e-9 AS p_value,
       round(x.z::numeric, 3) AS z_3, round(x.p_value::numeric, 4) AS p_4
FROM rec, crm.recovery_test(rec.r) x
JOIN (VALUES ('resolved', 'no_complaint', -0.138362129513, -0.285150350437, 0.008426091412, -1.880494897718, 0.060040661102),
             ('resolved', 'unresolved', 0.156689224362, 0.035914250049, 0.277464198675, 2.222197435342, 0.026269965715),
             ('unresolved', 'no_complaint', -0.295051353875, -0.445378073855, -0.144724633895, -3.485968712470, 0.000490358353))
  v(group_a, group_b, d, lo, hi, z, p) USING (group_a, group_b);
DROP SCHEMA service_public CASCADE;
