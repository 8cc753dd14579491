-- Bad input to the BG/BB model: every rule raises a clear error with its
-- SQLSTATE (22000 bad data, 22023 bad parameter, 22P02 bad text).
\i test/load/sqlstate_of.sql
CREATE SCHEMA bgbb_errors;
SET search_path = bgbb_errors, public;
SET client_min_messages = error;

SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
	-- inconsistent (x, t_x, n), in fits and in predictions
	('SELECT crm.bgbb_fit(2, 7, 6)'),
	('SELECT crm.bgbb_fit(3, 2, 6)'),
	('SELECT crm.bgbb_fit(0, 2, 6)'),
	('SELECT crm.bgbb_fit(-1, 0, 6)'),
	('SELECT crm.bgbb_fit(1.5, 2, 6)'),
	('SELECT crm.bgbb_fit(1, 2.5, 6)'),
	('SELECT crm.bgbb_fit(1, 2, 6.5)'),
	('SELECT crm.bgbb_fit(0, 0, -1)'),
	('SELECT crm.bgbb_fit(0, 0, 2000000)'),
	('SELECT crm.bgbb_fit(''NaN'', 0, 6)'),
	('SELECT crm.bgbb_fit(1, ''Infinity'', 6)'),
	('SELECT crm.bgbb_fit(1, 1, ''-Infinity'')'),
	('SELECT crm.bgbb_fit(1, 1, 6, -2)'),
	('SELECT crm.bgbb_fit(1, 1, 6, 1, -0.5)'),
	('SELECT crm.bgbb_fit_final(crm.opportunity_fit_partial(1, 1, 6), ''NaN'')'),
	('SELECT crm.p_alive(crm.bgbb(1, 1, 1, 1), 3, 5, 4)'),
	('SELECT crm.p_alive(crm.bgbb(1, 1, 1, 1), 1, ''NaN'', 4)'),
	('SELECT crm.loglik(crm.bgbb(1, 1, 1, 1), 4, 3, 6)'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), 10, 0, 2, 6)'),
	('SELECT crm.dert(crm.bgbb(1, 1, 1, 1), 2, 1, 6, 0.1)'),
	-- data that cannot identify the model
	('SELECT crm.bgbb_fit(0, 0, n) FROM generate_series(1, 20) n'),
	-- future opportunities, counts, discount rates
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), -1)'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), 2.5)'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), ''NaN'')'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), ''Infinity'')'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), 1e7)'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), -3, 1, 1, 6)'),
	('SELECT crm.expected_purchases(crm.bgbb(1, 1, 1, 1), ''Infinity'', 1, 1, 6)'),
	('SELECT crm.purchase_probability(crm.bgbb(1, 1, 1, 1), -1, 10)'),
	('SELECT crm.purchase_probability(crm.bgbb(1, 1, 1, 1), 2, -10)'),
	('SELECT crm.purchase_probability(crm.bgbb(1, 1, 1, 1), 2, ''NaN'')'),
	('SELECT crm.dert(crm.bgbb(1, 1, 1, 1), 2, 4, 6, 0)'),
	('SELECT crm.dert(crm.bgbb(1, 1, 1, 1), 2, 4, 6, -0.1)'),
	('SELECT crm.dert(crm.bgbb(1, 1, 1, 1), 2, 4, 6, ''NaN'')'),
	('SELECT crm.dert(crm.bgbb(1, 1, 1, 1), 2, 4, 6, ''Infinity'')'),
	('SELECT crm.dert(crm.bgbb(1.2, 0.75, 0.66, 2.8), 2, 4, 6, 1e-6)'),
	-- models from bad parameters and text
	('SELECT crm.bgbb(0, 1, 1, 1)'),
	('SELECT crm.bgbb(1, 1, ''NaN'', 1)'),
	('SELECT crm.bgbb(1, 1, 1, ''-Infinity'')'),
	('SELECT crm.parameter(crm.bgbb(1, 1, 1, 1), ''r'')'),
	('SELECT ''alpha=1 beta=1 gamma=1''::crm.bgbb'),
	('SELECT ''alpha=1 beta=1 gamma=1 delta=1 a=2''::crm.bgbb'),
	('SELECT ''alpha=1 beta=1 gamma=1 delta=0''::crm.bgbb'),
	('SELECT ''v1 shape=opportunities n=1 tuples={2,1,6:1}''::crm.clv_fit_state'),
	('SELECT ''v1 shape=opportunities n=1 tuples={1,1,6.5:1}''::crm.clv_fit_state'),
	-- states of the wrong shape
	('SELECT crm.bgbb_fit_final(crm.clv_fit_partial(2, 1, 10))'),
	('SELECT crm.bgnbd_fit_final(crm.opportunity_fit_partial(2, 4, 6))'),
	('SELECT crm.clv_fit_trans_opportunities(crm.clv_fit_partial(2, 1, 10), 1, 1, 6)'),
	('SELECT crm.clv_fit_merge(s) FROM (SELECT crm.opportunity_fit_partial(2, 4, 6) AS s UNION ALL SELECT crm.clv_fit_partial(2, 1, 10)) v')
) v(q);

-- a fit that does not converge says so (WARNING and converged = false): two
-- customers cannot identify four parameters
RESET client_min_messages;
\set VERBOSITY terse
SELECT crm.converged(m) AS converged, crm.customers(m) AS n
FROM (SELECT crm.bgbb_fit(x, t_x, n) AS m FROM (VALUES (0, 0, 6), (3, 5, 6)) v(x, t_x, n)) s;
\set VERBOSITY default
