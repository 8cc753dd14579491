\echo Use "ALTER EXTENSION crm UPDATE TO '0.1'" to load this file. \quit
-- crm 0.0 -> 0.1: adds crm.version().

CREATE FUNCTION crm.version() RETURNS text
	AS 'MODULE_PATHNAME', 'crm_version' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.version() IS
	'version of the loaded crm library (the installed SQL version is pg_extension.extversion)';
