-- The synthetic part of the CLV benchmark (see test/bench/clv.sh), after
-- clv_synth is loaded: the model fitted once for the recovery check and
-- the size of the fit state.  Run with psql -At; prints
--   customers|repeat customers|max x|distinct tuples|state bytes
\set ON_ERROR_STOP on
VACUUM ANALYZE clv_synth;
CREATE TABLE clv_synth_models AS
SELECT crm.bgnbd_fit(x, t_x, t) AS bgnbd, crm.gammagamma_fit(x, monetary_value) AS gammagamma
FROM clv_synth;
INSERT INTO clv_params (dataset, who, model, parameter, estimate, std_error)
SELECT 'synthetic', 'crm', 'bgnbd', p.* FROM clv_synth_models, crm.parameters(bgnbd) p
UNION ALL SELECT 'synthetic', 'crm', 'gammagamma', p.* FROM clv_synth_models, crm.parameters(gammagamma) p;
INSERT INTO clv_fits (dataset, who, model, customers, ll, iterations, converged)
SELECT 'synthetic', 'crm', 'bgnbd', crm.customers(bgnbd), crm.loglik(bgnbd), crm.iterations(bgnbd), crm.converged(bgnbd) FROM clv_synth_models
UNION ALL SELECT 'synthetic', 'crm', 'gammagamma', crm.customers(gammagamma), crm.loglik(gammagamma), crm.iterations(gammagamma), crm.converged(gammagamma) FROM clv_synth_models;

SELECT count(*), count(*) FILTER (WHERE x > 0), max(x),
       crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t)),
       pg_column_size(crm.clv_fit_partial(x, t_x, t))
FROM clv_synth;
