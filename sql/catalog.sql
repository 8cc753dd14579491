-- Conventions every crm object must follow (DESIGN.md), checked on the
-- catalog so that new objects cannot forget them.  Each query lists the
-- violations; all lists are empty.

-- extension members
CREATE TEMP VIEW crm_objects AS
SELECT d.classid, d.objid FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  -- (PostgreSQL 17 and later also record the types made implicitly with
  -- another object, a type's array type and a table's row type, as members:
  -- they are left out, as 15 and 16 do not record them)
  AND NOT (d.classid = 'pg_type'::regclass
           AND d.objid IN (SELECT typarray FROM pg_type UNION ALL SELECT reltype FROM pg_class WHERE relkind <> 'c'));

-- every function and aggregate is PARALLEL SAFE, not SECURITY DEFINER, and has a comment.
-- Exempt from PARALLEL SAFE are only the routines that write tables (no
-- write is allowed in parallel mode): procedures (CALL is never part of a
-- parallel query) and VOLATILE functions whose comment says "(writes: not
-- parallel safe)".  They are listed by the second query, so a new one shows.
SELECT p.oid::regprocedure AS not_parallel_safe FROM pg_proc p JOIN crm_objects o ON o.objid = p.oid
WHERE o.classid = 'pg_proc'::regclass AND p.proparallel <> 's'
  AND NOT (p.prokind = 'p'
           OR (p.provolatile = 'v' AND obj_description(p.oid, 'pg_proc') LIKE '%(writes: not parallel safe)%'));
SELECT p.prokind AS kind, p.proname AS writes_tables, p.provolatile AS volatility, p.proparallel AS parallel
FROM pg_proc p JOIN crm_objects o ON o.objid = p.oid
WHERE o.classid = 'pg_proc'::regclass AND p.proparallel <> 's' ORDER BY 2;
SELECT p.oid::regprocedure AS security_definer FROM pg_proc p JOIN crm_objects o ON o.objid = p.oid
WHERE o.classid = 'pg_proc'::regclass AND p.prosecdef;
SELECT p.oid::regprocedure AS function_without_comment FROM pg_proc p JOIN crm_objects o ON o.objid = p.oid
WHERE o.classid = 'pg_proc'::regclass AND obj_description(p.oid, 'pg_proc') IS NULL
ORDER BY 1::text;

-- every aggregate has a combine function and a real (non-internal) state type
SELECT a.aggfnoid::regprocedure AS aggregate_without_combine FROM pg_aggregate a JOIN crm_objects o ON o.objid = a.aggfnoid
WHERE a.aggcombinefn = 0;
SELECT a.aggfnoid::regprocedure AS aggregate_with_internal_state FROM pg_aggregate a JOIN crm_objects o ON o.objid = a.aggfnoid
WHERE a.aggtranstype = 'internal'::regtype;

-- every type, operator and cast has a comment; every base type has binary I/O
SELECT t.oid::regtype AS type_without_comment FROM pg_type t JOIN crm_objects o ON o.objid = t.oid
WHERE o.classid = 'pg_type'::regclass AND obj_description(t.oid, 'pg_type') IS NULL;
SELECT t.oid::regtype AS type_without_binary_io FROM pg_type t JOIN crm_objects o ON o.objid = t.oid
WHERE o.classid = 'pg_type'::regclass AND t.typtype = 'b' AND (t.typreceive = 0 OR t.typsend = 0);
SELECT op.oid::regoperator AS operator_without_comment FROM pg_operator op JOIN crm_objects o ON o.objid = op.oid
WHERE o.classid = 'pg_operator'::regclass AND obj_description(op.oid, 'pg_operator') IS NULL;
SELECT c.castsource::regtype AS cast_without_comment_from, c.casttarget::regtype AS to_type
FROM pg_cast c JOIN crm_objects o ON o.objid = c.oid
WHERE o.classid = 'pg_cast'::regclass AND obj_description(c.oid, 'pg_cast') IS NULL;

-- SQL-language functions pin what they call: either a SQL-standard body
-- (RETURN / BEGIN ATOMIC, bound at creation, immune to search_path) or a
-- string body whose function calls are all schema-qualified (a crude check)
SELECT p.oid::regprocedure AS sql_function_with_unqualified_call
FROM pg_proc p JOIN crm_objects o ON o.objid = p.oid
WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
  AND p.prosqlbody IS NULL
  AND p.prosrc ~ '(^|[^.a-z_])(?!crm\.|pg_catalog\.)[a-z_]+\(';

-- objects by kind (a change here means the README reference needs updating too)
SELECT CASE o.classid WHEN 'pg_proc'::regclass THEN (SELECT CASE prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END FROM pg_proc WHERE oid = o.objid)
                      ELSE o.classid::regclass::text END AS kind,
       count(*) > 0 AS present
FROM crm_objects o GROUP BY 1 ORDER BY 1;

-- a role without any privilege uses crm: schema USAGE is granted to PUBLIC
CREATE ROLE crm_plain_user;
SET ROLE crm_plain_user;
SELECT crm.version() IS NOT NULL AS version_ok, '5-4-3'::crm.rfm AS score, crm.rfm_segment('555') AS segment,
       (crm.summary(d, 10.0::float8, date '2024-03-01', interval '1 week')).frequency
FROM (VALUES (date '2024-01-01'), (date '2024-02-01')) v(d);
-- ... but cannot create objects in schema crm
CREATE FUNCTION crm.intruder() RETURNS int LANGUAGE sql RETURN 1;
RESET ROLE;
DROP ROLE crm_plain_user;
