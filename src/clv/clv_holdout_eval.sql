-- ---------------------------------------------------------------------------
-- Holdout evaluation (src/clv/clv_holdout_eval.c): a model's predicted
-- against actual holdout purchases and spend, per customer and by
-- calibration frequency; a mergeable aggregate of sums.
-- ---------------------------------------------------------------------------

CREATE TYPE crm.holdout_evaluation;
CREATE FUNCTION crm.holdout_evaluation_in(cstring) RETURNS crm.holdout_evaluation
	AS 'MODULE_PATHNAME', 'holdout_evaluation_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.holdout_evaluation_out(crm.holdout_evaluation) RETURNS cstring
	AS 'MODULE_PATHNAME', 'holdout_evaluation_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.holdout_evaluation_recv(internal) RETURNS crm.holdout_evaluation
	AS 'MODULE_PATHNAME', 'holdout_evaluation_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.holdout_evaluation_send(crm.holdout_evaluation) RETURNS bytea
	AS 'MODULE_PATHNAME', 'holdout_evaluation_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.holdout_evaluation (
	INPUT = crm.holdout_evaluation_in, OUTPUT = crm.holdout_evaluation_out,
	RECEIVE = crm.holdout_evaluation_recv, SEND = crm.holdout_evaluation_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.holdout_evaluation_in(cstring) IS 'text input of crm.holdout_evaluation';
COMMENT ON FUNCTION crm.holdout_evaluation_out(crm.holdout_evaluation) IS 'text output of crm.holdout_evaluation (round-trips)';
COMMENT ON FUNCTION crm.holdout_evaluation_recv(internal) IS 'binary input of crm.holdout_evaluation';
COMMENT ON FUNCTION crm.holdout_evaluation_send(crm.holdout_evaluation) IS 'binary output of crm.holdout_evaluation';
COMMENT ON TYPE crm.holdout_evaluation IS
	'a model''s predicted against actual holdout purchases and spend: sums per calibration frequency and customer-level error moments; the state and value of crm.holdout_evaluation, merged by crm.holdout_evaluation_merge';

CREATE FUNCTION crm.holdout_evaluation_trans(crm.holdout_evaluation, frequency bigint, actual float8, expected float8)
	RETURNS crm.holdout_evaluation
	AS 'MODULE_PATHNAME', 'holdout_evaluation_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.holdout_evaluation_trans(crm.holdout_evaluation, bigint, float8, float8) IS
	'transition function of crm.holdout_evaluation (purchases only)';
CREATE FUNCTION crm.holdout_evaluation_trans(crm.holdout_evaluation, frequency bigint, actual float8, expected float8,
                                             actual_spend float8, expected_spend float8)
	RETURNS crm.holdout_evaluation
	AS 'MODULE_PATHNAME', 'holdout_evaluation_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.holdout_evaluation_trans(crm.holdout_evaluation, bigint, float8, float8, float8, float8) IS
	'transition function of crm.holdout_evaluation (purchases and spend)';
CREATE FUNCTION crm.holdout_evaluation_combine(crm.holdout_evaluation, crm.holdout_evaluation)
	RETURNS crm.holdout_evaluation
	AS 'MODULE_PATHNAME', 'holdout_evaluation_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.holdout_evaluation_combine(crm.holdout_evaluation, crm.holdout_evaluation) IS
	'two holdout evaluations merged into a new one (combine function of crm.holdout_evaluation and crm.holdout_evaluation_merge)';

CREATE AGGREGATE crm.holdout_evaluation(frequency bigint, actual float8, expected float8) (
	SFUNC = crm.holdout_evaluation_trans, STYPE = crm.holdout_evaluation,
	COMBINEFUNC = crm.holdout_evaluation_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.holdout_evaluation(bigint, float8, float8) IS
	'holdout evaluation over customers: calibration frequency, actual and expected holdout purchases (NULL expected: counted as unscored; NULL frequency or actual: skipped)';
CREATE AGGREGATE crm.holdout_evaluation(frequency bigint, actual float8, expected float8,
                                        actual_spend float8, expected_spend float8) (
	SFUNC = crm.holdout_evaluation_trans, STYPE = crm.holdout_evaluation,
	COMBINEFUNC = crm.holdout_evaluation_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.holdout_evaluation(bigint, float8, float8, float8, float8) IS
	'holdout evaluation over customers of purchases and spend: calibration frequency, actual and expected holdout purchases, actual and expected holdout spend';
CREATE AGGREGATE crm.holdout_evaluation_merge(crm.holdout_evaluation) (
	SFUNC = crm.holdout_evaluation_combine, STYPE = crm.holdout_evaluation,
	COMBINEFUNC = crm.holdout_evaluation_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.holdout_evaluation_merge(crm.holdout_evaluation) IS
	'merge holdout evaluations (of segments, partitions or shards) into one';

CREATE FUNCTION crm.holdout_metrics(evaluation crm.holdout_evaluation,
	OUT customers bigint, OUT unscored bigint, OUT actual_total float8, OUT expected_total float8,
	OUT bias_percent float8, OUT mae float8, OUT rmse float8, OUT correlation float8,
	OUT spend_customers bigint, OUT spend_unscored bigint, OUT actual_spend_total float8,
	OUT expected_spend_total float8, OUT spend_bias_percent float8, OUT spend_mae float8,
	OUT spend_rmse float8, OUT spend_correlation float8)
	AS 'MODULE_PATHNAME', 'holdout_metrics' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.holdout_metrics(crm.holdout_evaluation) IS
	'customer-level metrics of a holdout evaluation, for purchases and for spend: customers scored and unscored, actual and expected totals, bias of the total in percent of the actual, mean absolute error, root mean squared error, Pearson correlation (NULL where undefined)';

CREATE FUNCTION crm.holdout_table(evaluation crm.holdout_evaluation, max_frequency integer DEFAULT 7,
	OUT frequency bigint, OUT and_more boolean, OUT customers bigint,
	OUT actual_mean float8, OUT expected_mean float8,
	OUT spend_customers bigint, OUT actual_spend_mean float8, OUT expected_spend_mean float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'holdout_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION crm.holdout_table(crm.holdout_evaluation, integer) IS
	'mean actual and expected holdout purchases (and spend) per calibration frequency 0 .. max_frequency - 1, the last row (and_more) gathering max_frequency and above: the calibration-versus-holdout table';
