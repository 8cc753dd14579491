-- ---------------------------------------------------------------------------
-- Campaign response: response rates, gains and lift, AUC and Gini, uplift
-- and Qini, treated against control
-- (src/campaign/campaign_state.c, src/campaign/campaign_tables.c)
-- ---------------------------------------------------------------------------

-- The exact, mergeable state of the campaign aggregates: response counts
-- (per group with a treatment flag) and, with scores, one cell per distinct
-- score.  It is also the value the aggregates return.
CREATE TYPE crm.campaign_state;
CREATE FUNCTION crm.campaign_state_in(cstring) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.campaign_state_out(crm.campaign_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'campaign_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.campaign_state_recv(internal) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.campaign_state_send(crm.campaign_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'campaign_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.campaign_state (
	INPUT = crm.campaign_state_in, OUTPUT = crm.campaign_state_out,
	RECEIVE = crm.campaign_state_recv, SEND = crm.campaign_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.campaign_state_in(cstring) IS 'text input of crm.campaign_state';
COMMENT ON FUNCTION crm.campaign_state_out(crm.campaign_state) IS 'text output of crm.campaign_state (exact, round-trips)';
COMMENT ON FUNCTION crm.campaign_state_recv(internal) IS 'binary input of crm.campaign_state';
COMMENT ON FUNCTION crm.campaign_state_send(crm.campaign_state) IS 'binary output of crm.campaign_state';
COMMENT ON TYPE crm.campaign_state IS
	'campaign responses: customers and responders (per treated/control group with a flag) and, with scores, per distinct score (40 bytes each); exact and mergeable';

-- ---- Aggregates ------------------------------------------------------------

CREATE FUNCTION crm.campaign_response_trans(crm.campaign_state, boolean) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_response_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_response_trans(crm.campaign_state, boolean) IS
	'transition function of crm.response_fit(responded)';
CREATE FUNCTION crm.campaign_treatment_trans(crm.campaign_state, boolean, boolean) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_treatment_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_treatment_trans(crm.campaign_state, boolean, boolean) IS
	'transition function of crm.response_fit(responded, treated)';
CREATE FUNCTION crm.campaign_score_trans(crm.campaign_state, float8, boolean) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_score_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_score_trans(crm.campaign_state, float8, boolean) IS
	'transition function of crm.gains_fit';
CREATE FUNCTION crm.campaign_uplift_trans(crm.campaign_state, float8, boolean, boolean) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_uplift_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_uplift_trans(crm.campaign_state, float8, boolean, boolean) IS
	'transition function of crm.uplift_fit';
CREATE FUNCTION crm.campaign_combine(crm.campaign_state, crm.campaign_state) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_combine(crm.campaign_state, crm.campaign_state) IS
	'merge two campaign states of the same kind (the customers of both)';
CREATE FUNCTION crm.campaign_final(crm.campaign_state) RETURNS crm.campaign_state
	AS 'MODULE_PATHNAME', 'campaign_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_final(crm.campaign_state) IS
	'a campaign state with its buffer merged and no spare room; NULL without customers (final function of the aggregates)';

CREATE AGGREGATE crm.response_fit(responded boolean) (
	SFUNC = crm.campaign_response_trans, STYPE = crm.campaign_state, FINALFUNC = crm.campaign_final,
	COMBINEFUNC = crm.campaign_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.response_fit(boolean) IS
	'campaign responses (one row per contacted customer): customers and responders; NULLs skipped and counted';
CREATE AGGREGATE crm.response_fit(responded boolean, treated boolean) (
	SFUNC = crm.campaign_treatment_trans, STYPE = crm.campaign_state, FINALFUNC = crm.campaign_final,
	COMBINEFUNC = crm.campaign_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.response_fit(boolean, boolean) IS
	'campaign responses of a treated and a control group: customers and responders per group; NULLs skipped and counted';
CREATE AGGREGATE crm.gains_fit(score float8, responded boolean) (
	SFUNC = crm.campaign_score_trans, STYPE = crm.campaign_state, FINALFUNC = crm.campaign_final,
	COMBINEFUNC = crm.campaign_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.gains_fit(float8, boolean) IS
	'scored campaign responses for gains, lift, AUC and Gini: customers and responders per distinct score; NULLs and non-finite scores skipped and counted';
CREATE AGGREGATE crm.uplift_fit(score float8, responded boolean, treated boolean) (
	SFUNC = crm.campaign_uplift_trans, STYPE = crm.campaign_state, FINALFUNC = crm.campaign_final,
	COMBINEFUNC = crm.campaign_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.uplift_fit(float8, boolean, boolean) IS
	'scored responses of a treated and a control group for uplift, Qini, gains and the response test: counts per group and distinct score; NULLs and non-finite scores skipped and counted';
CREATE AGGREGATE crm.campaign_merge(crm.campaign_state) (
	SFUNC = crm.campaign_combine, STYPE = crm.campaign_state, FINALFUNC = crm.campaign_final,
	COMBINEFUNC = crm.campaign_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.campaign_merge(crm.campaign_state) IS
	'merge campaign states of disjoint customer sets (rollup across partitions, shards or segments)';

-- ---- Results ---------------------------------------------------------------

CREATE FUNCTION crm.campaign_summary(state crm.campaign_state,
	OUT kind text, OUT customers bigint, OUT responders bigint, OUT treated bigint, OUT treated_responders bigint,
	OUT control bigint, OUT control_responders bigint, OUT distinct_scores integer, OUT skipped bigint)
	AS 'MODULE_PATHNAME', 'campaign_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.campaign_summary(crm.campaign_state) IS
	'the counts of a campaign state: kind (response, treatment, score, uplift), customers, responders, per group (NULL without a flag), distinct scores (NULL without scores), rows skipped';

CREATE FUNCTION crm.response_rate(state crm.campaign_state, confidence float8,
	OUT "group" text, OUT customers bigint, OUT responders bigint, OUT response_rate float8,
	OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'campaign_response_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION crm.response_rate(crm.campaign_state, float8) IS
	'response rate of each group (treated, control, all; or all) with its Wilson score interval at a confidence level in (0, 1); NULL rate for an empty group';
CREATE FUNCTION crm.response_rate(state crm.campaign_state,
	OUT "group" text, OUT customers bigint, OUT responders bigint, OUT response_rate float8,
	OUT ci_low float8, OUT ci_high float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 3
	BEGIN ATOMIC SELECT * FROM crm.response_rate(state, 0.95); END;
COMMENT ON FUNCTION crm.response_rate(crm.campaign_state) IS
	'response rate of each group with its 95 % Wilson score interval';

CREATE FUNCTION crm.response_test(state crm.campaign_state, confidence float8,
	OUT treated bigint, OUT treated_responders bigint, OUT treated_rate float8,
	OUT control bigint, OUT control_responders bigint, OUT control_rate float8,
	OUT difference float8, OUT ci_low float8, OUT ci_high float8, OUT z float8, OUT p_value float8)
	AS 'MODULE_PATHNAME', 'campaign_response_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.response_test(crm.campaign_state, float8) IS
	'treated against control: difference of response rates with its Wald interval (unpooled) and the two-sided two-proportion z test (pooled); NULLs where a group is empty or the pooled rate is 0 or 1';
CREATE FUNCTION crm.response_test(state crm.campaign_state,
	OUT treated bigint, OUT treated_responders bigint, OUT treated_rate float8,
	OUT control bigint, OUT control_responders bigint, OUT control_rate float8,
	OUT difference float8, OUT ci_low float8, OUT ci_high float8, OUT z float8, OUT p_value float8)
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT * FROM crm.response_test(state, 0.95); END;
COMMENT ON FUNCTION crm.response_test(crm.campaign_state) IS
	'treated against control at 95 %: difference of response rates, its interval, z and two-sided p-value';

CREATE FUNCTION crm.gains_table(state crm.campaign_state, buckets integer,
	OUT bucket integer, OUT score_high float8, OUT score_low float8, OUT customers bigint, OUT responders bigint,
	OUT response_rate float8, OUT cum_customers bigint, OUT cum_responders bigint, OUT cum_response_rate float8,
	OUT pct_customers float8, OUT gain float8, OUT lift float8, OUT cum_lift float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'campaign_gains_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.gains_table(crm.campaign_state, integer) IS
	'gains and lift by score bucket (1 = highest scores; buckets 1 .. 10000): a customer of rank k (1 + customers with a higher score) of N is in bucket ceil(buckets * k / N), so ties are never split; empty buckets are not listed';
CREATE FUNCTION crm.gains_table(state crm.campaign_state,
	OUT bucket integer, OUT score_high float8, OUT score_low float8, OUT customers bigint, OUT responders bigint,
	OUT response_rate float8, OUT cum_customers bigint, OUT cum_responders bigint, OUT cum_response_rate float8,
	OUT pct_customers float8, OUT gain float8, OUT lift float8, OUT cum_lift float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 10
	BEGIN ATOMIC SELECT * FROM crm.gains_table(state, 10); END;
COMMENT ON FUNCTION crm.gains_table(crm.campaign_state) IS 'gains and lift by score decile (ties kept together)';

CREATE FUNCTION crm.gains_curve(state crm.campaign_state,
	OUT point integer, OUT score float8, OUT cum_customers bigint, OUT cum_responders bigint,
	OUT pct_customers float8, OUT gain float8, OUT cum_lift float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'campaign_gains_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.gains_curve(crm.campaign_state) IS
	'cumulative gains and lift curve: point 0 at (0, 0), then one point after each distinct score from the highest';

CREATE FUNCTION crm.auc(state crm.campaign_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'campaign_auc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.auc(crm.campaign_state) IS
	'area under the ROC curve of the score: P(a responder scores above a non-responder), ties counted 1/2; NULL without responders or non-responders';
CREATE FUNCTION crm.gini(state crm.campaign_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'campaign_gini' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.gini(crm.campaign_state) IS
	'Gini (accuracy ratio) of the score, 2 * AUC - 1 (ties counted 1/2); NULL without responders or non-responders';

CREATE FUNCTION crm.uplift_table(state crm.campaign_state, buckets integer,
	OUT bucket integer, OUT score_high float8, OUT score_low float8,
	OUT treated bigint, OUT treated_responders bigint, OUT treated_rate float8,
	OUT control bigint, OUT control_responders bigint, OUT control_rate float8, OUT uplift float8,
	OUT cum_treated bigint, OUT cum_treated_responders bigint, OUT cum_control bigint,
	OUT cum_control_responders bigint, OUT cum_uplift float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'campaign_uplift_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION crm.uplift_table(crm.campaign_state, integer) IS
	'uplift (treated rate - control rate) by score bucket, treated and control ranked together (the rule of crm.gains_table); NULL rates and uplift where a group is empty';
CREATE FUNCTION crm.uplift_table(state crm.campaign_state,
	OUT bucket integer, OUT score_high float8, OUT score_low float8,
	OUT treated bigint, OUT treated_responders bigint, OUT treated_rate float8,
	OUT control bigint, OUT control_responders bigint, OUT control_rate float8, OUT uplift float8,
	OUT cum_treated bigint, OUT cum_treated_responders bigint, OUT cum_control bigint,
	OUT cum_control_responders bigint, OUT cum_uplift float8)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 10
	BEGIN ATOMIC SELECT * FROM crm.uplift_table(state, 10); END;
COMMENT ON FUNCTION crm.uplift_table(crm.campaign_state) IS 'uplift by score decile (ties kept together)';

CREATE FUNCTION crm.qini_curve(state crm.campaign_state,
	OUT point integer, OUT score float8, OUT pct_customers float8,
	OUT treated bigint, OUT treated_responders bigint, OUT control bigint, OUT control_responders bigint,
	OUT qini float8, OUT random float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'campaign_qini_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION crm.qini_curve(crm.campaign_state) IS
	'Qini curve (Radcliffe 2007): after each distinct score from the highest, the cumulative counts and the incremental responders R_t - R_c * N_t / N_c (control term 0 before the first control customer), with the random line';
CREATE FUNCTION crm.qini(state crm.campaign_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'campaign_qini' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.qini(crm.campaign_state) IS
	'Qini coefficient: area between the Qini curve and the random line over the same area of the perfect ordering (treated responders first, control responders last); NULL when that area is 0';

CREATE FUNCTION crm.campaign_state_jsonb(state crm.campaign_state) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.to_jsonb(s)) FROM crm.campaign_summary(state) s; END;
COMMENT ON FUNCTION crm.campaign_state_jsonb(crm.campaign_state) IS
	'a campaign state as jsonb: the fields of crm.campaign_summary (those that apply to its kind)';
CREATE CAST (crm.campaign_state AS jsonb) WITH FUNCTION crm.campaign_state_jsonb(crm.campaign_state);
COMMENT ON CAST (crm.campaign_state AS jsonb) IS 'a campaign state as jsonb (crm.campaign_state_jsonb)';
