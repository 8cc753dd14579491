-- ---------------------------------------------------------------------------
-- AHP (Saaty): priority weights of a pairwise comparison matrix with its
-- consistency ratio (src/quality/quality_ahp.c).
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.ahp_weights(matrix float8[],
	OUT weights float8[], OUT lambda_max float8, OUT ci float8, OUT ri float8, OUT cr float8,
	OUT iterations integer, OUT converged boolean)
	AS 'MODULE_PATHNAME', 'ahp_weights' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ahp_weights(float8[]) IS
	'AHP weights of a positive reciprocal n x n comparison matrix (n <= 10) by the principal eigenvector (power iteration), lambda_max, CI = (lambda_max - n)/(n - 1), Saaty''s random index RI, CR = CI/RI (WARNING when CR >= 0.1)';
