-- ---------------------------------------------------------------------------
-- Tracking a customer base against a purchase model (src/clv/clv_tracking.c):
-- the state of births per day and actual repeat purchases per period of a
-- calendar window, its aggregate, and (per purchase model type,
-- src/clv/clv_tracking_type.sql.in) crm.tracking(model, state)
-- ---------------------------------------------------------------------------

CREATE TYPE crm.tracking_state;
CREATE FUNCTION crm.tracking_state_in(cstring) RETURNS crm.tracking_state
	AS 'MODULE_PATHNAME', 'tracking_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.tracking_state_out(crm.tracking_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'tracking_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.tracking_state_recv(internal) RETURNS crm.tracking_state
	AS 'MODULE_PATHNAME', 'tracking_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.tracking_state_send(crm.tracking_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'tracking_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.tracking_state (
	INPUT = crm.tracking_state_in, OUTPUT = crm.tracking_state_out,
	RECEIVE = crm.tracking_state_recv, SEND = crm.tracking_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.tracking_state_in(cstring) IS 'text input of crm.tracking_state';
COMMENT ON FUNCTION crm.tracking_state_out(crm.tracking_state) IS 'text output of crm.tracking_state (exact, round-trips)';
COMMENT ON FUNCTION crm.tracking_state_recv(internal) IS 'binary input of crm.tracking_state';
COMMENT ON FUNCTION crm.tracking_state_send(crm.tracking_state) IS 'binary output of crm.tracking_state';
COMMENT ON TYPE crm.tracking_state IS
	'a customer base for tracking: customers born on each day of a calendar window (origin, period_days x periods) and their actual repeat purchases (distinct later purchase days) per period; from crm.tracking_data, read by crm.tracking';

CREATE FUNCTION crm.tracking_trans(crm.tracking_state, date[], date, interval, integer) RETURNS crm.tracking_state
	AS 'MODULE_PATHNAME', 'tracking_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.tracking_trans(crm.tracking_state, date[], date, interval, integer) IS
	'transition function of crm.tracking_data (one customer''s purchase days)';
CREATE FUNCTION crm.tracking_combine(crm.tracking_state, crm.tracking_state) RETURNS crm.tracking_state
	AS 'MODULE_PATHNAME', 'tracking_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.tracking_combine(crm.tracking_state, crm.tracking_state) IS
	'merge two tracking states of the same window';
CREATE AGGREGATE crm.tracking_data(purchases date[], origin date, period interval, periods integer) (
	SFUNC = crm.tracking_trans, STYPE = crm.tracking_state,
	COMBINEFUNC = crm.tracking_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.tracking_data(date[], date, interval, integer) IS
	'a customer base for crm.tracking, one row per customer: the days of their purchases (the first is their birth, each later distinct day one repeat purchase), counted in periods periods of period (whole days) from origin; customers born after the window are left out, one born before origin is an error';
CREATE AGGREGATE crm.tracking_merge(crm.tracking_state) (
	SFUNC = crm.tracking_combine, STYPE = crm.tracking_state,
	COMBINEFUNC = crm.tracking_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.tracking_merge(crm.tracking_state) IS
	'merge tracking states of one window (rollup across partitions or shards)';
