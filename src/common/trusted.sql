
-- ---------------------------------------------------------------------------
-- Install guard (crm is a trusted extension, see README "Security").  A role
-- with CREATE on the database may install crm; the script then runs as the
-- bootstrap superuser.  Two rules keep that safe:
--   - schema crm must be empty: objects planted in it before the install
--     (overloads, operators) could capture calls made by this script or,
--     later, by the users of crm's functions;
--   - schema crm belongs to a superuser: CREATE EXTENSION makes the schema
--     as the installing role, which could then plant such objects after the
--     install, so the schema of a non-superuser goes to the bootstrap
--     superuser (USAGE stays granted to PUBLIC).
-- ---------------------------------------------------------------------------
DO $$
DECLARE
	crm_schema oid := pg_catalog.to_regnamespace('crm');
	planted text;
BEGIN
	SELECT pg_catalog.string_agg(o.kind, ', ') INTO planted FROM (
		SELECT 'relations' AS kind WHERE EXISTS (SELECT FROM pg_catalog.pg_class WHERE relnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'functions' WHERE EXISTS (SELECT FROM pg_catalog.pg_proc WHERE pronamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'types' WHERE EXISTS (SELECT FROM pg_catalog.pg_type WHERE typnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'operators' WHERE EXISTS (SELECT FROM pg_catalog.pg_operator WHERE oprnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'operator classes' WHERE EXISTS (SELECT FROM pg_catalog.pg_opclass WHERE opcnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'operator families' WHERE EXISTS (SELECT FROM pg_catalog.pg_opfamily WHERE opfnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'collations' WHERE EXISTS (SELECT FROM pg_catalog.pg_collation WHERE collnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'conversions' WHERE EXISTS (SELECT FROM pg_catalog.pg_conversion WHERE connamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'text search objects' WHERE EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgnamespace OPERATOR(pg_catalog.=) crm_schema)
		                                          OR EXISTS (SELECT FROM pg_catalog.pg_ts_dict WHERE dictnamespace OPERATOR(pg_catalog.=) crm_schema)
		                                          OR EXISTS (SELECT FROM pg_catalog.pg_ts_parser WHERE prsnamespace OPERATOR(pg_catalog.=) crm_schema)
		                                          OR EXISTS (SELECT FROM pg_catalog.pg_ts_template WHERE tmplnamespace OPERATOR(pg_catalog.=) crm_schema)
		UNION ALL SELECT 'statistics objects' WHERE EXISTS (SELECT FROM pg_catalog.pg_statistic_ext WHERE stxnamespace OPERATOR(pg_catalog.=) crm_schema)) o;
	IF planted IS NOT NULL THEN
		RAISE EXCEPTION 'schema crm must be empty to install crm'
			USING ERRCODE = '55000', DETAIL = pg_catalog.format('It holds %s.', planted),
			      HINT = 'Move or drop those objects, or drop the schema, then CREATE EXTENSION crm again.';
	END IF;
	IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
	        WHERE n.oid OPERATOR(pg_catalog.=) crm_schema) THEN
		EXECUTE pg_catalog.format('ALTER SCHEMA crm OWNER TO %I',
			(SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) 10));	-- the bootstrap superuser
	END IF;
END
$$;
