SELECT crm.sbg(0.704, 1.182);
SELECT crm.clv_fit_customers(crm.tenure_fit_partial(t, c)), crm.tenure_fit_partial(t, c)::text
FROM (VALUES (1, true), (2, false), (2, false), (3, true)) v(t, c);
SELECT crm.tenure_fit_partial(t, c) FROM (VALUES (1, NULL::boolean)) v(t, c);
SELECT crm.tenure_fit_partial(t, c) FROM (VALUES (0, true)) v(t, c);
SELECT 'v1 shape=tenures n=3 tuples={1,1:1;2,0:2}'::crm.clv_fit_state;
SELECT 'v1 shape=tenures n=1 tuples={1,2:1}'::crm.clv_fit_state;
