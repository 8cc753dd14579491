-- ---------------------------------------------------------------------------
-- Migration matrices between segment labels at two dates (src/lifecycle/lifecycle_migration.c)
-- ---------------------------------------------------------------------------

-- The matrix: distinct (from, to) label pairs with their customer counts.
-- It is both the value of crm.migration and its (mergeable) state.
CREATE TYPE crm.migration;
CREATE FUNCTION crm.migration_in(cstring) RETURNS crm.migration
	AS 'MODULE_PATHNAME', 'migration_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.migration_out(crm.migration) RETURNS cstring
	AS 'MODULE_PATHNAME', 'migration_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.migration_recv(internal) RETURNS crm.migration
	AS 'MODULE_PATHNAME', 'migration_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.migration_send(crm.migration) RETURNS bytea
	AS 'MODULE_PATHNAME', 'migration_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.migration (
	INPUT = crm.migration_in, OUTPUT = crm.migration_out,
	RECEIVE = crm.migration_recv, SEND = crm.migration_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.migration_in(cstring) IS 'text input of crm.migration';
COMMENT ON FUNCTION crm.migration_out(crm.migration) IS 'text output of crm.migration (exact, round-trips)';
COMMENT ON FUNCTION crm.migration_recv(internal) IS 'binary input of crm.migration';
COMMENT ON FUNCTION crm.migration_send(crm.migration) IS 'binary output of crm.migration';
COMMENT ON TYPE crm.migration IS
	'migration matrix: customer counts of (label at date 1, label at date 2) pairs, NULL = not a customer then (entering, leaving); exact and mergeable; text v1 customers=N pairs={"a">"b":n,null>"b":n,...}';

CREATE FUNCTION crm.migration_jsonb(crm.migration) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'migration_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.migration_jsonb(crm.migration) IS
	'a migration matrix as jsonb: customers, and pairs [{from, to, customers, row_share}] (null = entering or leaving), in the order of crm.migration_table';
CREATE CAST (crm.migration AS jsonb) WITH FUNCTION crm.migration_jsonb(crm.migration);
COMMENT ON CAST (crm.migration AS jsonb) IS 'a migration matrix as jsonb (crm.migration_jsonb)';

CREATE FUNCTION crm.migration_trans(crm.migration, text, text) RETURNS crm.migration
	AS 'MODULE_PATHNAME', 'migration_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.migration_trans(crm.migration, text, text) IS
	'transition function of crm.migration (from_label, to_label)';
CREATE FUNCTION crm.migration_combine(crm.migration, crm.migration) RETURNS crm.migration
	AS 'MODULE_PATHNAME', 'migration_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.migration_combine(crm.migration, crm.migration) IS
	'the migration matrix of the customers of two matrices (exact; the combine function of crm.migration)';

CREATE AGGREGATE crm.migration(from_label text, to_label text) (
	SFUNC = crm.migration_trans, STYPE = crm.migration,
	COMBINEFUNC = crm.migration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.migration(text, text) IS
	'migration matrix of customers between segment labels at two dates: (label then, label now), NULL = not a customer at that date (NULL to label: entering, label to NULL: leaving); rows with both NULL are skipped';
CREATE AGGREGATE crm.migration_merge(crm.migration) (
	SFUNC = crm.migration_combine, STYPE = crm.migration,
	COMBINEFUNC = crm.migration_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.migration_merge(crm.migration) IS
	'merge migration matrices (rollup across partitions or shards: the matrix of all their customers)';

CREATE FUNCTION crm.migration_table(m crm.migration)
	RETURNS TABLE (from_label text, to_label text, customers bigint, row_share float8)
	AS 'MODULE_PATHNAME', 'migration_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.migration_table(crm.migration) IS
	'a migration matrix as a table: from label (NULL = entering), to label (NULL = leaving), customers, and the row share customers / customers with that from label (the transition probability); labels in byte order, NULL last';
