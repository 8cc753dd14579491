-- pgbench script: score every customer with the latest registered models
SELECT count(*), sum(crm.clv(crm.latest_bgnbd('conc'), crm.latest_gammagamma('conc'), x, t_x, t, m, 52, 0.01)),
       sum(crm.p_alive(crm.latest_bgnbd('conc'), x, t_x, t)),
       count(DISTINCT crm.rfm_score(crm.latest_rfm_model('conc'), r_days, f_count, m_total))
FROM conc_summaries;
