-- The source database of the dump/restore test (test/dump/run): crm, the
-- CDNOW sample and the ECSI survey, and tables holding values of every crm
-- base and composite type, made by crm's own aggregates and constructors
-- (fitted models of every kind, partial states, summaries, RFM scores with
-- and without a typmod, survey indices, cohort tables, PLS models, value
-- models), registry rows and a scorecard (full and incremental).  Files are
-- read from $CRM_DATA_DIR (set by test/lib.sh).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION crm;
\i test/load/cdnow.sql
\i test/load/ecsi.sql

-- per-customer values: summaries (weeks, calibration to 1997-09-30),
-- partial states, RFM scores (also with a typmod and in an array)
CREATE TABLE dump_customers AS
SELECT customer_id,
       crm.summary_partial(purchased_on, amount, date '1997-09-30', date '1998-06-30', interval '1 week', interval '1 day') AS state,
       crm.summary(purchased_on, amount, date '1998-06-30', interval '1 week') AS summary,
       crm.calibration_holdout(purchased_on, amount, date '1997-09-30', date '1998-06-30', interval '1 week') AS holdout
FROM cdnow_log GROUP BY customer_id;
ALTER TABLE dump_customers ADD PRIMARY KEY (customer_id);
CREATE TABLE dump_fit_input AS
SELECT customer_id, (holdout).frequency::float8 AS x, (holdout).recency AS t_x, (holdout).t AS t,
       (holdout).monetary_value AS m, (summary).days_since_last::float8 AS r_days,
       (summary).n_transactions::float8 AS f_count, (summary).monetary_total AS m_total
FROM dump_customers;

-- models and states, one column per type; rows hold the variants
CREATE TABLE dump_models (
	variant text PRIMARY KEY,
	rfm_fit_state crm.rfm_fit_state, rfm_model crm.rfm_model, clv_fit_state crm.clv_fit_state,
	bgnbd crm.bgnbd, mbgnbd crm.mbgnbd, gammagamma crm.gammagamma, paretonbd crm.paretonbd,
	ggomnbd crm.ggomnbd, bgbb crm.bgbb, sbg crm.sbg, survival crm.survival,
	cohort_state crm.cohort_state, cohort_table crm.cohort_table,
	nps crm.nps, csat crm.csat, ces crm.ces, csi_state crm.csi_state,
	servqual_map crm.servqual_map, servqual_state crm.servqual_state, bsc_model crm.bsc_model,
	pls_state crm.pls_state, pls_model crm.pls_model,
	concentration crm.concentration, value_fit_state crm.value_fit_state,
	value_tier_model crm.value_tier_model, value_potential_model crm.value_potential_model,
	loyalty_metrics crm.loyalty_metrics, bgnbd_history crm.bgnbd[],
	bgcnbd crm.bgcnbd, mbgcnbd crm.mbgcnbd, covariates crm.covariates,
	holdout_evaluation crm.holdout_evaluation, tracking_state crm.tracking_state,
	campaign_state crm.campaign_state, prediction_interval crm.prediction_interval,
	covariate_path crm.covariate_path, dyncov_fit_state crm.dyncov_fit_state,
	basket_state crm.basket_state,
	funnel_state crm.funnel_state,

	migration crm.migration, lifecycle_model crm.lifecycle_model, stage_path crm.stage_path,
	stage_counts crm.stage_counts,
	ticket_state crm.ticket_state, backlog_state crm.backlog_state,
	recovery_state crm.recovery_state);

-- fitted on CDNOW
INSERT INTO dump_models (variant, rfm_fit_state, rfm_model, clv_fit_state, bgnbd, mbgnbd, gammagamma, paretonbd, ggomnbd,
                         concentration, value_fit_state, value_tier_model, value_potential_model, loyalty_metrics,
                         campaign_state)
SELECT 'cdnow',
       crm.rfm_fit_partial(r_days, f_count, m_total, 5, 'quantile'), crm.rfm_fit(r_days, f_count, m_total),
       crm.clv_fit_partial(x, t_x, t), crm.bgnbd_fit(x, t_x, t), crm.mbgnbd_fit(x, t_x, t, 1, 0.1),
       crm.gammagamma_fit(x, m) FILTER (WHERE x > 0), crm.paretonbd_fit(x, t_x, t), crm.ggomnbd_fit(x, t_x, t),
       crm.concentration_fit(m_total), crm.value_tier_fit_partial(m_total, '{0.01,0.05,0.2,1}', '{Platinum,Gold,Iron,Lead}'),
       crm.value_tier_fit(m_total), crm.value_potential_fit(m_total, x),
       crm.loyalty_metrics(x, t_x, t, m),
       crm.uplift_fit(m_total, x > 1, customer_id % 2 = 0)
FROM dump_fit_input;
UPDATE dump_models SET bgnbd_history = ARRAY[bgnbd, crm.bgnbd(0.243, 4.414, 0.793, 2.426)] WHERE variant = 'cdnow';
-- cross-selling counts: a CDNOW customer's purchase months as a basket
-- (the pruned second pass, so items, pairs and triples)
UPDATE dump_models SET basket_state =
	(WITH b AS (SELECT array_agg((extract(year FROM purchased_on) * 100 + extract(month FROM purchased_on))::bigint) AS items
	            FROM cdnow_log GROUP BY customer_id)
	 SELECT crm.basket_fit(items, (SELECT crm.basket_fit(items) FROM b), 0.02) FROM b)
WHERE variant = 'cdnow';
-- a migration matrix with entering and leaving customers and a label that needs quoting
UPDATE dump_models SET migration =
	(SELECT crm.migration(CASE WHEN x > 0 THEN 'repeat "buyer"' END, CASE WHEN x > 2 THEN 'loyal' WHEN x = 0 THEN 'one-off' END)
	 FROM dump_fit_input) WHERE variant = 'cdnow';
-- a lifecycle model with month thresholds and P(alive) cut-offs, a stage path, stage counts
UPDATE dump_models SET lifecycle_model = crm.lifecycle_model(interval '1 month', interval '2 months 10 days', interval '6 months', interval '1 year', 0.4, 0.05),
	stage_path = crm.stage_path(crm.lifecycle_model(), ARRAY[date '1997-01-15', date '1997-09-01'], date '1996-12-31', date '1998-06-30', interval '1 month'),
	stage_counts = (SELECT crm.stage_counts(crm.stage_path(crm.lifecycle_model(), ARRAY[date '1997-01-01' + x::int * 30, date '1997-01-01' + t_x::int * 7],
	                                                       date '1997-01-31', date '1998-06-30', interval '1 month'))
	                FROM dump_fit_input)
WHERE variant = 'cdnow';
-- tickets (one per customer, opened on the first purchase, resolved x days
-- later or open when x = 0), their weekly backlog and a service recovery split
UPDATE dump_models SET (ticket_state, backlog_state, recovery_state) =
	(SELECT crm.ticket_fit(timestamptz '1997-01-01 00:00+00' + customer_id * interval '1 minute',
	                       CASE WHEN x > 0 THEN timestamptz '1997-01-01 00:00+00' + customer_id * interval '1 minute' + x * interval '1 day' END,
	                       x > 2, customer_id % 5 = 0, timestamptz '1997-03-01 00:00+00'),
	        crm.backlog_fit(timestamptz '1997-01-01 00:00+00' + customer_id * interval '1 minute',
	                        CASE WHEN x > 0 THEN timestamptz '1997-01-01 00:00+00' + customer_id * interval '1 minute' + x * interval '1 day' END,
	                        timestamptz '1997-01-01 00:00+00', timestamptz '1997-03-01 00:00+00', interval '1 week'),
	        crm.recovery_fit(customer_id % 4 = 0, x > 1, m > 20)
	 FROM dump_fit_input) WHERE variant = 'cdnow';
-- a funnel (entry, second purchase week, last purchase week of the repeat
-- buyers) with a stage name that needs quoting, and lost leads (a third of
-- those short of loyal, at the end of their observation)
UPDATE dump_models SET funnel_state =
	(SELECT crm.funnel_fit(ARRAY['entry', '"repeat" buyer', 'loyal'],
	                       ARRAY[e, CASE WHEN x > 0 THEN e + t_x * interval '1 week' END,
	                             CASE WHEN x > 2 THEN e + t * interval '1 week' END],
	                       CASE WHEN x <= 2 AND customer_id % 3 = 0 THEN e + t * interval '1 week' END,
	                       timestamptz '1998-06-30 00:00+00', interval '1 day')
	 FROM (SELECT customer_id, x, t_x, t, timestamptz '1997-01-01 00:00+00' + (customer_id % 90) * interval '1 day' AS e
	       FROM dump_fit_input) i) WHERE variant = 'cdnow';
-- the BG/NBD's holdout evaluation (purchases and spend)
UPDATE dump_models SET holdout_evaluation =
	(SELECT crm.holdout_evaluation((c.holdout).frequency, (c.holdout).frequency_holdout,
	                               crm.expected_purchases(bgnbd, 39, i.x, i.t_x, i.t),
	                               (c.holdout).frequency_holdout * (c.holdout).monetary_value_holdout,
	                               crm.expected_purchases(bgnbd, 39, i.x, i.t_x, i.t) * i.m)
	 FROM dump_customers c JOIN dump_fit_input i USING (customer_id))
WHERE variant = 'cdnow';
-- the 90 % interval of CDNOW's total holdout purchases under the BG/NBD
UPDATE dump_models SET prediction_interval =
	(SELECT crm.total_purchase_interval(bgnbd, crm.parameter_covariance(bgnbd, clv_fit_state), 39, i.x, i.t_x, i.t,
	                                    i.customer_id, 0.9, 100, 1)
	 FROM dump_fit_input i)
WHERE variant = 'cdnow';
INSERT INTO dump_models (variant, rfm_model, clv_fit_state, value_fit_state, value_tier_model)
SELECT 'cdnow_ntile_spend_abc', crm.rfm_fit(r_days, f_count, m_total, 4, 'ntile'), crm.spend_fit_partial(x, m),
       crm.abc_fit_partial(m_total, 0.8, 0.95), crm.abc_fit(m_total)
FROM dump_fit_input;
INSERT INTO dump_models (variant, rfm_model, value_fit_state)
SELECT 'thresholds_potential', crm.rfm_model('{10,20}', '{2,5}', '{100,500}'), crm.value_potential_fit_partial(m_total, x)
FROM dump_fit_input;

-- the regularity models: fitted with k = 2 on CDNOW summaries and their
-- litt (the state with its exact sum of litt), and given parameters
INSERT INTO dump_models (variant, clv_fit_state, bgcnbd, mbgcnbd)
SELECT 'regularity', crm.regularity_fit_partial(x, t_x, t, litt),
       crm.bgcnbd_fit_final(crm.regularity_fit_partial(x, t_x, t, litt), 2), crm.mbgcnbd(3, 0.5, 2.5, 0.9, 1.6)
FROM (SELECT (s).frequency::float8 AS x, (s).recency AS t_x, (s).t AS t, litt
      FROM (SELECT crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') AS s,
                   crm.litt(purchased_on, amount, date '1997-09-30', interval '1 week') AS litt
            FROM cdnow_log GROUP BY customer_id) c) r;

-- covariate specs, and a Pareto/NBD fitted with covariates (made-up 0/1
-- covariates of the CDNOW customers) on its state with covariates
INSERT INTO dump_models (variant, covariates)
VALUES ('covariate_spec', crm.covariates('{gender,channel}', '{gender,High.Season}', '{gender}', 0.5, 0.25));
INSERT INTO dump_models (variant, clv_fit_state, paretonbd)
SELECT 'covariates', crm.clv_fit_partial(x, t_x, t, z, z, crm.covariates('{odd}', '{odd}')),
       crm.paretonbd_fit(x, t_x, t, z, z, crm.covariates('{odd}', '{odd}'))
FROM (SELECT x, t_x, t, ARRAY[customer_id % 2]::float8[] AS z FROM dump_fit_input) c;

-- a covariate path (a long table of weeks, one missing) and the state of a
-- time-varying fit on one-week paths of the CDNOW customers
INSERT INTO dump_models (variant, covariate_path)
SELECT 'covariate_path', crm.covariate_path(w, n, ARRAY[z], ARRAY[z, 1 - z], interval '1 week')
FROM (VALUES (date '1997-01-05', 1::bigint, 0::float8), (date '1997-01-12', 0, 1), (date '1997-01-26', 2, 0)) v(w, n, z);
INSERT INTO dump_models (variant, dyncov_fit_state)
SELECT 'dyncov', crm.dyncov_fit_partial(x, t_x, t, date '1997-01-01',
         format('v1 period=P7D life=1 trans=1 dated=1 final=1 filled=0 periods=1 rows={%s:%s:%s,%s}',
                (date '1997-01-01' - date '2000-01-01')::bigint * 86400000000, x + 1, z, z)::crm.covariate_path,
         crm.covariates('{odd}', '{odd}'))
FROM (SELECT x, t_x, t, (customer_id % 2)::float8 AS z FROM dump_fit_input) c;

-- cohorts of CDNOW, monthly
INSERT INTO dump_models (variant, cohort_state, cohort_table)
SELECT 'cohorts', crm.cohort_partial(customer_id, purchased_on, interval '1 month', date '1998-06-30'),
       crm.cohort_fit(customer_id, purchased_on, interval '1 month', date '1998-06-30')
FROM cdnow_log;

-- tracking: CDNOW's customers by purchase day, 78 weeks from 1997-01-01
INSERT INTO dump_models (variant, tracking_state)
SELECT 'tracking', crm.tracking_data(days, date '1997-01-01', interval '1 week', 78)
FROM (SELECT array_agg(purchased_on) AS days FROM cdnow_log GROUP BY customer_id) c;

-- BG/BB: discrete opportunities of a small generated panel
INSERT INTO dump_models (variant, clv_fit_state, bgbb)
SELECT 'opportunities', crm.opportunity_fit_partial(x, t_x, 6), crm.bgbb_fit(x, t_x, 6, w, 0.1)
FROM (VALUES (0, 0, 30::bigint), (1, 2, 12), (2, 4, 9), (3, 5, 7), (4, 6, 6), (6, 6, 5), (1, 1, 8), (2, 6, 4)) v(x, t_x, w);

-- contractual retention and survival: Fader-Hardie's regular customers, years 0..7
INSERT INTO dump_models (variant, clv_fit_state, sbg, survival)
SELECT 'tenures', crm.tenure_fit_partial(tenure, churned, n), crm.sbg_fit(tenure, churned, n),
       crm.km_fit(tenure::float8, churned, n)
FROM (VALUES (1, true, 369::bigint), (2, true, 163), (3, true, 86), (4, true, 56), (5, true, 37), (6, true, 27),
             (7, true, 21), (7, false, 241)) v(tenure, churned, n);
INSERT INTO dump_models (variant, clv_fit_state)
SELECT 'durations', crm.duration_fit_partial(d, e) FROM (VALUES (0.5, true), (2.25, false), (2.25, true), (9, true)) v(d, e);

-- survey indices: generated answers of 500 respondents
INSERT INTO dump_models (variant, nps, csat, ces, csi_state)
SELECT 'survey', crm.nps_agg(i % 11), crm.csat_agg(1 + (i * 7) % 5, 5), crm.ces_agg(1 + (i * 3) % 7),
       crm.csi_agg(ARRAY[1 + i % 10, 1 + (i * 3) % 10, 1 + (i * 7) % 10]::float8[], '{0.5,0.3,0.2}', 1, 10)
FROM generate_series(1, 500) i;

-- SERVQUAL and the balanced scorecard: a generated survey on the standard
-- map with importance weights, and a two-perspective model
INSERT INTO dump_models (variant, servqual_map, servqual_state, bsc_model)
SELECT 'quality', crm.servqual_map(),
       crm.servqual_fit(crm.servqual_map(), array_fill((1 + i % 7)::float8, ARRAY[22]),
                        array_fill((1 + (i * 3) % 7)::float8, ARRAY[22]), ARRAY[i % 30, 20, 20, 20, 10]::float8[]),
       crm.bsc_model('{financial,customer}', '{0.6,0.4}', '{revenue_growth,nps,churn}', '{financial,customer,customer}',
                     '{higher,higher,lower}', '{0.1,50,0.05}', '{0,0,0.2}', '{1,2,1}')
FROM generate_series(1, 200) i;

-- PLS: the ECSI model, centroid scheme, and the moments of its items
INSERT INTO dump_models (variant, pls_state, pls_model)
SELECT 'ecsi', crm.pls_partial(items), crm.pls_fit(items, :'ecsi_spec', 'centroid', false) FROM ecsi_items;

-- registry rows: one model of each fitted kind
SELECT crm.register_model(bgnbd, date '1997-09-30', 2357, 'dump test', 'cdnow'),
       crm.register_model(mbgnbd, scope => 'cdnow'), crm.register_model(gammagamma, scope => 'cdnow'),
       crm.register_model(paretonbd, scope => 'cdnow'), crm.register_model(rfm_model, scope => 'cdnow'),
       crm.register_model(value_tier_model, scope => 'cdnow', data_window => daterange('1997-01-01', '1998-06-30', '[]'))
FROM dump_models WHERE variant = 'cdnow';
SELECT crm.register_model(bgbb, note => 'generated panel') FROM dump_models WHERE variant = 'opportunities';
SELECT crm.register_model(sbg, input_rows => 1000) FROM dump_models WHERE variant = 'tenures';
SELECT crm.register_model(pls_model, note => 'ECSI') FROM dump_models WHERE variant = 'ecsi';

-- scorecards: full, and incremental (with its table of partial states)
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_full',
                           horizon => 52, discount_rate => 0.01);
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1997-09-30', '1 week', 'sc_inc',
                           incremental => true);
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc',
                           incremental => true, refit => false);

-- RFM scores per customer from the fitted model, also as crm.rfm(5) and in an array
ALTER TABLE dump_customers ADD COLUMN rfm crm.rfm, ADD COLUMN rfm5 crm.rfm(5), ADD COLUMN rfm_pair crm.rfm[];
UPDATE dump_customers c
SET rfm = s.rfm, rfm5 = s.rfm, rfm_pair = ARRAY[s.rfm, crm.rfm(1, 2, 3)]
FROM sc_full s WHERE s.customer_id = c.customer_id;
