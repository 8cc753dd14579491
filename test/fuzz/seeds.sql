-- Seeds of the fuzzer (test/fuzz/run): valid values of every crm base type,
-- each produced by the extension itself (aggregates fitted on a small
-- generated data set, constructors), in fuzz_seed(type, value); and in
-- fuzz_use(type, expr) expressions that exercise a value that parsed ($1 is
-- the value).  Deterministic: the data come from generate_series and
-- hashes, not random().
SET client_min_messages = error;
SET statement_timeout = '60s';

-- 80 customers: a first purchase in the first quarter of 1997, then up to
-- 5 repeat purchases at a customer's own gap (most make none), amounts from
-- hashes
CREATE TABLE fuzz_log AS
SELECT c AS customer_id, date '1997-01-01' + first + k * gap AS purchased_on,
       round((5 + abs(hashint4(c * 7919 + k)) % 9000 / 100.0)::numeric, 2)::float8 AS amount
FROM generate_series(1, 80) c,
	LATERAL (SELECT abs(hashint4(c)) % 90 AS first, 7 + abs(hashint4(c + 100)) % 50 AS gap,
	                greatest(abs(hashint4(c + 200)) % 9 - 3, 0) AS repeats) p,
	LATERAL generate_series(0, repeats) k
WHERE first + k * gap < 365;

CREATE TABLE fuzz_summary AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-12-31', interval '1 week')).*
FROM fuzz_log GROUP BY customer_id;

-- survey answers and items
CREATE TABLE fuzz_survey AS
SELECT i, abs(hashint4(i)) % 11 AS nps, 1 + abs(hashint4(i + 1000)) % 5 AS csat,
       1 + abs(hashint4(i + 2000)) % 7 AS ces,
       ARRAY[1 + abs(hashint4(i + 3000)) % 10, 1 + abs(hashint4(i + 4000)) % 10,
             1 + (abs(hashint4(i + 3000)) % 10 + abs(hashint4(i + 5000)) % 3) % 10,
             1 + (abs(hashint4(i + 4000)) % 10 + abs(hashint4(i + 6000)) % 4) % 10]::float8[] AS items
FROM generate_series(1, 40) i;

CREATE TABLE fuzz_seed (type text, value text);
CREATE TABLE fuzz_use (type text, expr text);

-- customer summaries
INSERT INTO fuzz_seed
SELECT 'summary_state', crm.summary_partial(purchased_on, amount, date '1997-09-30', date '1997-12-31',
                                            interval '1 day', interval '1 day')::text
FROM fuzz_log WHERE customer_id IN (3, 6, 13) GROUP BY customer_id;
INSERT INTO fuzz_seed
SELECT 'summary_state', crm.summary_partial(purchased_on::timestamptz, amount::numeric,
       timestamptz '1997-12-31', timestamptz '1997-12-31', interval '1 week', interval '1 month')::text
FROM fuzz_log WHERE customer_id = 20;
INSERT INTO fuzz_use VALUES
	('summary_state', 'crm.summary_final($1)::text'),
	('summary_state', 'crm.holdout_final($1)::text'),
	('summary_state', 'crm.summary_combine($1, $1)::text'),
	('summary_state', 'crm.summary_advance($1, date ''1999-01-01'')::text');

-- RFM
INSERT INTO fuzz_seed
SELECT 'rfm_fit_state', crm.rfm_fit_partial(recency, frequency, monetary_value, 5, m)::text
FROM fuzz_summary, (VALUES ('quantile'), ('ntile')) v(m) GROUP BY m;
INSERT INTO fuzz_seed
SELECT 'rfm_model', crm.rfm_fit(recency, frequency, monetary_value, k, m)::text
FROM fuzz_summary, (VALUES (5, 'quantile'), (3, 'ntile')) v(k, m) GROUP BY k, m;
INSERT INTO fuzz_seed VALUES ('rfm_model', crm.rfm_model('{10,20}', '{2,5}', '{100,500}')::text);
INSERT INTO fuzz_seed
SELECT DISTINCT 'rfm', crm.rfm_score(m, recency, frequency, monetary_value)::text
FROM fuzz_summary, (SELECT crm.rfm_fit(recency, frequency, monetary_value) m FROM fuzz_summary) f
WHERE customer_id % 15 = 0;
INSERT INTO fuzz_use VALUES
	('rfm_fit_state', 'crm.rfm_fit_final($1)::text'),
	('rfm_fit_state', 'crm.rfm_fit_combine($1, $1)::text'),
	('rfm_model', 'crm.rfm_model_jsonb($1)::text'),
	('rfm_model', 'crm.rfm_score($1, 50, 3, 200)::text'),
	('rfm_model', 'crm.rfm_breakpoints($1, ''monetary'')::text'),
	('rfm', 'crm.rfm_segment($1)'),
	('rfm', 'crm.rfm_cell($1)::text'),
	('rfm', 'crm.rfm_hash($1)::text');

-- fit states of the probabilistic models, and the models
INSERT INTO fuzz_seed
SELECT 'clv_fit_state', crm.clv_fit_partial(frequency, recency, t)::text FROM fuzz_summary
UNION ALL SELECT 'clv_fit_state', crm.clv_fit_partial(frequency, recency, t, 1 + customer_id % 3)::text FROM fuzz_summary
UNION ALL SELECT 'clv_fit_state', crm.spend_fit_partial(frequency, monetary_value)::text FROM fuzz_summary WHERE frequency > 0
UNION ALL SELECT 'clv_fit_state', crm.opportunity_fit_partial(least(frequency, 6), least(frequency, 6), 6)::text FROM fuzz_summary
UNION ALL SELECT 'clv_fit_state', crm.tenure_fit_partial(1 + customer_id % 7, customer_id % 3 = 0)::text FROM fuzz_summary
UNION ALL SELECT 'clv_fit_state', crm.duration_fit_partial(t, frequency = 0)::text FROM fuzz_summary
UNION ALL SELECT 'clv_fit_state', crm.clv_fit_partial(frequency, recency, t, ARRAY[customer_id % 2, customer_id % 5 / 4.0],
                                                      ARRAY[customer_id % 3 % 2]::float8[], interval '1 week',
                                                      crm.covariates('{a,b}', '{c}', '{}', 0.5))::text FROM fuzz_summary;
-- time-varying covariates: a covariate path (a gap filled) and a fit state on one-week paths
INSERT INTO fuzz_seed
SELECT 'covariate_path', crm.covariate_path(w, n, ARRAY[z], ARRAY[z, 1 - z], interval '1 week')::text
FROM (VALUES (date '1997-01-05', 1::bigint, 0::float8), (date '1997-01-12', 0, 1), (date '1997-01-26', 2, 0.5)) v(w, n, z)
UNION ALL SELECT 'dyncov_fit_state', crm.dyncov_fit_partial(frequency, recency, t, date '1997-01-01',
         format('v1 period=P7D life=1 trans=1 dated=1 final=1 filled=0 periods=1 rows={%s:%s:%s,%s}',
                (date '1997-01-01' - date '2000-01-01')::bigint * 86400000000, frequency + 1, customer_id % 2, customer_id % 3)::crm.covariate_path,
         crm.covariates('{a}', '{b}'))::text FROM fuzz_summary;
INSERT INTO fuzz_seed
SELECT 'bgnbd', crm.bgnbd_fit(frequency, recency, t)::text FROM fuzz_summary
UNION ALL SELECT 'bgnbd', crm.bgnbd(0.243, 4.414, 0.793, 2.426)::text
UNION ALL SELECT 'mbgnbd', crm.mbgnbd_fit(frequency, recency, t, 1, 0.1)::text FROM fuzz_summary
UNION ALL SELECT 'mbgnbd', crm.mbgnbd(0.525, 6.183, 0.891, 1.614)::text
UNION ALL SELECT 'gammagamma', crm.gammagamma_fit(frequency, monetary_value)::text FROM fuzz_summary WHERE frequency > 0
UNION ALL SELECT 'gammagamma', crm.gammagamma(6.25, 3.74, 15.44)::text
UNION ALL SELECT 'paretonbd', crm.paretonbd_fit(frequency, recency, t)::text FROM fuzz_summary
UNION ALL SELECT 'paretonbd', crm.paretonbd(0.553, 10.578, 0.606, 11.669)::text
UNION ALL SELECT 'paretonbd', crm.paretonbd_fit(frequency, recency, t, ARRAY[customer_id % 2]::float8[], ARRAY[customer_id % 2]::float8[],
                                                crm.covariates('{a}', '{a}', '{a}', 0.1, 0.1))::text FROM fuzz_summary
UNION ALL SELECT 'paretonbd', crm.with_covariates(crm.paretonbd(0.553, 10.578, 0.606, 11.669), crm.covariates('{a,b}', '{c}'),
                                                  '{0.5,-1}', '{2}')::text
UNION ALL SELECT 'ggomnbd', crm.ggomnbd_fit(frequency, recency, t)::text FROM fuzz_summary
UNION ALL SELECT 'ggomnbd', crm.ggomnbd(0.553, 10.578, 0.0002, 0.603, 0.0026)::text
UNION ALL SELECT 'bgbb', crm.bgbb_fit(least(frequency, 6), least(frequency, 6), 6)::text FROM fuzz_summary
UNION ALL SELECT 'bgbb', crm.bgbb(1.204, 0.75, 0.657, 2.783)::text
UNION ALL SELECT 'sbg', crm.sbg_fit(1 + customer_id % 7, customer_id % 3 = 0)::text FROM fuzz_summary
UNION ALL SELECT 'sbg', crm.sbg(0.704, 1.182)::text
UNION ALL SELECT 'survival', crm.km_fit(t, frequency = 0)::text FROM fuzz_summary
UNION ALL SELECT 'survival', crm.km_fit(customer_id % 9, customer_id % 2 = 0, 1 + customer_id % 4)::text FROM fuzz_summary;
INSERT INTO fuzz_use VALUES
	('covariate_path', 'crm.filled_periods($1)::text'),
	('covariate_path', '(SELECT count(*) FROM crm.covariate_path_rows($1))::text'),
	('covariate_path', 'crm.covariate_path_final($1)::text'),
	('dyncov_fit_state', 'crm.dyncov_fit_compact(crm.dyncov_fit_combine($1, $1))::text'),
	('dyncov_fit_state', 'crm.paretonbd_dyncov_fit_final($1)::text'),
	('clv_fit_state', 'crm.clv_fit_customers($1)::text'),
	('clv_fit_state', 'crm.clv_fit_compact(crm.clv_fit_combine($1, $1))::text'),
	('clv_fit_state', 'crm.bgnbd_fit_final($1)::text'),
	('clv_fit_state', 'crm.clv_fit_distinct($1)::text'),
	('clv_fit_state', 'crm.gammagamma_fit_final($1)::text'),
	('clv_fit_state', 'crm.bgbb_fit_final($1)::text'),
	('clv_fit_state', 'crm.sbg_fit_final($1)::text'),
	('clv_fit_state', 'crm.km_fit_final($1)::text'),
	('survival', 'crm.survival_jsonb($1)::text'),
	('survival', 'crm.median_survival($1)::text'),
	('survival', 'crm.survival_at($1, 5)::text'),
	('survival', 'crm.survival_combine($1, $1)::text'),
	('survival', '(SELECT count(*) FROM crm.survival_table($1))::text'),
	('sbg', 'crm.survival($1, 3)::text'),
	('sbg', 'crm.del($1, 0.1)::text'),
	('sbg', 'crm.derl($1, 2, 0.1)::text');
INSERT INTO fuzz_use
SELECT t, e FROM unnest('{bgnbd,mbgnbd,gammagamma,paretonbd,ggomnbd,bgbb,sbg}'::text[]) t,
	unnest(ARRAY[format('crm.%s_jsonb($1)::text', '%s'), '(SELECT count(*) FROM crm.parameters($1))::text',
	             'crm.loglik($1)::text', 'crm.customers($1)::text', 'crm.converged($1)::text']) e0,
	LATERAL (SELECT replace(e0, '%s', t) AS e) x;
INSERT INTO fuzz_use VALUES
	('bgnbd', 'crm.expected_purchases($1, 10, 2, 30, 40)::text'),
	('bgnbd', 'crm.p_alive($1, 2, 30, 40)::text'),
	('bgnbd', 'crm.purchase_probability($1, 2, 10)::text'),
	('mbgnbd', 'crm.expected_purchases($1, 10, 2, 30, 40)::text'),
	('mbgnbd', 'crm.p_alive($1, 2, 30, 40)::text'),
	('gammagamma', 'crm.expected_spend($1, 3, 20)::text'),
	('paretonbd', 'crm.expected_purchases($1, 10, 2, 30, 40)::text'),
	('paretonbd', 'crm.p_alive($1, 2, 30, 40)::text'),
	('paretonbd', 'crm.dert($1, 2, 30, 40, 0.1)::text'),
	('paretonbd', 'crm.p_alive(crm.accept_unconverged($1), 2, 30, 40, ''{1}'', ''{1}'')::text'),
	('paretonbd', '(SELECT count(*) FROM crm.parameters($1))::text'),
	('ggomnbd', 'crm.expected_purchases(crm.accept_unconverged($1), 10, 2, 30, 40)::text'),
	('ggomnbd', 'crm.p_alive(crm.accept_unconverged($1), 2, 30, 40)::text'),
	('ggomnbd', 'crm.dert(crm.accept_unconverged($1), 2, 30, 40, 0.1)::text'),
	('bgbb', 'crm.expected_purchases($1, 5, 2, 4, 6)::text'),
	('bgbb', 'crm.dert($1, 2, 4, 6, 0.1)::text');

-- covariate specs
INSERT INTO fuzz_seed VALUES
	('covariates', crm.covariates('{gender,channel}', '{gender,High.Season}', '{gender}', 0.5, 0.25)::text),
	('covariates', crm.covariates('{}', '{a}')::text);
INSERT INTO fuzz_use VALUES
	('covariates', 'crm.covariate_names($1, ''life'')::text');

-- cohorts
INSERT INTO fuzz_seed
SELECT 'cohort_state', crm.cohort_partial(customer_id, purchased_on, interval '1 month', date '1997-12-31')::text
FROM fuzz_log WHERE customer_id < 6
UNION ALL SELECT 'cohort_state', crm.cohort_partial(customer_id::text, purchased_on::timestamptz, interval '2 weeks', timestamptz '1997-03-31')::text
FROM fuzz_log WHERE customer_id < 30 AND purchased_on <= '1997-03-31'
UNION ALL SELECT 'cohort_table', crm.cohort_fit(customer_id, purchased_on, interval '1 month', date '1997-12-31')::text
FROM fuzz_log
UNION ALL SELECT 'cohort_table', crm.cohort_fit(customer_id, purchased_on, interval '1 week', date '1997-02-28')::text
FROM fuzz_log WHERE customer_id < 20 AND purchased_on <= '1997-02-28';
INSERT INTO fuzz_use VALUES
	('cohort_state', 'crm.cohort_final($1)::text'),
	('cohort_state', 'crm.cohort_compact(crm.cohort_combine($1, $1))::text'),
	('cohort_table', 'crm.cohort_table_jsonb($1)::text'),
	('cohort_table', 'crm.cohort_table_add($1, $1)::text'),
	('cohort_table', '(SELECT count(*) FROM crm.cohort_retention($1))::text'),
	('cohort_table', '(SELECT count(*) FROM crm.cohort_matrix($1))::text'),
	('cohort_table', '(SELECT count(*) FROM crm.period_retention($1))::text'),
	('cohort_table', '(SELECT count(*) FROM crm.average_retention($1))::text');

-- tracking states: the customers' purchase days, weekly and every 3 days
INSERT INTO fuzz_seed
SELECT 'tracking_state', crm.tracking_data(days, date '1997-01-01', interval '1 week', 52)::text
FROM (SELECT array_agg(purchased_on) AS days FROM fuzz_log GROUP BY customer_id) c
UNION ALL SELECT 'tracking_state', crm.tracking_data(days, date '1996-12-30', interval '3 days', 40)::text
FROM (SELECT array_agg(purchased_on) AS days FROM fuzz_log WHERE customer_id < 20 GROUP BY customer_id) c;
INSERT INTO fuzz_use VALUES
	('tracking_state', '(SELECT sum(expected) FROM crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), $1))::text'),
	('tracking_state', 'crm.tracking_combine($1, $1)::text');

-- survey indices
INSERT INTO fuzz_seed
SELECT 'nps', crm.nps_agg(nps)::text FROM fuzz_survey
UNION ALL SELECT 'nps', crm.nps(0, 0, 0)::text
UNION ALL SELECT 'csat', crm.csat_agg(csat, 5)::text FROM fuzz_survey
UNION ALL SELECT 'csat', crm.csat_agg(nps, 10)::text FROM fuzz_survey WHERE nps > 0
UNION ALL SELECT 'ces', crm.ces_agg(ces)::text FROM fuzz_survey
UNION ALL SELECT 'csi_state', crm.csi_agg(items, '{0.4,0.3,0.2,0.1}', 1, 10)::text FROM fuzz_survey
UNION ALL SELECT 'csi_state', crm.csi_agg(items[1:2], '{1,1}', 0, 10)::text FROM fuzz_survey WHERE i < 5;
INSERT INTO fuzz_use VALUES
	('nps', 'crm.nps_jsonb($1)::text'),
	('nps', 'crm.nps_compare($1, $1)::text'),
	('nps', 'crm.nps_combine($1, $1)::text'),
	('csat', 'crm.csat_jsonb($1)::text'),
	('csat', 'crm.csat_top_box($1, 2)::text'),
	('csat', 'crm.csat_combine($1, $1)::text'),
	('ces', 'crm.ces_jsonb($1)::text'),
	('ces', 'crm.ces_combine($1, $1)::text'),
	('csi_state', 'crm.csi_state_jsonb($1)::text'),
	('csi_state', 'crm.csi_item_means($1)::text'),
	('csi_state', 'crm.csi_combine($1, $1)::text');

-- SERVQUAL and the balanced scorecard
INSERT INTO fuzz_seed
SELECT 'servqual_map', crm.servqual_map()::text
UNION ALL SELECT 'servqual_map', 'a=1,3 b=2,4,6 c=5'
UNION ALL SELECT 'servqual_state', crm.servqual_fit('a=1-2 b=3-4'::crm.servqual_map, items, items)::text FROM fuzz_survey
UNION ALL SELECT 'servqual_state', crm.servqual_fit('a=1-2 b=3-4'::crm.servqual_map, items, items, '{1,3}')::text FROM fuzz_survey
UNION ALL SELECT 'bsc_model', crm.bsc_model('{financial,customer}', '{0.6,0.4}', '{revenue_growth,nps,churn}',
	'{financial,customer,customer}', '{higher,higher,lower}', '{0.1,50,0.05}', '{0,0,0.2}', '{1,2,1}')::text;
INSERT INTO fuzz_use VALUES
	('servqual_map', 'crm.servqual_map_jsonb($1)::text'),
	('servqual_state', 'crm.servqual_state_jsonb($1)::text'),
	('servqual_state', '(SELECT array_agg(i::text) FROM crm.servqual_dimensions($1) i)::text'),
	('servqual_state', 'crm.servqual_combine($1, $1)::text'),
	('bsc_model', 'crm.bsc_model_jsonb($1)::text'),
	('bsc_model', '(SELECT array_agg(s::text) FROM crm.bsc_score($1, ''{"nps": 10}'') s)::text');

-- PLS: a state without and with a spec (the fit's own transition), a model
CREATE AGGREGATE fuzz_pls_state(float8[], jsonb) (sfunc = crm.pls_trans, stype = crm.pls_state);
INSERT INTO fuzz_seed
SELECT 'pls_state', crm.pls_partial(items)::text FROM fuzz_survey
UNION ALL SELECT 'pls_state', fuzz_pls_state(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}')::text
FROM fuzz_survey
UNION ALL SELECT 'pls_model', crm.pls_fit(items, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}')::text
FROM fuzz_survey
UNION ALL SELECT 'pls_model', crm.pls_fit(items, '{"blocks": {"A": [1], "B": [2, 3], "C": [4]}, "paths": [["A", "B"], ["B", "C"], ["A", "C"]]}', 'path', true)::text
FROM fuzz_survey;
INSERT INTO fuzz_use VALUES
	('pls_state', '(SELECT count(*) FROM crm.pls_moments($1))::text'),
	('pls_state', 'crm.pls_combine($1, $1)::text'),
	('pls_state', 'crm.pls_fit_final($1)::text'),
	('pls_model', 'crm.pls_model_jsonb($1)::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_paths($1))::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_weights($1))::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_loadings($1))::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_index($1, 1, 10))::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_summary($1))::text'),
	('pls_model', '(SELECT count(*) FROM crm.pls_score($1, ''{1,2,3,4}''))::text');

-- campaign response (all four kinds; the score the spend, the response a
-- repeat purchase, the treatment a flag from the customer id)
INSERT INTO fuzz_seed
SELECT 'campaign_state', crm.response_fit(frequency > 0)::text FROM fuzz_summary
UNION ALL SELECT 'campaign_state', crm.response_fit(frequency > 0, customer_id % 3 <> 0)::text FROM fuzz_summary
UNION ALL SELECT 'campaign_state', crm.gains_fit(monetary_value, frequency > 1)::text FROM fuzz_summary
UNION ALL SELECT 'campaign_state', crm.uplift_fit(round(monetary_value::numeric, -1)::float8, frequency > 0, customer_id % 2 = 0)::text
FROM fuzz_summary;
INSERT INTO fuzz_use VALUES
	('campaign_state', '(crm.campaign_summary($1))::text'),
	('campaign_state', '$1::jsonb::text'),
	('campaign_state', '(SELECT array_agg(r::text) FROM crm.response_rate($1, 0.9) r)::text'),
	('campaign_state', '(crm.response_test($1))::text'),
	('campaign_state', '(SELECT array_agg(g::text) FROM crm.gains_table($1, 3) g)::text'),
	('campaign_state', '(SELECT count(*) FROM crm.gains_curve($1))::text'),
	('campaign_state', 'crm.auc($1)::text'),
	('campaign_state', '(SELECT array_agg(u::text) FROM crm.uplift_table($1) u)::text'),
	('campaign_state', '(SELECT count(*) FROM crm.qini_curve($1))::text'),
	('campaign_state', 'crm.qini($1)::text'),
	('campaign_state', 'crm.campaign_final(crm.campaign_combine($1, $1))::text');

-- cross-selling counts (items only, items and pairs, and the pruned pass
-- with triples): a customer's frequency and rounded spend as a basket
INSERT INTO fuzz_seed
SELECT 'basket_state', crm.basket_fit(ARRAY[frequency::bigint, round(monetary_value / 10)::bigint, customer_id % 3], 1)::text FROM fuzz_summary
UNION ALL SELECT 'basket_state', crm.basket_fit(ARRAY[frequency::bigint, round(monetary_value / 10)::bigint, customer_id % 3])::text FROM fuzz_summary
UNION ALL SELECT 'basket_state',
	crm.basket_fit(ARRAY[frequency::bigint, round(monetary_value / 10)::bigint, customer_id % 3],
	               (SELECT crm.basket_fit(ARRAY[frequency::bigint, round(monetary_value / 10)::bigint, customer_id % 3]) FROM fuzz_summary),
	               0.05)::text FROM fuzz_summary;
INSERT INTO fuzz_use VALUES
	('basket_state', '(crm.basket_summary($1))::text'),
	('basket_state', '$1::jsonb::text'),
	('basket_state', '(SELECT array_agg(f::text) FROM crm.frequent_itemsets($1, 0.1) f)::text'),
	('basket_state', '(SELECT array_agg(r::text) FROM crm.association_rules($1, 0.1, 0.2) r)::text'),
	('basket_state', '(SELECT array_agg(r::text) FROM crm.recommend($1, ''{0,1,2}'', 3) r)::text'),
	('basket_state', 'crm.basket_final(crm.basket_combine($1, $1))::text');
-- service tickets (a ticket per purchase, resolved some hours later or
-- open), their daily backlog, and a service recovery split
INSERT INTO fuzz_seed
SELECT 'ticket_state', crm.ticket_fit(purchased_on::timestamptz,
       CASE WHEN customer_id % 4 <> 0 THEN purchased_on + (customer_id % 50) * interval '97 minutes 3.25 seconds' END,
       timestamptz '1998-01-01 00:00+00')::text FROM fuzz_log
UNION ALL SELECT 'ticket_state', crm.ticket_fit(purchased_on::timestamptz,
       CASE WHEN customer_id % 3 <> 0 THEN purchased_on + (customer_id % 7) * interval '1 hour' END,
       customer_id % 2 = 0, amount > 50, timestamptz '1997-12-31 12:30:00.5+00')::text FROM fuzz_log
UNION ALL SELECT 'backlog_state', crm.backlog_fit(purchased_on::timestamptz,
       CASE WHEN customer_id % 4 <> 0 THEN purchased_on + (customer_id % 50) * interval '1 day' END,
       timestamptz '1997-01-01 00:00+00', timestamptz '1997-12-31 00:00+00', interval '1 week')::text FROM fuzz_log
UNION ALL SELECT 'recovery_state', crm.recovery_fit(frequency > 0, customer_id % 3 <> 0, monetary_value > 30)::text FROM fuzz_summary;
INSERT INTO fuzz_use VALUES
	('ticket_state', '(crm.ticket_summary($1))::text'),
	('ticket_state', '$1::jsonb::text'),
	('ticket_state', '(SELECT array_agg(r::text) FROM crm.ticket_rates($1, 0.9) r)::text'),
	('ticket_state', '(crm.sla_attainment($1, ''4 hours''))::text'),
	('ticket_state', '(SELECT array_agg(q::text) FROM crm.resolution_quantiles($1, ''1 hour'') q)::text'),
	('ticket_state', '(SELECT count(*) FROM crm.resolution_curve($1, ''1 day''))::text'),
	('ticket_state', 'crm.complaint_rate($1, 100)::text'),
	('ticket_state', 'crm.ticket_final(crm.ticket_combine($1, $1))::text'),
	('backlog_state', '(SELECT array_agg(b::text) FROM crm.backlog_table($1) b)::text'),
	('backlog_state', 'crm.backlog_final(crm.backlog_combine($1, $1))::text'),
	('recovery_state', '(SELECT array_agg(r::text) FROM crm.recovery_rates($1) r)::text'),
	('recovery_state', '(SELECT array_agg(r::text) FROM crm.recovery_test($1, 0.9) r)::text'),
	('recovery_state', 'crm.recovery_final(crm.recovery_combine($1, $1))::text');

-- customer value
INSERT INTO fuzz_seed
SELECT 'concentration', crm.concentration_fit(monetary_value)::text FROM fuzz_summary
UNION ALL SELECT 'concentration', crm.concentration_fit(frequency)::text FROM fuzz_summary
UNION ALL SELECT 'value_fit_state', crm.value_tier_fit_partial(monetary_value, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}')::text FROM fuzz_summary
UNION ALL SELECT 'value_fit_state', crm.abc_fit_partial(monetary_value, 0.8, 0.95)::text FROM fuzz_summary
UNION ALL SELECT 'value_fit_state', crm.value_potential_fit_partial(monetary_value, frequency)::text FROM fuzz_summary
UNION ALL SELECT 'value_tier_model', crm.value_tier_fit(monetary_value, '{0.1,0.5,1}', '{"Go\"ld",Silver,Bronze}')::text FROM fuzz_summary
UNION ALL SELECT 'value_tier_model', crm.abc_fit(monetary_value)::text FROM fuzz_summary
UNION ALL SELECT 'value_potential_model', crm.value_potential_fit(monetary_value, frequency)::text FROM fuzz_summary
UNION ALL SELECT 'value_potential_model', crm.value_potential_model(36.11, 10.329)::text;
INSERT INTO fuzz_use VALUES
	('concentration', 'crm.concentration_jsonb($1)::text'),
	('concentration', 'crm.gini($1)::text'),
	('concentration', 'crm.top_share($1, 0.2)::text'),
	('concentration', 'crm.customers_for_share($1, 0.8)::text'),
	('concentration', '(SELECT count(*) FROM crm.lorenz($1, 10))::text'),
	('concentration', 'crm.concentration_final(crm.concentration_combine($1, $1))::text'),
	('value_fit_state', 'crm.value_tier_fit_final($1)::text'),
	('value_fit_state', 'crm.value_potential_fit_final($1)::text'),
	('value_fit_state', 'crm.value_fit_compact(crm.value_fit_combine($1, $1))::text'),
	('value_tier_model', 'crm.value_tier_model_jsonb($1)::text'),
	('value_tier_model', 'crm.value_tier($1, 50)'),
	('value_tier_model', 'crm.abc_class($1, 50)'),
	('value_tier_model', '(SELECT count(*) FROM crm.value_tiers($1))::text'),
	('value_potential_model', 'crm.value_potential_model_jsonb($1)::text'),
	('value_potential_model', 'crm.value_potential($1, 50, 3)');

-- customer lifecycle: migration matrices
INSERT INTO fuzz_seed
SELECT 'migration', crm.migration(CASE WHEN frequency > 0 THEN 'repeat' END, CASE WHEN monetary_value > 30 THEN 'high "value"' WHEN frequency > 1 THEN 'low' END)::text
FROM fuzz_summary
UNION ALL SELECT 'migration', 'v1 customers=3 pairs={"">"x":1,"a\\b">null:2}'
UNION ALL SELECT 'migration', 'v1 customers=3 pairs={"a">"b":1,null>"b":2}';
INSERT INTO fuzz_use VALUES
	('migration', '(SELECT count(*) FROM crm.migration_table($1))::text'),
	('migration', 'crm.migration_combine($1, $1)::text'),
	('migration', 'crm.migration_jsonb($1)::text');

-- lifecycle stages: models, paths and counts
INSERT INTO fuzz_seed VALUES
	('lifecycle_model', crm.lifecycle_model()::text),
	('lifecycle_model', crm.lifecycle_model(interval '0 days', interval '1 month 3 days', interval '6 months', interval '2 years', 0.5, 0.1)::text),
	('stage_path', crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-15', date '2024-09-01'], date '2023-12-31', date '2025-06-30', interval '1 month')::text),
	('stage_counts', (SELECT crm.stage_counts(crm.stage_path(crm.lifecycle_model(), ARRAY[d, d + 200], date '2024-01-31', date '2025-03-31', interval '2 months'))
	                  FROM generate_series(date '2023-06-01', date '2025-01-01', interval '17 days') g(t), LATERAL (SELECT t::date AS d) x)::text);
INSERT INTO fuzz_use VALUES
	('lifecycle_model', 'crm.lifecycle_model_jsonb($1)::text'),
	('lifecycle_model', 'crm.lifecycle_stage($1, ARRAY[date ''2024-01-01'', date ''2024-08-01''], date ''2025-01-01'')'),
	('stage_path', '(SELECT count(*) FROM crm.stage_table($1))::text'),
	('stage_path', 'crm.stage_counts_trans(NULL, $1)::text'),
	('stage_counts', '(SELECT count(*) FROM crm.stage_flow_table($1))::text'),
	('stage_counts', '(SELECT sum(customers) FROM crm.stage_count_table($1))::text'),
	('stage_counts', 'crm.stage_counts_combine($1, $1)::text');

-- sales funnel: first purchase, repeat, loyal (the last purchase of the
-- customers with 3 or more), as of the summaries' date
INSERT INTO fuzz_seed
SELECT 'funnel_state', crm.funnel_fit(ARRAY['first', 'repeat "buyer"', 'loyal'],
                                      ARRAY[first_purchase::timestamp AT TIME ZONE 'UTC',
                                            CASE WHEN frequency > 0 THEN last_purchase::timestamp AT TIME ZONE 'UTC' END,
                                            CASE WHEN frequency > 2 THEN last_purchase::timestamp AT TIME ZONE 'UTC' END],
                                      timestamptz '1997-12-31 00:00+00', interval '1 day')::text
FROM fuzz_summary
UNION ALL SELECT 'funnel_state', 'v1 stages={} skipped=2'
UNION ALL SELECT 'funnel_state', 'v1 stages={"a","b"} as_of=2024-06-30T12:30:00.500000Z unit=PT1H leads=2 skipped=0 inconsistent=1 reached={2,1} timed={2,1} unknown={0,0} cells={0:3:1:1}'
UNION ALL SELECT 'funnel_state', 'v1 stages={"a","b","c"} as_of=2024-06-30T00:00:00Z unit=P1D leads=3 skipped=0 inconsistent=0 reached={3,2,1} timed={3,2,1} unknown={0,0,0} lost={1,0,0} cells={0:2:2:0,0:9:0:1,1:4:1:0,1:20:0:1,2:7:1:0,2:9:0:1,2:22:0:1}';
INSERT INTO fuzz_use VALUES
	('funnel_state', '(crm.funnel_summary($1))::text'),
	('funnel_state', '(SELECT array_agg(t::text) FROM crm.funnel_table($1) t)::text'),
	('funnel_state', '(SELECT array_agg(t::text) FROM crm.funnel_times($1) t)::text'),
	('funnel_state', 'crm.funnel_final(crm.funnel_combine($1, $1))::text');

-- the send (binary) form of a value given as text
CREATE FUNCTION crm_fuzz_send(type text, value text) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	result bytea;
BEGIN
	EXECUTE format('SELECT crm.%I(%L::crm.%I)', type || '_send', value, type) INTO result;
	RETURN result;
END $$;
