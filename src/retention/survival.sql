-- ---------------------------------------------------------------------------
-- Kaplan-Meier survival with right censoring (src/retention/survival.c; the durations
-- shape of crm.clv_fit_state in src/common/tuple_state.c)
-- ---------------------------------------------------------------------------

-- The survival value: distinct event and censoring times with their counts.
CREATE TYPE crm.survival;
CREATE FUNCTION crm.survival_in(cstring) RETURNS crm.survival
	AS 'MODULE_PATHNAME', 'survival_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.survival_out(crm.survival) RETURNS cstring
	AS 'MODULE_PATHNAME', 'survival_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.survival_recv(internal) RETURNS crm.survival
	AS 'MODULE_PATHNAME', 'survival_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.survival_send(crm.survival) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survival_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.survival (
	INPUT = crm.survival_in, OUTPUT = crm.survival_out,
	RECEIVE = crm.survival_recv, SEND = crm.survival_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.survival_in(cstring) IS 'text input of crm.survival';
COMMENT ON FUNCTION crm.survival_out(crm.survival) IS 'text output of crm.survival (exact, round-trips)';
COMMENT ON FUNCTION crm.survival_recv(internal) IS 'binary input of crm.survival';
COMMENT ON FUNCTION crm.survival_send(crm.survival) IS 'binary output of crm.survival';
COMMENT ON TYPE crm.survival IS
	'Kaplan-Meier survival data: the distinct event and censoring times with their event and censored counts (exact, mergeable; 24 bytes per distinct time); text v1 n=N times={time:events,censored;...}';

CREATE FUNCTION crm.survival_jsonb(crm.survival) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'survival_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.survival_jsonb(crm.survival) IS
	'a survival value as jsonb: n, events, censored, median, and the arrays times, n_event, n_censored';
CREATE CAST (crm.survival AS jsonb) WITH FUNCTION crm.survival_jsonb(crm.survival);
COMMENT ON CAST (crm.survival AS jsonb) IS 'a survival value as jsonb (crm.survival_jsonb)';

-- The fit: rows accumulate in a durations fit state, finished into a crm.survival
CREATE FUNCTION crm.clv_fit_trans_durations(crm.clv_fit_state, float8, boolean)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_durations' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_durations(crm.clv_fit_state, float8, boolean) IS
	'transition function of the survival fits (duration, event)';
CREATE FUNCTION crm.clv_fit_trans_durations(crm.clv_fit_state, float8, boolean, bigint)
	RETURNS crm.clv_fit_state AS 'MODULE_PATHNAME', 'clv_fit_trans_durations' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_fit_trans_durations(crm.clv_fit_state, float8, boolean, bigint) IS
	'transition function of the survival fits (duration, event, weight)';
CREATE FUNCTION crm.km_fit_final(crm.clv_fit_state) RETURNS crm.survival
	AS 'MODULE_PATHNAME', 'km_fit_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.km_fit_final(crm.clv_fit_state) IS
	'the survival value of a (merged) durations fit state (NULL if it counts no row)';

CREATE AGGREGATE crm.km_fit(duration float8, event boolean) (
	SFUNC = crm.clv_fit_trans_durations, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.km_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.km_fit(duration float8, event boolean, weight bigint) (
	SFUNC = crm.clv_fit_trans_durations, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.km_fit_final, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.km_fit(float8, boolean) IS
	'Kaplan-Meier survival data of (duration >= 0, event: true = churned, false = censored); rows with a NULL duration are skipped';
COMMENT ON AGGREGATE crm.km_fit(float8, boolean, bigint) IS
	'Kaplan-Meier survival data of (duration, event) with integer weights (equal to repeating each row weight times)';

CREATE AGGREGATE crm.duration_fit_partial(duration float8, event boolean) (
	SFUNC = crm.clv_fit_trans_durations, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.duration_fit_partial(duration float8, event boolean, weight bigint) (
	SFUNC = crm.clv_fit_trans_durations, STYPE = crm.clv_fit_state,
	FINALFUNC = crm.clv_fit_compact, COMBINEFUNC = crm.clv_fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.duration_fit_partial(float8, boolean) IS
	'partial survival fit state of (duration, event) (merge with crm.clv_fit_merge, finish with crm.km_fit_final)';
COMMENT ON AGGREGATE crm.duration_fit_partial(float8, boolean, bigint) IS
	'partial survival fit state of (duration, event) with integer weights';

-- Rollup of survival values (pooling groups)
CREATE FUNCTION crm.survival_combine(crm.survival, crm.survival) RETURNS crm.survival
	AS 'MODULE_PATHNAME', 'survival_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.survival_combine(crm.survival, crm.survival) IS
	'the survival value of the subjects of two values (exact; the combine function of crm.survival_merge)';
CREATE AGGREGATE crm.survival_merge(crm.survival) (
	SFUNC = crm.survival_combine, STYPE = crm.survival,
	COMBINEFUNC = crm.survival_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.survival_merge(crm.survival) IS
	'merge survival values (rollup: the pooled survival of the groups, as one crm.km_fit over all their rows)';

-- Reading a survival value
CREATE FUNCTION crm.survival_table(s crm.survival)
	RETURNS TABLE ("time" float8, n_risk bigint, n_event bigint, n_censored bigint,
	               survival float8, std_err float8, lower float8, upper float8)
	AS 'MODULE_PATHNAME', 'survival_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.survival_table(crm.survival) IS
	'Kaplan-Meier table at the event times (as R''s summary(survfit)): at risk, events, censored since the previous row, S, Greenwood standard error and log-type 95% interval (NULL once S = 0)';
CREATE FUNCTION crm.median_survival(s crm.survival) RETURNS float8
	AS 'MODULE_PATHNAME', 'survival_median' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.median_survival(crm.survival) IS
	'median survival time: the first time with S <= 0.5, the middle of a flat at exactly 0.5 (R''s rule); NULL if S stays above 0.5';
CREATE FUNCTION crm.survival_at(s crm.survival, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.survival_at(crm.survival, float8) IS
	'Kaplan-Meier S(t), a right-continuous step function; NULL beyond the last observed time unless S has reached 0';
