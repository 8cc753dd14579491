\echo Use "CREATE EXTENSION crm" to load this file. \quit
-- crm: customer analytics inside PostgreSQL.
-- This install script is built by concatenating src/*.sql (see Makefile).

COMMENT ON SCHEMA crm IS 'crm: customer analytics (CLV, RFM, retention, satisfaction)';
