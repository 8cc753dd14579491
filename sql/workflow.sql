-- Workflows: the model registry, crm.summary_advance, and the scorecard
-- procedure crm.refresh_scorecard (full, idempotent, transactional,
-- incremental), with injection attempts through its name arguments.
-- Reference numbers: CDNOW at 1997-09-30 in weeks, BTYD's BG/NBD r = 0.2425982
-- (1e-4), 2357 customers; everything else is compared with crm's own
-- functions called directly (exact unless stated).
CREATE SCHEMA wf;
SET search_path = wf, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql

-- ---------------------------------------------------------------------------
-- the registry
-- ---------------------------------------------------------------------------

-- tests run in one database: start from an empty registry whose ids restart at 1
TRUNCATE crm.model_registry RESTART IDENTITY;

-- it is an extension configuration table (pg_dump keeps its rows), with its id sequence
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
WHERE e.extname = 'crm' ORDER BY 1;

-- any crm model type is stored as its text form and restored exactly
SELECT crm.register_model(crm.bgnbd(0.243, 4.414, 0.793, 2.426), date '1997-09-30', 2357, 'published', 'paper') AS bg_id,
       crm.register_model(crm.gammagamma(6.25, 3.74, 15.44), note => 'published', scope => 'paper') AS gg_id,
       crm.register_model(crm.rfm_model('{10,20}', '{2,3}', '{50,100}'), scope => 'paper') AS rfm_id,
       crm.register_model(crm.sbg(0.704, 1.182)) AS sbg_id;
SELECT kind, scope, as_of, input_rows, note, model FROM crm.model_registry ORDER BY id;
SELECT crm.latest_bgnbd('paper')::text = crm.bgnbd(0.243, 4.414, 0.793, 2.426)::text AS bgnbd_restored,
       crm.latest_gammagamma()::text = crm.gammagamma(6.25, 3.74, 15.44)::text AS gammagamma_restored,
       crm.latest_rfm_model('paper')::text = crm.rfm_model('{10,20}', '{2,3}', '{50,100}')::text AS rfm_restored,
       crm.latest_model(NULL::crm.sbg)::text = crm.sbg(0.704, 1.182)::text AS sbg_restored,
       crm.latest_bgnbd('no such scope') IS NULL AS unknown_scope_is_null,
       pg_typeof(crm.latest_model(NULL::crm.sbg)) AS restored_type;
-- the latest wins (ties in fitted_at, within one transaction, by id)
SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'paper') > 0 AS registered;
SELECT crm.parameter(crm.latest_bgnbd('paper'), 'b') AS latest_b;
-- only crm model types; not NULL
SELECT sqlstate_of($$SELECT crm.register_model(42)$$) AS not_a_model,
       sqlstate_of($$SELECT crm.register_model(NULL::crm.bgnbd)$$) AS null_model;

-- privileges: everyone reads the registry, only granted roles write it
CREATE ROLE crm_wf_reader;
CREATE ROLE crm_wf_writer;
GRANT INSERT ON crm.model_registry TO crm_wf_writer;
GRANT USAGE ON SCHEMA wf TO crm_wf_reader, crm_wf_writer;
SET ROLE crm_wf_reader;
SELECT crm.parameter(crm.latest_bgnbd('paper'), 'b') AS reader_reads;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 1, 1, 1))$$) AS reader_cannot_register;
SELECT sqlstate_of($$DELETE FROM crm.model_registry$$) AS reader_cannot_delete;
SET ROLE crm_wf_writer;
SELECT crm.register_model(crm.bgnbd(1, 1, 1, 1), scope => 'writer') > 0 AS writer_registers;
SELECT fitted_by FROM crm.model_registry WHERE scope = 'writer';
SELECT sqlstate_of($$UPDATE crm.model_registry SET note = 'x'$$) AS writer_cannot_update;
RESET ROLE;
DELETE FROM crm.model_registry;
REVOKE ALL ON crm.model_registry FROM crm_wf_writer;
REVOKE ALL ON SCHEMA wf FROM crm_wf_reader, crm_wf_writer;
DROP ROLE crm_wf_reader;
DROP ROLE crm_wf_writer;

-- ---------------------------------------------------------------------------
-- crm.summary_advance: a state moved to a later as_of, merged with the state
-- of the newer rows, equals the state of all rows (amounts exact in binary)
-- ---------------------------------------------------------------------------
CREATE TABLE tx (c int, d date, a float8);
INSERT INTO tx VALUES (1, '2024-01-01', 10), (1, '2024-01-20', 2.5), (1, '2024-02-10', 4), (1, '2024-02-10', -1),
                      (2, '2024-02-05', 8), (3, '2024-01-15', 1);
WITH old AS (SELECT c, crm.summary_partial(d, a, '2024-01-31'::date, '2024-01-31'::date, '1 week', '1 day') s
             FROM tx WHERE d <= '2024-01-31' GROUP BY c),
     new AS (SELECT c, crm.summary_partial(d, a, '2024-03-01'::date, '2024-03-01'::date, '1 week', '1 day') s
             FROM tx WHERE d > '2024-01-31' GROUP BY c),
     direct AS (SELECT c, crm.summary_partial(d, a, '2024-03-01'::date, '2024-03-01'::date, '1 week', '1 day') s
                FROM tx GROUP BY c),
     merged AS (SELECT c, CASE WHEN old.s IS NULL THEN new.s WHEN new.s IS NULL THEN crm.summary_advance(old.s, '2024-03-01')
                               ELSE crm.summary_combine(crm.summary_advance(old.s, '2024-03-01'), new.s) END AS s
                FROM old FULL JOIN new USING (c))
SELECT c, merged.s::text = direct.s::text AS merged_equals_direct,
       crm.summary_final(merged.s) = crm.summary_final(direct.s) AS summary_equal
FROM merged JOIN direct USING (c) ORDER BY c;
-- advancing alone changes only T and days since last
SELECT (crm.summary_final(crm.summary_advance(crm.summary_partial(d, a, '2024-01-31'::date, '2024-01-31'::date, '1 week', '1 day'), '2024-03-01'))).*
FROM tx WHERE c = 1 AND d <= '2024-01-31';
SELECT sqlstate_of($$SELECT crm.summary_advance(crm.summary_partial(d, a, '2024-03-01'::date, '2024-03-01'::date, '1 week', '1 day'), '2024-02-01') FROM wf.tx$$) AS backwards,
       sqlstate_of($$SELECT crm.summary_advance(crm.summary_partial(d, a, '2024-02-01'::date, '2024-03-01'::date, '1 week', '1 day'), '2024-03-01') FROM wf.tx$$) AS with_holdout,
       sqlstate_of($$SELECT crm.summary_advance(crm.summary_partial(d::timestamptz, a, '2024-03-01'::timestamptz, '2024-03-01'::timestamptz, '1 week', '1 day'), '2024-03-02') FROM wf.tx$$) AS timestamptz_rows,
       sqlstate_of($$SELECT crm.summary_advance(crm.summary_partial(d, a, '2024-03-01'::date, '2024-03-01'::date, '1 week', '1 day'), 'infinity') FROM wf.tx$$) AS infinite;

-- ---------------------------------------------------------------------------
-- the scorecard, built in one go on CDNOW through 1998-06-30
-- ---------------------------------------------------------------------------
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_full',
                           horizon => 52, discount_rate => 0.01);
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'wf' AND table_name = 'sc_full' ORDER BY ordinal_position;
-- four models fitted and registered for this scorecard, on all 2357 customers
-- (BG/NBD, Gamma-Gamma, RFM and the value pyramid of the CLV)
SELECT kind, scope, as_of, data_window, input_rows, note FROM crm.model_registry ORDER BY id;
-- every customer; the summary equals crm.summary; the scores equal the
-- functions called with the registered models
CREATE TABLE direct AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1998-06-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (s.first_purchase, s.last_purchase, s.n_transactions, s.frequency, s.recency, s.t,
                               s.monetary_total, s.monetary_value, s.days_since_last, s.refund_total, s.unit)
                        IS DISTINCT FROM (d.first_purchase, d.last_purchase, d.n_transactions, d.frequency, d.recency, d.t,
                                          d.monetary_total, d.monetary_value, d.days_since_last, d.refund_total, d.unit)) AS summary_mismatch,
       count(*) FILTER (WHERE s.rfm IS DISTINCT FROM crm.rfm_score(crm.latest_rfm_model('wf.sc_full'), d.days_since_last, d.n_transactions, d.monetary_total)
                           OR s.rfm_segment IS DISTINCT FROM crm.rfm_segment(s.rfm)) AS rfm_mismatch,
       count(*) FILTER (WHERE s.p_alive IS DISTINCT FROM crm.p_alive(crm.latest_bgnbd('wf.sc_full'), d.frequency, d.recency, d.t)
                           OR s.expected_purchases IS DISTINCT FROM crm.expected_purchases(crm.latest_bgnbd('wf.sc_full'), 52, d.frequency, d.recency, d.t)) AS bgnbd_mismatch,
       count(*) FILTER (WHERE s.expected_spend IS DISTINCT FROM crm.expected_spend(crm.latest_gammagamma('wf.sc_full'), d.frequency, d.monetary_value)
                           OR s.clv IS DISTINCT FROM crm.clv(crm.latest_bgnbd('wf.sc_full'), crm.latest_gammagamma('wf.sc_full'),
                                                            d.frequency, d.recency, d.t, d.monetary_value, 52, 0.01)) AS clv_mismatch,
       count(*) FILTER (WHERE s.value_tier IS DISTINCT FROM crm.value_tier(crm.latest_model(NULL::crm.value_tier_model, 'wf.sc_full'), s.clv)) AS tier_mismatch,
       count(*) FILTER (WHERE s.bgnbd_model <> (SELECT max(id) FROM crm.model_registry WHERE kind = 'bgnbd')
                           OR s.value_tier_model <> (SELECT max(id) FROM crm.model_registry WHERE kind = 'value_tier_model')) AS model_id_mismatch,
       count(DISTINCT s.as_of) AS as_of_values, min(s.as_of) AS as_of
FROM sc_full s JOIN direct d USING (customer_id);
-- the scores are in range
SELECT bool_and(p_alive BETWEEN 0 AND 1) AS p_alive_in_range, bool_and(expected_purchases >= 0) AS purchases_ok,
       bool_and(clv >= 0) AS clv_ok FROM sc_full;
-- the value tiers are the default pyramid of the CLV: of 2357 customers the
-- top ceil(1 %) = 24, ceil(5 %) - 24 = 94, ceil(20 %) - 118 = 354 and the
-- other 1885 (no ties at the cut points here), each tier's CLV above the next's
SELECT value_tier, count(*) AS customers, round(min(clv)::numeric, 2) AS min_clv, round(max(clv)::numeric, 2) AS max_clv
FROM sc_full GROUP BY value_tier ORDER BY min(clv) DESC;
SELECT count(*) AS customers_ranked_against_tiers
FROM sc_full a JOIN sc_full b ON a.clv > b.clv
WHERE array_position('{Platinum,Gold,Iron,Lead}'::text[], a.value_tier) > array_position('{Platinum,Gold,Iron,Lead}'::text[], b.value_tier);

-- idempotent: the same call with the same models gives the same rows
CREATE TABLE before AS SELECT * FROM sc_full;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_full',
                           horizon => 52, discount_rate => 0.01, refit => false);
SELECT (SELECT count(*) FROM sc_full) AS customers,
       (SELECT count(*) FROM (SELECT customer_id, frequency, recency, t, monetary_total, rfm, rfm_segment, p_alive, expected_purchases, expected_spend, clv, value_tier, bgnbd_model, gammagamma_model, rfm_model, value_tier_model FROM before
                              EXCEPT SELECT customer_id, frequency, recency, t, monetary_total, rfm, rfm_segment, p_alive, expected_purchases, expected_spend, clv, value_tier, bgnbd_model, gammagamma_model, rfm_model, value_tier_model FROM sc_full) x) AS rows_changed,
       (SELECT count(*) FROM crm.model_registry) AS models_registered;

-- one transaction: a refresh rolled back leaves the previous scorecard and registry
BEGIN;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1997-09-30', '1 week', 'sc_full');
SELECT count(*) AS models_inside, min(sc_full.as_of) AS as_of_inside FROM crm.model_registry, sc_full WHERE sc_full.customer_id = 1;
ROLLBACK;
SELECT count(*) AS models_after, min(sc_full.as_of) AS as_of_after FROM crm.model_registry, sc_full WHERE sc_full.customer_id = 1;
-- a failing refresh changes nothing either (refit => false without models for a new scorecard)
SELECT sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'wf.sc_none', refit => false)$$) AS no_models,
       to_regclass('wf.sc_none') IS NULL AS no_table_left;

-- ---------------------------------------------------------------------------
-- incremental: through 1997-09-30, then only the newer rows through
-- 1998-06-30 (models refitted explicitly, refit => true) equals sc_full
-- ---------------------------------------------------------------------------
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1997-09-30', '1 week', 'sc_inc',
                           horizon => 52, discount_rate => 0.01, incremental => true);
-- the calibration fit is BTYD's (r within 1e-4), on all 2357 customers
SELECT abs(crm.parameter(crm.latest_bgnbd('wf.sc_inc'), 'r') - 0.2425982) < 1e-4 AS r_is_btyd,
       crm.customers(crm.latest_bgnbd('wf.sc_inc')) AS customers,
       (SELECT count(*) FROM sc_inc_state) AS states, (SELECT min(as_of) FROM sc_inc_state) AS states_as_of;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc',
                           horizon => 52, discount_rate => 0.01, incremental => true, refit => true);
-- equal to the one-go scorecard: every column but the model ids and
-- refreshed_at exactly, except the spend-based ones (monetary totals are
-- summed in another order, so they may differ in the last bit, and the
-- Gamma-Gamma fit and CLV by 1e-13 relative): within 1e-9 relative
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (i.as_of, i.unit, i.first_purchase, i.last_purchase, i.n_transactions, i.frequency, i.recency, i.t,
                               i.days_since_last, i.rfm, i.rfm_segment, i.p_alive, i.horizon, i.expected_purchases, i.value_tier)
                        IS DISTINCT FROM (f.as_of, f.unit, f.first_purchase, f.last_purchase, f.n_transactions, f.frequency, f.recency, f.t,
                                          f.days_since_last, f.rfm, f.rfm_segment, f.p_alive, f.horizon, f.expected_purchases, f.value_tier)) AS exact_mismatch,
       count(*) FILTER (WHERE NOT (abs(i.monetary_total - f.monetary_total) <= 1e-9 * abs(f.monetary_total)
                               AND abs(i.monetary_value - f.monetary_value) <= 1e-9 * abs(f.monetary_value)
                               AND abs(i.refund_total - f.refund_total) <= 1e-9 * abs(f.refund_total)
                               AND abs(i.expected_spend - f.expected_spend) <= 1e-9 * abs(f.expected_spend)
                               AND abs(i.clv - f.clv) <= 1e-9 * abs(f.clv))) AS spend_mismatch,
       (SELECT count(*) FROM sc_full) - count(*) AS missing
FROM sc_inc i JOIN sc_full f USING (customer_id);
-- the refits were recorded: four per refresh, at each as_of
SELECT kind, as_of, count(*) FROM crm.model_registry WHERE scope = 'wf.sc_inc' GROUP BY 1, 2 ORDER BY 2, 1;
-- the same as_of again reads no new row and changes nothing; an earlier one or another unit is refused
CREATE TABLE inc_before AS SELECT customer_id, frequency, recency, t, monetary_total, clv FROM sc_inc;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc',
                           horizon => 52, discount_rate => 0.01, incremental => true, refit => false);
SELECT count(*) AS rows_changed FROM (SELECT * FROM inc_before EXCEPT SELECT customer_id, frequency, recency, t, monetary_total, clv FROM sc_inc) x;
SELECT sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-01-01', '1 week', 'wf.sc_inc', incremental => true)$$) AS earlier,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-07-31', '1 day', 'wf.sc_inc', incremental => true)$$) AS other_unit;

-- ---------------------------------------------------------------------------
-- injection attempts through the name arguments fail safely
-- ---------------------------------------------------------------------------
SELECT sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id FROM wf.cdnow_log; DROP TABLE wf.cdnow_log; --', 'purchased_on', 'amount', '1998-06-30', '1 week', 'wf.sc_x')$$) AS through_customer_column,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on)::date; DROP TABLE wf.cdnow_log; --', 'amount', '1998-06-30', '1 week', 'wf.sc_x')$$) AS through_time_column,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log; DROP TABLE wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'wf.sc_x')$$) AS through_source,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'wf.sc_x (id int); DROP TABLE wf.cdnow_log; --')$$) AS through_target;
-- a target that is a valid quoted identifier is just an odd table name
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week',
                           'wf."sc; DROP TABLE wf.cdnow_log"', refit => false, bgnbd => crm.bgnbd(0.243, 4.414, 0.793, 2.426),
                           gammagamma => crm.gammagamma(6.25, 3.74, 15.44), rfm_model => crm.latest_rfm_model('wf.sc_full'),
                           value_tiers => crm.latest_model(NULL::crm.value_tier_model, 'wf.sc_full'));
SELECT (SELECT count(*) FROM wf."sc; DROP TABLE wf.cdnow_log") AS odd_table_rows,
       (SELECT count(*) FROM cdnow_log) AS cdnow_rows_intact,
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'wf'::regnamespace AND relname LIKE 'sc_x%') AS nothing_created;
-- other bad arguments
SELECT sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'cds', 'amount', '1998-06-30', '1 week', 'wf.sc_x')$$) AS time_not_a_date,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', NULL, '1 week', 'wf.sc_x')$$) AS null_as_of,
       sqlstate_of($$CALL crm.refresh_scorecard('wf.cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'a.b.c.d')$$) AS four_part_target;

RESET search_path;
DELETE FROM crm.model_registry;
SET client_min_messages = warning;
DROP SCHEMA wf CASCADE;
RESET client_min_messages;
