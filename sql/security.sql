-- Security: what crm's functions may do and whom they run as, what a
-- search_path can capture, and the trusted install (crm.control: trusted =
-- true) by a role that is not a superuser: it can install and use crm on its
-- own tables, and neither it nor other roles gain any access through crm.
-- See README "Security".
\i test/load/sqlstate_of.sql
CREATE TEMP VIEW crm_functions AS
SELECT p.oid, p.proname, p.prokind, p.prosecdef, p.proconfig, p.prosrc, p.prosqlbody, p.probin, l.lanname, l.lanpltrusted
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm';

-- ---------------------------------------------------------------------------
-- the catalog
-- ---------------------------------------------------------------------------

-- languages: C (the shared library), internal (aggregates), SQL and
-- PL/pgSQL; no untrusted procedural language (plpython3u, plperlu, ...)
SELECT lanname, lanpltrusted, count(*) > 0 AS used FROM crm_functions GROUP BY 1, 2 ORDER BY 1;
-- every C function is in crm's own library
SELECT DISTINCT probin FROM crm_functions WHERE lanname = 'c';
-- nothing runs with its owner's rights
SELECT oid::regprocedure AS security_definer FROM crm_functions WHERE prosecdef;
-- SQL functions have SQL-standard bodies (bound when created, so no
-- search_path can redirect them, and still inlined) or a pinned search_path
SELECT oid::regprocedure AS sql_function_neither_bound_nor_pinned FROM crm_functions
WHERE lanname = 'sql' AND prosqlbody IS NULL AND proconfig IS NULL;
SELECT count(*) AS sql_functions, count(*) FILTER (WHERE prosqlbody IS NOT NULL) AS with_standard_body FROM crm_functions WHERE lanname = 'sql';
-- PL/pgSQL routines: the pinned ones, and the ones that are not
-- (crm.refresh_scorecard and crm.bsc_refresh create an unqualified target
-- in the caller's current schema, and crm.bsc_refresh runs the caller's
-- KPI queries, so they run with the caller's search_path)
SELECT proname, prokind, proconfig FROM crm_functions WHERE lanname = 'plpgsql' ORDER BY 1;
-- ... whose calls are all qualified: the words before a parenthesis that are
-- not crm., pg_catalog. or pg_temp. names are SQL keywords, or words of
-- comments and format strings (a new unqualified call shows up here)
SELECT DISTINCT m[1] AS unqualified_word_before_parenthesis
FROM crm_functions, regexp_matches(prosrc, '(?:^|[^.a-z_0-9])((?!crm\.|pg_catalog\.|pg_temp\.)[a-z_][a-z_0-9]*)\s*\(', 'gi') m
WHERE lanname = 'plpgsql' AND proconfig IS NULL ORDER BY 1;
-- casts on crm types all have a function (no binary-coercible WITHOUT FUNCTION cast)
SELECT c.castsource::regtype, c.casttarget::regtype, c.castmethod FROM pg_cast c
WHERE c.castmethod <> 'f' AND (c.castsource::regtype::text LIKE 'crm.%' OR c.casttarget::regtype::text LIKE 'crm.%');
-- objects: owned by the installing superuser; the registry is the only table
SELECT DISTINCT pg_get_userbyid(proowner) = current_user AS functions_owned_by_installer FROM pg_proc WHERE pronamespace = 'crm'::regnamespace;
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'crm'::regnamespace ORDER BY 1;

-- ---------------------------------------------------------------------------
-- search_path capture: hostile operators in a schema on the caller's path,
-- for the operand types where pg_catalog has no exact match, are never used
-- ---------------------------------------------------------------------------
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.captured(oid, regclass) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'captured'; END $$;
CREATE FUNCTION hostile.captured(regtype, regtype) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'captured'; END $$;
CREATE FUNCTION hostile.captured(regclass, oid) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'captured'; END $$;
CREATE FUNCTION hostile.captured(text, name) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'captured'; END $$;
CREATE OPERATOR hostile.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = hostile.captured);
CREATE OPERATOR hostile.= (LEFTARG = regclass, RIGHTARG = oid, FUNCTION = hostile.captured);
CREATE OPERATOR hostile.= (LEFTARG = regtype, RIGHTARG = regtype, FUNCTION = hostile.captured);
CREATE OPERATOR hostile.<> (LEFTARG = regtype, RIGHTARG = regtype, FUNCTION = hostile.captured);
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = name, FUNCTION = hostile.captured);
CREATE TABLE hostile.tx (customer_id int, bought date, amount float8);
INSERT INTO hostile.tx SELECT 1 + i % 40, date '2024-01-01' + (i * 7) % 300, 5 + i % 13 FROM generate_series(1, 400) i;
SET search_path = hostile, public;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'hostile')$$) AS register_model,
       sqlstate_of($$SELECT crm.latest_bgnbd('hostile')$$) AS latest_bgnbd;
SELECT sqlstate_of($$CALL crm.refresh_scorecard('tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'sc', refit => false,
                                                 bgnbd => crm.bgnbd(0.25, 4, 0.8, 2.4), gammagamma => crm.gammagamma(6, 4, 15),
                                                 rfm_model => crm.rfm_model('{10,20}', '{2,5}', '{50,100}'),
                           value_tiers => 'pyramid n=100 total=5050 cuts={0.01,0.05,0.2,1} names={"Platinum","Gold","Iron","Lead"} thresholds={100,96,81,1} customers={1,4,15,80} values={100,390,1320,3240}')$$) AS refresh_scorecard;
SELECT count(*) AS scorecard_rows FROM hostile.sc;
SELECT sqlstate_of($$CALL crm.bsc_refresh(crm.bsc_model('{customer}', '{1}', '{nps,spend}', '{customer,customer}', '{higher,higher}',
                                                        '{50,10}', '{0,0}', '{1,1}'),
                                          '2024-01-01', 'bsc', '{"spend": "SELECT avg(amount) FROM tx WHERE bought >= $1"}', '{"nps": 20}')$$) AS bsc_refresh;
SELECT kpi, value, round(attainment::numeric, 4) AS attainment FROM hostile.bsc ORDER BY kpi;
RESET search_path;
DROP SCHEMA hostile CASCADE;
DELETE FROM crm.model_registry;

-- ---------------------------------------------------------------------------
-- trusted install by a role with CREATE on a database (not a superuser)
-- ---------------------------------------------------------------------------
CREATE ROLE crm_sec_owner;
CREATE ROLE crm_sec_other;
CREATE DATABASE crm_security_db;
CREATE DATABASE crm_security_planted;
GRANT CREATE ON DATABASE crm_security_db, crm_security_planted TO crm_sec_owner;

-- a schema crm with objects planted in it is refused
\c crm_security_planted
SET ROLE crm_sec_owner;
CREATE SCHEMA crm;
CREATE FUNCTION crm.p_alive(x int) RETURNS float8 LANGUAGE sql AS 'SELECT NULL::float8';
-- (without the CONTEXT line: it names the install script's DO block, in
-- more lines from PostgreSQL 18 on)
\set SHOW_CONTEXT never
CREATE EXTENSION crm;
\set SHOW_CONTEXT errors
RESET ROLE;

\c crm_security_db
\i test/load/sqlstate_of.sql
-- a role without CREATE on the database cannot install crm
SET ROLE crm_sec_other;
SELECT sqlstate_of('CREATE EXTENSION crm') AS other_installs;
-- the owner can; the extension is its, the objects and the schema the bootstrap superuser's
SET ROLE crm_sec_owner;
CREATE EXTENSION crm;
RESET ROLE;
SELECT extowner::regrole AS extension_owner, (SELECT nspowner = 10 FROM pg_namespace WHERE nspname = 'crm') AS schema_of_bootstrap_superuser,
       (SELECT bool_and(proowner = 10) FROM pg_proc WHERE pronamespace = 'crm'::regnamespace) AS functions_of_bootstrap_superuser,
       (SELECT relowner = 10 FROM pg_class WHERE oid = 'crm.model_registry'::regclass) AS registry_of_bootstrap_superuser
FROM pg_extension WHERE extname = 'crm';
SET ROLE crm_sec_owner;
-- it cannot plant objects in schema crm, nor change crm's objects
SELECT sqlstate_of('CREATE FUNCTION crm.p_alive(crm.bgnbd, int, int, int) RETURNS float8 LANGUAGE sql AS ''SELECT NULL::float8''') AS plant_function,
       sqlstate_of('CREATE OPERATOR crm.= (LEFTARG = regtype, RIGHTARG = regtype, FUNCTION = pg_catalog.oideq)') AS plant_operator,
       sqlstate_of('ALTER FUNCTION crm.version() RENAME TO v') AS rename_function,
       sqlstate_of('CREATE OR REPLACE FUNCTION crm.version() RETURNS text LANGUAGE sql AS ''SELECT NULL::text''') AS replace_function,
       sqlstate_of('ALTER TABLE crm.model_registry ADD COLUMN x int') AS alter_registry,
       sqlstate_of('ALTER SCHEMA crm OWNER TO crm_sec_owner') AS take_schema;
-- it uses crm on its own tables: aggregates, functions, the scorecard (which registers models)
CREATE SCHEMA owner_data;
GRANT USAGE ON SCHEMA owner_data TO crm_sec_other;
SET search_path = owner_data, public;
CREATE TABLE owner_tx (customer_id int, bought date, amount float8);
INSERT INTO owner_tx SELECT 1 + i % 40, date '2024-01-01' + (i * 7) % 300, 5 + i % 13 FROM generate_series(1, 400) i;
SELECT count(*) AS customers, count(*) FILTER (WHERE (s).frequency >= 0) AS summarized
FROM (SELECT crm.summary(bought, amount, date '2024-12-31', interval '1 week') AS s FROM owner_tx GROUP BY customer_id) x;
SET client_min_messages = error;	-- the fits' warnings about this small generated data
CALL crm.refresh_scorecard('owner_tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'owner_sc');
RESET client_min_messages;
SELECT count(*) AS scorecard_rows, (SELECT count(*) FROM crm.model_registry) AS models_registered,
       (SELECT array_agg(DISTINCT fitted_by) FROM crm.model_registry) AS fitted_by FROM owner_sc;
CREATE TABLE owner_rules AS SELECT 1 AS position, 'Everyone'::text AS segment, 1 AS r_low, 9 AS r_high, 1 AS f_low, 9 AS f_high, 1 AS m_low, 9 AS m_high;
SELECT crm.rfm_segment('555', 'owner_rules'::regclass) AS owner_segment_map;
-- the owner may not rewrite the registry's history
SELECT sqlstate_of($$UPDATE crm.model_registry SET note = 'changed'$$) AS owner_updates,
       sqlstate_of($$DELETE FROM crm.model_registry$$) AS owner_deletes;
-- ... nor forge who registered a model and when: the table belongs to the
-- bootstrap superuser, so the registry's trigger sets them for the
-- extension's owner too (only the table's owner writes them as given)
INSERT INTO crm.model_registry (kind, model, scope, fitted_at, fitted_by)
VALUES ('bgnbd', 'r=1 alpha=2 a=3 b=4', 'owner forged', '2000-01-01', 'someone_else');
SELECT fitted_by, fitted_at > '2020-01-01' AS fitted_recently FROM crm.model_registry WHERE scope = 'owner forged';

-- another role: uses crm, reads the registry, but gains nothing through it
SET ROLE crm_sec_other;
CREATE TEMP TABLE other_tx AS SELECT 1 + i % 30 AS customer_id, date '2024-02-01' + (i * 11) % 300 AS bought, (2 + i % 7)::float8 AS amount FROM generate_series(1, 300) i;
SELECT crm.nps_score(crm.nps_agg(s)) AS other_uses_crm FROM generate_series(0, 10) s;
SELECT count(*) AS other_reads_registry FROM crm.model_registry;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4))$$) AS other_registers,
       sqlstate_of($$UPDATE crm.model_registry SET note = 'changed'$$) AS other_updates,
       sqlstate_of($$DELETE FROM crm.model_registry$$) AS other_deletes;
-- the owner's tables are not readable through crm: the scorecard and the
-- segment map run with the caller's rights
SELECT sqlstate_of($$CALL crm.refresh_scorecard('owner_data.owner_tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'pg_temp.stolen')$$) AS scorecard_of_owner_table,
       sqlstate_of($$SELECT count(*) FROM pg_temp.stolen$$) AS nothing_created;
SELECT sqlstate_of($$SELECT crm.rfm_segment('555', 'owner_data.owner_rules'::regclass)$$) AS segment_map_of_owner_table;
-- ... nor writable: the target of a refresh needs the caller's privileges
SELECT sqlstate_of($$CALL crm.refresh_scorecard('pg_temp.other_tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'owner_data.owner_sc', refit => false,
                                                 bgnbd => crm.bgnbd(0.25, 4, 0.8, 2.4), gammagamma => crm.gammagamma(6, 4, 15),
                                                 rfm_model => crm.rfm_model('{10,20}', '{2,5}', '{50,100}'),
                           value_tiers => 'pyramid n=100 total=5050 cuts={0.01,0.05,0.2,1} names={"Platinum","Gold","Iron","Lead"} thresholds={100,96,81,1} customers={1,4,15,80} values={100,390,1320,3240}')$$) AS write_owner_scorecard;
-- with its own table: a scorecard with given models works; a refit needs INSERT on the registry
CALL crm.refresh_scorecard('pg_temp.other_tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'pg_temp.other_sc', refit => false,
                           bgnbd => crm.bgnbd(0.25, 4, 0.8, 2.4), gammagamma => crm.gammagamma(6, 4, 15),
                           rfm_model => crm.rfm_model('{10,20}', '{2,5}', '{50,100}'),
                           value_tiers => 'pyramid n=100 total=5050 cuts={0.01,0.05,0.2,1} names={"Platinum","Gold","Iron","Lead"} thresholds={100,96,81,1} customers={1,4,15,80} values={100,390,1320,3240}');
SELECT count(*) AS other_scorecard_rows FROM pg_temp.other_sc;
SET client_min_messages = error;
SELECT sqlstate_of($$CALL crm.refresh_scorecard('pg_temp.other_tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'pg_temp.other_sc')$$) AS other_refits;
RESET client_min_messages;
-- the owner may let it register models (it holds INSERT with grant option)
SET ROLE crm_sec_owner;
GRANT INSERT ON crm.model_registry TO crm_sec_other;
SET ROLE crm_sec_other;
SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'other') > 0 AS other_registers_when_granted;
SELECT sqlstate_of($$UPDATE crm.model_registry SET note = 'changed' WHERE fitted_by = 'crm_sec_owner'$$) AS other_updates_owner_rows;
-- the owner drops the extension; only the empty schema stays (the bootstrap superuser's)
DROP TABLE pg_temp.other_tx, pg_temp.other_sc;
SET ROLE crm_sec_owner;
DROP TABLE owner_sc, owner_tx, owner_rules;
DROP EXTENSION crm;
RESET ROLE;
SELECT count(*) AS objects_left_in_crm FROM pg_class WHERE relnamespace = 'crm'::regnamespace;

\c contrib_regression
DROP DATABASE crm_security_db;
DROP DATABASE crm_security_planted;
DROP ROLE crm_sec_owner;
DROP ROLE crm_sec_other;
