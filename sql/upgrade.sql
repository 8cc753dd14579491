-- Upgrade path: installing an older version and running ALTER EXTENSION crm
-- UPDATE gives exactly the objects of a fresh install of the current version
-- (functions with their definitions, volatility, strictness and parallel
-- safety; aggregates with their support functions; types; comments), and the
-- upgraded extension computes the same results.
CREATE DATABASE crm_upgrade_check;
\c crm_upgrade_check

-- every member object of the extension, described in full
CREATE FUNCTION crm_fingerprint() RETURNS SETOF text LANGUAGE sql AS $$
SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
       || COALESCE(' | ' || pg_get_functiondef(p.oid), '')
       || COALESCE(' | ' || p.provolatile::text || p.proisstrict::text || p.proparallel::text || ' returns ' || pg_get_function_result(p.oid), '')
       || COALESCE(' | agg ' || a.aggtransfn::regprocedure::text || ' ' || a.aggcombinefn::text || ' '
                   || a.aggfinalfn::text || ' ' || format_type(a.aggtranstype, NULL), '')
       || COALESCE(' | type ' || t.typinput::text || ' ' || t.typoutput::text || ' ' || t.typreceive::text || ' '
                   || t.typsend::text || ' ' || t.typalign::text || t.typstorage::text, '')
       || COALESCE(' | columns ' || (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
                                    FROM pg_attribute WHERE attrelid = t.typrelid AND attnum > 0), '')
       || COALESCE(' | comment ' || obj_description(d.objid, d.classid::regclass::text), '')
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid AND p.prokind = 'f'
                       AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
LEFT JOIN pg_aggregate a ON d.classid = 'pg_proc'::regclass AND a.aggfnoid = d.objid
LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  -- (PostgreSQL 17 and later also record the types made implicitly with
  -- another object, a type's array type and a table's row type, as members:
  -- they are left out, as 15 and 16 do not record them)
  AND NOT (d.classid = 'pg_type'::regclass
           AND d.objid IN (SELECT typarray FROM pg_type UNION ALL SELECT reltype FROM pg_class WHERE relkind <> 'c'))
$$;

CREATE EXTENSION crm;
SELECT extversion, crm.version() FROM pg_extension WHERE extname = 'crm';
CREATE TEMP TABLE fresh AS SELECT crm_fingerprint() AS object;
SELECT count(*) AS objects_in_fresh_install FROM fresh;
DROP EXTENSION crm;

-- the older version, then the update chain
CREATE EXTENSION crm VERSION '0.0';
SELECT extversion FROM pg_extension WHERE extname = 'crm';
CREATE TABLE kept AS
SELECT crm.summary(d, 10.0::float8, date '2024-03-01', interval '1 week') AS s
FROM (VALUES (date '2024-01-01'), (date '2024-01-20'), (date '2024-02-10')) v(d);
ALTER EXTENSION crm UPDATE;
SELECT extversion, crm.version() FROM pg_extension WHERE extname = 'crm';

-- the upgraded catalog equals the fresh one, object by object
SELECT 'missing after update' AS problem, object FROM fresh
EXCEPT SELECT 'missing after update', crm_fingerprint()
UNION ALL
(SELECT 'extra after update', crm_fingerprint() EXCEPT SELECT 'extra after update', object FROM fresh)
ORDER BY 1, 2;

-- data made before the update still reads, and results are unchanged
SELECT (s).frequency, round((s).recency::numeric, 6) AS recency, round((s).t::numeric, 6) AS t FROM kept;
SELECT (s).frequency, round((s).recency::numeric, 6) AS recency, round((s).t::numeric, 6) AS t
FROM (SELECT crm.summary(d, 10.0::float8, date '2024-03-01', interval '1 week') AS s
      FROM (VALUES (date '2024-01-01'), (date '2024-01-20'), (date '2024-02-10')) v(d)) q;

\c contrib_regression
DROP DATABASE crm_upgrade_check;
