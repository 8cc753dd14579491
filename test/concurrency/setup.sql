-- Set-up of the concurrency test (test/concurrency/run): the CDNOW sample,
-- its weekly summaries as of 1997-09-30 (the input of the scoring and fit
-- scripts), a first BG/NBD, Gamma-Gamma and RFM model registered under scope
-- 'conc', a full scorecard sc and an incremental scorecard sc_inc (built in
-- two steps) as of 1998-06-30.  Files are read from $CRM_DATA_DIR.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION crm;
\i test/load/cdnow.sql
CREATE TABLE conc_summaries AS
SELECT customer_id, (s).frequency::float8 AS x, (s).recency AS t_x, (s).t AS t, (s).monetary_value AS m,
       (s).days_since_last::float8 AS r_days, (s).n_transactions::float8 AS f_count, (s).monetary_total AS m_total
FROM (SELECT customer_id, crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') AS s
      FROM cdnow_log GROUP BY customer_id) x
WHERE (s).first_purchase IS NOT NULL;
ALTER TABLE conc_summaries ADD PRIMARY KEY (customer_id);
SELECT crm.register_model(crm.bgnbd_fit(x, t_x, t), date '1997-09-30', count(*), 'set-up', 'conc'),
       crm.register_model(crm.gammagamma_fit(x, m) FILTER (WHERE x > 0), date '1997-09-30', count(*), 'set-up', 'conc'),
       crm.register_model(crm.rfm_fit(r_days, f_count, m_total), date '1997-09-30', count(*), 'set-up', 'conc')
FROM conc_summaries;
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc');
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1997-09-30', '1 week', 'sc_inc',
                           incremental => true);
CALL crm.refresh_scorecard('cdnow_log', 'customer_id', 'purchased_on', 'amount', '1998-06-30', '1 week', 'sc_inc',
                           incremental => true);
