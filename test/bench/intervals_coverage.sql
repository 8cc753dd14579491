-- The coverage check of the prediction intervals (test/bench/intervals.sh;
-- a smaller seeded version is sql/clv_intervals.sql).  psql variables:
-- kind (bgnbd, mbgnbd or paretonbd), reps, customers, draws, and the true
-- parameters r, alpha, a, b (for the Pareto/NBD a = s, b = beta).  Per
-- replication (setseed(rep / (reps + 1))): simulate customers from the true
-- model with a calibration age uniform in [26, 52] weeks and a 39-week
-- holdout (test/load/simulate_btyd.sql), fit the kind and a Gamma-Gamma on
-- the calibration summaries, take the covariance of their log-parameters
-- from the same customers, and check each customer's 90 % interval of its
-- holdout purchases and holdout spend (rate 0) and the 90 % interval of
-- the totals against what the simulation drew.  Prints one row per
-- replication, then the pooled per-customer coverage and the number of
-- replications whose total interval covered the true total.
\set ON_ERROR_STOP on
\set QUIET on
DROP TABLE IF EXISTS cov_reps;
CREATE TEMP TABLE cov_reps (rep int, customers int, covered_purchases int, covered_spend int,
	total_purchases float8, purchase_interval crm.prediction_interval,
	total_spend float8, spend_interval crm.prediction_interval);
SELECT format($f$
DO $do$
DECLARE
	rep_seed float8;
BEGIN
	FOR rep IN 1 .. %1$s LOOP
		PERFORM setseed(rep::float8 / (%1$s + 1));
		DROP TABLE IF EXISTS cov_sim, cov_fit;
		CREATE TEMP TABLE cov_sim AS
			SELECT * FROM public.sim_btyd(%2$L, %3$s, %5$s, %6$s, %7$s, %8$s, 26, 52, 39);
		CREATE TEMP TABLE cov_fit AS
			SELECT model, crm.parameter_covariance(model, state) AS cov,
				spend, crm.parameter_covariance(spend, spend_state) AS spend_cov
			FROM (SELECT crm.%2$s_fit(x, t_x, t) AS model, crm.clv_fit_partial(x, t_x, t) AS state,
				crm.gammagamma_fit(x, m) AS spend, crm.spend_fit_partial(x, m) AS spend_state
				FROM cov_sim) f;
		INSERT INTO cov_reps
		SELECT rep, count(*),
			count(*) FILTER (WHERE x_holdout BETWEEN (pi).lower AND (pi).upper),
			count(*) FILTER (WHERE spend_holdout BETWEEN (si).lower AND (si).upper),
			sum(x_holdout),
			(SELECT crm.total_purchase_interval(f.model, f.cov, 39, s.x, s.t_x, s.t, s.id, 0.9, %4$s, rep)
			 FROM cov_sim s, cov_fit f),
			sum(spend_holdout),
			(SELECT crm.total_clv_interval(f.model, f.spend, f.cov, f.spend_cov, s.x, s.t_x, s.t, s.m, 39, 0, 1,
				s.id, 0.9, %4$s, rep) FROM cov_sim s, cov_fit f)
		FROM (SELECT s.x_holdout, s.spend_holdout,
				crm.purchase_interval(f.model, f.cov, 39, s.x, s.t_x, s.t, 0.9, %4$s, rep) AS pi,
				crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, s.x, s.t_x, s.t, s.m, 39, 0, 1, 0.9, %4$s, rep) AS si
			FROM cov_sim s, cov_fit f OFFSET 0) c;
	END LOOP;
END $do$
$f$, :'reps', :'kind', :'customers', :'draws', :'r', :'alpha', :'a', :'b') \gexec
\set QUIET off
SELECT rep, round(covered_purchases::numeric / customers, 4) AS purchase_coverage,
	round(covered_spend::numeric / customers, 4) AS spend_coverage,
	total_purchases, (purchase_interval).lower AS purchases_lower, (purchase_interval).upper AS purchases_upper,
	round(total_spend::numeric, 0) AS total_spend, round((spend_interval).lower::numeric, 0) AS spend_lower,
	round((spend_interval).upper::numeric, 0) AS spend_upper
FROM cov_reps ORDER BY rep;
SELECT :'kind' AS kind, sum(customers) AS customers,
	round(sum(covered_purchases)::numeric / sum(customers), 4) AS purchase_coverage,
	round(sum(covered_spend)::numeric / sum(customers), 4) AS spend_coverage,
	count(*) FILTER (WHERE total_purchases BETWEEN (purchase_interval).lower AND (purchase_interval).upper)
		|| ' of ' || count(*) AS totals_purchases_covered,
	count(*) FILTER (WHERE total_spend BETWEEN (spend_interval).lower AND (spend_interval).upper)
		|| ' of ' || count(*) AS totals_spend_covered
FROM cov_reps;
