-- The SQL surface of crm, object by object: what a user or a BI tool can
-- see and call.  Every member of the extension with its full signature
-- (argument names, modes and defaults), result, volatility, strictness,
-- parallel safety, language, aggregate support, type layout and I/O, and a
-- digest of its comment; not the C symbol names behind it (those are the
-- implementation).  A change in this file's expected output is a change of
-- the SQL surface: deliberate, reviewed, and listed in CHANGELOG.md.
\pset format unaligned
\pset tuples_only on
SELECT CASE d.classid
         WHEN 'pg_proc'::regclass THEN
           CASE p.prokind WHEN 'a' THEN 'aggregate ' WHEN 'p' THEN 'procedure ' ELSE 'function ' END
           || p.pronamespace::regnamespace::text || '.' || p.proname
           || '(' || pg_get_function_arguments(p.oid) || ')'
           || COALESCE(' -> ' || pg_get_function_result(p.oid), '')
           || ' ' || p.provolatile::text || CASE WHEN p.proisstrict THEN ' strict' ELSE '' END
           || ' parallel=' || p.proparallel::text || CASE WHEN p.prosecdef THEN ' definer' ELSE '' END
           || ' lang=' || l.lanname
           || CASE WHEN l.lanname IN ('sql', 'plpgsql')
                   THEN ' body=' || left(md5(COALESCE(pg_get_function_sqlbody(p.oid), p.prosrc)), 8) ELSE '' END
           || COALESCE(' agg(state ' || format_type(a.aggtranstype, NULL)
                       || ', sfunc ' || a.aggtransfn::regproc::text
                       || ', combine ' || a.aggcombinefn::regproc::text
                       || ', final ' || a.aggfinalfn::regproc::text
                       || ', init ' || COALESCE(a.agginitval, '-') || ')', '')
         WHEN 'pg_type'::regclass THEN
           'type ' || t.oid::regtype::text || ' ' || t.typtype::text
           || ' len=' || t.typlen || ' align=' || t.typalign::text || ' storage=' || t.typstorage::text
           || ' io=' || t.typinput::regproc::text || '/' || t.typoutput::regproc::text
           || '/' || t.typreceive::regproc::text || '/' || t.typsend::regproc::text
           || COALESCE(' columns(' || (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
                                      FROM pg_attribute WHERE attrelid = t.typrelid AND attnum > 0) || ')', '')
         ELSE pg_describe_object(d.classid, d.objid, d.objsubid)
       END
       || COALESCE(' comment=' || left(md5(obj_description(d.objid, d.classid::regclass::text)), 8), ' no comment')
       AS object
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  -- (PostgreSQL 17 and later also record the types made implicitly with
  -- another object, a type's array type and a table's row type, as members:
  -- they are left out, as 15 and 16 do not record them)
  AND NOT (d.classid = 'pg_type'::regclass
           AND d.objid IN (SELECT typarray FROM pg_type UNION ALL SELECT reltype FROM pg_class WHERE relkind <> 'c'))
ORDER BY 1;
\pset format aligned
\pset tuples_only off
