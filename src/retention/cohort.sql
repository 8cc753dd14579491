-- ---------------------------------------------------------------------------
-- Cohort retention (src/retention/cohort_state.c, src/retention/cohort_table.c)
-- ---------------------------------------------------------------------------

-- The mergeable state of crm.cohort_fit: distinct (customer hash, period) pairs.
CREATE TYPE crm.cohort_state;
CREATE FUNCTION crm.cohort_state_in(cstring) RETURNS crm.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_state_out(crm.cohort_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'cohort_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_state_recv(internal) RETURNS crm.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_state_send(crm.cohort_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'cohort_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.cohort_state (
	INPUT = crm.cohort_state_in, OUTPUT = crm.cohort_state_out,
	RECEIVE = crm.cohort_state_recv, SEND = crm.cohort_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.cohort_state_in(cstring) IS 'text input of crm.cohort_state';
COMMENT ON FUNCTION crm.cohort_state_out(crm.cohort_state) IS 'text output of crm.cohort_state (exact, round-trips)';
COMMENT ON FUNCTION crm.cohort_state_recv(internal) IS 'binary input of crm.cohort_state';
COMMENT ON FUNCTION crm.cohort_state_send(crm.cohort_state) IS 'binary output of crm.cohort_state';
COMMENT ON TYPE crm.cohort_state IS
	'partial state of crm.cohort_fit: the distinct (customer hash, period) pairs up to the end of the observation window; merge with crm.cohort_merge, finish with crm.cohort_final';

-- The result: active and retained customers per cohort and period offset.
CREATE TYPE crm.cohort_table;
CREATE FUNCTION crm.cohort_table_in(cstring) RETURNS crm.cohort_table
	AS 'MODULE_PATHNAME', 'cohort_table_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_table_out(crm.cohort_table) RETURNS cstring
	AS 'MODULE_PATHNAME', 'cohort_table_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_table_recv(internal) RETURNS crm.cohort_table
	AS 'MODULE_PATHNAME', 'cohort_table_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.cohort_table_send(crm.cohort_table) RETURNS bytea
	AS 'MODULE_PATHNAME', 'cohort_table_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.cohort_table (
	INPUT = crm.cohort_table_in, OUTPUT = crm.cohort_table_out,
	RECEIVE = crm.cohort_table_recv, SEND = crm.cohort_table_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.cohort_table_in(cstring) IS 'text input of crm.cohort_table';
COMMENT ON FUNCTION crm.cohort_table_out(crm.cohort_table) IS 'text output of crm.cohort_table (exact, round-trips)';
COMMENT ON FUNCTION crm.cohort_table_recv(internal) IS 'binary input of crm.cohort_table';
COMMENT ON FUNCTION crm.cohort_table_send(crm.cohort_table) IS 'binary output of crm.cohort_table';
COMMENT ON TYPE crm.cohort_table IS
	'cohort retention counts: per acquisition cohort and period offset, the customers active then and active then or later, up to the end of the observation window';

CREATE FUNCTION crm.cohort_table_jsonb(crm.cohort_table) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'cohort_table_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_table_jsonb(crm.cohort_table) IS
	'a cohort table as jsonb: unit, first, through, events, customers, and per cohort its size and active and retained counts by offset';
CREATE CAST (crm.cohort_table AS jsonb) WITH FUNCTION crm.cohort_table_jsonb(crm.cohort_table);
COMMENT ON CAST (crm.cohort_table AS jsonb) IS 'a cohort table as jsonb (crm.cohort_table_jsonb)';

-- Transition (customer ids of any hashable type; date or timestamptz events)
CREATE FUNCTION crm.cohort_trans(crm.cohort_state, anyelement, date, interval, date)
	RETURNS crm.cohort_state AS 'MODULE_PATHNAME', 'cohort_trans_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_trans(crm.cohort_state, anyelement, date, interval, date) IS
	'transition function of crm.cohort_fit and crm.cohort_partial (date events)';
-- timestamptz input depends on the session time zone: STABLE
CREATE FUNCTION crm.cohort_trans(crm.cohort_state, anyelement, timestamptz, interval, timestamptz)
	RETURNS crm.cohort_state AS 'MODULE_PATHNAME', 'cohort_trans_tstz' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_trans(crm.cohort_state, anyelement, timestamptz, interval, timestamptz) IS
	'transition function of crm.cohort_fit and crm.cohort_partial (timestamptz events, days in the session time zone)';

CREATE FUNCTION crm.cohort_combine(crm.cohort_state, crm.cohort_state) RETURNS crm.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_combine(crm.cohort_state, crm.cohort_state) IS
	'merge two partial cohort states (same unit and observation window required)';
CREATE FUNCTION crm.cohort_compact(crm.cohort_state) RETURNS crm.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_compact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_compact(crm.cohort_state) IS
	'a partial cohort state with its pairs sorted and no spare room (final function of crm.cohort_partial and crm.cohort_merge)';
CREATE FUNCTION crm.cohort_final(crm.cohort_state) RETURNS crm.cohort_table
	AS 'MODULE_PATHNAME', 'cohort_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_final(crm.cohort_state) IS
	'cohort table of a partial state (NULL if it saw no event; an error if every event is after the observation window)';

-- crm.cohort_fit(customer_id, event_at, unit, as_of)
CREATE AGGREGATE crm.cohort_fit(anyelement, date, interval, date) (
	SFUNC = crm.cohort_trans, STYPE = crm.cohort_state, FINALFUNC = crm.cohort_final,
	COMBINEFUNC = crm.cohort_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_fit(anyelement, date, interval, date) IS
	'cohort retention table of an event log: customers by first active period of unit, active per later period, as of a date';
CREATE AGGREGATE crm.cohort_fit(anyelement, timestamptz, interval, timestamptz) (
	SFUNC = crm.cohort_trans, STYPE = crm.cohort_state, FINALFUNC = crm.cohort_final,
	COMBINEFUNC = crm.cohort_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_fit(anyelement, timestamptz, interval, timestamptz) IS
	'cohort retention table of an event log: customers by first active period of unit, active per later period, as of a time';

-- Two-step use: partial states per partition or shard, merged, then finished.
CREATE AGGREGATE crm.cohort_partial(anyelement, date, interval, date) (
	SFUNC = crm.cohort_trans, STYPE = crm.cohort_state, FINALFUNC = crm.cohort_compact,
	COMBINEFUNC = crm.cohort_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_partial(anyelement, date, interval, date) IS
	'partial cohort state of an event log (merge with crm.cohort_merge, finish with crm.cohort_final)';
CREATE AGGREGATE crm.cohort_partial(anyelement, timestamptz, interval, timestamptz) (
	SFUNC = crm.cohort_trans, STYPE = crm.cohort_state, FINALFUNC = crm.cohort_compact,
	COMBINEFUNC = crm.cohort_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_partial(anyelement, timestamptz, interval, timestamptz) IS
	'partial cohort state of an event log with timestamptz events (merge with crm.cohort_merge, finish with crm.cohort_final)';
CREATE AGGREGATE crm.cohort_merge(crm.cohort_state) (
	SFUNC = crm.cohort_combine, STYPE = crm.cohort_state, FINALFUNC = crm.cohort_compact,
	COMBINEFUNC = crm.cohort_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_merge(crm.cohort_state) IS
	'merge partial cohort states (rollup across partitions or shards; a customer may appear in several)';

-- Tables of disjoint customer sets add up.
CREATE FUNCTION crm.cohort_table_add(crm.cohort_table, crm.cohort_table) RETURNS crm.cohort_table
	AS 'MODULE_PATHNAME', 'cohort_table_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_table_add(crm.cohort_table, crm.cohort_table) IS
	'sum of two cohort tables of disjoint customer sets (same unit and observation window required)';
CREATE AGGREGATE crm.cohort_sum(crm.cohort_table) (
	SFUNC = crm.cohort_table_add, STYPE = crm.cohort_table,
	COMBINEFUNC = crm.cohort_table_add, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.cohort_sum(crm.cohort_table) IS
	'sum of cohort tables of disjoint customer sets (shards or segments partitioned by customer)';

-- Accessors
CREATE FUNCTION crm.cohort_customers(crm.cohort_table) RETURNS bigint
	AS 'MODULE_PATHNAME', 'cohort_table_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_customers(crm.cohort_table) IS 'customers in a cohort table (the sum of the cohort sizes)';
CREATE FUNCTION crm.cohort_unit(crm.cohort_table) RETURNS interval
	AS 'MODULE_PATHNAME', 'cohort_table_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_unit(crm.cohort_table) IS 'the period length of a cohort table';
CREATE FUNCTION crm.cohort_through(crm.cohort_table) RETURNS date
	AS 'MODULE_PATHNAME', 'cohort_table_through' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.cohort_through(crm.cohort_table) IS
	'the last day of the observation window of a cohort table (end of the last period complete at as_of)';

CREATE FUNCTION crm.cohort_retention(t crm.cohort_table)
	RETURNS TABLE (cohort date, period_offset integer, cohort_size bigint, active bigint,
				   retention double precision, retained bigint, retention_unbounded double precision)
	AS 'MODULE_PATHNAME', 'cohort_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.cohort_retention(crm.cohort_table) IS
	'retention by cohort and period offset: active customers and their share (bracket), customers active then or later (unbounded); NULL where not yet observable';
CREATE FUNCTION crm.cohort_matrix(t crm.cohort_table)
	RETURNS TABLE (cohort date, cohort_size bigint, active bigint[], retention double precision[],
				   retained bigint[], retention_unbounded double precision[])
	AS 'MODULE_PATHNAME', 'cohort_matrix' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION crm.cohort_matrix(crm.cohort_table) IS
	'retention matrix, one row per cohort with arrays over period offsets (element k + 1 is offset k; NULL where not yet observable)';
CREATE FUNCTION crm.period_retention(t crm.cohort_table)
	RETURNS TABLE (period date, customers_start bigint, new_customers bigint, customers_end bigint,
				   crr double precision, churn_rate double precision)
	AS 'MODULE_PATHNAME', 'period_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION crm.period_retention(crm.cohort_table) IS
	'customer retention rate per period: CRR = (E - N) / S with S active in the previous period, N new, E active in the period; churn rate = 1 - CRR';
CREATE FUNCTION crm.average_retention(t crm.cohort_table)
	RETURNS TABLE (period_offset integer, cohorts integer, customers bigint, active bigint,
				   retention double precision, retained bigint, retention_unbounded double precision)
	AS 'MODULE_PATHNAME', 'average_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION crm.average_retention(crm.cohort_table) IS
	'cohort-size weighted average retention curve: per offset, over the cohorts where it is observable';
