-- ---------------------------------------------------------------------------
-- Service and complaints: ticket counts and resolution times (first-contact
-- resolution, reopen rate, SLA attainment, Kaplan-Meier and plain quantiles),
-- the backlog over a calendar series, and service recovery
-- (src/service/service_tickets.c, service_results.c, service_backlog.c,
-- service_recovery.c)
-- ---------------------------------------------------------------------------

-- ---- Tickets ---------------------------------------------------------------

CREATE TYPE crm.ticket_state;
CREATE FUNCTION crm.ticket_state_in(cstring) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ticket_state_out(crm.ticket_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ticket_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ticket_state_recv(internal) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ticket_state_send(crm.ticket_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ticket_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.ticket_state (
	INPUT = crm.ticket_state_in, OUTPUT = crm.ticket_state_out,
	RECEIVE = crm.ticket_state_recv, SEND = crm.ticket_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.ticket_state_in(cstring) IS 'text input of crm.ticket_state';
COMMENT ON FUNCTION crm.ticket_state_out(crm.ticket_state) IS 'text output of crm.ticket_state (exact, round-trips)';
COMMENT ON FUNCTION crm.ticket_state_recv(internal) IS 'binary input of crm.ticket_state';
COMMENT ON FUNCTION crm.ticket_state_send(crm.ticket_state) IS 'binary output of crm.ticket_state';
COMMENT ON TYPE crm.ticket_state IS
	'service tickets as of a time: counts (tickets, open, first-contact resolved, reopened) and the resolved and open tickets per distinct duration in whole seconds (24 bytes each); exact and mergeable';

CREATE FUNCTION crm.ticket_trans(crm.ticket_state, timestamptz, timestamptz, timestamptz) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ticket_trans(crm.ticket_state, timestamptz, timestamptz, timestamptz) IS
	'transition function of crm.ticket_fit(opened, resolved, as_of)';
CREATE FUNCTION crm.ticket_trans(crm.ticket_state, timestamptz, timestamptz, boolean, boolean, timestamptz) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ticket_trans(crm.ticket_state, timestamptz, timestamptz, boolean, boolean, timestamptz) IS
	'transition function of crm.ticket_fit(opened, resolved, first_contact_resolved, reopened, as_of)';
CREATE FUNCTION crm.ticket_combine(crm.ticket_state, crm.ticket_state) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ticket_combine(crm.ticket_state, crm.ticket_state) IS
	'merge two ticket states of the same as_of (the tickets of both)';
CREATE FUNCTION crm.ticket_final(crm.ticket_state) RETURNS crm.ticket_state
	AS 'MODULE_PATHNAME', 'ticket_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ticket_final(crm.ticket_state) IS
	'a ticket state with its buffer merged and no spare room; NULL without tickets (final function of the aggregates)';

CREATE AGGREGATE crm.ticket_fit(opened timestamptz, resolved timestamptz, as_of timestamptz) (
	SFUNC = crm.ticket_trans, STYPE = crm.ticket_state, FINALFUNC = crm.ticket_final,
	COMBINEFUNC = crm.ticket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ticket_fit(timestamptz, timestamptz, timestamptz) IS
	'service tickets as of as_of (one row per ticket): resolved NULL or after as_of = open (censored at as_of); rows with a NULL opened skipped and counted; resolved before opened or opened after as_of is an error (22000)';
CREATE AGGREGATE crm.ticket_fit(opened timestamptz, resolved timestamptz, first_contact_resolved boolean,
	reopened boolean, as_of timestamptz) (
	SFUNC = crm.ticket_trans, STYPE = crm.ticket_state, FINALFUNC = crm.ticket_final,
	COMBINEFUNC = crm.ticket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ticket_fit(timestamptz, timestamptz, boolean, boolean, timestamptz) IS
	'service tickets as of as_of with first-contact-resolved and reopened flags (a NULL flag leaves the ticket out of that rate only)';
CREATE AGGREGATE crm.ticket_merge(crm.ticket_state) (
	SFUNC = crm.ticket_combine, STYPE = crm.ticket_state, FINALFUNC = crm.ticket_final,
	COMBINEFUNC = crm.ticket_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ticket_merge(crm.ticket_state) IS
	'merge ticket states of disjoint tickets with the same as_of (rollup across groups, partitions or shards)';

CREATE FUNCTION crm.ticket_summary(state crm.ticket_state,
	OUT as_of timestamptz, OUT tickets bigint, OUT resolved bigint, OUT open bigint,
	OUT fcr_known bigint, OUT first_contact_resolved bigint, OUT reopen_known bigint, OUT reopened bigint,
	OUT distinct_durations integer, OUT skipped bigint)
	AS 'MODULE_PATHNAME', 'ticket_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ticket_summary(crm.ticket_state) IS
	'the counts of a ticket state: as_of, tickets, resolved and open at as_of, tickets with a first-contact flag and those resolved at first contact, tickets with a reopened flag and those reopened, distinct durations, rows skipped';
CREATE FUNCTION crm.ticket_state_jsonb(state crm.ticket_state) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT pg_catalog.to_jsonb(s) FROM crm.ticket_summary(state) s; END;
COMMENT ON FUNCTION crm.ticket_state_jsonb(crm.ticket_state) IS
	'a ticket state as jsonb: the fields of crm.ticket_summary';
CREATE CAST (crm.ticket_state AS jsonb) WITH FUNCTION crm.ticket_state_jsonb(crm.ticket_state);
COMMENT ON CAST (crm.ticket_state AS jsonb) IS 'a ticket state as jsonb (crm.ticket_state_jsonb)';

CREATE FUNCTION crm.complaint_rate(state crm.ticket_state, denominator float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'ticket_complaint_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.complaint_rate(crm.ticket_state, float8) IS
	'complaints (tickets) per 1,000 of a denominator > 0: customers, or orders, of the same period';

CREATE FUNCTION crm.ticket_rates(state crm.ticket_state, confidence float8,
	OUT measure text, OUT tickets bigint, OUT count bigint, OUT rate float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'ticket_rates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION crm.ticket_rates(crm.ticket_state, float8) IS
	'resolved share (of all tickets), first-contact resolution rate and reopen rate (of the tickets with that flag) with Wilson score intervals at a confidence level in (0, 1); NULL rate when no ticket has the flag';
CREATE FUNCTION crm.ticket_rates(state crm.ticket_state,
	OUT measure text, OUT tickets bigint, OUT count bigint, OUT rate float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 3
	BEGIN ATOMIC SELECT * FROM crm.ticket_rates(state, 0.95); END;
COMMENT ON FUNCTION crm.ticket_rates(crm.ticket_state) IS
	'resolved, first-contact resolution and reopen rates with 95 % Wilson score intervals';

CREATE FUNCTION crm.sla_attainment(state crm.ticket_state, target interval, confidence float8,
	OUT target interval, OUT met bigint, OUT missed bigint, OUT censored bigint,
	OUT attainment float8, OUT ci_low float8, OUT ci_high float8)
	AS 'MODULE_PATHNAME', 'ticket_sla_attainment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sla_attainment(crm.ticket_state, interval, float8) IS
	'SLA attainment for a target duration (fixed length, whole seconds): met = resolved within target, missed = resolved later or open longer than target, censored = open not longer than target (not counted); attainment = met / (met + missed) with its Wilson interval';
CREATE FUNCTION crm.sla_attainment(state crm.ticket_state, target interval,
	OUT target interval, OUT met bigint, OUT missed bigint, OUT censored bigint,
	OUT attainment float8, OUT ci_low float8, OUT ci_high float8)
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT * FROM crm.sla_attainment(state, target, 0.95); END;
COMMENT ON FUNCTION crm.sla_attainment(crm.ticket_state, interval) IS
	'SLA attainment for a target duration with its 95 % Wilson interval';

CREATE FUNCTION crm.resolution_quantiles(state crm.ticket_state, probabilities float8[], unit interval,
	OUT probability float8, OUT km_time float8, OUT resolved_time float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'ticket_resolution_quantiles' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION crm.resolution_quantiles(crm.ticket_state, float8[], interval) IS
	'resolution-time quantiles in a fixed-length unit: km_time from the Kaplan-Meier curve (open tickets censored at as_of), resolved_time among resolved tickets only (biased low when many are open); R''s quantile.survfit rule; NULL where the curve does not reach p; 1 to 1000 probabilities in (0, 1)';
CREATE FUNCTION crm.resolution_quantiles(state crm.ticket_state, unit interval,
	OUT probability float8, OUT km_time float8, OUT resolved_time float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 4
	BEGIN ATOMIC SELECT * FROM crm.resolution_quantiles(state, '{0.25,0.5,0.75,0.9}'::float8[], unit); END;
COMMENT ON FUNCTION crm.resolution_quantiles(crm.ticket_state, interval) IS
	'resolution-time quartiles and 90th percentile (Kaplan-Meier and among resolved) in a fixed-length unit';
CREATE FUNCTION crm.median_resolution(state crm.ticket_state, unit interval) RETURNS float8
	AS 'MODULE_PATHNAME', 'ticket_median_resolution' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.median_resolution(crm.ticket_state, interval) IS
	'Kaplan-Meier median resolution time in a fixed-length unit (open tickets censored; R''s rule); NULL while more than half may still be open';

CREATE FUNCTION crm.resolution_curve(state crm.ticket_state, unit interval,
	OUT "time" float8, OUT at_risk bigint, OUT resolved bigint, OUT censored bigint,
	OUT still_open float8, OUT resolved_share float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'ticket_resolution_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.resolution_curve(crm.ticket_state, interval) IS
	'Kaplan-Meier resolution curve: per distinct duration (in a fixed-length unit) the tickets at risk, resolved and censored (open) at it, the share still open after it and the share resolved';

-- ---- Backlog -----------------------------------------------------------------

CREATE TYPE crm.backlog_state;
CREATE FUNCTION crm.backlog_state_in(cstring) RETURNS crm.backlog_state
	AS 'MODULE_PATHNAME', 'backlog_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.backlog_state_out(crm.backlog_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'backlog_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.backlog_state_recv(internal) RETURNS crm.backlog_state
	AS 'MODULE_PATHNAME', 'backlog_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.backlog_state_send(crm.backlog_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'backlog_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.backlog_state (
	INPUT = crm.backlog_state_in, OUTPUT = crm.backlog_state_out,
	RECEIVE = crm.backlog_state_recv, SEND = crm.backlog_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.backlog_state_in(cstring) IS 'text input of crm.backlog_state';
COMMENT ON FUNCTION crm.backlog_state_out(crm.backlog_state) IS 'text output of crm.backlog_state (exact, round-trips)';
COMMENT ON FUNCTION crm.backlog_state_recv(internal) IS 'binary input of crm.backlog_state';
COMMENT ON FUNCTION crm.backlog_state_send(crm.backlog_state) IS 'binary output of crm.backlog_state';
COMMENT ON TYPE crm.backlog_state IS
	'open tickets at each time of a calendar series (1 to 100000 times, 16 bytes each); exact and mergeable';

CREATE FUNCTION crm.backlog_trans(crm.backlog_state, timestamptz, timestamptz, timestamptz, timestamptz, interval)
	RETURNS crm.backlog_state
	AS 'MODULE_PATHNAME', 'backlog_trans' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.backlog_trans(crm.backlog_state, timestamptz, timestamptz, timestamptz, timestamptz, interval) IS
	'transition function of crm.backlog_fit (stable: the series steps in the session time zone)';
CREATE FUNCTION crm.backlog_combine(crm.backlog_state, crm.backlog_state) RETURNS crm.backlog_state
	AS 'MODULE_PATHNAME', 'backlog_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.backlog_combine(crm.backlog_state, crm.backlog_state) IS
	'merge two backlog states of the same series (the tickets of both)';
CREATE FUNCTION crm.backlog_final(crm.backlog_state) RETURNS crm.backlog_state
	AS 'MODULE_PATHNAME', 'backlog_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.backlog_final(crm.backlog_state) IS
	'a backlog state; NULL without tickets (final function of the aggregates)';
CREATE AGGREGATE crm.backlog_fit(opened timestamptz, resolved timestamptz, start timestamptz, stop timestamptz, step interval) (
	SFUNC = crm.backlog_trans, STYPE = crm.backlog_state, FINALFUNC = crm.backlog_final,
	COMBINEFUNC = crm.backlog_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.backlog_fit(timestamptz, timestamptz, timestamptz, timestamptz, interval) IS
	'open tickets (opened <= t and resolved NULL or > t) at each t of generate_series(start, stop, step), in one pass; rows with a NULL opened skipped; resolved before opened is an error (22000); at most 100000 times';
CREATE AGGREGATE crm.backlog_merge(crm.backlog_state) (
	SFUNC = crm.backlog_combine, STYPE = crm.backlog_state, FINALFUNC = crm.backlog_final,
	COMBINEFUNC = crm.backlog_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.backlog_merge(crm.backlog_state) IS
	'merge backlog states of disjoint tickets over the same series';
CREATE FUNCTION crm.backlog_table(state crm.backlog_state, OUT "at" timestamptz, OUT open bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'backlog_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.backlog_table(crm.backlog_state) IS
	'the backlog: open tickets at each time of the series';

-- ---- Service recovery --------------------------------------------------------

CREATE TYPE crm.recovery_state;
CREATE FUNCTION crm.recovery_state_in(cstring) RETURNS crm.recovery_state
	AS 'MODULE_PATHNAME', 'recovery_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.recovery_state_out(crm.recovery_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'recovery_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.recovery_state_recv(internal) RETURNS crm.recovery_state
	AS 'MODULE_PATHNAME', 'recovery_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.recovery_state_send(crm.recovery_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'recovery_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.recovery_state (
	INPUT = crm.recovery_state_in, OUTPUT = crm.recovery_state_out,
	RECEIVE = crm.recovery_state_recv, SEND = crm.recovery_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.recovery_state_in(cstring) IS 'text input of crm.recovery_state';
COMMENT ON FUNCTION crm.recovery_state_out(crm.recovery_state) IS 'text output of crm.recovery_state (exact, round-trips)';
COMMENT ON FUNCTION crm.recovery_state_recv(internal) IS 'binary input of crm.recovery_state';
COMMENT ON FUNCTION crm.recovery_state_send(crm.recovery_state) IS 'binary output of crm.recovery_state';
COMMENT ON TYPE crm.recovery_state IS
	'service recovery: customers and repurchasers in three groups (complaint resolved, complaint unresolved, no complaint); exact and mergeable';

CREATE FUNCTION crm.recovery_trans(crm.recovery_state, boolean, boolean, boolean) RETURNS crm.recovery_state
	AS 'MODULE_PATHNAME', 'recovery_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.recovery_trans(crm.recovery_state, boolean, boolean, boolean) IS
	'transition function of crm.recovery_fit';
CREATE FUNCTION crm.recovery_combine(crm.recovery_state, crm.recovery_state) RETURNS crm.recovery_state
	AS 'MODULE_PATHNAME', 'recovery_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.recovery_combine(crm.recovery_state, crm.recovery_state) IS
	'merge two recovery states (the customers of both)';
CREATE FUNCTION crm.recovery_final(crm.recovery_state) RETURNS crm.recovery_state
	AS 'MODULE_PATHNAME', 'recovery_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.recovery_final(crm.recovery_state) IS
	'a recovery state; NULL without customers (final function of the aggregates)';
CREATE AGGREGATE crm.recovery_fit(complained boolean, resolved boolean, repurchased boolean) (
	SFUNC = crm.recovery_trans, STYPE = crm.recovery_state, FINALFUNC = crm.recovery_final,
	COMBINEFUNC = crm.recovery_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.recovery_fit(boolean, boolean, boolean) IS
	'service recovery (one row per customer): group resolved / unresolved by resolved when complained, else no_complaint; repurchased within the window; rows with a NULL complained or repurchased, or a complaint with a NULL resolved, skipped and counted';
CREATE AGGREGATE crm.recovery_merge(crm.recovery_state) (
	SFUNC = crm.recovery_combine, STYPE = crm.recovery_state, FINALFUNC = crm.recovery_final,
	COMBINEFUNC = crm.recovery_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.recovery_merge(crm.recovery_state) IS
	'merge recovery states of disjoint customers';

CREATE FUNCTION crm.recovery_rates(state crm.recovery_state, confidence float8,
	OUT "group" text, OUT customers bigint, OUT repurchased bigint, OUT rate float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'recovery_rates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION crm.recovery_rates(crm.recovery_state, float8) IS
	'repurchase rate of each group (resolved, unresolved, no_complaint) with its Wilson score interval; NULL rate for an empty group';
CREATE FUNCTION crm.recovery_rates(state crm.recovery_state,
	OUT "group" text, OUT customers bigint, OUT repurchased bigint, OUT rate float8, OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 3
	BEGIN ATOMIC SELECT * FROM crm.recovery_rates(state, 0.95); END;
COMMENT ON FUNCTION crm.recovery_rates(crm.recovery_state) IS
	'repurchase rate of each group with its 95 % Wilson score interval';
CREATE FUNCTION crm.recovery_test(state crm.recovery_state, confidence float8,
	OUT group_a text, OUT group_b text, OUT difference float8, OUT ci_low float8, OUT ci_high float8,
	OUT z float8, OUT p_value float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'recovery_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION crm.recovery_test(crm.recovery_state, float8) IS
	'rate of group_a - rate of group_b (resolved vs no_complaint, resolved vs unresolved, unresolved vs no_complaint) with its Wald interval (unpooled) and the two-sided two-proportion z test (pooled); NULLs where a group is empty or the pooled rate is 0 or 1';
CREATE FUNCTION crm.recovery_test(state crm.recovery_state,
	OUT group_a text, OUT group_b text, OUT difference float8, OUT ci_low float8, OUT ci_high float8,
	OUT z float8, OUT p_value float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 3
	BEGIN ATOMIC SELECT * FROM crm.recovery_test(state, 0.95); END;
COMMENT ON FUNCTION crm.recovery_test(crm.recovery_state) IS
	'the three group comparisons of a recovery state at 95 %';
