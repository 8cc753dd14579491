-- Regression cases for what the input fuzzer (test/fuzz/run) found.  Binary
-- inputs are written with COPY as bytea (a bytea field has the same framing
-- as a crm type's binary form) and read back into a crm column.
\i test/load/sqlstate_of.sql
CREATE TABLE bin (b bytea);
\set pls_spec_repeat '{"blocks": {"A": [1, 2], "B": [3, 4, 4]}, "paths": [["A", "B"]]}'

-- 1. An item repeated within the last block of a PLS spec read the end of
-- a block that was not set yet (a garbage name in the message, or a crash
-- when the spec came with a crm.pls_state in binary): 22023 / 22P02 / 22P03
-- naming the block.
SELECT sqlstate_of(format($$SELECT crm.pls_fit(x, %L) FROM (VALUES ('{1,2,3,4}'::float8[])) v(x)$$, :'pls_spec_repeat'));
SELECT sqlstate_of(format($$SELECT crm.pls_fit(x, %L) FROM (VALUES ('{1,2,3,4}'::float8[])) v(x)$$,
	'{"blocks": {"A": [1, 2, 2], "B": [3, 4]}, "paths": [["A", "B"]]}'));
SELECT sqlstate_of(format($$SELECT crm.pls_fit(x, %L) FROM (VALUES ('{1,2,3,4}'::float8[])) v(x)$$,
	'{"blocks": {"A": [1, 4], "B": [3, 4]}, "paths": [["A", "B"]]}'));
SELECT ('v1 p=4 n=3 skipped=0 mean={1,2,3,4} comoment={1,0,0,0,1,0,0,1,0,1} scheme=path scaled=false spec='
	|| :'pls_spec_repeat')::crm.pls_state;
CREATE AGGREGATE pls_spec_state(float8[], jsonb) (sfunc = crm.pls_trans, stype = crm.pls_state);
CREATE TABLE pls_states (s crm.pls_state);
-- a valid state with a spec; its binary form with the spec's text replaced
SELECT pls_spec_state(x, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') AS s
FROM (VALUES ('{1,2,3,4}'::float8[]), ('{2,1,3,5}')) v(x) \gset
INSERT INTO bin SELECT substr(b, 1, position(convert_to('{"blocks"', 'UTF8') IN b) - 1)
	|| convert_to(:'pls_spec_repeat', 'UTF8') || '\x00'::bytea
FROM (SELECT crm.pls_state_send(:'s') AS b) s;
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy pls_states FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
SELECT count(*) AS states_read FROM pls_states;

-- 2. Subnormal numbers: the binary forms accepted them and the text forms
-- printed them, but the text inputs rejected them (strtod's ERANGE).  Now
-- the text forms read them as float8in does; underflow to 0 and overflow are
-- still 22P02.
SELECT v::text, v::text::crm.value_potential_model::text = v::text AS round_trip
FROM (SELECT crm.value_potential_model('5e-324', '2.2e-308') AS v) s;
SELECT v::text, v::text::crm.bgnbd::text = v::text AS round_trip
FROM (SELECT crm.bgnbd('4.9e-324', 1, 1e-310, 1) AS v) s;
SELECT 'v1 shape=spend n=2 tuples={1,5e-324:2}'::crm.clv_fit_state;
SELECT 'v1 p=2 n=3 skipped=0 mean={1e-310,5} comoment={2,1,2}'::crm.pls_state;
SELECT 'v1 method=quantile bins=3 n=2 recency={5e-324:1,5:1} frequency={1:2} monetary={0.5:2}'::crm.rfm_fit_state;
SELECT 'thresholds bins=3 n=0 recency={1e-320,20} frequency={2,5} monetary={100,500}'::crm.rfm_model;
SELECT 'v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=2/0 spend=1e-320/2.25/0/0 cal={3,9} hold={}'::crm.summary_state;
SELECT 'v1 n=2 values={5e-324:1,1:1}'::crm.concentration;
SELECT sqlstate_of($$SELECT 'value_threshold=1e-400 potential_threshold=1 n=0'::crm.value_potential_model$$);
SELECT sqlstate_of($$SELECT 'r=1e309 alpha=1 a=1 b=1'::crm.bgnbd$$);
SELECT sqlstate_of($$SELECT 'thresholds bins=3 n=0 recency={1e-400,20} frequency={2,5} monetary={100,500}'::crm.rfm_model$$);

-- 3. Negative zero: printed as "-0" but read back as 0 by the value types,
-- crm.csi_state and crm.pls_model (jsonb); now printed as 0 and received as 0
SELECT v::text, v::text::crm.value_potential_model::text = v::text AS round_trip
FROM (SELECT crm.value_potential_model('-0', '-0') AS v) s;
SELECT v::text, v::text::crm.csi_state::text = v::text AS round_trip
FROM (SELECT crm.csi_agg(ARRAY[1::float8], '{1}', '-0', 10) AS v) s;
CREATE TABLE tier_models (m crm.value_tier_model);
TRUNCATE bin;
INSERT INTO bin SELECT overlay(b placing '\x8000000000000000' from length(b) - 7)
FROM (SELECT crm.value_tier_model_send(crm.abc_fit(v)) AS b FROM (VALUES (1::float8), (2), (3)) t(v)) s;
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy tier_models FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
SELECT m::text, m::text::crm.value_tier_model::text = m::text AS round_trip FROM tier_models;

-- 4. crm.pls_model in binary: latent variable names must be valid in the
-- database encoding (they were printed as they came), and respondents are
-- at most 2^53 (larger counts did not survive the text form): 22P03, and
-- 22P02 in text
SELECT crm.pls_fit(x, '{"blocks": {"A": [1, 2], "B": [3, 4]}, "paths": [["A", "B"]]}') AS m
FROM (VALUES ('{1,2,3,4}'::float8[]), ('{2,1,3,5}'), ('{3,3,1,1}'), ('{1,1,2,2}')) v(x) \gset
CREATE TABLE pls_models (m crm.pls_model);
-- the first name's byte replaced by 0xff
TRUNCATE bin;
INSERT INTO bin SELECT set_byte(b, length(b) - 4, 255) FROM (SELECT crm.pls_model_send(:'m') AS b) s;
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy pls_models FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
-- respondents (the int64 after 3 flag bytes and 7 int32) 2^53 + 1, then 2^53
TRUNCATE bin;
INSERT INTO bin SELECT overlay(crm.pls_model_send(:'m') placing int8send((2::int8 ^ 53)::int8 + 1) from 32);
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy pls_models FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
TRUNCATE bin;
INSERT INTO bin SELECT overlay(crm.pls_model_send(:'m') placing int8send((2::int8 ^ 53)::int8) from 32);
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy pls_models FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
SELECT m::jsonb -> 'respondents' AS respondents, m::text::crm.pls_model::text = m::text AS round_trip FROM pls_models;
SELECT left(sqlstate_of(format('SELECT %L::crm.pls_model', replace(:'m', '"respondents": 4', '"respondents": 1152921504606846976'))), 55) AS error;
-- a -0 mean (the first float8 after tol and gof) prints as 0
TRUNCATE pls_models;
TRUNCATE bin;
INSERT INTO bin SELECT overlay(crm.pls_model_send(:'m') placing '\x8000000000000000' from 64);
\copy bin TO 'results/fuzz_regressions.bin' WITH (FORMAT binary)
\copy pls_models FROM 'results/fuzz_regressions.bin' WITH (FORMAT binary)
SELECT m::jsonb -> 'lvs' -> 0 -> 'items' -> 0 -> 'mean' AS mean, m::text::crm.pls_model::text = m::text AS round_trip
FROM pls_models;

DROP TABLE bin, pls_states, tier_models, pls_models;
DROP AGGREGATE pls_spec_state(float8[], jsonb);

-- 5. Counts of crm.cohort_state and crm.cohort_table: the binary forms took
-- 9223372036854775807, the text forms refused anything above 9223372036854775799
SELECT s::text::crm.cohort_state::text = s::text AS round_trip, crm.cohort_final(s)::text ~ 'events=9223372036854775807' AS events_kept
FROM (SELECT 'v1 unit=1 month through=1997-04-30 events=9223372036854775807 ignored=9223372036854775807 pairs={ab:1997-03-01}'::crm.cohort_state AS s) x;
SELECT 'unit=1 month through=1997-04-30 first=1997-04-01 events=9223372036854775807 active={1} retained={1}'::crm.cohort_table;
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-04-30 events=9223372036854775808 ignored=0 pairs={ab:1997-03-01}'::crm.cohort_state$$) ~ '^22P02' AS beyond_rejected;

-- 6. Numbers beyond their range in the headers read with sscanf wrapped or
-- were clamped, so text that did not round-trip was accepted: bins=4294967299
-- read as 3 bins and n=99999999999999999999 as 9223372036854775807, p and a
-- version beyond int likewise.  The shared reader checks every range: 22P02.
SELECT q, sqlstate_of(format('SELECT %L::%s', q, t)) FROM (VALUES
	('crm.rfm_model', 'quantile bins=4294967299 n=99999999999999999999 recency={1,2} frequency={1,2} monetary={1,2}'),
	('crm.rfm_model', 'quantile bins=3 n=99999999999999999999 recency={1,2} frequency={1,2} monetary={1,2}'),
	('crm.rfm_fit_state', 'v4294967297 method=quantile bins=3 n=2 recency={1:1,5:1} frequency={1:2} monetary={0.5:2}'),
	('crm.rfm_fit_state', 'v1 method=quantile bins=4294967299 n=2 recency={1:1,5:1} frequency={1:2} monetary={0.5:2}'),
	('crm.pls_state', 'v1 p=4294967298 n=3 skipped=1 mean={2,5} comoment={2,1,2}'),
	('crm.survival', 'v4294967297 n=1 times={1:1,0}'),
	('crm.clv_fit_state', 'v4294967297 shape=spend n=6 tuples={1,7:3;2,12.5:3}')) v(t, q);
