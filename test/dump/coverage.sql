-- Coverage of the dump/restore test (test/dump/run): the crm types (base
-- types and stand-alone composite types; arrays count through their element
-- type) that no column of the test's tables holds, and the other way round.
-- Both lists must be empty, so a new crm type without a column fails.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
WITH catalog_types AS (
	SELECT t.oid FROM pg_type t
	WHERE t.typnamespace = 'crm'::regnamespace AND t.typcategory <> 'A'
	  AND (t.typtype = 'b' OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
), covered AS (
	SELECT DISTINCT CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END AS oid
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
	WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
)
SELECT 'not covered: ' || oid::regtype FROM catalog_types EXCEPT SELECT 'not covered: ' || oid::regtype FROM covered
UNION ALL
SELECT 'covered, not in the catalog: ' || c.oid::regtype FROM covered c
WHERE (SELECT typnamespace FROM pg_type WHERE oid = c.oid) = 'crm'::regnamespace
  AND c.oid NOT IN (SELECT oid FROM catalog_types)
ORDER BY 1;
-- and every stored crm value is non-NULL somewhere: each column of a crm type has a value
SELECT format('SELECT ''no value in %s.%s'' WHERE NOT EXISTS (SELECT FROM %s WHERE %I IS NOT NULL)',
              a.attrelid::regclass, a.attname, a.attrelid::regclass, a.attname)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  AND t.typnamespace = 'crm'::regnamespace
ORDER BY 1 \gexec
