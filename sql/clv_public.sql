-- CLV model checking on public data not in ../shared: the chronic
-- granulomatous disease trial of R's survival package (cgd: 128 patients
-- randomized 1989-06-07 .. 1989-12-29, 76 serious infections; Fleming &
-- Harrington 1991) read as a purchase log, written to
-- test/reference/cgd_log.csv by test/reference/clv_public.R (R 4.2.2,
-- survival 3.5-3).  Public purchase logs are not packaged in Debian; a
-- recurrent-event log is what the BTYD models consume: a patient is a
-- customer born at randomization, every infection day a repeat purchase, the
-- patient's end of follow-up the as-of date.  The R script computes every
-- reference independently of crm (test/reference/cgd_reference.csv and the
-- numbers below, printed by it): the summaries' totals; the BG/NBD
-- log-likelihood of Fader, Hardie & Lee (2005, eq. 6) and the Pareto/NBD's
-- as an integral over the time of dropout, maximised by optim from four
-- starts, and the NBD maximum (nlminb), which is their supremum here; at
-- given BG/NBD parameters (R's best calibration run, 10 digits) each
-- patient's expected holdout infections (eq. 10), E[X(t)] (eq. 7) and the
-- tracking curve, the hypergeometric series summed term by term.
-- Tolerances: counts and durations exactly; expectations 1e-8 relative;
-- likelihoods at given points 1e-8 (BG/NBD) and 1e-7 (Pareto/NBD, numerical
-- integration); fitted log-likelihoods 1e-6 and r, alpha 1e-4 relative of
-- R's supremum (the fits stop on a flat ridge); PMF identities 1e-10.
CREATE SCHEMA clv_public;
SET search_path = clv_public, public;
\i test/load/sqlstate_of.sql
CREATE TABLE cgd_log (id int, event_on date, follow_up_end date);
\copy cgd_log FROM 'test/reference/cgd_log.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE ref (kind text, key int, value float8);
\copy ref FROM 'test/reference/cgd_reference.csv' WITH (FORMAT csv, HEADER true)
SELECT count(DISTINCT id) AS patients, count(*) - count(DISTINCT id) AS infections,
       to_char(min(event_on), 'YYYY-MM-DD') AS first_randomized,
       to_char(max(follow_up_end), 'YYYY-MM-DD') AS last_follow_up
FROM cgd_log;

-- summaries in days over each patient's follow-up, by crm and by plain SQL
CREATE TABLE whole AS
SELECT id, (crm.summary(event_on, 1.0::float8, follow_up_end, interval '1 day')).*
FROM cgd_log GROUP BY id;
CREATE TABLE whole_sql AS
SELECT id, count(*) - 1 AS x, max(event_on) - min(event_on) AS t_x, max(follow_up_end) - min(event_on) AS t
FROM cgd_log GROUP BY id;
SELECT count(*) AS patients,
       count(*) FILTER (WHERE w.frequency = s.x AND w.recency = s.t_x AND w.t = s.t) AS equal_to_sql,
       sum(w.frequency) AS sum_x, sum(w.recency) AS sum_t_x, sum(w.t) AS sum_t,
       count(*) FILTER (WHERE w.frequency > 0) AS repeaters
FROM whole w JOIN whole_sql s USING (id);

-- calibration to 1990-03-31 (or the end of follow-up if earlier), holdout to
-- the end of follow-up
CREATE TABLE cal AS
SELECT id, (crm.calibration_holdout(event_on, 1.0::float8, least(date '1990-03-31', follow_up_end),
                                    follow_up_end, interval '1 day')).*
FROM cgd_log GROUP BY id;
CREATE TABLE cal_sql AS
SELECT id, count(*) FILTER (WHERE event_on <= c) - 1 AS x,
       max(event_on) FILTER (WHERE event_on <= c) - min(event_on) AS t_x,
       c - min(event_on) AS t, count(*) FILTER (WHERE event_on > c) AS x_holdout,
       max(follow_up_end) - c AS duration_holdout
FROM (SELECT *, least(date '1990-03-31', follow_up_end) AS c FROM cgd_log) l GROUP BY id, c;
SELECT count(*) AS patients,
       count(*) FILTER (WHERE c.frequency = s.x AND c.recency = s.t_x AND c.t = s.t
                        AND c.frequency_holdout = s.x_holdout AND c.duration_holdout = s.duration_holdout) AS equal_to_sql,
       sum(c.frequency) AS sum_x, sum(c.recency) AS sum_t_x, sum(c.t) AS sum_t,
       count(*) FILTER (WHERE c.frequency > 0) AS repeaters,
       sum(c.frequency_holdout) AS holdout_x, sum(c.duration_holdout) AS holdout_days
FROM cal c JOIN cal_sql s USING (id);

-- fits in days: crm against the independent R fits.  Nobody in this log
-- drops out of infections, so the BG/NBD's and the Pareto/NBD's likelihood
-- rises towards the boundary where dropout vanishes (a -> 0, b -> infinity;
-- s -> 0, beta -> infinity) and both become the NBD: R's supremum is the NBD
-- maximum (nlminb), which crm's log-likelihood must reach within 1e-6, its
-- r and alpha those of the NBD within 1e-4 relative (the optimizer stops on
-- a flat ridge), and crm must say the fit did not converge
CREATE TABLE fits AS
SELECT 'whole' AS part, crm.bgnbd_fit(frequency, recency, t, interval '1 day') AS bg,
       crm.paretonbd_fit(frequency, recency, t, interval '1 day') AS pn FROM whole
UNION ALL
SELECT 'calibration', crm.bgnbd_fit(frequency, recency, t, interval '1 day'),
       crm.paretonbd_fit(frequency, recency, t, interval '1 day') FROM cal;
CREATE TABLE nbd (part text, r float8, alpha float8, ll float8);
INSERT INTO nbd VALUES ('whole', 0.7604463992, 383.9328393, -536.7468332618),
                       ('calibration', 0.6081643365, 392.0828879, -263.6649594813);
SELECT part, crm.converged(bg) AS bg_converged, crm.converged(pn) AS pn_converged,
       abs(crm.loglik(bg) - nbd.ll) < 1e-6 AS bg_ll_is_r_sup, abs(crm.loglik(pn) - nbd.ll) < 1e-6 AS pn_ll_is_r_sup,
       abs(crm.parameter(bg, 'r') / nbd.r - 1) < 1e-4 AND abs(crm.parameter(bg, 'alpha') / nbd.alpha - 1) < 1e-4 AS bg_r_alpha_nbd,
       abs(crm.parameter(pn, 'r') / nbd.r - 1) < 1e-4 AND abs(crm.parameter(pn, 'alpha') / nbd.alpha - 1) < 1e-4 AS pn_r_alpha_nbd,
       crm.parameter(bg, 'a') / (crm.parameter(bg, 'a') + crm.parameter(bg, 'b')) < 1e-6 AS bg_no_dropout,
       crm.parameter(pn, 's') / crm.parameter(pn, 'beta') < 1e-6 AS pn_no_dropout,
       round(crm.loglik(bg)::numeric, 4) AS bg_ll, round(crm.loglik(pn)::numeric, 4) AS pn_ll
FROM fits JOIN nbd USING (part) ORDER BY part DESC;
-- AIC and BIC: -2 LL + 2k and -2 LL + k ln n (k = 4, n = 128), from crm's
-- log-likelihood (1e-9) and from R's supremum (1e-5)
SELECT part, crm.parameter_count(bg) AS k, crm.customers(bg) AS n,
       abs(crm.aic(bg) - (-2 * crm.loglik(bg) + 2 * 4)) < 1e-9 AND abs(crm.bic(bg) - (-2 * crm.loglik(bg) + 4 * ln(128))) < 1e-9 AS bg_formula,
       abs(crm.aic(pn) - (-2 * crm.loglik(pn) + 2 * 4)) < 1e-9 AND abs(crm.bic(pn) - (-2 * crm.loglik(pn) + 4 * ln(128))) < 1e-9 AS pn_formula,
       abs(crm.aic(bg) - (-2 * nbd.ll + 8)) < 1e-5 AND abs(crm.bic(bg) - (-2 * nbd.ll + 4 * ln(128))) < 1e-5 AS bg_from_r,
       round(crm.aic(bg)::numeric, 3) AS bg_aic, round(crm.bic(bg)::numeric, 3) AS bg_bic
FROM fits JOIN nbd USING (part) ORDER BY part DESC;

-- the likelihoods at given points against R's: the BG/NBD's at the
-- evaluation point (1e-8; R printed 10 decimals), the Pareto/NBD's (R
-- integrates over the time of dropout) at a given point (1e-7)
CREATE TABLE point AS
SELECT crm.with_unit(crm.bgnbd(0.6081639757, 392.0825814, 0.009949376588, 39970.81021), interval '1 day') AS bg;
SELECT abs(sum(crm.loglik(bg, frequency, recency, t)) - -263.6649597191) < 1e-8 AS bg_ll_equal_r,
       abs(sum(crm.loglik(crm.paretonbd(0.6, 400, 0.5, 300), frequency, recency, t)) - -264.2502222472) < 1e-7 AS pn_ll_equal_r
FROM cal, point;
-- R's best Pareto/NBD run on the calibration period lies on another ridge
-- (s 0.064, beta 0.011 days: about half the patients "drop out" at once,
-- the rest never), log-likelihood -263.4787891753, above the NBD's
-- -263.6649594813 that crm's fit reaches (marked converged=false above).
-- There alpha / beta is 6e4, z is within 2e-5 of 1 and the hypergeometric
-- series would need millions of terms: crm integrates G numerically there
-- (clv_paretonbd_integral.c) and gives R's log-likelihood at R's point
-- (parameters printed to 10 digits: 1e-6)
SELECT round(ll::numeric, 6) AS pn_at_r_best, abs(ll - -263.4787891753) < 1e-6 AS equals_r
FROM (SELECT sum(crm.loglik(crm.paretonbd(1.926752806, 711.6108695, 0.06433554848, 0.01123056077), frequency, recency, t)) AS ll
      FROM clv_public.cal) l;

-- expected holdout infections of each patient at the evaluation point: the
-- closed form in R (eq. 10, hypergeometric series term by term), 1e-8
-- relative; crm's calibration fit against the NBD limit (r + x) / (alpha +
-- T) t at R's NBD fit, 1e-4 relative
CREATE TABLE scored AS
SELECT c.id, c.frequency, c.frequency_holdout, c.duration_holdout,
       crm.expected_purchases(point.bg, c.duration_holdout, c.frequency, c.recency, c.t) AS expected,
       crm.expected_purchases(crm.accept_unconverged(f.bg), c.duration_holdout, c.frequency, c.recency, c.t) AS expected_fit
FROM cal c, point, (SELECT bg FROM fits WHERE part = 'calibration') f;
SELECT count(*) AS patients,
       count(*) FILTER (WHERE abs(s.expected - r.value) <= 1e-8 * r.value) AS equal_to_r,
       count(*) FILTER (WHERE abs(s.expected_fit - n.value) <= 1e-4 * n.value) AS fit_equal_to_nbd,
       round(sum(s.expected)::numeric, 6) AS expected_total
FROM scored s JOIN ref r ON r.kind = 'bgnbd_holdout' AND r.key = s.id
JOIN ref n ON n.kind = 'nbd_holdout' AND n.key = s.id;
-- the holdout evaluation: actual total and per calibration frequency equal
-- to plain SQL, expected total to R's (1e-8 relative)
CREATE TABLE evaluation AS
SELECT crm.holdout_evaluation(frequency, frequency_holdout, expected) AS e FROM scored;
SELECT m.customers, m.actual_total, m.actual_total = (SELECT sum(x_holdout) FROM cal_sql) AS actual_equal_sql,
       abs(m.expected_total / (SELECT sum(value) FROM ref WHERE kind = 'bgnbd_holdout') - 1) < 1e-8 AS expected_equal_r,
       round(m.expected_total::numeric, 4) AS expected_total, round(m.bias_percent::numeric, 1) AS bias_percent,
       round(m.mae::numeric, 4) AS mae, round(m.correlation::numeric, 4) AS correlation
FROM evaluation, crm.holdout_metrics(e) m;
SELECT t.frequency, t.and_more, t.customers, round(t.actual_mean::numeric, 4) AS actual_mean,
       t.customers = q.customers AND abs(t.actual_mean - q.actual_mean) < 1e-12 AS equal_to_sql,
       round(t.expected_mean::numeric, 4) AS expected_mean
FROM evaluation, crm.holdout_table(e, 3) t
JOIN (SELECT least(frequency, 3) AS frequency, count(*) AS customers, avg(frequency_holdout::float8) AS actual_mean
      FROM scored GROUP BY 1) q USING (frequency)
ORDER BY t.frequency;

-- tracking by week from the first randomization (1989-06-07) to the end of
-- the calibration period (42 weeks): actual repeat infections per week
-- equal to plain SQL; the expected cumulative curve (the sum over patients
-- born before the end of the week of E[X(end - birth)]) equal to R's at the
-- evaluation point, 1e-8 relative
CREATE TABLE base AS
SELECT crm.tracking_data(days, date '1989-06-07', interval '1 week', 42) AS b
FROM (SELECT array_agg(event_on) AS days FROM cgd_log GROUP BY id) p;
CREATE TABLE weekly_sql AS
SELECT w AS period, count(l.id) AS actual
FROM generate_series(1, 42) w
LEFT JOIN (SELECT l.id, l.event_on FROM cgd_log l
           WHERE l.event_on > (SELECT min(event_on) FROM cgd_log f WHERE f.id = l.id)) l
       ON (l.event_on - date '1989-06-07') / 7 + 1 = w
GROUP BY w;
SELECT count(*) AS weeks, count(*) FILTER (WHERE t.actual = q.actual) AS actual_equal_sql,
       count(*) FILTER (WHERE abs(t.expected_cumulative / r.value - 1) < 1e-8) AS expected_equal_r,
       max(t.actual_cumulative) AS actual_week_42, round(max(t.expected_cumulative)::numeric, 4) AS expected_week_42
FROM point, base, crm.tracking(point.bg, base.b) t
JOIN weekly_sql q USING (period)
JOIN ref r ON r.kind = 'bgnbd_tracking' AND r.key = t.period;

-- the PMF: P(X(t) = n) over n sums to 1 and its mean is E[X(t)] (1e-10),
-- at the evaluation point and at crm's calibration fit; E[X(t)] at the
-- evaluation point equal to R's closed form (eq. 7), 1e-8 relative
SELECT r.key AS days, m.which,
       abs(q.p - 1) < 1e-10 AS sums_to_1,
       abs(q.mean / crm.expected_purchases(m.model, r.key::float8) - 1) < 1e-10 AS mean_is_expected,
       CASE WHEN m.which = 'point' THEN abs(crm.expected_purchases(m.model, r.key::float8) / r.value - 1) < 1e-8 END AS expected_equal_r,
       round(crm.expected_purchases(m.model, r.key::float8)::numeric, 6) AS expected
FROM ref r,
     (SELECT 'point' AS which, bg AS model FROM point UNION ALL SELECT 'fit', crm.accept_unconverged(bg) FROM fits WHERE part = 'calibration') m,
     LATERAL (SELECT sum(crm.purchase_probability(m.model, n, r.key)) AS p,
                     sum(n * crm.purchase_probability(m.model, n, r.key)) AS mean
              FROM generate_series(0, 60) n) q
WHERE r.kind = 'bgnbd_ex'
ORDER BY m.which DESC, r.key;
-- the conditional PMF of every patient's holdout infections at crm's fit:
-- sums to 1, mean the conditional expectation (1e-10)
SELECT count(*) AS patients, count(*) FILTER (WHERE abs(p - 1) < 1e-10) AS sums_to_1,
       count(*) FILTER (WHERE abs(mean - expected_fit) < 1e-10 * greatest(expected_fit, 1)) AS mean_is_expected
FROM (SELECT s.id, s.expected_fit,
             sum(crm.purchase_probability(f.bg, n, s.duration_holdout, s.frequency, c.recency, c.t)) AS p,
             sum(n * crm.purchase_probability(f.bg, n, s.duration_holdout, s.frequency, c.recency, c.t)) AS mean
      FROM scored s JOIN cal c USING (id), (SELECT crm.accept_unconverged(bg) AS bg FROM fits WHERE part = 'calibration') f, generate_series(0, 60) n
      GROUP BY s.id, s.expected_fit) q;
DROP SCHEMA clv_public CASCADE;
