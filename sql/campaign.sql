-- Campaign response (src/campaign): every result of the campaign aggregates
-- equals the same number computed in plain SQL on seeded generated data
-- (window functions, rank() for the bucket rule), ties and control-group
-- edge cases, NULL and non-finite inputs (skipped and counted), forced
-- parallel plans and merged partial states, text round trips, and every
-- error path with its SQLSTATE.
CREATE SCHEMA campaign;
SET search_path = campaign, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- 20,000 contacted customers: scores with 2 decimals (101 distinct values,
-- so many ties), a treated flag (2 in 3 treated), a response whose
-- probability rises with the score and is higher when treated; some NULL
-- scores, NULL responses, NULL flags and NaN / infinite scores
CREATE TABLE camp AS
SELECT i AS id,
       CASE WHEN i % 997 = 0 THEN NULL WHEN i % 1009 = 0 THEN 'NaN'::float8
            WHEN i % 1013 = 0 THEN 'Infinity'::float8 ELSE u END AS score,
       CASE WHEN i % 991 = 0 THEN NULL
            ELSE (abs(hashint4(i + 100000)) % 10000) / 10000.0 < 0.03 + 0.2 * u + CASE WHEN t THEN 0.1 * u ELSE 0 END
       END AS responded,
       CASE WHEN i % 983 = 0 THEN NULL ELSE t END AS treated
FROM generate_series(1, 20000) i,
     LATERAL (SELECT round((abs(hashint4(i)) % 10000) / 10000.0, 2)::float8 AS u,
                     abs(hashint4(i + 200000)) % 3 <> 0 AS t) r;
-- the rows each aggregate uses (plain-SQL side)
CREATE VIEW scored AS
SELECT score, responded FROM camp
WHERE score IS NOT NULL AND responded IS NOT NULL AND score NOT IN ('NaN', 'Infinity', '-Infinity');
CREATE VIEW flagged AS
SELECT score, responded, treated FROM camp
WHERE score IS NOT NULL AND responded IS NOT NULL AND treated IS NOT NULL
  AND score NOT IN ('NaN', 'Infinity', '-Infinity');

CREATE TABLE st AS
SELECT crm.response_fit(responded) AS resp, crm.response_fit(responded, treated) AS treat,
       crm.gains_fit(score, responded) AS gains, crm.uplift_fit(score, responded, treated) AS upl
FROM camp;

-- ---- counts, NULLs skipped and counted ---------------------------------------
SELECT (crm.campaign_summary(resp)).* FROM st;
SELECT (crm.campaign_summary(treat)).* FROM st;
SELECT (crm.campaign_summary(gains)).* FROM st;
SELECT (crm.campaign_summary(upl)).* FROM st;
-- the same counts in plain SQL
SELECT count(responded) AS customers, count(*) FILTER (WHERE responded) AS responders,
       count(*) - count(responded) AS skipped FROM camp;
SELECT count(*) AS customers, count(*) FILTER (WHERE responded) AS responders,
       (SELECT count(*) FROM camp) - count(*) AS skipped, count(DISTINCT score) AS distinct_scores FROM scored;
SELECT count(*) FILTER (WHERE treated) AS treated, count(*) FILTER (WHERE treated AND responded) AS treated_responders,
       count(*) FILTER (WHERE NOT treated) AS control, count(*) FILTER (WHERE NOT treated AND responded) AS control_responders,
       (SELECT count(*) FROM camp) - count(*) AS skipped, count(DISTINCT score) AS distinct_scores FROM flagged;

-- ---- response rates with the Wilson score interval ---------------------------
-- plain SQL: center (p + z^2/2n) / (1 + z^2/n), half-width
-- z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2), z = 1.959963984540054 (95 %)
CREATE FUNCTION wilson(r bigint, n bigint, z float8, OUT lo float8, OUT hi float8) LANGUAGE sql AS $$
SELECT c - h, c + h
FROM (SELECT r::float8 / n AS p) a,
     LATERAL (SELECT (p + z * z / (2 * n)) / (1 + z * z / n) AS c,
                     z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) AS h) b
$$;
SELECT rr."group", rr.customers, rr.responders, round(rr.response_rate::numeric, 12) AS rate,
       round(rr.ci_low::numeric, 12) AS ci_low, round(rr.ci_high::numeric, 12) AS ci_high,
       abs(rr.ci_low - (wilson(rr.responders, rr.customers, 1.959963984540054)).lo) < 1e-12
       AND abs(rr.ci_high - (wilson(rr.responders, rr.customers, 1.959963984540054)).hi) < 1e-12 AS equals_sql
FROM st, crm.response_rate(treat) rr;
-- one group: 'all' only; another confidence level (z = 2.5758293035489 at 99 %)
SELECT rr."group", round(rr.ci_low::numeric, 12) AS ci_low, round(rr.ci_high::numeric, 12) AS ci_high,
       abs(rr.ci_low - (wilson(rr.responders, rr.customers, 2.5758293035489004)).lo) < 1e-12 AS equals_sql
FROM st, crm.response_rate(resp, 0.99) rr;
-- the groups of a GROUP BY (per segment), as a BI tool reads them
SELECT id % 3 AS segment, rr.customers, rr.responders, round(rr.response_rate::numeric, 6) AS rate,
       round(rr.ci_low::numeric, 6) AS ci_low, round(rr.ci_high::numeric, 6) AS ci_high
FROM (SELECT id % 3 AS id, crm.response_fit(responded) AS s FROM camp GROUP BY 1) g, crm.response_rate(g.s) rr
ORDER BY 1;
-- edges: no responders gives [0, hi], all responders [lo, 1]
SELECT rr."group", rr.response_rate, round(rr.ci_low::numeric, 12) AS ci_low, round(rr.ci_high::numeric, 12) AS ci_high
FROM (SELECT crm.response_fit(r) AS s FROM (VALUES (false), (false), (false)) v(r)) a, crm.response_rate(a.s) rr
UNION ALL
SELECT rr."group", rr.response_rate, round(rr.ci_low::numeric, 12), round(rr.ci_high::numeric, 12)
FROM (SELECT crm.response_fit(r) AS s FROM (VALUES (true), (true), (true)) v(r)) a, crm.response_rate(a.s) rr;

-- ---- treated against control: the two-proportion z test ----------------------
-- reference: 100 of 200 treated and 80 of 200 control responded: z = 2.0100756
-- and two-sided p = 0.0444232 (Python math.erfc; the same as R
-- prop.test(c(100, 80), c(200, 200), correct = FALSE): X-squared = z^2 =
-- 4.0404, p-value = 0.04442); tolerance 1e-6
SELECT t.treated, t.treated_responders, t.control, t.control_responders,
       round(t.difference::numeric, 12) AS difference, round(t.z::numeric, 6) AS z, round(t.p_value::numeric, 6) AS p_value,
       abs(t.z - 2.0100756305184238) < 1e-6 AND abs(t.p_value - 0.04442318485000612) < 1e-6 AS equals_reference,
       round(t.ci_low::numeric, 6) AS ci_low, round(t.ci_high::numeric, 6) AS ci_high
FROM (SELECT crm.response_fit(i <= 100 OR (i > 200 AND i <= 280), i <= 200) AS s FROM generate_series(1, 400) i) a,
     crm.response_test(a.s) t;
-- on the generated data, against the plain-SQL z (pooled) and Wald interval (unpooled)
WITH c AS (SELECT count(*) FILTER (WHERE treated)::float8 AS nt, count(*) FILTER (WHERE treated AND responded)::float8 AS rt,
                  count(*) FILTER (WHERE NOT treated)::float8 AS nc, count(*) FILTER (WHERE NOT treated AND responded)::float8 AS rc
           FROM camp WHERE responded IS NOT NULL AND treated IS NOT NULL),
     q AS (SELECT rt / nt - rc / nc AS d, (rt + rc) / (nt + nc) AS pp,
                  sqrt(rt / nt * (1 - rt / nt) / nt + rc / nc * (1 - rc / nc) / nc) AS se, nt, nc FROM c)
SELECT round(t.difference::numeric, 12) AS difference, round(t.z::numeric, 10) AS z, round(t.p_value::numeric, 10) AS p_value,
       abs(t.z - q.d / sqrt(q.pp * (1 - q.pp) * (1 / q.nt + 1 / q.nc))) < 1e-10 AS z_equals_sql,
       abs(t.ci_low - (q.d - 1.959963984540054 * q.se)) < 1e-12 AND abs(t.ci_high - (q.d + 1.959963984540054 * q.se)) < 1e-12 AS ci_equals_sql
FROM st, crm.response_test(st.treat) t, q;
-- the uplift state gives the same test on its rows
SELECT t.treated, t.control, round(t.z::numeric, 10) AS z FROM st, crm.response_test(upl) t;
-- no control group: rates of the empty group, the difference and the test are NULL
SELECT t.* FROM (SELECT crm.response_fit(r, true) AS s FROM (VALUES (true), (false)) v(r)) a, crm.response_test(a.s) t;
-- everyone responded in both groups: no variance, z and p NULL, the interval [0, 0]
SELECT t.* FROM (SELECT crm.response_fit(true, g) AS s FROM (VALUES (true), (false), (true)) v(g)) a, crm.response_test(a.s) t;

-- ---- gains and lift by score bucket -----------------------------------------
-- The rule: rank = 1 + customers with a higher score (rank() in descending
-- score order); a customer of rank k of N is in bucket ceil(B * k / N).
-- Plain SQL per customer, then per bucket:
CREATE FUNCTION sql_gains(b integer) RETURNS TABLE (bucket integer, score_high float8, score_low float8, customers bigint,
	responders bigint, response_rate float8, cum_customers bigint, cum_responders bigint, cum_response_rate float8,
	pct_customers float8, gain float8, lift float8, cum_lift float8) LANGUAGE sql AS $$
WITH ranked AS (SELECT score, responded, ceil(b * rank() OVER (ORDER BY score DESC) / (count(*) OVER ())::numeric)::integer AS bucket
                FROM scored),
     per AS (SELECT bucket, max(score) AS hi, min(score) AS lo, count(*) AS n, count(*) FILTER (WHERE responded) AS r
             FROM ranked GROUP BY bucket),
     tot AS (SELECT count(*)::float8 AS tn, count(*) FILTER (WHERE responded)::float8 AS tr FROM scored),
     cum AS (SELECT per.*, sum(n) OVER w AS cn, sum(r) OVER w AS cr FROM per WINDOW w AS (ORDER BY bucket))
SELECT bucket, hi, lo, n, r, r::float8 / n, cn::bigint, cr::bigint, cr::float8 / cn, cn / tn, cr / tr,
       (r::float8 / n) / (tr / tn), (cr::float8 / cn) / (tr / tn)
FROM cum, tot ORDER BY bucket
$$;
-- a function that says whether two float8 agree to 1e-12 (relative)
CREATE FUNCTION close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(a), abs(b)) $$;
SELECT g.bucket, g.score_high, g.score_low, g.customers, g.responders, round(g.response_rate::numeric, 4) AS rate,
       g.cum_customers, round(g.gain::numeric, 4) AS gain, round(g.lift::numeric, 4) AS lift,
       round(g.cum_lift::numeric, 4) AS cum_lift
FROM st, crm.gains_table(gains) g;
-- equal to plain SQL for deciles, 7 buckets, 20 buckets, 1 and 300 buckets
-- (more buckets than distinct scores: the empty ones are not listed)
SELECT coalesce(g.b, s.b) AS buckets, count(*) AS rows,
       count(*) FILTER (WHERE NOT (g.bucket = s.bucket AND g.score_high = s.score_high AND g.score_low = s.score_low
                                   AND g.customers = s.customers AND g.responders = s.responders
                                   AND g.cum_customers = s.cum_customers AND g.cum_responders = s.cum_responders
                                   AND close(g.response_rate, s.response_rate) AND close(g.cum_response_rate, s.cum_response_rate)
                                   AND close(g.pct_customers, s.pct_customers) AND close(g.gain, s.gain)
                                   AND close(g.lift, s.lift) AND close(g.cum_lift, s.cum_lift))
                              OR g.bucket IS NULL OR s.bucket IS NULL) AS differing
FROM (SELECT b, g.* FROM unnest(ARRAY[10, 7, 20, 1, 300]) b, st, crm.gains_table(st.gains, b) g) g
FULL JOIN (SELECT b, s.* FROM unnest(ARRAY[10, 7, 20, 1, 300]) b, sql_gains(b) s) s ON s.b = g.b AND s.bucket = g.bucket
GROUP BY coalesce(g.b, s.b) ORDER BY 1;
-- the default is deciles; the uplift state pools treated and control
SELECT (SELECT array_agg(g ORDER BY g.bucket)::text FROM st, crm.gains_table(st.gains) g)
     = (SELECT array_agg(g ORDER BY g.bucket)::text FROM st, crm.gains_table(st.gains, 10) g) AS default_deciles,
       (SELECT count(*) FROM st, crm.gains_table(st.upl) g) AS uplift_state_buckets;

-- ---- cumulative gains curve -------------------------------------------------
SELECT c.* FROM st, crm.gains_curve(gains) c WHERE c.point IN (0, 1, 2, 100, 101) ORDER BY c.point;
WITH per AS (SELECT score, count(*) AS n, count(*) FILTER (WHERE responded) AS r FROM scored GROUP BY score),
     tot AS (SELECT sum(n) AS n, sum(r) AS r FROM per),
     sq AS (SELECT row_number() OVER w AS point, score, sum(n) OVER w AS cn, sum(r) OVER w AS cr FROM per WINDOW w AS (ORDER BY score DESC))
SELECT count(*) AS points,
       count(*) FILTER (WHERE NOT (c.score = sq.score AND c.cum_customers = sq.cn AND c.cum_responders = sq.cr
                                   AND close(c.pct_customers, sq.cn::float8 / tot.n) AND close(c.gain, sq.cr::float8 / tot.r)
                                   AND close(c.cum_lift, (sq.cr::float8 / sq.cn) / (tot.r::float8 / tot.n)))) AS differing
FROM st, crm.gains_curve(st.gains) c JOIN sq USING (point), tot;

-- ---- AUC and Gini (ties counted 1/2) ----------------------------------------
-- plain SQL per distinct score: each responder beats the non-responders
-- with a lower score and ties with half of those with its score
WITH per AS (SELECT score, count(*) FILTER (WHERE responded) AS p, count(*) FILTER (WHERE NOT responded) AS q FROM scored GROUP BY score),
     w AS (SELECT p, q, coalesce(sum(q) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below FROM per),
     sql_auc AS (SELECT sum(p * (below + q / 2.0)) / (sum(p) * sum(q)) AS auc FROM w)
SELECT round(crm.auc(gains)::numeric, 12) AS auc, round(crm.gini(gains)::numeric, 12) AS gini,
       close(crm.auc(gains), sql_auc.auc::float8) AS auc_equals_sql,
       close(crm.gini(gains), 2 * sql_auc.auc::float8 - 1) AS gini_equals_sql
FROM st, sql_auc;
-- and by brute force over every (responder, non-responder) pair of 1,500 customers
WITH few AS (SELECT score, responded FROM camp
             WHERE id <= 1500 AND score IS NOT NULL AND responded IS NOT NULL AND score NOT IN ('NaN', 'Infinity')),
     pairs AS (SELECT sum(CASE WHEN a.score > b.score THEN 1 WHEN a.score = b.score THEN 0.5 ELSE 0 END) / count(*) AS auc
               FROM few a, few b WHERE a.responded AND NOT b.responded)
SELECT close(crm.auc(crm.gains_fit(f.score, f.responded)), (SELECT auc::float8 FROM pairs)) AS auc_equals_pairs
FROM few f;

-- ---- uplift by bucket --------------------------------------------------------
CREATE FUNCTION sql_uplift(b integer) RETURNS TABLE (bucket integer, score_high float8, score_low float8,
	treated bigint, treated_responders bigint, control bigint, control_responders bigint, uplift float8,
	cum_treated bigint, cum_treated_responders bigint, cum_control bigint, cum_control_responders bigint, cum_uplift float8)
LANGUAGE sql AS $$
WITH ranked AS (SELECT score, responded, treated,
                       ceil(b * rank() OVER (ORDER BY score DESC) / (count(*) OVER ())::numeric)::integer AS bucket
                FROM flagged),
     per AS (SELECT bucket, max(score) AS hi, min(score) AS lo,
                    count(*) FILTER (WHERE treated) AS nt, count(*) FILTER (WHERE treated AND responded) AS rt,
                    count(*) FILTER (WHERE NOT treated) AS nc, count(*) FILTER (WHERE NOT treated AND responded) AS rc
             FROM ranked GROUP BY bucket),
     cum AS (SELECT per.*, sum(nt) OVER w AS cnt, sum(rt) OVER w AS crt, sum(nc) OVER w AS cnc, sum(rc) OVER w AS crc
             FROM per WINDOW w AS (ORDER BY bucket))
SELECT bucket, hi, lo, nt, rt, nc, rc, rt::float8 / nullif(nt, 0) - rc::float8 / nullif(nc, 0),
       cnt::bigint, crt::bigint, cnc::bigint, crc::bigint, crt::float8 / nullif(cnt, 0) - crc::float8 / nullif(cnc, 0)
FROM cum ORDER BY bucket
$$;
SELECT u.bucket, u.score_high, u.score_low, u.treated, u.treated_responders, round(u.treated_rate::numeric, 4) AS t_rate,
       u.control, u.control_responders, round(u.control_rate::numeric, 4) AS c_rate,
       round(u.uplift::numeric, 4) AS uplift, round(u.cum_uplift::numeric, 4) AS cum_uplift
FROM st, crm.uplift_table(upl) u;
SELECT coalesce(u.b, s.b) AS buckets, count(*) AS rows,
       count(*) FILTER (WHERE NOT (u.bucket = s.bucket AND u.score_high = s.score_high AND u.score_low = s.score_low
                                   AND u.treated = s.treated AND u.treated_responders = s.treated_responders
                                   AND u.control = s.control AND u.control_responders = s.control_responders
                                   AND close(u.uplift, s.uplift) AND u.cum_treated = s.cum_treated
                                   AND u.cum_treated_responders = s.cum_treated_responders AND u.cum_control = s.cum_control
                                   AND u.cum_control_responders = s.cum_control_responders AND close(u.cum_uplift, s.cum_uplift))
                              OR u.bucket IS NULL OR s.bucket IS NULL) AS differing
FROM (SELECT b, u.* FROM unnest(ARRAY[10, 3, 50]) b, st, crm.uplift_table(st.upl, b) u) u
FULL JOIN (SELECT b, s.* FROM unnest(ARRAY[10, 3, 50]) b, sql_uplift(b) s) s ON s.b = u.b AND s.bucket = u.bucket
GROUP BY coalesce(u.b, s.b) ORDER BY 1;

-- ---- Qini curve and coefficient ---------------------------------------------
-- plain SQL: after each distinct score from the highest, qini = R_t - R_c *
-- N_t / N_c (0 while N_c = 0), x = customers so far / N; the coefficient is
-- the trapezoid area between the curve and the line to its end, over the
-- same area of the perfect ordering (treated responders, then the
-- non-responders, then the control responders)
CREATE FUNCTION qini_value(nt numeric, rt numeric, nc numeric, rc numeric) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT (rt - CASE WHEN nc > 0 THEN rc * nt / nc ELSE 0 END)::float8 $$;
-- the area under a curve of points (x, y) in order, from (0, 0)
CREATE FUNCTION curve_area(xs float8[], ys float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT sum((x - coalesce(px, 0)) * (y + coalesce(py, 0)) / 2)
FROM (SELECT x, y, lag(x) OVER (ORDER BY i) AS px, lag(y) OVER (ORDER BY i) AS py
      FROM unnest(xs, ys) WITH ORDINALITY AS t(x, y, i)) a $$;
CREATE VIEW sql_qini AS
WITH per AS (SELECT score, count(*) FILTER (WHERE treated) AS nt, count(*) FILTER (WHERE treated AND responded) AS rt,
                    count(*) FILTER (WHERE NOT treated) AS nc, count(*) FILTER (WHERE NOT treated AND responded) AS rc
             FROM flagged GROUP BY score)
SELECT row_number() OVER w AS point, score, sum(nt + nc) OVER w / sum(nt + nc) OVER () AS x,
       sum(nt) OVER w AS nt, sum(rt) OVER w AS rt, sum(nc) OVER w AS nc, sum(rc) OVER w AS rc,
       qini_value(sum(nt) OVER w, sum(rt) OVER w, sum(nc) OVER w, sum(rc) OVER w) AS qini
FROM per WINDOW w AS (ORDER BY score DESC);
SELECT q.point, q.score, round(q.pct_customers::numeric, 6) AS pct_customers, q.treated, q.treated_responders,
       q.control, q.control_responders, round(q.qini::numeric, 6) AS qini, round(q.random::numeric, 6) AS random
FROM st, crm.qini_curve(upl) q WHERE q.point IN (0, 1, 2, 50, 101) ORDER BY q.point;
SELECT count(*) AS points,
       count(*) FILTER (WHERE NOT (q.score = s.score AND close(q.pct_customers, s.x::float8) AND q.treated = s.nt
                                   AND q.treated_responders = s.rt AND q.control = s.nc AND q.control_responders = s.rc
                                   AND close(q.qini, s.qini))) AS differing
FROM st, crm.qini_curve(st.upl) q JOIN sql_qini s USING (point);
WITH tot AS (SELECT count(*) FILTER (WHERE treated) AS nt, count(*) FILTER (WHERE treated AND responded) AS rt,
                    count(*) FILTER (WHERE NOT treated) AS nc, count(*) FILTER (WHERE NOT treated AND responded) AS rc,
                    count(*) AS n FROM flagged),
     model AS (SELECT curve_area(array_agg(x::float8 ORDER BY point), array_agg(qini ORDER BY point)) AS area FROM sql_qini),
     perfect AS (SELECT curve_area(ARRAY[rt::float8 / n, (n - rc)::float8 / n, 1],
                                   ARRAY[qini_value(rt, rt, 0, 0), qini_value(nt, rt, nc - rc, 0), qini_value(nt, rt, nc, rc)]) AS area,
                        qini_value(nt, rt, nc, rc) / 2 AS random FROM tot)
SELECT round(crm.qini(st.upl)::numeric, 10) AS qini,
       close(crm.qini(st.upl), (model.area - perfect.random) / (perfect.area - perfect.random)) AS equals_sql
FROM st, model, perfect;
-- a score that ranks treated responders first and control responders last
-- is the perfect ordering: coefficient 1; the reverse is below 0
SELECT round(crm.qini(crm.uplift_fit(CASE WHEN r AND t THEN 1 WHEN r THEN -1 ELSE 0 END, r, t))::numeric, 12) AS perfect,
       crm.qini(crm.uplift_fit(CASE WHEN r AND t THEN -1 WHEN r THEN 1 ELSE 0 END, r, t)) < 0 AS reversed_negative
FROM (SELECT responded AS r, treated AS t FROM flagged) f;

-- ---- ties and control-group cases ---------------------------------------------
-- all customers with one score: one bucket, one curve point, AUC 1/2, Gini 0
CREATE TABLE same AS SELECT 0.5::float8 AS score, i % 4 = 0 AS responded, i % 2 = 0 AS treated FROM generate_series(1, 100) i;
SELECT g.bucket, g.score_high, g.score_low, g.customers, g.responders, g.gain, g.lift, g.cum_lift
FROM (SELECT crm.gains_fit(score, responded) AS s FROM same) a, crm.gains_table(a.s) g;
SELECT c.point, c.score, c.cum_customers, c.gain FROM (SELECT crm.gains_fit(score, responded) AS s FROM same) a, crm.gains_curve(a.s) c;
SELECT crm.auc(s) AS auc, crm.gini(s) AS gini FROM (SELECT crm.gains_fit(score, responded) AS s FROM same) a;
SELECT u.bucket, u.treated, u.control, u.uplift, u.cum_uplift
FROM (SELECT crm.uplift_fit(score, responded, treated) AS s FROM same) a, crm.uplift_table(a.s, 4) u;
-- one tie straddling the decile boundaries: 3 customers of score 9, 5 of
-- score 5 (ranks 4 .. 8: bucket ceil(10 * 4 / 10) = 4), 2 of score 1 (rank 9)
SELECT g.bucket, g.score_high, g.customers, g.cum_customers
FROM (SELECT crm.gains_fit(s, s > 4) AS st FROM unnest(ARRAY[9, 9, 9, 5, 5, 5, 5, 5, 1, 1]::float8[]) s) a, crm.gains_table(a.st) g;
-- no responders: rates 0, gain, lift, AUC, Gini NULL; Qini NULL (perfect area 0)
SELECT g.bucket, g.responders, g.response_rate, g.gain, g.lift
FROM (SELECT crm.gains_fit(i::float8, false) AS s FROM generate_series(1, 4) i) a, crm.gains_table(a.s, 2) g;
SELECT crm.auc(s), crm.gini(s), crm.qini(u)
FROM (SELECT crm.gains_fit(i::float8, false) AS s, crm.uplift_fit(i::float8, false, i % 2 = 0) AS u FROM generate_series(1, 4) i) a;
-- everyone responded: AUC NULL (no non-responder)
SELECT crm.auc(crm.gains_fit(i::float8, true)) AS auc FROM generate_series(1, 4) i;
-- no control group: uplift NULL, the Qini curve is R_t (control term 0)
SELECT u.bucket, u.treated, u.treated_responders, u.control, u.control_rate, u.uplift
FROM (SELECT crm.uplift_fit(i::float8, i % 2 = 0, true) AS s FROM generate_series(1, 4) i) a, crm.uplift_table(a.s, 2) u;
SELECT q.point, q.treated_responders, q.control, q.qini, q.random
FROM (SELECT crm.uplift_fit(i::float8, i % 2 = 0, true) AS s FROM generate_series(1, 4) i) a, crm.qini_curve(a.s) q;
-- no treated group: the treated rate and uplift NULL, Qini curve -R_c * 0 = 0
SELECT u.bucket, u.treated, u.treated_rate, u.control, u.uplift
FROM (SELECT crm.uplift_fit(i::float8, i % 2 = 0, false) AS s FROM generate_series(1, 4) i) a, crm.uplift_table(a.s, 2) u;
-- -0 and 0 are one score
SELECT (crm.campaign_summary(crm.gains_fit(s, true))).distinct_scores FROM unnest(ARRAY[0, '-0', 0]::float8[]) s;

-- ---- empty and all-NULL input ------------------------------------------------
SELECT crm.response_fit(r) IS NULL AS empty_response, crm.gains_fit(s, r) IS NULL AS empty_gains,
       crm.uplift_fit(s, r, r) IS NULL AS empty_uplift
FROM (SELECT NULL::float8 AS s, NULL::boolean AS r WHERE false) e;
SELECT crm.response_fit(r) IS NULL AS all_null_response, crm.gains_fit(s, r) IS NULL AS all_null_gains,
       crm.uplift_fit(s, r, true) IS NULL AS all_null_uplift, crm.gains_fit('NaN', true) IS NULL AS all_nan
FROM (VALUES (NULL::float8, NULL::boolean), (1, NULL)) v(s, r);

-- ---- text round trips --------------------------------------------------------
SELECT crm.gains_fit(s, s > 1) FROM unnest(ARRAY[0.5, 2, 2, 3.25]::float8[]) s;
SELECT crm.uplift_fit(s, s > 1, s < 3) FROM unnest(ARRAY[0.5, 2, 2, 3.25, NULL]::float8[]) s;
SELECT crm.response_fit(r, t) FROM (VALUES (true, true), (false, true), (true, false)) v(r, t);
SELECT crm.response_fit(r) FROM (VALUES (true), (false), (NULL)) v(r);
-- as jsonb (the summary's fields of the kind)
SELECT resp::jsonb AS resp, upl::jsonb AS upl FROM st;
SELECT resp::text::crm.campaign_state::text = resp::text AS resp, treat::text::crm.campaign_state::text = treat::text AS treat,
       gains::text::crm.campaign_state::text = gains::text AS gains, upl::text::crm.campaign_state::text = upl::text AS upl
FROM st;
-- shortest exact scores survive
SELECT crm.gains_fit(s, true)::text::crm.campaign_state::text = crm.gains_fit(s, true)::text AS same,
       crm.gains_fit(s, true)::text FROM (VALUES (0.1::float8 + 0.2), (1e-300), (-1.5e300)) v(s) GROUP BY s ORDER BY s;

-- ---- forced-parallel plans and merged partial states -------------------------
-- 60,000 customers with many distinct scores (every worker's state flushes
-- and grows many times) and a coarse score with ties
CREATE TABLE big AS
SELECT i AS id, (hashint4(i) / 1e6)::float8 AS score, round((abs(hashint4(i)) % 1000) / 1000.0, 1)::float8 AS coarse,
       abs(hashint4(i + 7)) % 5 = 0 AS responded, abs(hashint4(i + 11)) % 2 = 0 AS treated
FROM generate_series(1, 60000) i;
ANALYZE big;
CREATE TABLE serial AS
SELECT crm.response_fit(responded)::text AS r, crm.response_fit(responded, treated)::text AS t,
       crm.gains_fit(score, responded)::text AS g, crm.uplift_fit(score, responded, treated)::text AS u,
       crm.uplift_fit(coarse, responded, treated)::text AS uc
FROM big;
SELECT (crm.campaign_summary(g::crm.campaign_state)).distinct_scores, (crm.campaign_summary(uc::crm.campaign_state)).distinct_scores AS coarse
FROM serial;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($q$SELECT crm.response_fit(responded), crm.response_fit(responded, treated),
       crm.gains_fit(score, responded), crm.uplift_fit(score, responded, treated) FROM big$q$) AS partial_aggregate;
SELECT p.r = s.r AS response, p.t = s.t AS treatment, p.g = s.g AS gains, p.u = s.u AS uplift, p.uc = s.uc AS uplift_coarse
FROM (SELECT crm.response_fit(responded)::text AS r, crm.response_fit(responded, treated)::text AS t,
             crm.gains_fit(score, responded)::text AS g, crm.uplift_fit(score, responded, treated)::text AS u,
             crm.uplift_fit(coarse, responded, treated)::text AS uc
      FROM big) p, serial s;
-- partial states per "shard" and bucket, merged (in parallel too, and after
-- a trip through their text form) = one pass
CREATE TABLE parts AS
SELECT id % 7 AS shard, id % 40 AS bucket, crm.response_fit(responded) AS r, crm.response_fit(responded, treated) AS t,
       crm.gains_fit(score, responded) AS g, crm.uplift_fit(score, responded, treated) AS u,
       crm.uplift_fit(coarse, responded, treated) AS uc
FROM big GROUP BY 1, 2;
ANALYZE parts;
SELECT plan_partial_aggregate($q$SELECT crm.campaign_merge(g) FROM parts$q$) AS partial_aggregate;
SELECT crm.campaign_merge(p.r)::text = s.r AS response, crm.campaign_merge(p.t)::text = s.t AS treatment,
       crm.campaign_merge(p.g)::text = s.g AS gains, crm.campaign_merge(p.u)::text = s.u AS uplift,
       crm.campaign_merge(p.uc::text::crm.campaign_state)::text = s.uc AS uplift_coarse_via_text
FROM parts p, serial s GROUP BY s.r, s.t, s.g, s.u, s.uc;
SELECT m.g::text = s.g AS shards_merged
FROM (SELECT crm.campaign_merge(g) AS g FROM (SELECT crm.campaign_merge(g) AS g FROM parts GROUP BY shard) x) m, serial s;
-- the combine function called directly
SELECT crm.campaign_combine(a.g, b.g)::text = (SELECT crm.gains_fit(score, responded)::text FROM big WHERE id % 7 IN (1, 2)) AS combine
FROM (SELECT crm.campaign_merge(g) AS g FROM parts WHERE shard = 1) a, (SELECT crm.campaign_merge(g) AS g FROM parts WHERE shard = 2) b;
-- a grouped aggregate (states of many groups in turn, each row looking its
-- score up in its own group's run) equals each group alone
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;
SELECT plan_has($q$SELECT id % 97, crm.uplift_fit(coarse, responded, treated) FROM big GROUP BY 1$q$,
                '{"Node Type": "Aggregate", "Strategy": "Hashed"}') AS hashed;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE g.u IS DISTINCT FROM (SELECT crm.uplift_fit(coarse, responded, treated)::text FROM big b WHERE b.id % 97 = g.k)
                           OR g.r IS DISTINCT FROM (SELECT crm.gains_fit(score, responded)::text FROM big b WHERE b.id % 97 = g.k)) AS differing
FROM (SELECT id % 97 AS k, crm.uplift_fit(coarse, responded, treated)::text AS u, crm.gains_fit(score, responded)::text AS r
      FROM big GROUP BY 1) g;
RESET enable_sort;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

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
-- one small state of each kind
CREATE TABLE k AS
SELECT crm.response_fit(r) AS resp, crm.response_fit(r, t) AS treat, crm.gains_fit(s, r) AS gains,
       crm.uplift_fit(s, r, t) AS upl
FROM (VALUES (1.0::float8, true, true), (2, false, false)) v(s, r, t);
-- bad arguments (22023)
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_rate(k.resp, 1)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_rate(k.resp, 0)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_rate(k.resp, 'NaN')$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_test(k.treat, 95)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.gains_table(k.gains, 0)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.gains_table(k.gains, 10001)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.uplift_table(k.upl, -1)$$);
-- STRICT: a NULL argument gives no rows / NULL
SELECT (SELECT count(*) FROM k, crm.gains_table(k.gains, NULL)) AS null_buckets, crm.auc(NULL::crm.campaign_state) AS null_state;
-- a result that needs what the state does not have (22023)
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_test(k.resp)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.response_test(k.gains)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.gains_table(k.treat)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.gains_curve(k.resp)$$);
SELECT sqlstate_of($$SELECT crm.auc(resp) FROM campaign.k$$);
SELECT sqlstate_of($$SELECT crm.gini(treat) FROM campaign.k$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.uplift_table(k.gains)$$);
SELECT sqlstate_of($$SELECT * FROM campaign.k, crm.qini_curve(k.treat)$$);
SELECT sqlstate_of($$SELECT crm.qini(gains) FROM campaign.k$$);
-- merging states of different kinds, adding rows of another kind (22023)
SELECT sqlstate_of($$SELECT crm.campaign_merge(s) FROM (SELECT gains FROM campaign.k UNION ALL SELECT upl FROM campaign.k) v(s)$$);
SELECT sqlstate_of($$SELECT crm.campaign_combine(resp, treat) FROM campaign.k$$);
SELECT sqlstate_of($$SELECT crm.campaign_score_trans(resp, 1, true) FROM campaign.k$$);
-- text input: malformed and impossible states (22P02, with the reason)
SELECT error_of($$SELECT 'v2 kind=score n=0 responders=0 skipped=0 scores={}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=lift n=0 responders=0 skipped=0'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=response n=1 responders=2 skipped=0'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=response n=-1 responders=0 skipped=0'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=response n=1 responders=0'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=response n=1 responders=0 skipped=0 scores={1:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=2 responders=0 skipped=0 scores={2:1:0,1:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=2 responders=0 skipped=0 scores={1:1:0,1:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=3 responders=0 skipped=0 scores={1:1:0,2:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=1 responders=1 skipped=0 scores={1:1:2}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=1 responders=0 skipped=0 scores={NaN:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=0 responders=0 skipped=0 scores={1:0:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=uplift control=1 control_responders=0 treated=1 treated_responders=0 skipped=0 scores={1:1:0}'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=1 responders=0 skipped=0 scores={1:1:0} extra'::crm.campaign_state$$);
SELECT error_of($$SELECT 'v1 kind=score n=9223372036854775807 responders=0 skipped=0 scores={1:9223372036854775807:0,2:1:0}'::crm.campaign_state$$);
-- counts never wrap: a state of 2^63 - 1 customers and one more (22003)
SELECT sqlstate_of($$SELECT crm.campaign_combine('v1 kind=response n=9223372036854775807 responders=0 skipped=0', 'v1 kind=response n=1 responders=0 skipped=0')$$);
