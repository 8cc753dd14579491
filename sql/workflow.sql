-- Workflows: the model registry.
CREATE SCHEMA wf;
SET search_path = wf, public;
\i test/load/sqlstate_of.sql

-- ---------------------------------------------------------------------------
-- the registry
-- ---------------------------------------------------------------------------

-- it is an extension configuration table (pg_dump keeps its rows), with its id sequence
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
WHERE e.extname = 'crm' ORDER BY 1;

-- any crm model type is stored as its text form and restored exactly
SELECT crm.register_model(crm.bgnbd(0.243, 4.414, 0.793, 2.426), date '1997-09-30', 2357, 'published', 'paper') AS bg_id,
       crm.register_model(crm.gammagamma(6.25, 3.74, 15.44), note => 'published', scope => 'paper') AS gg_id,
       crm.register_model(crm.rfm_model('{10,20}', '{2,3}', '{50,100}'), scope => 'paper') AS rfm_id,
       crm.register_model(crm.sbg(0.704, 1.182)) AS sbg_id;
SELECT kind, scope, as_of, input_rows, note, model FROM crm.model_registry ORDER BY id;
SELECT crm.latest_bgnbd('paper')::text = crm.bgnbd(0.243, 4.414, 0.793, 2.426)::text AS bgnbd_restored,
       crm.latest_gammagamma()::text = crm.gammagamma(6.25, 3.74, 15.44)::text AS gammagamma_restored,
       crm.latest_rfm_model('paper')::text = crm.rfm_model('{10,20}', '{2,3}', '{50,100}')::text AS rfm_restored,
       crm.latest_model(NULL::crm.sbg)::text = crm.sbg(0.704, 1.182)::text AS sbg_restored,
       crm.latest_bgnbd('no such scope') IS NULL AS unknown_scope_is_null,
       pg_typeof(crm.latest_model(NULL::crm.sbg)) AS restored_type;
-- the latest wins (ties in fitted_at, within one transaction, by id)
SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'paper') > 0 AS registered;
SELECT crm.parameter(crm.latest_bgnbd('paper'), 'b') AS latest_b;
-- only crm model types; not NULL
SELECT sqlstate_of($$SELECT crm.register_model(42)$$) AS not_a_model,
       sqlstate_of($$SELECT crm.register_model(NULL::crm.bgnbd)$$) AS null_model;

-- privileges: everyone reads the registry, only granted roles write it
CREATE ROLE crm_wf_reader;
CREATE ROLE crm_wf_writer;
GRANT INSERT ON crm.model_registry TO crm_wf_writer;
GRANT USAGE ON SCHEMA wf TO crm_wf_reader, crm_wf_writer;
SET ROLE crm_wf_reader;
SELECT crm.parameter(crm.latest_bgnbd('paper'), 'b') AS reader_reads;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 1, 1, 1))$$) AS reader_cannot_register;
SELECT sqlstate_of($$DELETE FROM crm.model_registry$$) AS reader_cannot_delete;
SET ROLE crm_wf_writer;
SELECT crm.register_model(crm.bgnbd(1, 1, 1, 1), scope => 'writer') > 0 AS writer_registers;
SELECT fitted_by FROM crm.model_registry WHERE scope = 'writer';
SELECT sqlstate_of($$UPDATE crm.model_registry SET note = 'x'$$) AS writer_cannot_update;
RESET ROLE;
DELETE FROM crm.model_registry;
REVOKE ALL ON crm.model_registry FROM crm_wf_writer;
REVOKE ALL ON SCHEMA wf FROM crm_wf_reader, crm_wf_writer;
DROP ROLE crm_wf_reader;
DROP ROLE crm_wf_writer;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA wf CASCADE;
RESET client_min_messages;
