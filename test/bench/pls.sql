-- Data of the PLS benchmark (see test/bench/pls.sh).  psql variables:
-- respondents, seed.
--
-- A synthetic ECSI survey: respondents answer the 27 items of the ECSI model
-- (IMAG 5, EXPE 5, QUAL 5, VAL 4, SAT 4, LOY 4) on a 1-10 scale.  Latent
-- variables follow the structural model
--   IMAG = e1
--   EXPE = 0.6 IMAG + 0.8 e2
--   QUAL = 0.8 EXPE + 0.6 e3
--   VAL  = 0.2 EXPE + 0.6 QUAL + 0.6 e4
--   SAT  = 0.2 IMAG + 0.1 EXPE + 0.2 QUAL + 0.5 VAL + 0.5 e5
--   LOY  = 0.3 IMAG + 0.5 SAT + 0.7 e6
-- (e independent standard normals), and item j of an LV is
-- round(6 + 1.5 (l_j LV + sqrt(1 - l_j^2) u_j)) clamped to 1 .. 10, with
-- loadings l_j from 0.7 to 0.9 and u_j standard normal.  Box-Muller normals
-- from random() after setseed(seed): reproducible.
\set ON_ERROR_STOP on
\set N '(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))'
SELECT setseed(:seed);

CREATE FUNCTION bench_answer(lv float8, loading float8, u float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
SELECT least(10, greatest(1, round(6 + 1.5 * (loading * lv + sqrt(1 - loading * loading) * u)))) $$;

CREATE UNLOGGED TABLE pls_bench AS
SELECT i,
       ARRAY[bench_answer(imag, 0.8, :N), bench_answer(imag, 0.9, :N), bench_answer(imag, 0.85, :N),
             bench_answer(imag, 0.7, :N), bench_answer(imag, 0.75, :N),
             bench_answer(expe, 0.8, :N), bench_answer(expe, 0.85, :N), bench_answer(expe, 0.75, :N),
             bench_answer(expe, 0.7, :N), bench_answer(expe, 0.85, :N),
             bench_answer(qual, 0.8, :N), bench_answer(qual, 0.9, :N), bench_answer(qual, 0.8, :N),
             bench_answer(qual, 0.8, :N), bench_answer(qual, 0.8, :N),
             bench_answer(val, 0.85, :N), bench_answer(val, 0.8, :N), bench_answer(val, 0.75, :N),
             bench_answer(val, 0.85, :N),
             bench_answer(sat, 0.9, :N), bench_answer(sat, 0.9, :N), bench_answer(sat, 0.8, :N),
             bench_answer(sat, 0.8, :N),
             bench_answer(loy, 0.9, :N), bench_answer(loy, 0.7, :N), bench_answer(loy, 0.9, :N),
             bench_answer(loy, 0.7, :N)] AS items
FROM (SELECT i, imag, expe, qual, val, sat, 0.3 * imag + 0.5 * sat + 0.7 * :N AS loy
      FROM (SELECT i, imag, expe, qual, val, 0.2 * imag + 0.1 * expe + 0.2 * qual + 0.5 * val + 0.5 * :N AS sat
            FROM (SELECT i, imag, expe, qual, 0.2 * expe + 0.6 * qual + 0.6 * :N AS val
                  FROM (SELECT i, imag, expe, 0.8 * expe + 0.6 * :N AS qual
                        FROM (SELECT i, imag, 0.6 * imag + 0.8 * :N AS expe
                              FROM (SELECT i, :N AS imag FROM generate_series(1, :respondents) i) a
                              OFFSET 0) b
                        OFFSET 0) c
                  OFFSET 0) d
            OFFSET 0) e
      OFFSET 0) f;
VACUUM ANALYZE pls_bench;

-- the same moments in plain SQL: the 27 means and 378 (co)variances of the items
SELECT 'SELECT ' || string_agg(expr, ', ' ORDER BY k) || ' FROM (SELECT '
       || (SELECT string_agg(format('items[%s] AS x%s', j, j), ', ' ORDER BY j) FROM generate_series(1, 27) j)
       || ' FROM pls_bench) q' AS moments_sql
FROM (SELECT i * 100 + i AS k, format('avg(x%s)', i) AS expr FROM generate_series(1, 27) i
      UNION ALL
      SELECT i * 100 + j, format('covar_pop(x%s, x%s)', i, j)
      FROM generate_series(1, 27) i, generate_series(1, 27) j WHERE i <= j) t \gset
CREATE TABLE pls_bench_sql (sql text);
INSERT INTO pls_bench_sql VALUES (:'moments_sql');
