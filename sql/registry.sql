-- The model registry's integrity rules (README "Model registry"): fitted_at
-- and fitted_by are the server's (a trigger; no role but the table's owner
-- can supply them, by INSERT, COPY or UPDATE); a scope that reads as
-- schema.table belongs to that table (crm.can_register): only roles that own
-- it or hold INSERT and DELETE on it register models for it, and a refresh
-- with refit => false (and crm.latest_model) uses only models whose fitted_by
-- may still write it, so no other role can plant the model of a scorecard,
-- not even before its table exists.  Two concurrent first refreshes of one
-- target are tested by test/concurrency/races (two sessions).
\i test/load/sqlstate_of.sql
CREATE ROLE crm_reg_owner;
CREATE ROLE crm_reg_other;
CREATE ROLE crm_reg_member IN ROLE crm_reg_owner;
GRANT INSERT ON crm.model_registry TO crm_reg_owner, crm_reg_other, crm_reg_member;
CREATE SCHEMA reg;
GRANT USAGE, CREATE ON SCHEMA reg TO crm_reg_owner, crm_reg_other;
CREATE TABLE reg.tx (customer_id int, bought date, amount float8);
INSERT INTO reg.tx SELECT 1 + i % 40, date '2024-01-01' + (i * 7) % 300, 5 + i % 13 FROM generate_series(1, 400) i;
GRANT SELECT ON reg.tx TO crm_reg_owner, crm_reg_other;
-- models to give a refresh (psql variables bg, gg, rm, vt)
SELECT crm.bgnbd(0.25, 4, 0.8, 2.4) AS bg, crm.gammagamma(6, 4, 15) AS gg, crm.rfm_model('{10,20}', '{2,5}', '{50,100}') AS rm,
       'pyramid n=100 total=5050 cuts={0.01,0.05,0.2,1} names={"Platinum","Gold","Iron","Lead"} thresholds={100,96,81,1} customers={1,4,15,80} values={100,390,1320,3240}'::crm.value_tier_model AS vt \gset

-- ---------------------------------------------------------------------------
-- fitted_by and fitted_at are the server's
-- ---------------------------------------------------------------------------
SET ROLE crm_reg_other;
BEGIN;
-- a direct INSERT that names another role and an old time
INSERT INTO crm.model_registry (kind, model, scope, fitted_at, fitted_by)
VALUES ('bgnbd', crm.bgnbd(1, 2, 3, 4)::text, 'forged', '2000-01-01', 'crm_reg_owner');
-- ... and COPY
COPY crm.model_registry (kind, model, scope, fitted_at, fitted_by) FROM stdin;
sbg	alpha=1 beta=2	forged	1999-12-31 00:00:00+00	crm_reg_owner
\.
SELECT kind, scope, fitted_by, fitted_at = now() AS fitted_now FROM crm.model_registry ORDER BY id;
COMMIT;
-- no UPDATE or DELETE, nor disabling the trigger
SELECT sqlstate_of($$UPDATE crm.model_registry SET fitted_by = 'crm_reg_owner'$$) AS other_updates,
       sqlstate_of($$DELETE FROM crm.model_registry$$) AS other_deletes,
       sqlstate_of($$ALTER TABLE crm.model_registry DISABLE TRIGGER model_registry_guard$$) AS other_disables_trigger;
RESET ROLE;
-- even a role granted UPDATE keeps fitted_by and fitted_at as they were
GRANT UPDATE ON crm.model_registry TO crm_reg_other;
SET ROLE crm_reg_other;
UPDATE crm.model_registry SET fitted_by = 'crm_reg_owner', fitted_at = '2000-01-01', note = 'updated' WHERE scope = 'forged';
SELECT kind, note, fitted_by, fitted_at > '2020-01-01' AS fitted_recently FROM crm.model_registry ORDER BY id;
-- ... and cannot move a row to the scope of a table it may not write
SELECT sqlstate_of($$UPDATE crm.model_registry SET scope = 'reg.tx' WHERE scope = 'forged'$$) AS other_moves_to_table_scope;
RESET ROLE;
REVOKE UPDATE ON crm.model_registry FROM crm_reg_other;
-- the table's owner (here the superuser that installed crm) writes rows as
-- given: that is what a pg_dump restore does (test/dump/run)
INSERT INTO crm.model_registry (kind, model, scope, fitted_at, fitted_by)
VALUES ('bgnbd', crm.bgnbd(1, 2, 3, 4)::text, 'restored', '2001-02-03 04:05:06+00', 'crm_reg_someone');
SELECT fitted_by, fitted_at = '2001-02-03 04:05:06+00' AS fitted_at_kept FROM crm.model_registry WHERE scope = 'restored';
-- the trigger belongs to the table (not to pg_dump's output: the extension makes it)
SELECT tgname, tgenabled, obj_description(oid, 'pg_trigger') IS NOT NULL AS commented
FROM pg_trigger WHERE tgrelid = 'crm.model_registry'::regclass;
DELETE FROM crm.model_registry;

-- ---------------------------------------------------------------------------
-- scopes: labels, and table scopes (schema.table)
-- ---------------------------------------------------------------------------
SET ROLE crm_reg_owner;
CREATE TABLE reg.owner_sc (customer_id int);
RESET ROLE;
-- which scopes are table scopes: two identifiers (as parse_ident reads them,
-- unquoted ones folded to lower case); anything else is a label
SELECT s AS scope, crm.can_register('crm_reg_owner', s) AS owner, crm.can_register('crm_reg_other', s) AS other,
       crm.can_register('crm_reg_member', s) AS member_of_owner
FROM unnest(ARRAY['reg.owner_sc', 'REG.Owner_SC', ' "reg" . "owner_sc" ', 'reg."Owner_SC"', 'reg.not_yet', 'nowhere.owner_sc',
                  'campaign', 'owner_sc', 'v1.2', 'reg.owner_sc.x', '"reg.owner_sc"', 'reg.', '"".owner_sc', '']) s;
SELECT crm.can_register('crm_reg_other', NULL) AS null_scope, crm.can_register('no_such_role', 'reg.owner_sc') AS unknown_role,
       crm.can_register('no_such_role', 'campaign') AS unknown_role_label, crm.can_register(NULL, 'reg.owner_sc') AS null_role;
-- another role cannot register for the owner's table, however spelled, nor
-- for a table that does not exist yet; it can for a label
SET ROLE crm_reg_other;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'reg.owner_sc')$$) AS other_for_owner_table,
       sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'REG.OWNER_SC')$$) AS other_upper_case,
       sqlstate_of($$INSERT INTO crm.model_registry (kind, model, scope) VALUES ('bgnbd', 'x', 'reg.owner_sc')$$) AS other_direct_insert,
       sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'reg.not_yet')$$) AS other_before_table_exists;
SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'campaign') > 0 AS other_for_label;
-- the owner can, and a member of the owner
SET ROLE crm_reg_owner;
SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'reg.owner_sc') > 0 AS owner_for_own_table,
       sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'reg.not_yet')$$) AS owner_before_table_exists;
SET ROLE crm_reg_member;
SELECT crm.register_model(crm.bgnbd(1, 2, 4, 4), scope => 'reg.owner_sc') > 0 AS member_for_owner_table;
-- INSERT alone on the table is not enough; INSERT and DELETE are
SET ROLE crm_reg_owner;
GRANT INSERT ON reg.owner_sc TO crm_reg_other;
SET ROLE crm_reg_other;
SELECT sqlstate_of($$SELECT crm.register_model(crm.bgnbd(1, 2, 3, 4), scope => 'reg.owner_sc')$$) AS other_with_insert;
SET ROLE crm_reg_owner;
GRANT DELETE ON reg.owner_sc TO crm_reg_other;
SET ROLE crm_reg_other;
SELECT crm.register_model(crm.bgnbd(1, 2, 5, 4), scope => 'reg.owner_sc') > 0 AS other_with_insert_and_delete;
RESET ROLE;
SELECT scope, fitted_by, model FROM crm.model_registry ORDER BY id;
DELETE FROM crm.model_registry;
DROP TABLE reg.owner_sc;

-- ---------------------------------------------------------------------------
-- a scorecard reads only models its writers registered
-- ---------------------------------------------------------------------------
-- the other role owned a table reg.card once, registered models for it (as
-- its owner may) and dropped it
SET ROLE crm_reg_other;
CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false,
                           bgnbd => :'bg', gammagamma => :'gg', rfm_model => :'rm', value_tiers => :'vt');
SELECT crm.register_model(:'bg'::crm.bgnbd, scope => 'reg.card') > 0 AS bg, crm.register_model(:'gg'::crm.gammagamma, scope => 'reg.card') > 0 AS gg,
       crm.register_model(:'rm'::crm.rfm_model, scope => 'reg.card') > 0 AS rm,
       crm.register_model(:'vt'::crm.value_tier_model, scope => 'reg.card') > 0 AS vt;
DROP TABLE reg.card;
-- the owner's first refresh of reg.card with refit => false: the planted
-- models are not used (there is no model for reg.card), nothing is created;
-- crm.latest_model does not return them either
SET ROLE crm_reg_owner;
SELECT sqlstate_of($$CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false)$$) AS planted_models_used,
       to_regclass('reg.card') IS NULL AS no_table;
CREATE TABLE reg.card (customer_id int);
SELECT crm.latest_bgnbd('reg.card') IS NULL AS latest_skips_planted,
       (SELECT count(*) FROM crm.model_registry WHERE scope = 'reg.card' AND fitted_by = 'crm_reg_other') AS planted_rows_kept;
DROP TABLE reg.card;
-- the owner makes it with given models and registers its own for it; they are used
CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false,
                           bgnbd => :'bg', gammagamma => :'gg', rfm_model => :'rm', value_tiers => :'vt');
CREATE TEMP TABLE owner_models AS
SELECT crm.register_model(crm.bgnbd(0.26, 4.1, 0.81, 2.5), scope => 'reg.card') AS bgnbd_model,
       crm.register_model(crm.gammagamma(6.1, 4, 15), scope => 'reg.card') AS gammagamma_model,
       crm.register_model(:'rm'::crm.rfm_model, scope => 'reg.card') AS rfm_model,
       crm.register_model(:'vt'::crm.value_tier_model, scope => 'reg.card') AS value_tier_model;
CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false);
SELECT count(*) AS customers, count(*) FILTER (WHERE (c.bgnbd_model, c.gammagamma_model, c.rfm_model, c.value_tier_model)
                                                    = (o.bgnbd_model, o.gammagamma_model, o.rfm_model, o.value_tier_model)) AS with_owner_models,
       (SELECT fitted_by FROM crm.model_registry WHERE id = o.bgnbd_model) AS fitted_by
FROM reg.card c, owner_models o GROUP BY o.bgnbd_model;
-- a role granted INSERT and DELETE on the scorecard may register its models;
-- once they are revoked, its models are no longer used
GRANT INSERT, DELETE ON reg.card TO crm_reg_other;
SET ROLE crm_reg_other;
CREATE TEMP TABLE other_model AS SELECT crm.register_model(crm.bgnbd(0.3, 5, 0.9, 2.5), scope => 'reg.card') AS id;
GRANT SELECT ON other_model TO crm_reg_owner;
SET ROLE crm_reg_owner;
CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false);
SELECT count(*) FILTER (WHERE bgnbd_model = (SELECT id FROM other_model)) AS with_granted_roles_model,
       crm.latest_bgnbd('reg.card')::text AS latest_bgnbd FROM reg.card;
REVOKE DELETE ON reg.card FROM crm_reg_other;
CALL crm.refresh_scorecard('reg.tx', 'customer_id', 'bought', 'amount', '2024-12-31', '1 week', 'reg.card', refit => false);
SELECT count(*) FILTER (WHERE bgnbd_model = (SELECT bgnbd_model FROM owner_models)) AS with_owner_model_again,
       crm.latest_bgnbd('reg.card')::text = (SELECT model FROM crm.model_registry WHERE id = (SELECT bgnbd_model FROM owner_models)) AS latest_is_owners_again
FROM reg.card;
RESET ROLE;

-- ---------------------------------------------------------------------------
-- clean up
-- ---------------------------------------------------------------------------
DELETE FROM crm.model_registry;
SET client_min_messages = warning;
DROP SCHEMA reg CASCADE;
RESET client_min_messages;
DROP TABLE other_model, owner_models;
REVOKE ALL ON crm.model_registry FROM crm_reg_owner, crm_reg_other, crm_reg_member;
DROP ROLE crm_reg_member;
DROP ROLE crm_reg_owner;
DROP ROLE crm_reg_other;
