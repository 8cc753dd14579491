-- pgbench script: fit BG/NBD on the summaries and register the model
SELECT crm.register_model(crm.bgnbd_fit(x, t_x, t), date '1997-09-30', count(*), 'pgbench fit', 'conc')
FROM conc_summaries;
