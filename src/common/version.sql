-- ---------------------------------------------------------------------------
-- Versions (src/common/crm.c)
-- ---------------------------------------------------------------------------
CREATE FUNCTION crm.version() RETURNS text
	AS 'MODULE_PATHNAME', 'crm_version' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.version() IS
	'version of the loaded crm library (the installed SQL version is pg_extension.extversion)';
