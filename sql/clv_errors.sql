-- Bad input to the probabilistic models: every rule raises a clear error with
-- its SQLSTATE (22000 bad data, 22023 bad parameter, 22P02 bad text, 22004 NULL parameter).
\i test/load/sqlstate_of.sql
CREATE SCHEMA clv_errors;
SET search_path = clv_errors, public;
SET client_min_messages = error;

SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
	-- inconsistent summaries, in fits and in predictions
	('SELECT crm.bgnbd_fit(-1, 0, 10)'),
	('SELECT crm.bgnbd_fit(1.5, 1, 10)'),
	('SELECT crm.bgnbd_fit(2, 11, 10)'),
	('SELECT crm.bgnbd_fit(2, -1, 10)'),
	('SELECT crm.mbgnbd_fit(0, 3, 10)'),
	('SELECT crm.bgnbd_fit(''NaN'', 0, 10)'),
	('SELECT crm.bgnbd_fit(1, 1, ''Infinity'')'),
	('SELECT crm.p_alive(crm.bgnbd(1, 1, 1, 1), 3, 5, 4)'),
	('SELECT crm.expected_purchases(crm.mbgnbd(1, 1, 1, 1), 10, 0, 2, 4)'),
	('SELECT crm.loglik(crm.bgnbd(1, 1, 1, 1), 2.5, 1, 4)'),
	('SELECT crm.gammagamma_fit(2, -5)'),
	('SELECT crm.gammagamma_fit(2, ''NaN'')'),
	('SELECT crm.expected_spend(crm.gammagamma(1, 2, 3), 2, 0)'),
	('SELECT crm.loglik(crm.gammagamma(1, 2, 3), 0, 10)'),
	-- weights and penalizers
	('SELECT crm.bgnbd_fit(1, 1, 2, -3)'),
	('SELECT crm.bgnbd_fit(1, 1, 2, 1, -0.5)'),
	('SELECT crm.bgnbd_fit(1, 1, 2, 1, ''NaN''::float8)'),
	('SELECT crm.gammagamma_fit(1, 2, 1, NULL::float8)'),
	('SELECT crm.bgnbd_fit(x, 1, 2, 1, x * 0.1) FROM generate_series(1, 2) x'),
	('SELECT crm.bgnbd_fit_final(crm.clv_fit_partial(1, 1, 2), -1)'),
	-- every fit checks its penalizer first, before the data (even data it could not fit)
	('SELECT crm.paretonbd_fit_final(crm.clv_fit_partial(0, 0, 2), -1)'),
	('SELECT crm.ggomnbd_fit_final(crm.clv_fit_partial(0, 0, 2), -1)'),
	-- data that cannot identify the model
	('SELECT crm.bgnbd_fit(0, 0, t) FROM generate_series(1, 20) t'),
	('SELECT crm.mbgnbd_fit(0, 0, t) FROM generate_series(1, 20) t'),
	-- horizons, counts, discount rates, margins
	('SELECT crm.expected_purchases(crm.bgnbd(1, 1, 1, 1), -1)'),
	('SELECT crm.expected_purchases(crm.bgnbd(1, 1, 1, 1), ''Infinity''::float8)'),
	('SELECT crm.expected_purchases(crm.bgnbd(1, 1, 1, 1), ''NaN''::float8, 1, 1, 2)'),
	('SELECT crm.purchase_probability(crm.bgnbd(1, 1, 1, 1), -1, 10)'),
	('SELECT crm.clv(crm.bgnbd(1, 1, 2, 1), crm.gammagamma(1, 2, 3), 1, 1, 2, 10, 12, -0.1)'),
	('SELECT crm.clv(crm.bgnbd(1, 1, 2, 1), crm.gammagamma(1, 2, 3), 1, 1, 2, 10, 12, ''NaN'')'),
	('SELECT crm.clv(crm.bgnbd(1, 1, 2, 1), crm.gammagamma(1, 2, 3), 1, 1, 2, 10, -12, 0.01)'),
	('SELECT crm.clv(crm.bgnbd(1, 1, 2, 1), crm.gammagamma(1, 2, 3), 1, 1, 2, 10, 12, 0.01, -1)'),
	('SELECT crm.clv(crm.bgnbd(1, 1, 2, 1), 1, 1, 2, ''Infinity'', 12, 0.01)'),
	('SELECT crm.expected_spend(crm.gammagamma(1, 0.5, 3), 0, 0)'),
	-- models from bad parameters
	('SELECT crm.bgnbd(0, 1, 1, 1)'),
	('SELECT crm.bgnbd(1, -1, 1, 1)'),
	('SELECT crm.mbgnbd(1, 1, ''NaN'', 1)'),
	('SELECT crm.gammagamma(1, 1, ''Infinity'')'),
	('SELECT crm.parameter(crm.bgnbd(1, 1, 1, 1), ''p'')'),
	('SELECT crm.std_error(crm.gammagamma(1, 1, 1), ''alpha'')'),
	-- malformed text
	('SELECT ''r=1 alpha=1 a=1''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=1 b=1 q=2''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=1 b=1 r=2''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=x b=1''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=-1 b=1''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=1 b=1 ll=-3''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=1 b=1 ll=-3 n=5 iterations=2 converged=yes''::crm.bgnbd'),
	('SELECT ''r=1 alpha=1 a=1 b=1 ll=-3 n=5 iterations=2 converged=true se_r=1''::crm.bgnbd'),
	('SELECT ''p=1 q=1 gamma=1 penalizer=1''::crm.gammagamma'),
	('SELECT ''v1 shape=purchases n=2 tuples={1,2,3:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=purchases n=1 tuples={1,4,3:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=purchases n=2 tuples={1,2,3:1;0,0,3:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=spend n=1 tuples={0,2:1}''::crm.clv_fit_state'),
	('SELECT ''v2 shape=spend n=0 tuples={}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=other n=0 tuples={}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=spend n=0 tuples={}x''::crm.clv_fit_state'),
	-- states of the wrong shape
	('SELECT crm.bgnbd_fit_final(crm.spend_fit_partial(2, 10))'),
	('SELECT crm.gammagamma_fit_final(crm.clv_fit_partial(2, 1, 10))'),
	('SELECT crm.clv_fit_trans_purchases(crm.spend_fit_partial(2, 10), 1, 1, 2)'),
	('SELECT crm.clv_fit_merge(s) FROM (SELECT crm.spend_fit_partial(2, 10) AS s UNION ALL SELECT crm.clv_fit_partial(2, 1, 10)) v')
) v(q);

-- a fit that does not converge says so (WARNING and converged = false): one
-- repeat customer cannot identify four parameters
RESET client_min_messages;
\set VERBOSITY terse
SELECT crm.converged(m) AS converged, crm.customers(m) AS n
FROM (SELECT crm.bgnbd_fit(x, t_x, t) AS m FROM (VALUES (0, 0, 10), (3, 5, 10)) v(x, t_x, t)) s;
-- ... and a fit whose maximum lies at a boundary stops after a bounded number
-- of steps: on these data (repeat purchases geometric, the last one uniform in
-- (0, T): not BG/NBD data) the likelihood keeps rising as a and b run off
-- together towards infinity (the dropout probability's Beta collapsing to one
-- value); the optimizers stop within their caps (500 BFGS steps, 500
-- Nelder-Mead moves per parameter, 500 BFGS steps) instead of crawling on
SELECT crm.converged(m) AS converged, crm.iterations(m) <= 500 + 4 * 500 + 500 AS bounded,
       crm.parameter(m, 'a') > 1e4 AND crm.parameter(m, 'b') > 1e4 AS a_b_diverge
FROM (SELECT crm.bgnbd_fit(x, CASE WHEN x = 0 THEN 0 ELSE t * (abs(hashint4(i + 7)) % 1000) / 1000.0 END, t) AS m
      FROM (SELECT i, floor(-ln((1 + abs(hashint4(i)) % 1000) / 1001.0) * 3)::float8 AS x,
                   39 + (abs(hashint4(i + 3)) % 390) / 10.0 AS t
            FROM generate_series(1, 2000) i) g) s;
\set VERBOSITY default

-- a converged fit whose parameter is nearly unidentified warns: here nobody seems to stop
-- buying, and the dropout parameter a runs towards 0 with a standard error far larger than itself
\set VERBOSITY terse
SELECT crm.converged(m) AS converged, crm.std_error(m, 'a') > crm.parameter(m, 'a') AS a_poorly_identified
FROM (SELECT crm.bgnbd_fit(x, t_x, 52) AS m
      FROM (SELECT CASE WHEN i % 5 = 0 THEN 0 ELSE 1 + i % 9 END AS x,
                   CASE WHEN i % 5 = 0 THEN 0 ELSE 52 - (i % 4) * 1.5 END AS t_x
            FROM generate_series(1, 400) i) v) s;
\set VERBOSITY default
