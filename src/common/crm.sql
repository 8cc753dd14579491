\echo Use "CREATE EXTENSION crm" to load this file. \quit
-- crm: customer analytics inside PostgreSQL.
-- This install script is built by concatenating src/*.sql (see Makefile).

-- Everybody may use crm's types and functions (they read only their arguments,
-- and a user-table segment map is read with the caller's rights); creating
-- objects in the schema stays with its owner.
GRANT USAGE ON SCHEMA crm TO PUBLIC;

COMMENT ON SCHEMA crm IS 'crm: customer analytics (CLV, RFM, retention, satisfaction)';
