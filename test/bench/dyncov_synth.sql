-- The synthetic base of test/bench/dyncov.sh: :n customers drawn from the
-- Pareto/NBD with time-varying covariates (r = 1, alpha = 8, s = 2, beta =
-- 20 per week; lifetime coefficients g -0.6, contact 0.7; transaction
-- coefficients season 0.8, contact 0.5), births uniform over the first 52
-- weeks, calibration to week 104; season is 1 in weeks 20-31 of each year,
-- contact a marketing campaign per customer in blocks of :block weeks (1
-- with probability 0.3 per block), g a 0/1 customer trait.  Drawn as
-- test/sql/clv_dyncov.sql draws its base (purchases as a unit-rate Poisson
-- process on the time-changed scale A(u), dropout as Exp(1) on B(u)), with
-- setseed(:seed).  Leaves dyn_bench(c, x, t_x, t, first_purchase, g, path).
SET client_min_messages = warning;
DROP TABLE IF EXISTS dyn_customer, dyn_block, dyn_week, dyn_exposure, dyn_death, dyn_purchase, dyn_long, dyn_bench;
SELECT setseed(:seed);
CREATE UNLOGGED TABLE dyn_customer AS
SELECT c, (random() < 0.5)::int::float8 AS g, floor(52 * random())::int AS bw, random() AS bf,
       -ln(1 - random()) / 8 AS lambda, (-ln(1 - random()) - ln(1 - random())) / 20 AS mu,
       -ln(1 - random()) AS death_draw
FROM generate_series(1, :n) c;
CREATE UNLOGGED TABLE dyn_block AS
SELECT c, b, (random() < 0.3)::int::float8 AS contact
FROM dyn_customer, generate_series(0, 103 / :block) b;
CREATE UNLOGGED TABLE dyn_week AS
SELECT d.c, w, d.g, d.bw, d.bf, (w % 52 BETWEEN 20 AND 31)::int::float8 AS season, k.contact
FROM dyn_customer d, generate_series(0, 103) w, dyn_block k
WHERE w >= d.bw AND k.c = d.c AND k.b = w / :block;
CREATE UNLOGGED TABLE dyn_exposure AS
SELECT c, w, u_start, u_end, e_t, e_l,
       sum(e_t * (u_end - u_start)) OVER (PARTITION BY c ORDER BY w) - e_t * (u_end - u_start) AS a_start,
       sum(e_t * (u_end - u_start)) OVER (PARTITION BY c ORDER BY w) AS a_end,
       sum(e_l * (u_end - u_start)) OVER (PARTITION BY c ORDER BY w) - e_l * (u_end - u_start) AS b_start,
       sum(e_l * (u_end - u_start)) OVER (PARTITION BY c ORDER BY w) AS b_end
FROM (SELECT c, w, greatest(w - (bw + bf), 0) AS u_start, least(w + 1 - (bw + bf), 104 - (bw + bf)) AS u_end,
             exp(0.8 * season + 0.5 * contact) AS e_t, exp(-0.6 * g + 0.7 * contact) AS e_l
      FROM dyn_week) x;
CREATE UNLOGGED TABLE dyn_death AS
SELECT d.c, coalesce(min(e.u_start + (d.death_draw / d.mu - e.b_start) / e.e_l)
                     FILTER (WHERE d.death_draw / d.mu > e.b_start AND d.death_draw / d.mu <= e.b_end),
                     'infinity') AS dies_at
FROM dyn_customer d JOIN dyn_exposure e USING (c) GROUP BY d.c;
CREATE UNLOGGED TABLE dyn_purchase AS
SELECT p.c, e.w, e.u_start + (p.a_at - e.a_start) / e.e_t AS at
FROM (SELECT c, sum(-ln(1 - random()) / lambda) OVER (PARTITION BY c ORDER BY k) AS a_at
      FROM dyn_customer, generate_series(1, 60) k) p
JOIN dyn_exposure e ON e.c = p.c AND p.a_at > e.a_start AND p.a_at <= e.a_end
JOIN dyn_death d ON d.c = p.c
WHERE e.u_start + (p.a_at - e.a_start) / e.e_t < d.dies_at;
CREATE UNLOGGED TABLE dyn_long AS
SELECT w.c, TIMESTAMPTZ '2018-01-07 00:00+00' + w.w * INTERVAL '1 week' AS week_start,
       (coalesce(p.n, 0) + (w.w = w.bw)::int)::bigint AS purchases, w.g, w.season, w.contact
FROM dyn_week w LEFT JOIN (SELECT c, w, count(*) AS n FROM dyn_purchase GROUP BY c, w) p USING (c, w);
CREATE UNLOGGED TABLE dyn_bench AS
SELECT c.c, coalesce(s.x, 0)::float8 AS x, coalesce(s.t_x, 0) AS t_x, 104 - (c.bw + c.bf) AS t,
       TIMESTAMPTZ '2018-01-07 00:00+00' + (c.bw + c.bf) * INTERVAL '1 week' AS first_purchase, c.g, l.path
FROM dyn_customer c
LEFT JOIN (SELECT c, count(*) AS x, max(at) AS t_x FROM dyn_purchase GROUP BY c) s USING (c)
JOIN (SELECT c, crm.covariate_path(week_start, purchases, ARRAY[g, contact], ARRAY[season, contact], '1 week') AS path
      FROM dyn_long GROUP BY c) l USING (c);
DROP TABLE dyn_block, dyn_week, dyn_exposure, dyn_death, dyn_purchase;
VACUUM ANALYZE dyn_bench;
