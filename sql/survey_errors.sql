-- Bad input to the survey aggregates, functions and types: every case
-- raises a clear error with its SQLSTATE (shown as "SQLSTATE: message"), or
-- has a documented result.
CREATE SCHEMA survey_errors;
SET search_path = survey_errors, public;
\i test/load/sqlstate_of.sql

-- COPY one binary field into a table (server-side, from printf), returning
-- what sqlstate_of returns: 'no error' or "SQLSTATE: message"
CREATE FUNCTION copy_binary(tbl text, field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	file bytea := '\x5047434f50590aff0d0a00'::bytea || int4send(0) || int4send(0)
	              || int2send(1::int2) || int4send(length(field)) || field || int2send(-1::int2);
	octal text;
BEGIN
	SELECT string_agg('\' || (get_byte(file, i) / 64)::text || (get_byte(file, i) / 8 % 8)::text
	                  || (get_byte(file, i) % 8)::text, '' ORDER BY i)
	INTO octal FROM generate_series(0, length(file) - 1) i;
	RETURN sqlstate_of(format('COPY %I FROM PROGRAM %L WITH (FORMAT binary)', tbl, format('printf ''%s''', octal)));
END $$;

-- ---------------------------------------------------------------------------
-- NPS
-- ---------------------------------------------------------------------------
-- scores outside 0..10 (22003), in the aggregate and the category function
SELECT sqlstate_of($$SELECT crm.nps_agg(s) FROM (VALUES (9), (11)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.nps_agg(s) FROM (VALUES (-1)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.nps_agg(s) FROM (VALUES (NULL), (2147483647)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.nps_category(11)$$);
SELECT sqlstate_of($$SELECT crm.nps_category(-1)$$);
-- the message in full
SELECT crm.nps_agg(s) FROM (VALUES (5), (12)) t(s);
-- a NULL score is skipped, not an error
SELECT crm.nps_agg(s) FROM (VALUES (NULL::int), (10)) t(s);
-- counts: negative (22003), or more than bigint in total (22003)
SELECT sqlstate_of($$SELECT crm.nps(-1, 0, 0)$$);
SELECT sqlstate_of($$SELECT crm.nps(0, -5, 0)$$);
SELECT sqlstate_of($$SELECT crm.nps(0, 0, -9223372036854775808)$$);
SELECT sqlstate_of($$SELECT crm.nps(9223372036854775807, 1, 0)$$);
SELECT sqlstate_of($$SELECT crm.nps_merge(v) FROM (VALUES (crm.nps(9223372036854775807, 0, 0)), (crm.nps(1, 0, 0))) t(v)$$);
SELECT sqlstate_of($$SELECT crm.nps_combine(crm.nps(0, 9223372036854775806, 0), crm.nps(0, 0, 2))$$);
-- malformed text (22P02); too large in total (22003)
SELECT q, sqlstate_of(format('SELECT %L::crm.nps', q)) FROM (VALUES
	(''), ('promoters=1 passives=2'), ('promoters=1 passives=2 detractors='), ('promoters=1passives=2 detractors=3'),
	('promoters=1 passives=2 detractors=3 x'), ('passives=2 promoters=1 detractors=3'), ('promoters=+1 passives=2 detractors=3'),
	('promoters=-1 passives=2 detractors=3'), ('promoters=1.5 passives=2 detractors=3'), ('Promoters=1 passives=2 detractors=3'),
	('promoters=99999999999999999999 passives=0 detractors=0'),
	('promoters=9223372036854775807 passives=1 detractors=0')) v(q);
-- malformed binary (22P03): a valid value, a bad version, a negative count,
-- counts beyond bigint in total
CREATE TABLE nps_bin (v crm.nps);
SELECT copy_binary('nps_bin', '\x01'::bytea || int8send(100) || int8send(60) || int8send(40)) AS valid;
SELECT v FROM nps_bin;
SELECT copy_binary('nps_bin', '\x02'::bytea || int8send(100) || int8send(60) || int8send(40)) AS bad_version;
SELECT copy_binary('nps_bin', '\x01'::bytea || int8send(-1) || int8send(60) || int8send(40)) AS negative;
SELECT copy_binary('nps_bin', '\x01'::bytea || int8send(9223372036854775807) || int8send(1) || int8send(0)) AS too_large;
SELECT copy_binary('nps_bin', '\x01'::bytea || int8send(1) || int8send(1) || int8send(1) || '\x00'::bytea) AS trailing_byte;

-- ---------------------------------------------------------------------------
-- CSAT and CES
-- ---------------------------------------------------------------------------
-- scores outside the scale (22003); 0 is not a CSAT score
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 5) FROM (VALUES (5), (6)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 5) FROM (VALUES (0)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 10) FROM (VALUES (11)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.ces_agg(s) FROM (VALUES (0)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.ces_agg(s) FROM (VALUES (7), (8)) t(s)$$);
-- scale_max outside 3..10 (22023), NULL (22004, also on a row with a NULL
-- score), different within a group (22023)
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 2) FROM (VALUES (1)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 11) FROM (VALUES (1)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, 0) FROM (VALUES (NULL::int)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, NULL) FROM (VALUES (1)) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, m) FROM (VALUES (NULL::int, NULL::int)) t(s, m)$$);
SELECT sqlstate_of($$SELECT crm.csat_agg(s, m) FROM (VALUES (1, 5), (1, 7)) t(s, m)$$);
SELECT crm.csat_agg(s, m) FROM (VALUES (1, 5), (1, 7)) t(s, m);
-- merging values of different scales (22023)
SELECT sqlstate_of($$SELECT crm.csat_merge(v) FROM (VALUES ('scale_max=5 counts={1,0,0,0,0}'::crm.csat), ('scale_max=7 counts={1,0,0,0,0,0,0}')) t(v)$$);
SELECT sqlstate_of($$SELECT crm.csat_combine('scale_max=3 counts={1,0,0}', 'scale_max=4 counts={1,0,0,0}')$$);
-- merging beyond bigint (22003)
SELECT sqlstate_of($$SELECT crm.ces_combine('counts={9223372036854775807,0,0,0,0,0,0}', 'counts={0,0,0,0,0,0,1}')$$);
-- top boxes outside 1..scale_max (22023)
SELECT sqlstate_of($$SELECT crm.csat_top_box('scale_max=5 counts={1,1,1,1,1}', 0)$$);
SELECT sqlstate_of($$SELECT crm.csat_top_box('scale_max=5 counts={1,1,1,1,1}', 6)$$);
-- malformed text (22P02)
SELECT t, q, sqlstate_of(format('SELECT %L::%s', q, t)) FROM (VALUES
	('crm.csat', ''), ('crm.csat', 'counts={1,2,3}'), ('crm.csat', 'scale_max=2 counts={1,2}'),
	('crm.csat', 'scale_max=11 counts={1,1,1,1,1,1,1,1,1,1,1}'), ('crm.csat', 'scale_max=3 counts={1,2}'),
	('crm.csat', 'scale_max=3 counts={1,2,3,4}'), ('crm.csat', 'scale_max=3counts={1,2,3}'),
	('crm.csat', 'scale_max=3 counts={1,-2,3}'), ('crm.csat', 'scale_max=3 counts={1,2,3} x'),
	('crm.csat', 'scale_max=3 counts={9223372036854775807,1,0}'),
	('crm.ces', 'counts={1,2,3,4,5,6}'), ('crm.ces', 'counts={1,2,3,4,5,6,7,8}'), ('crm.ces', 'scale_max=7 counts={1,2,3,4,5,6,7}'),
	('crm.ces', 'counts={1,2,3,4,5,6,7'), ('crm.ces', 'counts={1,2,3,,5,6,7}')) v(t, q);
-- malformed binary (22P03): valid values first
CREATE TABLE csat_bin (v crm.csat);
CREATE TABLE ces_bin (v crm.ces);
SELECT copy_binary('csat_bin', '\x0103'::bytea || int8send(1) || int8send(2) || int8send(3)) AS valid;
SELECT copy_binary('ces_bin', '\x0107'::bytea || int8send(1) || int8send(2) || int8send(3) || int8send(4)
                              || int8send(5) || int8send(6) || int8send(7)) AS valid;
SELECT (SELECT v::text FROM csat_bin) AS csat, (SELECT v::text FROM ces_bin) AS ces;
SELECT copy_binary('csat_bin', '\x0203'::bytea || int8send(1) || int8send(2) || int8send(3)) AS bad_version;
SELECT copy_binary('csat_bin', '\x0102'::bytea || int8send(1) || int8send(2)) AS scale_2;
SELECT copy_binary('csat_bin', '\x0103'::bytea || int8send(1) || int8send(-2) || int8send(3)) AS negative;
SELECT copy_binary('ces_bin', '\x0105'::bytea || int8send(1) || int8send(2) || int8send(3) || int8send(4) || int8send(5)) AS ces_scale_5;

-- ---------------------------------------------------------------------------
-- CSI
-- ---------------------------------------------------------------------------
-- scale bounds inverted or equal, not finite (22023)
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,1}', 10, 1)$$);
SELECT crm.csi('{5,6}', '{1,1}', 10, 1);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,1}', 5, 5)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,1}', 'NaN', 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,1}', 1, 'Infinity')$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,1}', '-Infinity', 10)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', 10, 1) FROM (VALUES ('{5,6}'::float8[])) t(s)$$);
-- weights that sum to zero, negative, not finite, or summing beyond float8 (22023)
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{0,0}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{-0,0}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,-1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,NaN}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{Infinity,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1e308,1e308}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{0,0}', 1, 10) FROM (VALUES ('{5,6}'::float8[])) t(s)$$);
-- ... checked even on rows whose scores are all NULL
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{0,0}', 1, 10) FROM (VALUES (NULL::float8[])) t(s)$$);
-- NULL weights: an element (22004); in the aggregate also the array and the
-- bounds (22004); the scalar function is strict (NULL)
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{1,NULL}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, NULL, 1, 10) FROM (VALUES ('{5,6}'::float8[])) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', NULL, 10) FROM (VALUES ('{5,6}'::float8[])) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', 1, NULL) FROM (VALUES ('{5,6}'::float8[])) t(s)$$);
SELECT crm.csi('{5,6}', NULL, 1, 10) IS NULL AS scalar_null_weights, crm.csi('{5,6}', '{1,1}', NULL, 10) IS NULL AS scalar_null_bound;
-- NULL items are skipped (documented), not an error
SELECT crm.csi('{NULL,6}', '{1,1}', 1, 10) AS null_item_skipped;
-- arrays of the wrong length, empty, or of several dimensions (22023)
SELECT sqlstate_of($$SELECT crm.csi('{5,6,7}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{NULL,NULL,NULL}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{}', '{}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{}', '{1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{{5,6},{7,8}}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,6}', '{{1,1}}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', 1, 10) FROM (VALUES ('{5,6}'::float8[]), ('{5}')) t(s)$$);
-- scores NaN or infinite (22000), outside the scale (22003)
SELECT sqlstate_of($$SELECT crm.csi('{5,NaN}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{Infinity,5}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{-Infinity,5}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{0.5,5}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi('{5,10.5}', '{1,1}', 1, 10)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', 1, 10) FROM (VALUES ('{5,6}'::float8[]), ('{NaN,6}')) t(s)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', 1, 10) FROM (VALUES ('{5,6}'::float8[]), ('{11,6}')) t(s)$$);
-- weights or bounds that change within a group (22023), states of different
-- weights or scales merged (22023)
SELECT sqlstate_of($$SELECT crm.csi_agg(s, w, 1, 10) FROM (VALUES ('{5,6}'::float8[], '{1,1}'::float8[]), ('{5,6}', '{1,2}')) t(s, w)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, w, 1, 10) FROM (VALUES ('{5,6}'::float8[], '{1,1}'::float8[]), ('{5,6,7}', '{1,1,1}')) t(s, w)$$);
SELECT sqlstate_of($$SELECT crm.csi_agg(s, '{1,1}', lo, 10) FROM (VALUES ('{5,6}'::float8[], 1), ('{5,6}', 0)) t(s, lo)$$);
SELECT sqlstate_of($$SELECT crm.csi_merge(v) FROM (SELECT crm.csi_agg('{5,6}', w, 1, 10) AS v FROM (VALUES ('{1,1}'::float8[]), ('{1,2}')) t(w) GROUP BY w) q$$);
SELECT sqlstate_of($$SELECT crm.csi_combine(crm.csi_agg('{5,6}', '{1,1}', 1, 10), crm.csi_agg('{5,6}', '{1,1}', 0, 10))$$);
-- malformed crm.csi_state text (22P02)
SELECT q, sqlstate_of(format('SELECT %L::crm.csi_state', q)) FROM (VALUES
	(''), ('scale_min=1 scale_max=10 respondents=1'), ('scale_min=1 scale_max=10 respondents=1 items={}'),
	('scale_min=10 scale_max=1 respondents=1 items={1,5,1}'), ('scale_min=1 scale_max=NaN respondents=1 items={1,5,1}'),
	('scale_min=1 scale_max=10 respondents=1 items={-1,5,1}'), ('scale_min=1 scale_max=10 respondents=1 items={0,5,1}'),
	('scale_min=1 scale_max=10 respondents=1 items={1,5,2}'), ('scale_min=1 scale_max=10 respondents=1 items={1,5,0}'),
	('scale_min=1 scale_max=10 respondents=1 items={1,Infinity,1}'), ('scale_min=1 scale_max=10 respondents=-1 items={1,5,1}'),
	('scale_min=1 scale_max=10 respondents=1 items={1,5,1} '), ('scale_min=1  scale_max=10 respondents=1 items={1,5,1}'),
	('scale_min=1 scale_max=10 respondents=1 items={1,5;1}'), ('scale_min=1 scale_max=10 respondents=1 items={1,5,1;}'),
	('scale_min=1e999 scale_max=10 respondents=1 items={1,5,1}')) v(q);
-- malformed binary (22P03): a valid state first
CREATE TABLE csi_bin (v crm.csi_state);
SELECT copy_binary('csi_bin', '\x01'::bytea || int4send(1) || float8send(1) || float8send(10) || int8send(2)
                              || float8send(1) || float8send(11) || int8send(2)) AS valid;
SELECT v FROM csi_bin;
SELECT copy_binary('csi_bin', '\x02'::bytea || int4send(1) || float8send(1) || float8send(10) || int8send(2)
                              || float8send(1) || float8send(11) || int8send(2)) AS bad_version;
SELECT copy_binary('csi_bin', '\x01'::bytea || int4send(1000000) || float8send(1) || float8send(10) || int8send(2)
                              || float8send(1) || float8send(11) || int8send(2)) AS too_many_items;
SELECT copy_binary('csi_bin', '\x01'::bytea || int4send(0) || float8send(1) || float8send(10) || int8send(2)) AS no_items;
SELECT copy_binary('csi_bin', '\x01'::bytea || int4send(1) || float8send(10) || float8send(1) || int8send(2)
                              || float8send(1) || float8send(11) || int8send(2)) AS inverted_scale;
SELECT copy_binary('csi_bin', '\x01'::bytea || int4send(1) || float8send(1) || float8send(10) || int8send(2)
                              || float8send(1) || float8send('NaN') || int8send(2)) AS nan_sum;

RESET search_path;
DROP SCHEMA survey_errors CASCADE;
