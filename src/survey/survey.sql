-- ---------------------------------------------------------------------------
-- Survey indices: NPS, CSAT, CES (src/survey/survey.c) and the weighted CSI
-- (src/survey/survey_csi.c).  Each aggregate's state is also its value: counts (or
-- per-item sums) that the accessors read and the _merge aggregates add up.
-- ---------------------------------------------------------------------------

-- crm.nps: promoters (9-10), passives (7-8) and detractors (0-6).
CREATE TYPE crm.nps;
CREATE FUNCTION crm.nps_in(cstring) RETURNS crm.nps
	AS 'MODULE_PATHNAME', 'nps_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.nps_out(crm.nps) RETURNS cstring
	AS 'MODULE_PATHNAME', 'nps_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.nps_recv(internal) RETURNS crm.nps
	AS 'MODULE_PATHNAME', 'nps_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.nps_send(crm.nps) RETURNS bytea
	AS 'MODULE_PATHNAME', 'nps_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.nps (
	INPUT = crm.nps_in, OUTPUT = crm.nps_out, RECEIVE = crm.nps_recv, SEND = crm.nps_send,
	INTERNALLENGTH = 32, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.nps_in(cstring) IS 'text input of crm.nps';
COMMENT ON FUNCTION crm.nps_out(crm.nps) IS 'text output of crm.nps (round-trips)';
COMMENT ON FUNCTION crm.nps_recv(internal) IS 'binary input of crm.nps';
COMMENT ON FUNCTION crm.nps_send(crm.nps) IS 'binary output of crm.nps';
COMMENT ON TYPE crm.nps IS
	'Net Promoter Score counts, the state and value of crm.nps_agg: promoters (9-10), passives (7-8), detractors (0-6); text promoters=P passives=Q detractors=D';

CREATE FUNCTION crm.nps(promoters bigint, passives bigint, detractors bigint) RETURNS crm.nps
	AS 'MODULE_PATHNAME', 'nps_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps(bigint, bigint, bigint) IS
	'an NPS value from counts of promoters, passives and detractors (each >= 0)';

CREATE FUNCTION crm.nps_trans(crm.nps, integer) RETURNS crm.nps
	AS 'MODULE_PATHNAME', 'nps_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_trans(crm.nps, integer) IS
	'transition function of crm.nps_agg: counts a score 0..10 (NULL scores are skipped)';
CREATE FUNCTION crm.nps_combine(crm.nps, crm.nps) RETURNS crm.nps
	AS 'MODULE_PATHNAME', 'nps_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_combine(crm.nps, crm.nps) IS
	'the counts of two NPS values added (combine function of crm.nps_agg and crm.nps_merge)';
CREATE AGGREGATE crm.nps_agg(score integer) (
	SFUNC = crm.nps_trans, STYPE = crm.nps, COMBINEFUNC = crm.nps_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.nps_agg(integer) IS
	'Net Promoter Score counts of likelihood-to-recommend scores 0..10 (NULL without scores)';
CREATE AGGREGATE crm.nps_merge(crm.nps) (
	SFUNC = crm.nps_combine, STYPE = crm.nps, COMBINEFUNC = crm.nps_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.nps_merge(crm.nps) IS
	'merge NPS values (rollup: the NPS counts of all their responses)';

CREATE FUNCTION crm.nps_score(crm.nps) RETURNS float8
	AS 'MODULE_PATHNAME', 'nps_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_score(crm.nps) IS
	'the Net Promoter Score, 100 (promoters - detractors) / n, from -100 to 100 (NULL when n = 0)';
CREATE FUNCTION crm.nps_responses(crm.nps) RETURNS bigint
	AS 'MODULE_PATHNAME', 'nps_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_responses(crm.nps) IS 'the number of responses n of an NPS value';
CREATE FUNCTION crm.nps_promoters(crm.nps) RETURNS bigint
	AS 'MODULE_PATHNAME', 'nps_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_promoters(crm.nps) IS 'the number of promoters (scores 9-10)';
CREATE FUNCTION crm.nps_passives(crm.nps) RETURNS bigint
	AS 'MODULE_PATHNAME', 'nps_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_passives(crm.nps) IS 'the number of passives (scores 7-8)';
CREATE FUNCTION crm.nps_detractors(crm.nps) RETURNS bigint
	AS 'MODULE_PATHNAME', 'nps_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_detractors(crm.nps) IS 'the number of detractors (scores 0-6)';
CREATE FUNCTION crm.nps_se(crm.nps) RETURNS float8
	AS 'MODULE_PATHNAME', 'nps_se' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_se(crm.nps) IS
	'standard error of the NPS in points, 100 sqrt(((p + d) - (p - d)^2) / n) with p, d the promoter and detractor shares (NULL when n = 0)';
CREATE FUNCTION crm.nps_ci_low(crm.nps) RETURNS float8
	AS 'MODULE_PATHNAME', 'nps_ci_low' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_ci_low(crm.nps) IS
	'lower end of the 95% normal-approximation interval of the NPS, NPS - 1.96 SE, at least -100 (NULL when n = 0)';
CREATE FUNCTION crm.nps_ci_high(crm.nps) RETURNS float8
	AS 'MODULE_PATHNAME', 'nps_ci_high' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_ci_high(crm.nps) IS
	'upper end of the 95% normal-approximation interval of the NPS, NPS + 1.96 SE, at most 100 (NULL when n = 0)';
CREATE FUNCTION crm.nps_compare(a crm.nps, b crm.nps,
	OUT difference float8, OUT se float8, OUT ci_low float8, OUT ci_high float8)
	AS 'MODULE_PATHNAME', 'nps_compare' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_compare(crm.nps, crm.nps) IS
	'NPS(a) - NPS(b) of independent samples with its standard error sqrt(SE_a^2 + SE_b^2) and 95% interval (NULLs when either n = 0)';
CREATE FUNCTION crm.nps_category(score integer) RETURNS text
	AS 'MODULE_PATHNAME', 'nps_category' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_category(integer) IS
	'the NPS category of a score 0..10: promoter (9-10), passive (7-8) or detractor (0-6)';
CREATE FUNCTION crm.nps_jsonb(crm.nps) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'nps_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.nps_jsonb(crm.nps) IS
	'an NPS value as jsonb: nps, n, promoters, passives, detractors, se, ci_low, ci_high';
CREATE CAST (crm.nps AS jsonb) WITH FUNCTION crm.nps_jsonb(crm.nps);
COMMENT ON CAST (crm.nps AS jsonb) IS 'an NPS value as jsonb (crm.nps_jsonb)';

-- crm.csat: responses per score of a 1..scale_max satisfaction scale.
CREATE TYPE crm.csat;
CREATE FUNCTION crm.csat_in(cstring) RETURNS crm.csat
	AS 'MODULE_PATHNAME', 'csat_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csat_out(crm.csat) RETURNS cstring
	AS 'MODULE_PATHNAME', 'csat_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csat_recv(internal) RETURNS crm.csat
	AS 'MODULE_PATHNAME', 'csat_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csat_send(crm.csat) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survey_hist_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.csat (
	INPUT = crm.csat_in, OUTPUT = crm.csat_out, RECEIVE = crm.csat_recv, SEND = crm.csat_send,
	INTERNALLENGTH = 88, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.csat_in(cstring) IS 'text input of crm.csat';
COMMENT ON FUNCTION crm.csat_out(crm.csat) IS 'text output of crm.csat (round-trips)';
COMMENT ON FUNCTION crm.csat_recv(internal) IS 'binary input of crm.csat';
COMMENT ON FUNCTION crm.csat_send(crm.csat) IS 'binary output of crm.csat';
COMMENT ON TYPE crm.csat IS
	'customer satisfaction responses per score 1..scale_max (scale_max 3..10), the state and value of crm.csat_agg; text scale_max=S counts={c1,...,cS}';

CREATE FUNCTION crm.csat_trans(crm.csat, integer, integer) RETURNS crm.csat
	AS 'MODULE_PATHNAME', 'csat_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_trans(crm.csat, integer, integer) IS
	'transition function of crm.csat_agg: counts a score 1..scale_max (NULL scores are skipped)';
CREATE FUNCTION crm.csat_combine(crm.csat, crm.csat) RETURNS crm.csat
	AS 'MODULE_PATHNAME', 'survey_hist_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_combine(crm.csat, crm.csat) IS
	'the counts of two CSAT values of the same scale added (combine function of crm.csat_agg and crm.csat_merge)';
CREATE AGGREGATE crm.csat_agg(score integer, scale_max integer) (
	SFUNC = crm.csat_trans, STYPE = crm.csat, COMBINEFUNC = crm.csat_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.csat_agg(integer, integer) IS
	'customer satisfaction counts of scores 1..scale_max (scale_max 3..10, the same on every row; NULL without scores)';
CREATE AGGREGATE crm.csat_merge(crm.csat) (
	SFUNC = crm.csat_combine, STYPE = crm.csat, COMBINEFUNC = crm.csat_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.csat_merge(crm.csat) IS
	'merge CSAT values of the same scale (rollup: the counts of all their responses)';

CREATE FUNCTION crm.csat_score(crm.csat) RETURNS float8
	AS 'MODULE_PATHNAME', 'csat_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_score(crm.csat) IS
	'CSAT: percent of responses in the top two boxes (scores >= scale_max - 1), 0..100 (NULL when n = 0)';
CREATE FUNCTION crm.csat_top_box(crm.csat, boxes integer) RETURNS float8
	AS 'MODULE_PATHNAME', 'csat_top_box' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_top_box(crm.csat, integer) IS
	'percent of responses in the top boxes (scores > scale_max - boxes, boxes 1..scale_max; NULL when n = 0)';
CREATE FUNCTION crm.csat_mean(crm.csat) RETURNS float8
	AS 'MODULE_PATHNAME', 'survey_hist_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_mean(crm.csat) IS 'the mean CSAT score (NULL when n = 0)';
CREATE FUNCTION crm.csat_responses(crm.csat) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survey_hist_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_responses(crm.csat) IS 'the number of responses n of a CSAT value';
CREATE FUNCTION crm.csat_scale_max(crm.csat) RETURNS integer
	AS 'MODULE_PATHNAME', 'csat_scale_max' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_scale_max(crm.csat) IS 'the highest score of the scale of a CSAT value';
CREATE FUNCTION crm.csat_counts(crm.csat) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'survey_hist_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_counts(crm.csat) IS 'responses per score: element k counts score k';
CREATE FUNCTION crm.csat_jsonb(crm.csat) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'csat_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csat_jsonb(crm.csat) IS
	'a CSAT value as jsonb: csat (top-2-box percent), mean, scale_max, n, counts';
CREATE CAST (crm.csat AS jsonb) WITH FUNCTION crm.csat_jsonb(crm.csat);
COMMENT ON CAST (crm.csat AS jsonb) IS 'a CSAT value as jsonb (crm.csat_jsonb)';

-- crm.ces: responses per score of the 1..7 customer effort scale.
CREATE TYPE crm.ces;
CREATE FUNCTION crm.ces_in(cstring) RETURNS crm.ces
	AS 'MODULE_PATHNAME', 'ces_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ces_out(crm.ces) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ces_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ces_recv(internal) RETURNS crm.ces
	AS 'MODULE_PATHNAME', 'ces_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.ces_send(crm.ces) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survey_hist_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.ces (
	INPUT = crm.ces_in, OUTPUT = crm.ces_out, RECEIVE = crm.ces_recv, SEND = crm.ces_send,
	INTERNALLENGTH = 88, ALIGNMENT = double, STORAGE = plain);
COMMENT ON FUNCTION crm.ces_in(cstring) IS 'text input of crm.ces';
COMMENT ON FUNCTION crm.ces_out(crm.ces) IS 'text output of crm.ces (round-trips)';
COMMENT ON FUNCTION crm.ces_recv(internal) IS 'binary input of crm.ces';
COMMENT ON FUNCTION crm.ces_send(crm.ces) IS 'binary output of crm.ces';
COMMENT ON TYPE crm.ces IS
	'customer effort score responses per score 1..7, the state and value of crm.ces_agg; text counts={c1,...,c7}';

CREATE FUNCTION crm.ces_trans(crm.ces, integer) RETURNS crm.ces
	AS 'MODULE_PATHNAME', 'ces_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_trans(crm.ces, integer) IS
	'transition function of crm.ces_agg: counts a score 1..7 (NULL scores are skipped)';
CREATE FUNCTION crm.ces_combine(crm.ces, crm.ces) RETURNS crm.ces
	AS 'MODULE_PATHNAME', 'survey_hist_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_combine(crm.ces, crm.ces) IS
	'the counts of two CES values added (combine function of crm.ces_agg and crm.ces_merge)';
CREATE AGGREGATE crm.ces_agg(score integer) (
	SFUNC = crm.ces_trans, STYPE = crm.ces, COMBINEFUNC = crm.ces_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ces_agg(integer) IS
	'customer effort score counts of scores 1..7 (7 = strongly agree that it was easy; NULL without scores)';
CREATE AGGREGATE crm.ces_merge(crm.ces) (
	SFUNC = crm.ces_combine, STYPE = crm.ces, COMBINEFUNC = crm.ces_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.ces_merge(crm.ces) IS
	'merge CES values (rollup: the counts of all their responses)';

CREATE FUNCTION crm.ces_mean(crm.ces) RETURNS float8
	AS 'MODULE_PATHNAME', 'survey_hist_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_mean(crm.ces) IS 'the mean CES score, 1..7 (NULL when n = 0)';
CREATE FUNCTION crm.ces_agree(crm.ces) RETURNS float8
	AS 'MODULE_PATHNAME', 'ces_agree' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_agree(crm.ces) IS
	'percent of responses that agree (scores 5-7), 0..100 (NULL when n = 0)';
CREATE FUNCTION crm.ces_responses(crm.ces) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survey_hist_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_responses(crm.ces) IS 'the number of responses n of a CES value';
CREATE FUNCTION crm.ces_counts(crm.ces) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'survey_hist_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_counts(crm.ces) IS 'responses per score: element k counts score k (1..7)';
CREATE FUNCTION crm.ces_jsonb(crm.ces) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'ces_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.ces_jsonb(crm.ces) IS
	'a CES value as jsonb: mean, agree (percent 5-7), n, counts';
CREATE CAST (crm.ces AS jsonb) WITH FUNCTION crm.ces_jsonb(crm.ces);
COMMENT ON CAST (crm.ces AS jsonb) IS 'a CES value as jsonb (crm.ces_jsonb)';

-- The weighted CSI: one respondent, and over respondents (crm.csi_state).
CREATE FUNCTION crm.csi(scores float8[], weights float8[], scale_min float8, scale_max float8)
	RETURNS float8 AS 'MODULE_PATHNAME', 'csi_scalar' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi(float8[], float8[], float8, float8) IS
	'weighted customer satisfaction index 100 sum w_i (s_i - min) / (max - min) with weights normalized to sum 1; NULL scores skipped, weights renormalized';

CREATE TYPE crm.csi_state;
CREATE FUNCTION crm.csi_state_in(cstring) RETURNS crm.csi_state
	AS 'MODULE_PATHNAME', 'csi_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csi_state_out(crm.csi_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'csi_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csi_state_recv(internal) RETURNS crm.csi_state
	AS 'MODULE_PATHNAME', 'csi_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crm.csi_state_send(crm.csi_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'csi_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE crm.csi_state (
	INPUT = crm.csi_state_in, OUTPUT = crm.csi_state_out,
	RECEIVE = crm.csi_state_recv, SEND = crm.csi_state_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON FUNCTION crm.csi_state_in(cstring) IS 'text input of crm.csi_state';
COMMENT ON FUNCTION crm.csi_state_out(crm.csi_state) IS 'text output of crm.csi_state (exact, round-trips)';
COMMENT ON FUNCTION crm.csi_state_recv(internal) IS 'binary input of crm.csi_state';
COMMENT ON FUNCTION crm.csi_state_send(crm.csi_state) IS 'binary output of crm.csi_state';
COMMENT ON TYPE crm.csi_state IS
	'CSI of a group of respondents, the state and value of crm.csi_agg: scale, weights and per-item score sums and counts (40 + 24 bytes per item)';

CREATE FUNCTION crm.csi_trans(crm.csi_state, float8[], float8[], float8, float8) RETURNS crm.csi_state
	AS 'MODULE_PATHNAME', 'csi_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_trans(crm.csi_state, float8[], float8[], float8, float8) IS
	'transition function of crm.csi_agg: adds a respondent''s scores (NULL scores are skipped)';
CREATE FUNCTION crm.csi_combine(crm.csi_state, crm.csi_state) RETURNS crm.csi_state
	AS 'MODULE_PATHNAME', 'csi_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_combine(crm.csi_state, crm.csi_state) IS
	'the sums of two CSI states of the same weights and scale added (combine function of crm.csi_agg and crm.csi_merge)';
CREATE AGGREGATE crm.csi_agg(scores float8[], weights float8[], scale_min float8, scale_max float8) (
	SFUNC = crm.csi_trans, STYPE = crm.csi_state, COMBINEFUNC = crm.csi_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.csi_agg(float8[], float8[], float8, float8) IS
	'CSI of respondents'' item scores (weights and scale the same on every row; NULL without scores); read with crm.csi_score';
CREATE AGGREGATE crm.csi_merge(crm.csi_state) (
	SFUNC = crm.csi_combine, STYPE = crm.csi_state, COMBINEFUNC = crm.csi_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.csi_merge(crm.csi_state) IS
	'merge CSI states of the same weights and scale (rollup over groups of respondents)';

CREATE FUNCTION crm.csi_score(crm.csi_state) RETURNS float8
	AS 'MODULE_PATHNAME', 'csi_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_score(crm.csi_state) IS
	'the CSI of the mean item scores, 0..100 (the ACSI formula; items nobody answered are left out, weights renormalized; NULL if no item of positive weight was answered)';
CREATE FUNCTION crm.csi_respondents(crm.csi_state) RETURNS bigint
	AS 'MODULE_PATHNAME', 'csi_respondents' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_respondents(crm.csi_state) IS 'the number of respondents with at least one answered item';
CREATE FUNCTION crm.csi_item_means(crm.csi_state) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'csi_item_means' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_item_means(crm.csi_state) IS
	'each item''s mean score over the respondents who answered it (NULL for an item nobody answered)';
CREATE FUNCTION crm.csi_state_jsonb(crm.csi_state) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'csi_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.csi_state_jsonb(crm.csi_state) IS
	'a CSI state as jsonb: csi, n, scale_min, scale_max, weights (as given), item_means, item_n';
CREATE CAST (crm.csi_state AS jsonb) WITH FUNCTION crm.csi_state_jsonb(crm.csi_state);
COMMENT ON CAST (crm.csi_state AS jsonb) IS 'a CSI state as jsonb (crm.csi_state_jsonb)';
