-- Data and queries of the survey benchmark (see test/bench/survey.sh).
-- psql variables: rows, groups, seed.  Uses bench_queries and bench_time()
-- of queries.sql when the run made them, and makes them (the same
-- definitions) when the script runs alone.
--
-- bench_responses: rows NPS responses, each in one of groups groups, with a
-- likelihood-to-recommend score 0..10 skewed to the high end as real NPS
-- data are (P(score <= k) = ((k + 1) / 11)^3: about 45% promoters, 26%
-- detractors), 1% NULL scores (no answer), in random physical order.
\set ON_ERROR_STOP on

SELECT to_regclass('bench_queries') IS NULL AS need_harness \gset
\if :need_harness
CREATE TABLE bench_queries (ord int PRIMARY KEY, name text NOT NULL, sql text NOT NULL);
CREATE UNLOGGED TABLE bench_times (rep int, name text, ms float8);
-- Run one timed query and record its wall time (as in queries.sql)
CREATE FUNCTION bench_time(query_ord int, rep int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	q bench_queries;
	t0 timestamptz;
	ms float8;
	result record;
BEGIN
	SELECT * INTO STRICT q FROM bench_queries WHERE ord = query_ord;
	t0 := clock_timestamp();
	EXECUTE q.sql INTO result;
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	INSERT INTO bench_times VALUES (rep, q.name, ms);
	RETURN ms;
END $$;
\endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_responses CASCADE;
SELECT setseed(:seed);
CREATE UNLOGGED TABLE bench_responses AS
SELECT 1 + floor(random() * :groups)::int AS grp,
       CASE WHEN random() < 0.01 THEN NULL ELSE least(10, floor(11 * cbrt(random())))::int END AS score
FROM generate_series(1, :rows);
VACUUM ANALYZE bench_responses;

-- crm: one aggregate per group, read with the accessors
CREATE VIEW survey_crm AS
SELECT grp, crm.nps_score(v) AS nps, crm.nps_se(v) AS se, crm.nps_responses(v) AS n
FROM (SELECT grp, crm.nps_agg(score) AS v FROM bench_responses GROUP BY grp) q;

-- plain SQL: the three counts with count(*) FILTER, then the same NPS and
-- trinomial standard error, 100 sqrt(((p + d) - (p - d)^2) / n)
CREATE VIEW survey_sql AS
SELECT grp, 100 * (promoters - detractors)::float8 / n AS nps,
       100 * sqrt(((promoters + detractors)::float8 / n - ((promoters - detractors)::float8 / n) ^ 2) / n) AS se, n
FROM (SELECT grp, count(*) FILTER (WHERE score >= 9) AS promoters,
             count(*) FILTER (WHERE score <= 6) AS detractors, count(score) AS n
      FROM bench_responses GROUP BY grp) q;

DELETE FROM bench_queries WHERE ord BETWEEN 51 AND 59;
INSERT INTO bench_queries VALUES
 (51, 'crm.nps_agg', 'SELECT count(*), sum(nps), sum(se), sum(n) FROM survey_crm'),
 (52, 'plain SQL count(*) FILTER', 'SELECT count(*), sum(nps), sum(se), sum(n) FROM survey_sql'),
 (53, 'bare GROUP BY group', 'SELECT count(*), sum(n) FROM (SELECT grp, count(score) AS n FROM bench_responses GROUP BY grp) q'),
 (54, 'scan of bench_responses', 'SELECT count(*) FROM bench_responses');
