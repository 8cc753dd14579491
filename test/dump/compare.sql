-- What the dump/restore test (test/dump/run) compares between the source
-- database and each restored one: the output of this script must be
-- identical.  It prints every user table's columns (with typmods), row count
-- and an md5 of all its rows' text forms (sorted), the registry's id
-- sequence, and accessor results of the stored values (hashed where long).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

-- the tables, their columns and their rows
SELECT c.oid::regclass AS tab, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind = 'r' AND c.relnamespace IN ('public'::regnamespace, 'crm'::regnamespace)
GROUP BY c.oid ORDER BY c.oid::regclass::text;
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t', c.oid::regclass, c.oid::regclass)
FROM pg_class c
WHERE c.relkind = 'r' AND c.relnamespace IN ('public'::regnamespace, 'crm'::regnamespace)
ORDER BY c.oid::regclass::text \gexec
SELECT 'registry sequence', last_value, is_called FROM crm.model_registry_id_seq;

-- accessors of the per-customer values, with the stored models
SELECT 'customers', md5(string_agg(concat_ws(' ', c.customer_id, crm.summary_final(c.state), crm.holdout_final(c.state),
                                             (c.summary).frequency, (c.holdout).frequency_holdout, crm.r(c.rfm), crm.f(c.rfm5),
                                             crm.rfm_cell(c.rfm_pair[1]), crm.rfm_segment(c.rfm),
                                             crm.rfm_score(m.rfm_model, i.r_days, i.f_count, i.m_total),
                                             crm.p_alive(m.bgnbd, i.x, i.t_x, i.t), crm.p_alive(m.paretonbd, i.x, i.t_x, i.t),
                                             crm.p_alive(crm.accept_unconverged(m.ggomnbd), i.x, i.t_x, i.t),
                                             crm.expected_purchases(m.mbgnbd, 52, i.x, i.t_x, i.t),
                                             crm.clv(m.bgnbd, m.gammagamma, i.x, i.t_x, i.t, i.m, 52, 0.01),
                                             crm.value_tier(m.value_tier_model, i.m_total),
                                             crm.value_potential(m.value_potential_model, i.m_total, i.x)), E'\n' ORDER BY c.customer_id))
FROM dump_customers c JOIN dump_fit_input i USING (customer_id), dump_models m WHERE m.variant = 'cdnow';

-- accessors of each model and state
SELECT variant, md5(concat_ws(' | ', crm.rfm_bins(rfm_model), crm.rfm_breakpoints(rfm_model, 'monetary'),
                 (SELECT array_agg(p::text) FROM crm.parameters(bgnbd) p), crm.loglik(bgnbd), crm.std_error(mbgnbd, 'r'), crm.iterations(gammagamma),
                 crm.converged(paretonbd), (SELECT array_agg(p::text) FROM crm.parameters(ggomnbd) p), crm.expected_purchases(bgbb, 10), crm.dert(bgbb, 2, 4, 6, 0.1),
                 crm.retention_rate(sbg, 3), crm.del(sbg, 0.1), crm.median_survival(survival), crm.survival_at(survival, 2.5),
                 crm.clv_fit_distinct(clv_fit_state), (SELECT array_agg(r::text) FROM crm.average_retention(cohort_table) r),
                 crm.nps_score(nps), crm.nps_ci_low(nps), crm.csat_score(csat), crm.ces_mean(ces), crm.csi_score(csi_state),
                 servqual_map, crm.servqual_gap(servqual_state), bsc_model,
                 crm.pls_gof(pls_model), (SELECT array_agg(p::text) FROM crm.pls_paths(pls_model) p),
                 (SELECT array_agg(p::text) FROM crm.pls_moments(pls_state) p),
                 crm.gini(concentration), crm.top_share(concentration, 0.1), crm.value_fit_compact(value_fit_state),
                 (SELECT array_agg(v::text) FROM crm.value_tiers(value_tier_model) v), crm.value_threshold(value_potential_model),
                 (loyalty_metrics).repeat_purchase_rate, bgnbd_history[2],
                 bgnbd::jsonb, cohort_table::jsonb, nps::jsonb, pls_model::jsonb,
                 (SELECT array_agg(p::text) FROM crm.parameters(bgcnbd) p), crm.expected_purchases(mbgcnbd, 52, 3, 20, 39),
                 bgcnbd::jsonb, crm.covariate_names(covariates, 'trans'),
                 (SELECT array_agg(p::text) FROM crm.parameters(paretonbd) p),
                 (crm.holdout_metrics(holdout_evaluation))::text,
                 (SELECT array_agg(h::text) FROM crm.holdout_table(holdout_evaluation) h),
                 crm.auc(campaign_state), crm.qini(campaign_state), campaign_state::jsonb,
                 (SELECT array_agg(u::text) FROM crm.uplift_table(campaign_state) u), prediction_interval::text,
                 crm.filled_periods(covariate_path), (SELECT array_agg(r::text) FROM crm.covariate_path_rows(covariate_path) r),
                 crm.paretonbd_dyncov_fit_final(dyncov_fit_state),
                 basket_state::text, (SELECT array_agg(r::text) FROM crm.association_rules(basket_state, 0.02, 0.5) r),
                 funnel_state::jsonb, (SELECT array_agg(t::text) FROM crm.funnel_times(funnel_state) t),
                 (SELECT array_agg(t::text) FROM crm.funnel_table(funnel_state) t),

                 (SELECT array_agg(m::text) FROM crm.migration_table(migration) m),
                 lifecycle_model::jsonb, (SELECT array_agg(s::text) FROM crm.stage_table(stage_path) s),
                 (SELECT array_agg(s::text) FROM crm.stage_flow_table(stage_counts) s),
                 ticket_state::jsonb, crm.median_resolution(ticket_state, '1 hour'),
                 (SELECT array_agg(b::text) FROM crm.backlog_table(backlog_state) b),
                 (SELECT array_agg(r::text) FROM crm.recovery_rates(recovery_state) r)))
FROM dump_models ORDER BY variant;

-- the registry read back through crm.latest_model, and the scorecard's
-- scores recomputed with the models it records
SELECT 'latest', md5(concat_ws(' | ', crm.latest_bgnbd('cdnow'), crm.latest_rfm_model('cdnow'), crm.latest_model(NULL::crm.pls_model),
                                crm.latest_model(NULL::crm.sbg), crm.latest_model(NULL::crm.value_tier_model, 'cdnow')));
SELECT 'scorecard', count(*),
       count(*) FILTER (WHERE s.clv IS NOT DISTINCT FROM crm.clv(b.model::crm.bgnbd, g.model::crm.gammagamma, s.frequency, s.recency,
                                                                 s.t, s.monetary_value, s.horizon, 0.01)
                          AND s.rfm IS NOT DISTINCT FROM crm.rfm_score(r.model::crm.rfm_model, s.days_since_last, s.n_transactions,
                                                                       s.monetary_total)) AS recomputed_equal
FROM sc_full s JOIN crm.model_registry b ON b.id = s.bgnbd_model JOIN crm.model_registry g ON g.id = s.gammagamma_model
JOIN crm.model_registry r ON r.id = s.rfm_model;
