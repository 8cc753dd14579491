-- docs/reference.md from the catalog of an installed crm: every object of the
-- extension with its COMMENT ON text (run by test/doctest/reference.sh with
-- psql -At; each result row is one line of Markdown).
CREATE TEMP VIEW crm_objects AS
SELECT d.classid, d.objid
FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'crm' AND d.deptype = 'e';

-- a comment as Markdown table text
CREATE FUNCTION pg_temp.md(t text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN coalesce(replace(replace(replace(replace(t, E'\n', ' '), '|', '\|'), '<', '&lt;'), '*', '\*'), '');

-- functions that only serve a type or an aggregate (I/O, transition and
-- combine functions, operator and index support, triggers)
CREATE TEMP VIEW support_functions AS
SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend, typmodin, typmodout])::oid AS oid
FROM pg_type WHERE typnamespace = 'crm'::regnamespace
UNION SELECT aggtransfn::oid FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronamespace = 'crm'::regnamespace
UNION SELECT aggcombinefn::oid FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronamespace = 'crm'::regnamespace
UNION SELECT oprcode::oid FROM pg_operator o JOIN crm_objects c ON c.classid = 'pg_operator'::regclass AND c.objid = o.oid
UNION SELECT amproc::oid FROM pg_amproc WHERE amprocfamily IN (SELECT oid FROM pg_opfamily WHERE opfnamespace = 'crm'::regnamespace)
UNION SELECT oid FROM pg_proc WHERE pronamespace = 'crm'::regnamespace AND prorettype = 'trigger'::regtype;

CREATE TEMP VIEW routines AS
SELECT p.oid, p.proname, p.prokind,
       format('`crm.%s(%s)`', p.proname, pg_get_function_arguments(p.oid)) AS signature,
       CASE WHEN p.prokind = 'p' THEN '' ELSE format('`%s`', pg_get_function_result(p.oid)) END AS result,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END
         || CASE WHEN p.proisstrict THEN ', strict' ELSE '' END AS flags,
       pg_temp.md(obj_description(p.oid, 'pg_proc')) AS description,
       p.oid IN (SELECT oid FROM support_functions) AS support
FROM pg_proc p JOIN crm_objects c ON c.classid = 'pg_proc'::regclass AND c.objid = p.oid;

SELECT line FROM (
  SELECT 0 AS part, 0 AS n, format(E'# Reference\n\n' ||
    E'Every object of the `crm` extension (version %s) with its `COMMENT ON` text, read from the ' ||
    E'catalog of an installed crm. **Generated** by `test/doctest/reference.sh --write`; do not edit: ' ||
    E'`make test` fails when this page differs from what the script writes (see [testing](testing.md)). ' ||
    E'The domain pages explain how the objects fit together: [summary](summary.md), [rfm](rfm.md), ' ||
    E'[clv](clv.md), [retention](retention.md), [survey](survey.md), [value](value.md), ' ||
    E'[workflow](workflow.md).\n\n' ||
    E'Contents: [types](#types), [tables](#tables), [aggregates](#aggregates), [functions](#functions), ' ||
    E'[procedures](#procedures), [operators](#operators), [casts](#casts), ' ||
    E'[operator classes](#operator-classes), [support functions](#support-functions).',
    (SELECT extversion FROM pg_extension WHERE extname = 'crm')) AS line

  UNION ALL SELECT 1, 0, E'\n## Types\n\n| type | kind | description |\n|---|---|---|'
  UNION ALL
  SELECT 1, row_number() OVER (ORDER BY t.typname COLLATE "C"),
         format('| `crm.%s` | %s | %s |', t.typname,
                CASE t.typtype WHEN 'b' THEN 'base' WHEN 'c' THEN 'composite: ' ||
                  (SELECT string_agg(format('`%s %s`', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
                ELSE t.typtype::text END,
                pg_temp.md(obj_description(t.oid, 'pg_type')))
  FROM pg_type t JOIN crm_objects c ON c.classid = 'pg_type'::regclass AND c.objid = t.oid

  UNION ALL SELECT 2, 0, E'\n## Tables\n\n| table | columns | description |\n|---|---|---|'
  UNION ALL
  SELECT 2, row_number() OVER (ORDER BY r.relname COLLATE "C"),
         format('| `crm.%s` | %s | %s |', r.relname,
                (SELECT string_agg(format('`%s %s`', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped),
                pg_temp.md(obj_description(r.oid, 'pg_class')))
  FROM pg_class r JOIN crm_objects c ON c.classid = 'pg_class'::regclass AND c.objid = r.oid
  WHERE r.relkind = 'r'

  UNION ALL SELECT 3, 0, E'\n## Aggregates\n\nEvery aggregate is parallel safe and has a combine function and a ' ||
    E'state of a real (non-`internal`) type.\n\n| aggregate | returns | description |\n|---|---|---|'
  UNION ALL
  SELECT 3, row_number() OVER (ORDER BY proname COLLATE "C", signature COLLATE "C"),
         format('| %s | %s | %s |', signature, result, description)
  FROM routines WHERE prokind = 'a'

  UNION ALL SELECT 4, 0, E'\n## Functions\n\nAll parallel safe unless the description says they write. ' ||
    E'The functions that only serve a type or an aggregate are under [support functions](#support-functions).\n\n' ||
    E'| function | returns | volatility | description |\n|---|---|---|---|'
  UNION ALL
  SELECT 4, row_number() OVER (ORDER BY proname COLLATE "C", signature COLLATE "C"),
         format('| %s | %s | %s | %s |', signature, result, flags, description)
  FROM routines WHERE prokind = 'f' AND NOT support

  UNION ALL SELECT 5, 0, E'\n## Procedures\n\n| procedure | description |\n|---|---|'
  UNION ALL
  SELECT 5, row_number() OVER (ORDER BY proname COLLATE "C", signature COLLATE "C"),
         format('| %s | %s |', signature, description)
  FROM routines WHERE prokind = 'p'

  UNION ALL SELECT 6, 0, E'\n## Operators\n\n| operator | schema | function | description |\n|---|---|---|---|'
  UNION ALL
  SELECT 6, row_number() OVER (ORDER BY o.oprname COLLATE "C"),
         format('| `%s %s %s` | `%s` | `%s` | %s |', format_type(o.oprleft, NULL), o.oprname, format_type(o.oprright, NULL),
                o.oprnamespace::regnamespace, o.oprcode::regproc, pg_temp.md(obj_description(o.oid, 'pg_operator')))
  FROM pg_operator o JOIN crm_objects c ON c.classid = 'pg_operator'::regclass AND c.objid = o.oid

  UNION ALL SELECT 7, 0, E'\n## Casts\n\n| cast | context | function | description |\n|---|---|---|---|'
  UNION ALL
  SELECT 7, row_number() OVER (ORDER BY format_type(k.castsource, NULL) COLLATE "C", format_type(k.casttarget, NULL) COLLATE "C"),
         format('| `%s` → `%s` | %s | `%s` | %s |', format_type(k.castsource, NULL), format_type(k.casttarget, NULL),
                CASE k.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' ELSE 'implicit' END,
                k.castfunc::regprocedure,
                pg_temp.md(coalesce(obj_description(k.oid, 'pg_cast'), obj_description(k.castfunc, 'pg_proc'))))
  FROM pg_cast k JOIN crm_objects c ON c.classid = 'pg_cast'::regclass AND c.objid = k.oid

  UNION ALL SELECT 8, 0, E'\n## Operator classes\n\n| operator class | index method | type | default | description |\n|---|---|---|---|---|'
  UNION ALL
  SELECT 8, row_number() OVER (ORDER BY o.opcname COLLATE "C", a.amname COLLATE "C"),
         format('| `crm.%s` | %s | `%s` | %s | %s |', o.opcname, a.amname, format_type(o.opcintype, NULL),
                CASE WHEN o.opcdefault THEN 'yes' ELSE 'no' END, pg_temp.md(obj_description(o.oid, 'pg_opclass')))
  FROM pg_opclass o JOIN pg_am a ON a.oid = o.opcmethod JOIN crm_objects c ON c.classid = 'pg_opclass'::regclass AND c.objid = o.oid

  UNION ALL SELECT 9, 0, E'\n## Support functions\n\nType input and output, aggregate transition and combine ' ||
    E'functions, operator and index support, triggers: called by PostgreSQL, rarely by users.\n\n' ||
    E'| function | returns | volatility | description |\n|---|---|---|---|'
  UNION ALL
  SELECT 9, row_number() OVER (ORDER BY proname COLLATE "C", signature COLLATE "C"),
         format('| %s | %s | %s | %s |', signature, result, flags, description)
  FROM routines WHERE prokind = 'f' AND support
) lines
ORDER BY part, n;
