-- ---------------------------------------------------------------------------
-- Model comparison across kinds (src/clv/clv_compare.c); crm.parameter_count,
-- crm.aic, crm.bic and the same-kind crm.lr_test are declared per model type
-- (src/clv/clv_model_type.sql.in)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.lr_test(restricted crm.paretonbd, unrestricted crm.ggomnbd,
		OUT statistic float8, OUT df integer, OUT p_value float8, OUT boundary boolean)
	AS 'MODULE_PATHNAME', 'clv_lr_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lr_test(crm.paretonbd, crm.ggomnbd) IS
	'likelihood-ratio test of a Pareto/NBD fit against a GGom/NBD fit of the same customers (the Pareto/NBD is its limit b -> 0, on the boundary): p_value from the 50:50 mixture of chi-square(df - 1) and chi-square(df) (Self & Liang 1987), boundary true';
