-- Test helper: the largest absolute difference between two PLS models of
-- the same spec over every number they hold (item means, standard
-- deviations, outer weights, loadings; R squared, path coefficients, GoF),
-- or NULL if their structure differs.  Merged and parallel fits equal a
-- serial fit to rounding, not bit for bit, so tests compare with this.
CREATE FUNCTION pls_max_diff(a crm.pls_model, b crm.pls_model) RETURNS float8 LANGUAGE sql AS $$
SELECT CASE WHEN (SELECT count(*) FROM crm.pls_paths(a)) = (SELECT count(*) FROM crm.pls_paths(b))
             AND (SELECT count(*) FROM crm.pls_paths(a) x JOIN crm.pls_paths(b) y USING (from_lv, to_lv))
                 = (SELECT count(*) FROM crm.pls_paths(a))
             AND (SELECT array_agg(lv || ':' || item ORDER BY lv, item) FROM crm.pls_weights(a))
                 = (SELECT array_agg(lv || ':' || item ORDER BY lv, item) FROM crm.pls_weights(b))
            THEN greatest(
                (SELECT max(abs(x.coefficient - y.coefficient)) FROM crm.pls_paths(a) x JOIN crm.pls_paths(b) y USING (from_lv, to_lv)),
                (SELECT max(abs(x.r2 - y.r2)) FROM crm.pls_r2(a) x JOIN crm.pls_r2(b) y USING (lv)),
                (SELECT abs(x.gof - y.gof) FROM crm.pls_gof(a) x, crm.pls_gof(b) y),
                (SELECT max(abs((x.v #>> '{}')::float8 - (y.v #>> '{}')::float8))
                 FROM jsonb_path_query(a::jsonb, '$.lvs[*].items[*].*') WITH ORDINALITY x(v, i)
                 JOIN jsonb_path_query(b::jsonb, '$.lvs[*].items[*].*') WITH ORDINALITY y(v, i) USING (i)))
       END
$$;
