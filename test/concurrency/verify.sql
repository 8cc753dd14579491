-- After the pgbench run of the concurrency test (test/concurrency/run): the
-- results equal a serial recomputation.  Prints "name|count" lines; every
-- count of mismatches must be 0 (the script checks).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_serial');
-- the incremental scorecard is recomputed the way the set-up and the run
-- made it (its refit sums the merged states in another order than a full
-- refresh, so its Gamma-Gamma model differs from the full one in the last digits)
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1997-09-30', '1 week', 'sc_inc_serial',
                           incremental => true);
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc_serial',
                           incremental => true);
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc_serial',
                           incremental => true, refit => false);
-- a scorecard's rows as text, with the text of its models instead of their ids
CREATE FUNCTION pg_temp.card_rows(card regclass) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT concat_ws(' ', s.customer_id, s.as_of, s.unit, s.first_purchase, s.last_purchase, s.n_transactions, s.frequency,
		                 s.recency, s.t, s.monetary_total, s.monetary_value, s.days_since_last, s.refund_total, s.rfm, s.rfm_segment,
		                 s.p_alive, s.horizon, s.expected_purchases, s.expected_spend, s.clv, b.model, g.model, r.model)
		FROM %s s JOIN crm.model_registry b ON b.id = s.bgnbd_model JOIN crm.model_registry g ON g.id = s.gammagamma_model
		JOIN crm.model_registry r ON r.id = s.rfm_model$q$, card);
END $$;
-- rows of one scorecard missing from the other, both ways
CREATE FUNCTION pg_temp.differing(a regclass, b regclass) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM ((SELECT * FROM pg_temp.card_rows(a) EXCEPT ALL SELECT * FROM pg_temp.card_rows(b))
	                      UNION ALL (SELECT * FROM pg_temp.card_rows(b) EXCEPT ALL SELECT * FROM pg_temp.card_rows(a))) x
$$;
SELECT 'full scorecard rows differing from serial', pg_temp.differing('sc', 'sc_serial');
SELECT 'incremental scorecard rows differing from serial', pg_temp.differing('sc_inc', 'sc_inc_serial');
SELECT 'scorecard rows', (SELECT count(*) FROM sc) + (SELECT count(*) FROM sc_inc) - 2 * (SELECT count(*) FROM conc_summaries);
-- every model fitted and registered during the run = a fresh serial fit
SELECT 'registered fits differing from a fresh fit', count(*) FROM crm.model_registry r,
       (SELECT crm.bgnbd_fit(x, t_x, t)::text AS model FROM conc_summaries) f
WHERE r.note = 'pgbench fit' AND r.model <> f.model;
-- every full refresh during the run registered the same three models as the serial one
SELECT 'refresh models differing from serial', count(*) FROM crm.model_registry r
WHERE r.scope = 'public.sc' AND r.model NOT IN (SELECT model FROM crm.model_registry WHERE scope = 'public.sc_serial');
-- counts (not checked): models registered during the run
SELECT 'info: fits registered', count(*) FROM crm.model_registry WHERE note = 'pgbench fit';
SELECT 'info: full refreshes', count(*) / 3 - 1 FROM crm.model_registry WHERE scope = 'public.sc';
