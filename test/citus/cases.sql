-- The cases of the Citus test (test/citus/run): every crm aggregate (every
-- overload), each called over one table of test/citus/setup.sql; run by
-- citus_check (test/citus/check.sql) globally and grouped by the table's
-- distribution column.  The tolerance column is 0 (equal text forms)
-- unless a case says why not.  psql variable: ecsi_spec (test/load/ecsi.sql).
INSERT INTO citus_cases (name, agg, tab, call) VALUES
-- customer summaries of the log (date/timestamptz x float8/numeric)
('summary', 'crm.summary(date, float8, date, interval)', 'log',
 $$crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week')$$),
('summary_period', 'crm.summary(date, float8, date, interval, interval)', 'log',
 $$crm.summary(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('summary_numeric', 'crm.summary(date, numeric, date, interval)', 'log',
 $$crm.summary(purchased_on, amount_n, DATE '1997-09-30', INTERVAL '1 week')$$),
('summary_numeric_period', 'crm.summary(date, numeric, date, interval, interval)', 'log',
 $$crm.summary(purchased_on, amount_n, DATE '1997-09-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('summary_tz', 'crm.summary(timestamptz, float8, timestamptz, interval)', 'log',
 $$crm.summary(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week')$$),
('summary_tz_period', 'crm.summary(timestamptz, float8, timestamptz, interval, interval)', 'log',
 $$crm.summary(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
('summary_tz_numeric', 'crm.summary(timestamptz, numeric, timestamptz, interval)', 'log',
 $$crm.summary(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week')$$),
('summary_tz_numeric_period', 'crm.summary(timestamptz, numeric, timestamptz, interval, interval)', 'log',
 $$crm.summary(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
('calibration_holdout', 'crm.calibration_holdout(date, float8, date, date, interval)', 'log',
 $$crm.calibration_holdout(purchased_on, amount, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week')$$),
('calibration_holdout_period', 'crm.calibration_holdout(date, float8, date, date, interval, interval)', 'log',
 $$crm.calibration_holdout(purchased_on, amount, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('calibration_holdout_numeric', 'crm.calibration_holdout(date, numeric, date, date, interval)', 'log',
 $$crm.calibration_holdout(purchased_on, amount_n, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week')$$),
('calibration_holdout_numeric_period', 'crm.calibration_holdout(date, numeric, date, date, interval, interval)', 'log',
 $$crm.calibration_holdout(purchased_on, amount_n, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('calibration_holdout_tz', 'crm.calibration_holdout(timestamptz, float8, timestamptz, timestamptz, interval)', 'log',
 $$crm.calibration_holdout(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week')$$),
('calibration_holdout_tz_period', 'crm.calibration_holdout(timestamptz, float8, timestamptz, timestamptz, interval, interval)', 'log',
 $$crm.calibration_holdout(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
('calibration_holdout_tz_numeric', 'crm.calibration_holdout(timestamptz, numeric, timestamptz, timestamptz, interval)', 'log',
 $$crm.calibration_holdout(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week')$$),
('calibration_holdout_tz_numeric_period', 'crm.calibration_holdout(timestamptz, numeric, timestamptz, timestamptz, interval, interval)', 'log',
 $$crm.calibration_holdout(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
-- litt (sum of log inter-purchase times) of the log, every overload
('litt', 'crm.litt(date, float8, date, interval)', 'log',
 $$crm.litt(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week')$$),
('litt_period', 'crm.litt(date, float8, date, interval, interval)', 'log',
 $$crm.litt(purchased_on, amount, DATE '1997-09-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('litt_numeric', 'crm.litt(date, numeric, date, interval)', 'log',
 $$crm.litt(purchased_on, amount_n, DATE '1997-09-30', INTERVAL '1 week')$$),
('litt_numeric_period', 'crm.litt(date, numeric, date, interval, interval)', 'log',
 $$crm.litt(purchased_on, amount_n, DATE '1997-09-30', INTERVAL '1 week', INTERVAL '1 week')$$),
('litt_tz', 'crm.litt(timestamptz, float8, timestamptz, interval)', 'log',
 $$crm.litt(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week')$$),
('litt_tz_period', 'crm.litt(timestamptz, float8, timestamptz, interval, interval)', 'log',
 $$crm.litt(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
('litt_tz_numeric', 'crm.litt(timestamptz, numeric, timestamptz, interval)', 'log',
 $$crm.litt(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week')$$),
('litt_tz_numeric_period', 'crm.litt(timestamptz, numeric, timestamptz, interval, interval)', 'log',
 $$crm.litt(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', INTERVAL '1 week', INTERVAL '1 week')$$),
('summary_partial', 'crm.summary_partial(date, float8, date, date, interval, interval)', 'log',
 $$crm.summary_partial(purchased_on, amount, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week', INTERVAL '1 day')$$),
('summary_partial_numeric', 'crm.summary_partial(date, numeric, date, date, interval, interval)', 'log',
 $$crm.summary_partial(purchased_on, amount_n, DATE '1997-09-30', DATE '1998-06-30', INTERVAL '1 week', INTERVAL '1 day')$$),
('summary_partial_tz', 'crm.summary_partial(timestamptz, float8, timestamptz, timestamptz, interval, interval)', 'log',
 $$crm.summary_partial(purchased_at, amount, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week', INTERVAL '1 day')$$),
('summary_partial_tz_numeric', 'crm.summary_partial(timestamptz, numeric, timestamptz, timestamptz, interval, interval)', 'log',
 $$crm.summary_partial(purchased_at, amount_n, TIMESTAMPTZ '1997-09-30 00:00+00', TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 week', INTERVAL '1 day')$$),
('summary_merge', 'crm.summary_merge(crm.summary_state)', 'states', $$crm.summary_merge(summary)$$),
-- RFM
('rfm_fit', 'crm.rfm_fit(float8, float8, float8)', 'customers',
 $$crm.rfm_fit(days_since_last, n_transactions, monetary_total)$$),
('rfm_fit_bins', 'crm.rfm_fit(float8, float8, float8, integer)', 'customers',
 $$crm.rfm_fit(days_since_last, n_transactions, monetary_total, 4)$$),
('rfm_fit_method', 'crm.rfm_fit(float8, float8, float8, integer, text)', 'customers',
 $$crm.rfm_fit(days_since_last, n_transactions, monetary_total, 5, 'ntile')$$),
('rfm_fit_partial', 'crm.rfm_fit_partial(float8, float8, float8, integer, text)', 'customers',
 $$crm.rfm_fit_partial(days_since_last, n_transactions, monetary_total, 5, 'quantile')$$),
('rfm_fit_merge', 'crm.rfm_fit_merge(crm.rfm_fit_state)', 'states', $$crm.rfm_fit_merge(rfm)$$),
-- CLV model fits
('bgnbd_fit', 'crm.bgnbd_fit(float8, float8, float8)', 'customers', $$crm.bgnbd_fit(frequency, recency, t)$$),
('bgnbd_fit_weighted', 'crm.bgnbd_fit(float8, float8, float8, bigint)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, weight)$$),
('bgnbd_fit_penalized', 'crm.bgnbd_fit(float8, float8, float8, bigint, float8)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, weight, 0.01)$$),
('bgnbd_fit_unit', 'crm.bgnbd_fit(float8, float8, float8, interval)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, INTERVAL '1 week')$$),
('bgnbd_fit_penalized_unit', 'crm.bgnbd_fit(float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, weight, 0.01, INTERVAL '1 week')$$),
('mbgnbd_fit', 'crm.mbgnbd_fit(float8, float8, float8)', 'customers', $$crm.mbgnbd_fit(frequency, recency, t)$$),
('mbgnbd_fit_weighted', 'crm.mbgnbd_fit(float8, float8, float8, bigint)', 'customers',
 $$crm.mbgnbd_fit(frequency, recency, t, weight)$$),
('mbgnbd_fit_penalized', 'crm.mbgnbd_fit(float8, float8, float8, bigint, float8)', 'customers',
 $$crm.mbgnbd_fit(frequency, recency, t, weight, 0.01)$$),
('mbgnbd_fit_unit', 'crm.mbgnbd_fit(float8, float8, float8, interval)', 'customers',
 $$crm.mbgnbd_fit(frequency, recency, t, INTERVAL '1 week')$$),
('mbgnbd_fit_penalized_unit', 'crm.mbgnbd_fit(float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.mbgnbd_fit(frequency, recency, t, weight, 0.01, INTERVAL '1 week')$$),
('paretonbd_fit', 'crm.paretonbd_fit(float8, float8, float8)', 'customers', $$crm.paretonbd_fit(frequency, recency, t)$$),
('paretonbd_fit_weighted', 'crm.paretonbd_fit(float8, float8, float8, bigint)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, weight)$$),
('paretonbd_fit_penalized', 'crm.paretonbd_fit(float8, float8, float8, bigint, float8)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, weight, 0.01)$$),
('paretonbd_fit_unit', 'crm.paretonbd_fit(float8, float8, float8, interval)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, INTERVAL '1 week')$$),
('paretonbd_fit_penalized_unit', 'crm.paretonbd_fit(float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, weight, 0.01, INTERVAL '1 week')$$),
('ggomnbd_fit', 'crm.ggomnbd_fit(float8, float8, float8)', 'customers', $$crm.ggomnbd_fit(frequency, recency, t)$$),
('ggomnbd_fit_weighted', 'crm.ggomnbd_fit(float8, float8, float8, bigint)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, weight)$$),
('ggomnbd_fit_penalized', 'crm.ggomnbd_fit(float8, float8, float8, bigint, float8)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, weight, 0.01)$$),
('ggomnbd_fit_unit', 'crm.ggomnbd_fit(float8, float8, float8, interval)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, INTERVAL '1 week')$$),
('ggomnbd_fit_penalized_unit', 'crm.ggomnbd_fit(float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, weight, 0.01, INTERVAL '1 week')$$),
('gammagamma_fit', 'crm.gammagamma_fit(float8, float8)', 'customers', $$crm.gammagamma_fit(frequency, monetary_value)$$),
('gammagamma_fit_weighted', 'crm.gammagamma_fit(float8, float8, bigint)', 'customers',
 $$crm.gammagamma_fit(frequency, monetary_value, weight)$$),
('gammagamma_fit_penalized', 'crm.gammagamma_fit(float8, float8, bigint, float8)', 'customers',
 $$crm.gammagamma_fit(frequency, monetary_value, weight, 0.01)$$),
('gammagamma_fit_unit', 'crm.gammagamma_fit(float8, float8, interval)', 'customers',
 $$crm.gammagamma_fit(frequency, monetary_value, INTERVAL '1 week')$$),
('gammagamma_fit_penalized_unit', 'crm.gammagamma_fit(float8, float8, bigint, float8, interval)', 'customers',
 $$crm.gammagamma_fit(frequency, monetary_value, weight, 0.01, INTERVAL '1 week')$$),
('bgbb_fit', 'crm.bgbb_fit(float8, float8, float8)', 'donors', $$crm.bgbb_fit(x, t_x, n)$$),
('bgbb_fit_weighted', 'crm.bgbb_fit(float8, float8, float8, bigint)', 'donations', $$crm.bgbb_fit(x, t_x, n, weights)$$),
('bgbb_fit_penalized', 'crm.bgbb_fit(float8, float8, float8, bigint, float8)', 'donations',
 $$crm.bgbb_fit(x, t_x, n, weights, 0.01)$$),
('sbg_fit', 'crm.sbg_fit(integer, boolean)', 'customers', $$crm.sbg_fit(tenure, churned)$$),
('sbg_fit_weighted', 'crm.sbg_fit(integer, boolean, bigint)', 'customers', $$crm.sbg_fit(tenure, churned, weight)$$),
-- the regularity models (k chosen by likelihood) and their partial state
('bgcnbd_fit', 'crm.bgcnbd_fit(float8, float8, float8, float8)', 'customers', $$crm.bgcnbd_fit(frequency, recency, t, litt)$$),
('bgcnbd_fit_weighted', 'crm.bgcnbd_fit(float8, float8, float8, float8, bigint)', 'customers',
 $$crm.bgcnbd_fit(frequency, recency, t, litt, weight)$$),
('bgcnbd_fit_penalized', 'crm.bgcnbd_fit(float8, float8, float8, float8, bigint, float8)', 'customers',
 $$crm.bgcnbd_fit(frequency, recency, t, litt, weight, 0.01)$$),
('bgcnbd_fit_unit', 'crm.bgcnbd_fit(float8, float8, float8, float8, interval)', 'customers',
 $$crm.bgcnbd_fit(frequency, recency, t, litt, INTERVAL '1 week')$$),
('bgcnbd_fit_penalized_unit', 'crm.bgcnbd_fit(float8, float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.bgcnbd_fit(frequency, recency, t, litt, weight, 0.01, INTERVAL '1 week')$$),
('mbgcnbd_fit', 'crm.mbgcnbd_fit(float8, float8, float8, float8)', 'customers', $$crm.mbgcnbd_fit(frequency, recency, t, litt)$$),
('mbgcnbd_fit_weighted', 'crm.mbgcnbd_fit(float8, float8, float8, float8, bigint)', 'customers',
 $$crm.mbgcnbd_fit(frequency, recency, t, litt, weight)$$),
('mbgcnbd_fit_penalized', 'crm.mbgcnbd_fit(float8, float8, float8, float8, bigint, float8)', 'customers',
 $$crm.mbgcnbd_fit(frequency, recency, t, litt, weight, 0.01)$$),
('mbgcnbd_fit_unit', 'crm.mbgcnbd_fit(float8, float8, float8, float8, interval)', 'customers',
 $$crm.mbgcnbd_fit(frequency, recency, t, litt, INTERVAL '1 week')$$),
('mbgcnbd_fit_penalized_unit', 'crm.mbgcnbd_fit(float8, float8, float8, float8, bigint, float8, interval)', 'customers',
 $$crm.mbgcnbd_fit(frequency, recency, t, litt, weight, 0.01, INTERVAL '1 week')$$),
('regularity_fit_partial', 'crm.regularity_fit_partial(float8, float8, float8, float8)', 'customers',
 $$crm.regularity_fit_partial(frequency, recency, t, litt)$$),
('regularity_fit_partial_weighted', 'crm.regularity_fit_partial(float8, float8, float8, float8, bigint)', 'customers',
 $$crm.regularity_fit_partial(frequency, recency, t, litt, weight)$$),
('regularity_fit_partial_unit', 'crm.regularity_fit_partial(float8, float8, float8, float8, interval)', 'customers',
 $$crm.regularity_fit_partial(frequency, recency, t, litt, INTERVAL '1 week')$$),
-- partial fit states and their merge
('clv_fit_partial', 'crm.clv_fit_partial(float8, float8, float8)', 'customers', $$crm.clv_fit_partial(frequency, recency, t)$$),
('clv_fit_partial_weighted', 'crm.clv_fit_partial(float8, float8, float8, bigint)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, weight)$$),
('clv_fit_partial_unit', 'crm.clv_fit_partial(float8, float8, float8, interval)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, INTERVAL '1 week')$$),
('spend_fit_partial', 'crm.spend_fit_partial(float8, float8)', 'customers', $$crm.spend_fit_partial(frequency, monetary_value)$$),
('spend_fit_partial_weighted', 'crm.spend_fit_partial(float8, float8, bigint)', 'customers',
 $$crm.spend_fit_partial(frequency, monetary_value, weight)$$),
('spend_fit_partial_unit', 'crm.spend_fit_partial(float8, float8, interval)', 'customers',
 $$crm.spend_fit_partial(frequency, monetary_value, INTERVAL '1 week')$$),
('opportunity_fit_partial', 'crm.opportunity_fit_partial(float8, float8, float8)', 'donors',
 $$crm.opportunity_fit_partial(x, t_x, n)$$),
('opportunity_fit_partial_weighted', 'crm.opportunity_fit_partial(float8, float8, float8, bigint)', 'donations',
 $$crm.opportunity_fit_partial(x, t_x, n, weights)$$),
('tenure_fit_partial', 'crm.tenure_fit_partial(integer, boolean)', 'customers', $$crm.tenure_fit_partial(tenure, churned)$$),
('tenure_fit_partial_weighted', 'crm.tenure_fit_partial(integer, boolean, bigint)', 'customers',
 $$crm.tenure_fit_partial(tenure, churned, weight)$$),
-- time-varying covariates: the covariate path of a long table (one row per
-- customer here: a day each), the fit on paths and its partial state
('covariate_path', 'crm.covariate_path(date, bigint, float8[], float8[], interval)', 'customers',
 $$crm.covariate_path(DATE '2000-01-01' + customer_id, frequency::bigint, life_z, trans_z, INTERVAL '1 day')$$),
('covariate_path_tz', 'crm.covariate_path(timestamptz, bigint, float8[], float8[], interval)', 'customers',
 $$crm.covariate_path(TIMESTAMPTZ '2000-01-01 00:00+00' + customer_id * INTERVAL '1 day', frequency::bigint, life_z, trans_z, INTERVAL '1 day')$$),
('paretonbd_fit_dyncov', 'crm.paretonbd_dyncov_fit(float8, float8, float8, date, crm.covariate_path, crm.covariates)', 'customers',
 $$crm.paretonbd_dyncov_fit(frequency, recency, t, days[1], path, crm.covariates('{odd,third}', '{pair}'))$$),
('paretonbd_fit_dyncov_tz', 'crm.paretonbd_dyncov_fit(float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates)', 'customers',
 $$crm.paretonbd_dyncov_fit(frequency, recency, t, days[1]::timestamp AT TIME ZONE 'UTC', path_tz, crm.covariates('{odd,third}', '{pair}'))$$),
('dyncov_fit_partial', 'crm.dyncov_fit_partial(float8, float8, float8, date, crm.covariate_path, crm.covariates)', 'customers',
 $$crm.dyncov_fit_partial(frequency, recency, t, days[1], path, crm.covariates('{odd,third}', '{pair}'))$$),
('dyncov_fit_partial_tz', 'crm.dyncov_fit_partial(float8, float8, float8, timestamptz, crm.covariate_path, crm.covariates)', 'customers',
 $$crm.dyncov_fit_partial(frequency, recency, t, days[1]::timestamp AT TIME ZONE 'UTC', path_tz, crm.covariates('{odd,third}', '{pair}'))$$),
-- static covariates: every fit with covariates, and its partial state
('clv_fit_partial_covariates', 'crm.clv_fit_partial(float8, float8, float8, float8[], float8[], crm.covariates)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, life_z, trans_z, crm.covariates('{odd,third}', '{pair}'))$$),
('clv_fit_partial_covariates_weighted', 'crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, crm.covariates)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, life_z, trans_z, weight, crm.covariates('{odd,third}', '{pair}'))$$),
('clv_fit_partial_covariates_unit', 'crm.clv_fit_partial(float8, float8, float8, float8[], float8[], interval, crm.covariates)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, life_z, trans_z, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('clv_fit_partial_covariates_weighted_unit', 'crm.clv_fit_partial(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates)', 'customers',
 $$crm.clv_fit_partial(frequency, recency, t, life_z, trans_z, weight, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('paretonbd_fit_covariates', 'crm.paretonbd_fit(float8, float8, float8, float8[], float8[], crm.covariates)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, life_z, trans_z, crm.covariates('{odd,third}', '{pair}'))$$),
('paretonbd_fit_covariates_weighted', 'crm.paretonbd_fit(float8, float8, float8, float8[], float8[], bigint, crm.covariates)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, life_z, trans_z, weight, crm.covariates('{odd,third}', '{pair}'))$$),
('paretonbd_fit_covariates_unit', 'crm.paretonbd_fit(float8, float8, float8, float8[], float8[], interval, crm.covariates)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, life_z, trans_z, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('paretonbd_fit_covariates_weighted_unit', 'crm.paretonbd_fit(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates)', 'customers',
 $$crm.paretonbd_fit(frequency, recency, t, life_z, trans_z, weight, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('bgnbd_fit_covariates', 'crm.bgnbd_fit(float8, float8, float8, float8[], float8[], crm.covariates)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, life_z, trans_z, crm.covariates('{odd,third}', '{pair}'))$$),
('bgnbd_fit_covariates_weighted', 'crm.bgnbd_fit(float8, float8, float8, float8[], float8[], bigint, crm.covariates)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, life_z, trans_z, weight, crm.covariates('{odd,third}', '{pair}'))$$),
('bgnbd_fit_covariates_unit', 'crm.bgnbd_fit(float8, float8, float8, float8[], float8[], interval, crm.covariates)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, life_z, trans_z, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('bgnbd_fit_covariates_weighted_unit', 'crm.bgnbd_fit(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates)', 'customers',
 $$crm.bgnbd_fit(frequency, recency, t, life_z, trans_z, weight, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('ggomnbd_fit_covariates', 'crm.ggomnbd_fit(float8, float8, float8, float8[], float8[], crm.covariates)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, life_z, trans_z, crm.covariates('{odd,third}', '{pair}'))$$),
('ggomnbd_fit_covariates_weighted', 'crm.ggomnbd_fit(float8, float8, float8, float8[], float8[], bigint, crm.covariates)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, life_z, trans_z, weight, crm.covariates('{odd,third}', '{pair}'))$$),
('ggomnbd_fit_covariates_unit', 'crm.ggomnbd_fit(float8, float8, float8, float8[], float8[], interval, crm.covariates)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, life_z, trans_z, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('ggomnbd_fit_covariates_weighted_unit', 'crm.ggomnbd_fit(float8, float8, float8, float8[], float8[], bigint, interval, crm.covariates)', 'customers',
 $$crm.ggomnbd_fit(frequency, recency, t, life_z, trans_z, weight, INTERVAL '1 week', crm.covariates('{odd,third}', '{pair}'))$$),
('clv_fit_merge', 'crm.clv_fit_merge(crm.clv_fit_state)', 'states', $$crm.clv_fit_merge(purchases)$$),
('dyncov_fit_merge', 'crm.dyncov_fit_merge(crm.dyncov_fit_state)', 'states', $$crm.dyncov_fit_merge(dyncov)$$),
-- cohorts: crm.cohort_fit and crm.cohort_partial for every customer id
-- type with a concrete overload (integer, the log's id, as is; the others
-- cast from it) and the anyelement form (numeric ids), date and
-- timestamptz events: below
('cohort_merge', 'crm.cohort_merge(crm.cohort_state)', 'states', $$crm.cohort_merge(cohort)$$),
-- (a global cohort table of ids without a concrete overload, on Citus)
('cohort_two_step', 'crm.cohort_merge(crm.cohort_state)', 'cohort_parts', $$crm.cohort_final(crm.cohort_merge(state))$$),
('cohort_sum', 'crm.cohort_sum(crm.cohort_table)', 'states', $$crm.cohort_sum(cohort_table)$$),
-- tracking a customer base (births per day, repeat purchases per week)
('tracking_data', 'crm.tracking_data(date[], date, interval, integer)', 'customers',
 $$crm.tracking_data(days, DATE '1997-01-01', INTERVAL '1 week', 78)$$),
('tracking_merge', 'crm.tracking_merge(crm.tracking_state)', 'states', $$crm.tracking_merge(tracking)$$),
-- survival
('km_fit', 'crm.km_fit(float8, boolean)', 'customers', $$crm.km_fit(duration, churned)$$),
('km_fit_weighted', 'crm.km_fit(float8, boolean, bigint)', 'customers', $$crm.km_fit(duration, churned, weight)$$),
('duration_fit_partial', 'crm.duration_fit_partial(float8, boolean)', 'customers',
 $$crm.duration_fit_partial(duration, churned)$$),
('duration_fit_partial_weighted', 'crm.duration_fit_partial(float8, boolean, bigint)', 'customers',
 $$crm.duration_fit_partial(duration, churned, weight)$$),
('survival_merge', 'crm.survival_merge(crm.survival)', 'states', $$crm.survival_merge(survival)$$),
-- survey indices
('nps_agg', 'crm.nps_agg(integer)', 'survey', $$crm.nps_agg(nps)$$),
('nps_merge', 'crm.nps_merge(crm.nps)', 'states', $$crm.nps_merge(nps)$$),
('csat_agg', 'crm.csat_agg(integer, integer)', 'survey', $$crm.csat_agg(csat, 5)$$),
('csat_merge', 'crm.csat_merge(crm.csat)', 'states', $$crm.csat_merge(csat)$$),
('ces_agg', 'crm.ces_agg(integer)', 'survey', $$crm.ces_agg(ces)$$),
('ces_merge', 'crm.ces_merge(crm.ces)', 'states', $$crm.ces_merge(ces)$$),
('csi_agg', 'crm.csi_agg(float8[], float8[], float8, float8)', 'survey',
 $$crm.csi_agg(items, ARRAY[0.5, 0.3, 0.2], 1, 10)$$),
('csi_merge', 'crm.csi_merge(crm.csi_state)', 'states', $$crm.csi_merge(csi)$$),
-- SERVQUAL gaps (the three items as a two-dimension map, perceptions fixed)
('servqual_fit', 'crm.servqual_fit(crm.servqual_map, float8[], float8[])', 'survey',
 $$crm.servqual_fit('a=1-2 b=3'::crm.servqual_map, items, ARRAY[5, ces, csat]::float8[])$$),
('servqual_fit_weighted', 'crm.servqual_fit(crm.servqual_map, float8[], float8[], float8[])', 'survey',
 $$crm.servqual_fit('a=1-2 b=3'::crm.servqual_map, items, ARRAY[5, ces, csat]::float8[], ARRAY[nps, 10 - nps]::float8[])$$),
('servqual_merge', 'crm.servqual_merge(crm.servqual_state)', 'states', $$crm.servqual_merge(servqual)$$),
-- PLS path models
('pls_fit', 'crm.pls_fit(float8[], jsonb)', 'ecsi', 'crm.pls_fit(items, ' || quote_literal(:'ecsi_spec') || '::jsonb)'),
('pls_fit_scheme', 'crm.pls_fit(float8[], jsonb, text)', 'ecsi',
 'crm.pls_fit(items, ' || quote_literal(:'ecsi_spec') || '::jsonb, ''path'')'),
('pls_fit_scaled', 'crm.pls_fit(float8[], jsonb, text, boolean)', 'ecsi',
 'crm.pls_fit(items, ' || quote_literal(:'ecsi_spec') || '::jsonb, ''factorial'', false)'),
('pls_partial', 'crm.pls_partial(float8[])', 'ecsi', $$crm.pls_partial(items)$$),
('pls_merge', 'crm.pls_merge(crm.pls_state)', 'states', $$crm.pls_merge(pls)$$),
-- customer value
('concentration_fit', 'crm.concentration_fit(float8)', 'customers', $$crm.concentration_fit(monetary_total)$$),
('concentration_merge', 'crm.concentration_merge(crm.concentration)', 'states', $$crm.concentration_merge(concentration)$$),
-- campaign response: churn as the response, a flag from the customer id as
-- the treatment, the spend (many distinct values) or the recency as the score
('response_fit', 'crm.response_fit(boolean)', 'customers', $$crm.response_fit(churned)$$),
('response_fit_treated', 'crm.response_fit(boolean, boolean)', 'customers', $$crm.response_fit(churned, customer_id % 3 <> 0)$$),
('gains_fit', 'crm.gains_fit(float8, boolean)', 'customers', $$crm.gains_fit(monetary_value, churned)$$),
('uplift_fit', 'crm.uplift_fit(float8, boolean, boolean)', 'customers', $$crm.uplift_fit(recency, churned, customer_id % 3 <> 0)$$),
('campaign_merge', 'crm.campaign_merge(crm.campaign_state)', 'states', $$crm.campaign_merge(campaign)$$),
-- cross-selling rules: a customer's three survey item scores as a basket
-- (10 distinct items); the pruned pass with a fixed prior (a literal, so
-- every node reads the same one) that has pairs, so triples are counted
('basket_fit', 'crm.basket_fit(bigint[])', 'survey', $$crm.basket_fit(items::bigint[])$$),
('basket_fit_items', 'crm.basket_fit(bigint[], integer)', 'survey', $$crm.basket_fit(items::bigint[], 1)$$),
('basket_fit_prior', 'crm.basket_fit(bigint[], crm.basket_state, float8)', 'survey',
 $$crm.basket_fit(items::bigint[], 'v1 depth=2 baskets=10 skipped=0 empty=0 null_items=0 pruned_at=0 prior_baskets=0 items={1:5,2:5,3:5,4:1,5:5,6:5,7:5,8:5,9:5,10:5} pairs={1:2:5,1:3:5,1:5:5,2:3:5,2:5:5,3:5:5,6:7:1} triples={}', 0.3)$$),
('basket_merge', 'crm.basket_merge(crm.basket_state)', 'states', $$crm.basket_merge(basket)$$),
-- service tickets: each purchase a ticket opened at purchased_at, resolved
-- some hours later or never (customer_id % 4 = 0), as of 1998-07-01; the
-- backlog steps by 168 hours (no time zone dependence on the workers)
('ticket_fit', 'crm.ticket_fit(timestamptz, timestamptz, timestamptz)', 'log',
 $$crm.ticket_fit(purchased_at, CASE WHEN customer_id % 4 <> 0 THEN purchased_at + (customer_id % 97) * INTERVAL '1 hour' END, TIMESTAMPTZ '1998-07-01 00:00+00')$$),
('ticket_fit_flags', 'crm.ticket_fit(timestamptz, timestamptz, boolean, boolean, timestamptz)', 'log',
 $$crm.ticket_fit(purchased_at, CASE WHEN customer_id % 4 <> 0 THEN purchased_at + (customer_id % 97) * INTERVAL '1 hour' END, amount > 20, customer_id % 7 = 0, TIMESTAMPTZ '1998-07-01 00:00+00')$$),
('ticket_merge', 'crm.ticket_merge(crm.ticket_state)', 'states', $$crm.ticket_merge(tickets)$$),
('backlog_fit', 'crm.backlog_fit(timestamptz, timestamptz, timestamptz, timestamptz, interval)', 'log',
 $$crm.backlog_fit(purchased_at, CASE WHEN customer_id % 4 <> 0 THEN purchased_at + (customer_id % 97) * INTERVAL '1 hour' END, TIMESTAMPTZ '1997-01-01 00:00+00', TIMESTAMPTZ '1998-07-01 00:00+00', INTERVAL '168 hours')$$),
('backlog_merge', 'crm.backlog_merge(crm.backlog_state)', 'states', $$crm.backlog_merge(backlog)$$),
('recovery_fit', 'crm.recovery_fit(boolean, boolean, boolean)', 'customers', $$crm.recovery_fit(frequency > 1, customer_id % 3 <> 0, NOT churned)$$),
('recovery_merge', 'crm.recovery_merge(crm.recovery_state)', 'states', $$crm.recovery_merge(recovery)$$),
('value_tier_fit', 'crm.value_tier_fit(float8)', 'customers', $$crm.value_tier_fit(monetary_total)$$),
('value_tier_fit_cuts', 'crm.value_tier_fit(float8, float8[])', 'customers',
 $$crm.value_tier_fit(monetary_total, ARRAY[0.1, 0.5, 1])$$),
('value_tier_fit_names', 'crm.value_tier_fit(float8, float8[], text[])', 'customers',
 $$crm.value_tier_fit(monetary_total, ARRAY[0.1, 0.5, 1], ARRAY['top', 'middle', 'bottom'])$$),
('value_tier_fit_partial', 'crm.value_tier_fit_partial(float8, float8[], text[])', 'customers',
 $$crm.value_tier_fit_partial(monetary_total, ARRAY[0.1, 0.5, 1], ARRAY['top', 'middle', 'bottom'])$$),
('abc_fit', 'crm.abc_fit(float8)', 'customers', $$crm.abc_fit(monetary_total)$$),
('abc_fit_shares', 'crm.abc_fit(float8, float8, float8)', 'customers', $$crm.abc_fit(monetary_total, 0.7, 0.9)$$),
('abc_fit_partial', 'crm.abc_fit_partial(float8, float8, float8)', 'customers',
 $$crm.abc_fit_partial(monetary_total, 0.8, 0.95)$$),
-- customer lifecycle: migration between two segmentations of the customers
('migration', 'crm.migration(text, text)', 'customers',
 $$crm.migration(CASE WHEN frequency > 0 THEN 'repeat' WHEN monetary_total > 50 THEN 'big' END,
                 CASE WHEN days_since_last < 91 THEN 'active' WHEN customer_id % 7 = 0 THEN NULL ELSE 'lapsed' END)$$),
('migration_merge', 'crm.migration_merge(crm.migration)', 'states', $$crm.migration_merge(migration)$$),
-- lifecycle stages: monthly stage paths of the customers, counted
('stage_counts', 'crm.stage_counts(crm.stage_path)', 'customers',
 $$crm.stage_counts(crm.stage_path(crm.lifecycle_model(), days, DATE '1997-01-31', DATE '1998-06-30', INTERVAL '1 month'))$$),
('stage_counts_merge', 'crm.stage_counts_merge(crm.stage_counts)', 'states', $$crm.stage_counts_merge(stages)$$),
-- a funnel of the first, second and third purchase days (NULL where a
-- customer bought on fewer days)
('funnel_fit', 'crm.funnel_fit(text[], timestamptz[], timestamptz, interval)', 'customers',
 $$crm.funnel_fit(ARRAY['first', 'second', 'third'],
                  ARRAY[days[1]::timestamp AT TIME ZONE 'UTC', days[2]::timestamp AT TIME ZONE 'UTC',
                        days[3]::timestamp AT TIME ZONE 'UTC'],
                  TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 day')$$),
-- the same funnel with lost leads: a customer short of a third purchase day
-- is lost 180 days after their last one
('funnel_fit_lost', 'crm.funnel_fit(text[], timestamptz[], timestamptz, timestamptz, interval)', 'customers',
 $$crm.funnel_fit(ARRAY['first', 'second', 'third'],
                  ARRAY[days[1]::timestamp AT TIME ZONE 'UTC', days[2]::timestamp AT TIME ZONE 'UTC',
                        days[3]::timestamp AT TIME ZONE 'UTC'],
                  CASE WHEN cardinality(days) < 3 THEN (days[cardinality(days)] + 180)::timestamp AT TIME ZONE 'UTC' END,
                  TIMESTAMPTZ '1998-06-30 00:00+00', INTERVAL '1 day')$$),
('funnel_merge', 'crm.funnel_merge(crm.funnel_state)', 'states', $$crm.funnel_merge(funnel)$$),
('value_potential_fit', 'crm.value_potential_fit(float8, float8)', 'customers',
 $$crm.value_potential_fit(monetary_total, monetary_value)$$),
('value_potential_fit_partial', 'crm.value_potential_fit_partial(float8, float8)', 'customers',
 $$crm.value_potential_fit_partial(monetary_total, monetary_value)$$),
('value_fit_merge', 'crm.value_fit_merge(crm.value_fit_state)', 'states', $$crm.value_fit_merge(value)$$),
('loyalty_metrics', 'crm.loyalty_metrics(float8, float8, float8, float8)', 'customers',
 $$crm.loyalty_metrics(frequency, recency, t, monetary_value)$$),
-- holdout evaluation (numbers standing in for actual and expected values)
('holdout_evaluation', 'crm.holdout_evaluation(bigint, float8, float8)', 'customers',
 $$crm.holdout_evaluation(frequency::bigint, days_since_last / 7.0, recency / 2)$$),
('holdout_evaluation_spend', 'crm.holdout_evaluation(bigint, float8, float8, float8, float8)', 'customers',
 $$crm.holdout_evaluation(frequency::bigint, days_since_last / 7.0, recency / 2, monetary_total, monetary_value)$$),
('holdout_evaluation_merge', 'crm.holdout_evaluation_merge(crm.holdout_evaluation)', 'states',
 $$crm.holdout_evaluation_merge(holdout)$$),
-- prediction intervals of totals (given models and covariances; 100 draws)
('total_purchase_interval_bgnbd', 'crm.total_purchase_interval(crm.bgnbd, float8[], float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_purchase_interval(crm.bgnbd(0.243, 4.414, 0.793, 2.426), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], 39, frequency, recency, t, customer_id, 0.9, 100, 1)$$),
('total_clv_interval_bgnbd', 'crm.total_clv_interval(crm.bgnbd, crm.gammagamma, float8[], float8[], float8, float8, float8, float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_clv_interval(crm.bgnbd(0.243, 4.414, 0.793, 2.426), crm.gammagamma(6.25, 3.74, 15.44), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], '{{0.01,0,0},{0,0.01,0},{0,0,0.01}}'::float8[], frequency, recency, t, monetary_value, 52, 0.01, 0.3, customer_id, 0.9, 100, 1)$$),
('total_purchase_interval_mbgnbd', 'crm.total_purchase_interval(crm.mbgnbd, float8[], float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_purchase_interval(crm.mbgnbd(0.243, 4.414, 0.793, 2.426), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], 39, frequency, recency, t, customer_id, 0.9, 100, 1)$$),
('total_clv_interval_mbgnbd', 'crm.total_clv_interval(crm.mbgnbd, crm.gammagamma, float8[], float8[], float8, float8, float8, float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_clv_interval(crm.mbgnbd(0.243, 4.414, 0.793, 2.426), crm.gammagamma(6.25, 3.74, 15.44), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], '{{0.01,0,0},{0,0.01,0},{0,0,0.01}}'::float8[], frequency, recency, t, monetary_value, 52, 0.01, 0.3, customer_id, 0.9, 100, 1)$$),
('total_purchase_interval_paretonbd', 'crm.total_purchase_interval(crm.paretonbd, float8[], float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_purchase_interval(crm.paretonbd(0.553, 10.578, 0.606, 11.669), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], 39, frequency, recency, t, customer_id, 0.9, 100, 1)$$),
('total_clv_interval_paretonbd', 'crm.total_clv_interval(crm.paretonbd, crm.gammagamma, float8[], float8[], float8, float8, float8, float8, float8, float8, float8, bigint, float8, integer, bigint)', 'customers',
 $$crm.total_clv_interval(crm.paretonbd(0.553, 10.578, 0.606, 11.669), crm.gammagamma(6.25, 3.74, 15.44), '{{0.01,0.005,0,0},{0.005,0.01,0,0},{0,0,0.02,0.01},{0,0,0.01,0.02}}'::float8[], '{{0.01,0,0},{0,0.01,0},{0,0,0.01}}'::float8[], frequency, recency, t, monetary_value, 52, 0.01, 0.3, customer_id, 0.9, 100, 1)$$);

-- Sums of floats in another order.  A global summary adds the amounts of
-- all rows into one state (crm sums numeric amounts as float8 too): on
-- Citus each shard adds its rows and the coordinator adds the four sums in
-- the order the workers answer, so monetary sums (and the means made of
-- them) agree to about 1e-15 relative, not always to the last digit; the
-- same for merged summary states, for PLS (item means and co-moments, and
-- the model computed from them), for loyalty_metrics (sums of x, x m,
-- T, t_x), for the holdout evaluations (sums and co-moments), for the
-- total CLV intervals (per-draw sums of simulated margins; the total
-- purchase intervals add whole numbers and are exact) and for SERVQUAL
-- (dimension and overall sums add respondents' means).
-- Grouped by customer (the log) or segment, each group's rows
-- are added on one shard in the order the single node adds them: those
-- results are exact, and so is every other case.
UPDATE citus_cases SET tolerance = 1e-12
WHERE name ~ '^(summary|calibration_holdout|pls_|loyalty_metrics|holdout_evaluation|total_clv_interval|servqual_)';

-- The cohort aggregates over the log, one case per overload: name
-- cohort_fit|cohort_partial, _tz for timestamptz events, _TYPE for an id
-- type other than integer (the log's); citext ids (spelled in two cases)
-- resolve to the text overload and must count as one customer per id
INSERT INTO citus_cases (name, agg, tab, call)
SELECT format('%s%s%s', a, CASE WHEN ev = 'timestamptz' THEN '_tz' END,
              CASE WHEN id <> 'integer' THEN '_' || id END),
       format('crm.%s(%s, %s, interval, %s)', a, CASE id WHEN 'numeric' THEN 'anyelement' WHEN 'citext' THEN 'text' ELSE id END, ev, ev)::regprocedure,
       'log',
       format('crm.%s(%s, %s, INTERVAL ''1 month'', %s)', a, expr,
              CASE WHEN ev = 'date' THEN 'purchased_on' ELSE 'purchased_at' END,
              CASE WHEN ev = 'date' THEN 'DATE ''1998-06-30''' ELSE 'TIMESTAMPTZ ''1998-06-30 00:00+00''' END)
FROM (VALUES ('integer', 'customer_id'), ('smallint', 'customer_id::smallint'), ('bigint', 'customer_id::bigint'),
             ('text', '''c'' || customer_id'), ('uuid', 'md5(customer_id::text)::uuid'),
             ('numeric', 'customer_id::numeric'), ('citext', 'customer_ci')) i(id, expr),
     (VALUES ('cohort_fit'), ('cohort_partial')) g(a),
     (VALUES ('date'), ('timestamptz')) e(ev)
ORDER BY a, ev, i.id <> 'integer', i.id;

-- Known failures (reported as such, not counted as passed or failed; one
-- that starts to pass is a FAILED line until it is taken off this list).
-- Citus runs a global aggregate through worker_partial_agg only when the
-- row's argument types equal the aggregate's declared ones, so never for
-- the anyelement forms of the cohort aggregates (ids of a type without a
-- concrete overload: numeric here); grouped by the distribution column they
-- run whole on the workers and pass.
UPDATE citus_cases
SET known_error = 'worker_partial_agg_sfunc could not confirm type correctness',
    known_reason = 'anyelement customer id (Citus requires declared = actual argument types; cast the id to bigint or text)'
WHERE name ~ '^cohort_(fit|partial)(_tz)?_numeric$';
UPDATE citus_cases SET dcol = 'customer_id' WHERE name = 'cohort_two_step';

-- The negative control of the plan check: an aggregate with an internal
-- state (serialize/deserialize functions, which Citus 13 does not use), so
-- Citus pulls its rows to the coordinator (row-gather) and citus_check must
-- find no partial pushdown (test citus/plan_check_control)
CREATE AGGREGATE public.internal_avg(numeric) (
	SFUNC = numeric_avg_accum, STYPE = internal, FINALFUNC = numeric_avg,
	COMBINEFUNC = numeric_avg_combine, SERIALFUNC = numeric_avg_serialize,
	DESERIALFUNC = numeric_avg_deserialize, PARALLEL = SAFE);
INSERT INTO citus_cases (name, agg, tab, call, control) VALUES
('internal_avg', 'public.internal_avg(numeric)', 'customers', $$public.internal_avg(monetary_total::numeric)$$, true);
