-- crm.rfm: the RFM score type (text and binary I/O, type modifier, ordering,
-- hashing, indexes, accessors, constructor, casts).  Errors are shown as
-- "SQLSTATE: message" by sqlstate_of.
\i test/load/sqlstate_of.sql

-- the error with its detail, for the few cases where the detail is the point
CREATE FUNCTION rfm_error_detail(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || ' / ' || detail;
END $$;

-- valid input: compact and hyphenated forms, surrounding whitespace; output
-- is always compact
SELECT format('"%s"', replace(replace(s, E'\t', '\t'), E'\n', '\n')) AS input, s::crm.rfm AS rfm
FROM (VALUES ('543'), ('5-4-3'), ('111'), ('999'), ('1-1-1'), ('  543'), ('543  '),
             (E'\t5-4-3\n'), ('   9-1-5   ')) v(s);

-- malformed input (22P02), with what is wrong
SELECT s, rfm_error_detail(format('SELECT %L::crm.rfm', s))
FROM (VALUES ('54'), ('0-3-2'), ('5-4-x'), ('5443'), (''), ('5--4-3'), ('5-43'),
             ('543x'), ('   '), ('503'), ('5 4 3'), ('-543'), ('5-4-3-'), ('54-3'),
             ('+543'), ('5-4-'), ('5.4.3'), ('٥٤٣')) v(s);
SELECT sqlstate_of($$SELECT '54'::crm.rfm$$);
SELECT sqlstate_of($$SELECT '0-3-2'::crm.rfm$$);
SELECT sqlstate_of($$SELECT '5-4-x'::crm.rfm$$);
SELECT sqlstate_of($$SELECT '5443'::crm.rfm$$);
SELECT sqlstate_of($$SELECT ''::crm.rfm$$);
SELECT sqlstate_of($$SELECT '5--4-3'::crm.rfm$$);
SELECT sqlstate_of($$SELECT '5-43'::crm.rfm$$);
SELECT sqlstate_of($$SELECT '543x'::crm.rfm$$);

-- type modifier: the number of bins k, 2..9
SELECT '555'::crm.rfm(5) AS ok, '222'::crm.rfm(2) AS two, '999'::crm.rfm(9) AS nine;
SELECT rfm_error_detail($$SELECT '999'::crm.rfm(5)$$);
SELECT rfm_error_detail($$SELECT '5-6-5'::crm.rfm(5)$$);
SELECT rfm_error_detail($$SELECT '556'::crm.rfm(5)$$);
SELECT sqlstate_of($$SELECT '999'::crm.rfm(5)$$);
SELECT sqlstate_of($$SELECT '333'::crm.rfm(2)$$);
SELECT sqlstate_of($$SELECT NULL::crm.rfm(1)$$);
SELECT sqlstate_of($$SELECT NULL::crm.rfm(10)$$);
SELECT sqlstate_of($$SELECT NULL::crm.rfm(0)$$);
SELECT sqlstate_of($$SELECT NULL::crm.rfm(3,4)$$);
SELECT sqlstate_of($$CREATE TABLE rfm_bad (s crm.rfm(1))$$);
SELECT sqlstate_of($$CREATE TABLE rfm_bad (s crm.rfm(10))$$);
-- the input function itself checks a modifier it is given (as COPY does)
SELECT crm.rfm_in('999', 'crm.rfm'::regtype, -1) AS no_typmod, crm.rfm_in('5-5-5', 'crm.rfm'::regtype, 5) AS five;
SELECT sqlstate_of($$SELECT crm.rfm_in('999', 'crm.rfm'::regtype, 5)$$);
-- arrays of crm.rfm(k) check every element
SELECT '{555,1-2-3}'::crm.rfm(5)[] AS arr;
SELECT sqlstate_of($$SELECT '{555,611}'::crm.rfm(5)[]$$);
SELECT crm.rfm_typmod_out(5) AS typmod_out, crm.rfm_typmod_in('{7}') AS typmod_in;
SELECT format_type('crm.rfm'::regtype, NULL) AS plain,
       format_type('crm.rfm'::regtype, 5) AS five;

-- a crm.rfm(5) column rejects a 6 on INSERT, UPDATE and COPY (22003)
CREATE TABLE rfm5 (id int, s crm.rfm(5));
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'rfm5'::regclass AND attname = 's';
INSERT INTO rfm5 VALUES (1, '555'), (2, '1-2-3');
SELECT sqlstate_of($$INSERT INTO rfm5 VALUES (3, '611')$$);
SELECT sqlstate_of($$INSERT INTO rfm5 VALUES (3, '161'::crm.rfm)$$);
SELECT sqlstate_of($$INSERT INTO rfm5 VALUES (3, crm.rfm(1, 1, 6))$$);
SELECT sqlstate_of($$UPDATE rfm5 SET s = '116' WHERE id = 1$$);
-- COPY passes the column's modifier to the input function: same error
COPY rfm5 FROM STDIN;
3	6-1-1
\.
SELECT * FROM rfm5 ORDER BY id;
-- explicit casts to a narrower modifier check too (no truncation)
SELECT '444'::crm.rfm(5)::crm.rfm(4) AS fits;
SELECT sqlstate_of($$SELECT s::crm.rfm(4) FROM rfm5$$);

-- ordering by cell number = lexicographic (R, F, M)
CREATE TABLE rfm_t (id serial, s crm.rfm);
INSERT INTO rfm_t (s) VALUES ('543'), ('155'), ('911'), ('5-4-3'), ('512'), (NULL), ('119'), ('155');
SELECT s FROM rfm_t ORDER BY s;
SELECT s FROM rfm_t ORDER BY s DESC NULLS LAST;
SELECT DISTINCT s FROM rfm_t ORDER BY s;
SELECT s, count(*) FROM rfm_t GROUP BY s ORDER BY s;
SET enable_sort = off;
\i test/load/plan_shape.sql
SELECT plan_has($q$SELECT s, count(*) FROM rfm_t GROUP BY s$q$, '{"Node Type": "Aggregate", "Strategy": "Hashed"}') AS hash_aggregate;
SELECT s, count(*) FROM rfm_t GROUP BY s ORDER BY s;
RESET enable_sort;

-- the operators live in pg_catalog, so they work whatever the search_path
SHOW search_path;
SELECT '543'::crm.rfm = '5-4-3' AS eq, '543'::crm.rfm < '6-1-1' AS lt,
       '543'::crm.rfm OPERATOR(pg_catalog.=) '543' AS qualified;

-- operators, their commutators and negators
SELECT a, b, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge,
       crm.rfm_cmp(a, b) AS cmp
FROM (VALUES ('543'::crm.rfm, '543'::crm.rfm), ('543', '5-4-4'), ('543', '456'), ('199', '211')) v(a, b);
SELECT o.oprname, c.oprname AS commutator, n.oprname AS negator, o.oprrest, o.oprjoin,
       o.oprcanhash, o.oprcanmerge
FROM pg_operator o
LEFT JOIN pg_operator c ON c.oid = o.oprcom
LEFT JOIN pg_operator n ON n.oid = o.oprnegate
WHERE o.oprleft = 'crm.rfm'::regtype AND o.oprright = 'crm.rfm'::regtype
ORDER BY o.oprname;
-- equal scores hash alike; the hashes agree with int4's on the cell number
SELECT crm.rfm_hash('543') = crm.rfm_hash('5-4-3') AS same,
       crm.rfm_hash('543') = hashint4(543) AS int4_hash,
       crm.rfm_hash_extended('543', 7) = hashint4extended(543, 7) AS int4_hash_extended,
       (crm.rfm_hash_extended('543', 0) & x'ffffffff'::bigint) = (crm.rfm_hash('543')::bigint & x'ffffffff'::bigint) AS seed0_low_bits;

-- joins: hash join and merge join
CREATE TABLE rfm_segment (s crm.rfm, segment text);
INSERT INTO rfm_segment VALUES ('543', 'loyal'), ('155', 'at risk'), ('911', 'new'), ('999', 'champion');
ANALYZE rfm_t, rfm_segment;
SET enable_mergejoin = off;
SET enable_nestloop = off;
SELECT plan_has(q, '{"Node Type": "Hash Join"}') AS hash_join, plan_has(q, '{"Node Type": "Merge Join"}') AS merge_join
FROM (VALUES ($q$SELECT t.id, g.segment FROM rfm_t t JOIN rfm_segment g ON t.s = g.s$q$)) v(q);
SELECT t.id, t.s, g.segment FROM rfm_t t JOIN rfm_segment g ON t.s = g.s ORDER BY t.id;
RESET enable_mergejoin;
SET enable_hashjoin = off;
SELECT plan_has(q, '{"Node Type": "Hash Join"}') AS hash_join, plan_has(q, '{"Node Type": "Merge Join"}') AS merge_join
FROM (VALUES ($q$SELECT t.id, g.segment FROM rfm_t t JOIN rfm_segment g ON t.s = g.s$q$)) v(q);
SELECT t.id, t.s, g.segment FROM rfm_t t JOIN rfm_segment g ON t.s = g.s ORDER BY t.id;
RESET enable_hashjoin;
RESET enable_nestloop;

-- indexes: btree (index scan, ordered) and hash
CREATE TABLE rfm_all AS
SELECT crm.rfm(r, f, m) AS s, r * 100 + f * 10 + m AS cell
FROM generate_series(1, 9) r, generate_series(1, 9) f, generate_series(1, 9) m;
CREATE INDEX rfm_all_hash ON rfm_all USING hash (s);
ANALYZE rfm_all;
SELECT count(*) AS cells, count(DISTINCT s) AS distinct_cells,
       bool_and(crm.rfm_cell(s) = cell) AS cell_numbers FROM rfm_all;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT plan_has($q$SELECT * FROM rfm_all WHERE s = '543'$q$, '{"Node Type": "Index Scan", "Index Name": "rfm_all_hash"}') AS hash_index_scan;
SELECT * FROM rfm_all WHERE s = '543';
DROP INDEX rfm_all_hash;
CREATE INDEX rfm_all_btree ON rfm_all (s);
SELECT plan_has($q$SELECT * FROM rfm_all WHERE s = '543'$q$, '{"Node Type": "Index Scan", "Index Name": "rfm_all_btree"}') AS btree_index_scan;
SELECT * FROM rfm_all WHERE s = '543';
SELECT plan_has(q, '{"Node Type": "Index Scan", "Index Name": "rfm_all_btree"}') AS btree_index_scan,
       NOT plan_has(q, '{"Node Type": "Sort"}') AS ordered_by_the_index
FROM (VALUES ($q$SELECT * FROM rfm_all WHERE s BETWEEN '5-4-8' AND '553' ORDER BY s$q$)) v(q);
SELECT * FROM rfm_all WHERE s BETWEEN '5-4-8' AND '553' ORDER BY s;
SELECT plan_has(q, '{"Node Type": "Index Scan", "Index Name": "rfm_all_btree", "Scan Direction": "Backward"}') AS backward_index_scan,
       NOT plan_has(q, '{"Node Type": "Sort"}') AS ordered_by_the_index
FROM (VALUES ($q$SELECT * FROM rfm_all ORDER BY s DESC LIMIT 3$q$)) v(q);
SELECT * FROM rfm_all ORDER BY s DESC LIMIT 3;
RESET enable_bitmapscan;
RESET enable_seqscan;
-- the index order is the cell number order
SELECT bool_and(prev < s) AS increasing
FROM (SELECT s, lag(s) OVER (ORDER BY s) AS prev FROM rfm_all) q WHERE prev IS NOT NULL;
SELECT bool_and((prev < s) = (crm.rfm_cell(prev) < crm.rfm_cell(s))) AS cell_order
FROM (SELECT s, lag(s) OVER (ORDER BY cell DESC) AS prev FROM rfm_all) q WHERE prev IS NOT NULL;

-- hash partitioning uses the extended hash
CREATE TABLE rfm_parts (s crm.rfm) PARTITION BY HASH (s);
CREATE TABLE rfm_parts_0 PARTITION OF rfm_parts FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE rfm_parts_1 PARTITION OF rfm_parts FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE rfm_parts_2 PARTITION OF rfm_parts FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO rfm_parts SELECT s FROM rfm_all;
SELECT count(*) AS rows, count(DISTINCT tableoid) AS partitions_used FROM rfm_parts;
SELECT count(*) AS found FROM rfm_parts WHERE s = '543';

-- accessors and the cell number
SELECT s, crm.r(s), crm.f(s), crm.m(s), crm.rfm_cell(s)
FROM (VALUES ('543'::crm.rfm), ('1-9-2'), ('999'), ('111')) v(s);
SELECT bool_and(crm.rfm(crm.r(s), crm.f(s), crm.m(s)) = s) AS accessors_round_trip FROM rfm_all;

-- constructor (22003 outside 1..9)
SELECT crm.rfm(5, 4, 3) AS make, crm.rfm(r => 1, f => 2, m => 9) AS named;
SELECT rfm_error_detail($$SELECT crm.rfm(0, 4, 3)$$);
SELECT sqlstate_of($$SELECT crm.rfm(5, 10, 3)$$);
SELECT sqlstate_of($$SELECT crm.rfm(5, 4, -1)$$);

-- casts: to and from the cell number (explicit only)
SELECT '543'::crm.rfm::integer AS to_int, 543::crm.rfm AS from_int, crm.rfm(219) AS from_cell,
       CAST(CAST(999 AS crm.rfm) AS integer) AS round_trip;
SELECT bool_and(cell::crm.rfm = s AND s::integer = cell) AS cast_round_trip FROM rfm_all;
SELECT rfm_error_detail($$SELECT 503::crm.rfm$$);
SELECT sqlstate_of($$SELECT 99::crm.rfm$$);
SELECT sqlstate_of($$SELECT 1000::crm.rfm$$);
SELECT sqlstate_of($$SELECT 540::crm.rfm$$);
SELECT sqlstate_of($$SELECT (-543)::crm.rfm$$);
-- no implicit casts to or from integer
SELECT sqlstate_of($$SELECT crm.r(543)$$);
SELECT sqlstate_of($$SELECT '543'::crm.rfm + 1$$);
SELECT sqlstate_of($$INSERT INTO rfm_t (s) VALUES (543)$$);
SELECT castsource::regtype, casttarget::regtype, castfunc::regprocedure, castcontext
FROM pg_cast WHERE castsource = 'crm.rfm'::regtype OR casttarget = 'crm.rfm'::regtype
ORDER BY 1, 2;

-- binary I/O: three bytes R, F, M; round trip through binary COPY
SELECT crm.rfm_send('543') AS bytes, crm.rfm_send('1-9-2') AS bytes2;
\copy (SELECT id, s FROM rfm_t ORDER BY id) TO 'results/rfm_score.bin' WITH (FORMAT binary)
CREATE TABLE rfm_back (id int, s crm.rfm);
\copy rfm_back FROM 'results/rfm_score.bin' WITH (FORMAT binary)
SELECT b.id, b.s, b.s IS NOT DISTINCT FROM t.s AS same
FROM rfm_back b JOIN rfm_t t USING (id) ORDER BY b.id;
-- binary input checks the modifier of the column (22003)
CREATE TABLE rfm_back4 (id int, s crm.rfm(4));
\copy rfm_back4 FROM 'results/rfm_score.bin' WITH (FORMAT binary)
SELECT count(*) AS loaded FROM rfm_back4;
-- malformed binary (22P03): a field written as bytea has the same framing
\copy (SELECT 1, '\x050a03'::bytea) TO 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy rfm_back FROM 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy (SELECT 1, '\x050003'::bytea) TO 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy rfm_back FROM 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy (SELECT 1, '\x05040302'::bytea) TO 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy rfm_back FROM 'results/rfm_score_bad.bin' WITH (FORMAT binary)
-- the same bytes, well formed, load
\copy (SELECT 100, '\x010902'::bytea) TO 'results/rfm_score_bad.bin' WITH (FORMAT binary)
\copy rfm_back FROM 'results/rfm_score_bad.bin' WITH (FORMAT binary)
SELECT * FROM rfm_back WHERE id = 100;

-- NULLs: every function is strict
SELECT crm.r(NULL) IS NULL AS r, crm.f(NULL) IS NULL AS f, crm.m(NULL) IS NULL AS m,
       crm.rfm_cell(NULL) IS NULL AS cell, crm.rfm(NULL, 1, 1) IS NULL AS make,
       crm.rfm(NULL::integer) IS NULL AS from_cell, (NULL::crm.rfm = '543') IS NULL AS eq,
       crm.rfm_cmp(NULL, '543') IS NULL AS cmp, crm.rfm_hash(NULL) IS NULL AS hash,
       NULL::crm.rfm::integer IS NULL AS to_int, NULL::integer::crm.rfm IS NULL AS from_int,
       NULL::crm.rfm(5) IS NULL AS typmod;
-- (all but crm.rfm_segment(crm.rfm, regclass), which reads a table: STABLE)
SELECT count(*) FILTER (WHERE p.proisstrict AND p.provolatile = 'i' AND p.proparallel = 's') AS strict_immutable_safe,
       count(*) AS functions
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
WHERE p.prokind = 'f' AND ('crm.rfm'::regtype = ANY (p.proargtypes::oid[]) OR p.prorettype = 'crm.rfm'::regtype);
-- every crm.rfm object has a comment
SELECT p.oid::regprocedure::text AS missing_comment FROM pg_proc p
WHERE p.pronamespace = 'crm'::regnamespace AND p.proname ~ '^(rfm|r|f|m)($|_)'
  AND obj_description(p.oid, 'pg_proc') IS NULL
UNION ALL
SELECT o.oid::regoperator::text FROM pg_operator o
WHERE o.oprleft = 'crm.rfm'::regtype AND obj_description(o.oid, 'pg_operator') IS NULL
UNION ALL
SELECT 'crm.rfm'::regtype::text WHERE obj_description('crm.rfm'::regtype, 'pg_type') IS NULL;

DROP TABLE rfm5, rfm_t, rfm_segment, rfm_all, rfm_parts, rfm_back, rfm_back4;
DROP FUNCTION rfm_error_detail(text);
