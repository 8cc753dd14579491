-- ---------------------------------------------------------------------------
-- Lifecycle stages (src/lifecycle/lifecycle_stage.c, lifecycle_stage_counts.c)
-- ---------------------------------------------------------------------------

-- The stage model: the thresholds that separate new, active, reactivated,
-- at risk, lapsed and lost customers, and optional P(alive) cut-offs.
CREATE TYPE crm.lifecycle_model;
CREATE FUNCTION crm.lifecycle_model_in(cstring) RETURNS crm.lifecycle_model
	AS 'MODULE_PATHNAME', 'lifecycle_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.lifecycle_model_out(crm.lifecycle_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'lifecycle_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.lifecycle_model_recv(internal) RETURNS crm.lifecycle_model
	AS 'MODULE_PATHNAME', 'lifecycle_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.lifecycle_model_send(crm.lifecycle_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'lifecycle_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.lifecycle_model (
	INPUT = crm.lifecycle_model_in, OUTPUT = crm.lifecycle_model_out,
	RECEIVE = crm.lifecycle_model_recv, SEND = crm.lifecycle_model_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = main);
COMMENT ON FUNCTION crm.lifecycle_model_in(cstring) IS 'text input of crm.lifecycle_model';
COMMENT ON FUNCTION crm.lifecycle_model_out(crm.lifecycle_model) IS 'text output of crm.lifecycle_model (exact, round-trips)';
COMMENT ON FUNCTION crm.lifecycle_model_recv(internal) IS 'binary input of crm.lifecycle_model';
COMMENT ON FUNCTION crm.lifecycle_model_send(crm.lifecycle_model) IS 'binary output of crm.lifecycle_model';
COMMENT ON TYPE crm.lifecycle_model IS
	'lifecycle stage model: new_within, active_within, lapsed_after, lost_after thresholds (months and days) and optional P(alive) cut-offs; text v1 new=90d active=90d lapsed=180d lost=365d at_risk_p_alive=0 lost_p_alive=0';

CREATE FUNCTION crm.lifecycle_model(new_within interval, active_within interval,
		lapsed_after interval, lost_after interval) RETURNS crm.lifecycle_model
	AS 'MODULE_PATHNAME', 'lifecycle_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_model(interval, interval, interval, interval) IS
	'a lifecycle stage model: new while the first purchase is within new_within (0 = no new stage), active while the last purchase is within active_within, at risk until lapsed_after, lapsed until lost_after, then lost';
CREATE FUNCTION crm.lifecycle_model(new_within interval, active_within interval,
		lapsed_after interval, lost_after interval,
		at_risk_p_alive float8, lost_p_alive float8) RETURNS crm.lifecycle_model
	AS 'MODULE_PATHNAME', 'lifecycle_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_model(interval, interval, interval, interval, float8, float8) IS
	'a lifecycle stage model with P(alive) cut-offs for crm.lifecycle_stage(model, summary, p_alive): below lost_p_alive a customer is lost, an active one below at_risk_p_alive is at risk (0 = off)';
CREATE FUNCTION crm.lifecycle_model() RETURNS crm.lifecycle_model LANGUAGE SQL IMMUTABLE PARALLEL SAFE
	RETURN crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '365 days');
COMMENT ON FUNCTION crm.lifecycle_model() IS
	'the default lifecycle stage model: new 90 days, active 90 days, lapsed after 180 days, lost after 365 days, no P(alive) cut-offs';

CREATE FUNCTION crm.lifecycle_model_jsonb(crm.lifecycle_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'lifecycle_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_model_jsonb(crm.lifecycle_model) IS
	'a lifecycle stage model as jsonb: the thresholds as interval text and the P(alive) cut-offs';
CREATE CAST (crm.lifecycle_model AS jsonb) WITH FUNCTION crm.lifecycle_model_jsonb(crm.lifecycle_model);
COMMENT ON CAST (crm.lifecycle_model AS jsonb) IS 'a lifecycle stage model as jsonb (crm.lifecycle_model_jsonb)';

CREATE FUNCTION crm.lifecycle_stage(model crm.lifecycle_model, purchases date[], as_of date) RETURNS text
	AS 'MODULE_PATHNAME', 'lifecycle_stage_dates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_stage(crm.lifecycle_model, date[], date) IS
	'the lifecycle stage of a customer as of a date from their purchase dates (any order, NULLs and purchases after as_of ignored): new, active, reactivated, at_risk, lapsed or lost; NULL before the first purchase';
CREATE FUNCTION crm.lifecycle_stage(model crm.lifecycle_model, summary crm.customer_summary) RETURNS text
	AS 'MODULE_PATHNAME', 'lifecycle_stage_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_stage(crm.lifecycle_model, crm.customer_summary) IS
	'the lifecycle stage of a customer summary as of its as_of (never reactivated: a summary keeps no gaps between purchases)';
CREATE FUNCTION crm.lifecycle_stage(model crm.lifecycle_model, summary crm.customer_summary, p_alive float8) RETURNS text
	AS 'MODULE_PATHNAME', 'lifecycle_stage_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.lifecycle_stage(crm.lifecycle_model, crm.customer_summary, float8) IS
	'the lifecycle stage of a customer summary, moved by a fitted model''s P(alive) and the model''s cut-offs (a new customer stays new)';

-- The stages of one customer at each date of a series.
CREATE TYPE crm.stage_path;
CREATE FUNCTION crm.stage_path_in(cstring) RETURNS crm.stage_path
	AS 'MODULE_PATHNAME', 'stage_path_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_path_out(crm.stage_path) RETURNS cstring
	AS 'MODULE_PATHNAME', 'stage_path_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_path_recv(internal) RETURNS crm.stage_path
	AS 'MODULE_PATHNAME', 'stage_path_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_path_send(crm.stage_path) RETURNS bytea
	AS 'MODULE_PATHNAME', 'stage_path_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.stage_path (
	INPUT = crm.stage_path_in, OUTPUT = crm.stage_path_out,
	RECEIVE = crm.stage_path_recv, SEND = crm.stage_path_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
COMMENT ON FUNCTION crm.stage_path_in(cstring) IS 'text input of crm.stage_path';
COMMENT ON FUNCTION crm.stage_path_out(crm.stage_path) IS 'text output of crm.stage_path (exact, round-trips)';
COMMENT ON FUNCTION crm.stage_path_recv(internal) IS 'binary input of crm.stage_path';
COMMENT ON FUNCTION crm.stage_path_send(crm.stage_path) IS 'binary output of crm.stage_path';
COMMENT ON TYPE crm.stage_path IS
	'the lifecycle stage of one customer at each date of a series (none = not a customer yet); text v1 stages={2024-01-31:none,2024-02-29:new,...}';

CREATE FUNCTION crm.stage_path(model crm.lifecycle_model, purchases date[], first date, last date, step interval)
	RETURNS crm.stage_path
	AS 'MODULE_PATHNAME', 'stage_path_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.stage_path(crm.lifecycle_model, date[], date, date, interval) IS
	'the lifecycle stage of a customer at each date first + k * step (k = 0, 1, ...) up to last, at most 1000 dates, from their purchase dates';
CREATE FUNCTION crm.stage_table(path crm.stage_path) RETURNS TABLE (as_of date, stage text)
	AS 'MODULE_PATHNAME', 'stage_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 24;
COMMENT ON FUNCTION crm.stage_table(crm.stage_path) IS
	'a stage path as a table: the stage at each date (NULL before the first purchase)';

-- Customers by stage at each date, and the flows between consecutive dates.
CREATE TYPE crm.stage_counts;
CREATE FUNCTION crm.stage_counts_in(cstring) RETURNS crm.stage_counts
	AS 'MODULE_PATHNAME', 'stage_counts_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_counts_out(crm.stage_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'stage_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_counts_recv(internal) RETURNS crm.stage_counts
	AS 'MODULE_PATHNAME', 'stage_counts_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.stage_counts_send(crm.stage_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'stage_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.stage_counts (
	INPUT = crm.stage_counts_in, OUTPUT = crm.stage_counts_out,
	RECEIVE = crm.stage_counts_recv, SEND = crm.stage_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.stage_counts_in(cstring) IS 'text input of crm.stage_counts';
COMMENT ON FUNCTION crm.stage_counts_out(crm.stage_counts) IS 'text output of crm.stage_counts (exact, round-trips)';
COMMENT ON FUNCTION crm.stage_counts_recv(internal) IS 'binary input of crm.stage_counts';
COMMENT ON FUNCTION crm.stage_counts_send(crm.stage_counts) IS 'binary output of crm.stage_counts';
COMMENT ON TYPE crm.stage_counts IS
	'customers by lifecycle stage at each date of a series and the flows between consecutive dates; exact and mergeable; text v1 customers=N dates={...} counts={k.stage:n,...} flows={k.from>to:n,...}';

CREATE FUNCTION crm.stage_counts_trans(crm.stage_counts, crm.stage_path) RETURNS crm.stage_counts
	AS 'MODULE_PATHNAME', 'stage_counts_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.stage_counts_trans(crm.stage_counts, crm.stage_path) IS
	'transition function of crm.stage_counts (one customer''s stage path)';
CREATE FUNCTION crm.stage_counts_combine(crm.stage_counts, crm.stage_counts) RETURNS crm.stage_counts
	AS 'MODULE_PATHNAME', 'stage_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.stage_counts_combine(crm.stage_counts, crm.stage_counts) IS
	'the stage counts of the customers of two values of the same dates (exact; the combine function of crm.stage_counts)';
CREATE AGGREGATE crm.stage_counts(crm.stage_path) (
	SFUNC = crm.stage_counts_trans, STYPE = crm.stage_counts,
	COMBINEFUNC = crm.stage_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.stage_counts(crm.stage_path) IS
	'customers by lifecycle stage at each date, and the flows between consecutive dates, from the customers'' stage paths (all of the same dates); NULL paths are skipped';
CREATE AGGREGATE crm.stage_counts_merge(crm.stage_counts) (
	SFUNC = crm.stage_counts_combine, STYPE = crm.stage_counts,
	COMBINEFUNC = crm.stage_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.stage_counts_merge(crm.stage_counts) IS
	'merge stage counts of the same dates (rollup across segments, partitions or shards)';

CREATE FUNCTION crm.customers(c crm.stage_counts) RETURNS bigint
	AS 'MODULE_PATHNAME', 'stage_counts_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.customers(crm.stage_counts) IS 'customers counted in a stage counts value (including those not yet customers at the first dates)';
CREATE FUNCTION crm.stage_count_table(c crm.stage_counts)
	RETURNS TABLE (as_of date, stage text, customers bigint, share float8)
	AS 'MODULE_PATHNAME', 'stage_count_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 144;
COMMENT ON FUNCTION crm.stage_count_table(crm.stage_counts) IS
	'customers by stage at each date, every stage in lifecycle order (new, active, reactivated, at_risk, lapsed, lost), share of the customers at that date (NULL before any)';
CREATE FUNCTION crm.stage_flow_table(c crm.stage_counts)
	RETURNS TABLE (from_as_of date, to_as_of date, from_stage text, to_stage text, customers bigint, row_share float8)
	AS 'MODULE_PATHNAME', 'stage_flow_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 500;
COMMENT ON FUNCTION crm.stage_flow_table(crm.stage_counts) IS
	'the non-zero flows between the stages of consecutive dates; from_stage NULL = customers whose first purchase fell in between; row_share = customers / customers in from_stage at from_as_of (entering: / customers who entered)';
