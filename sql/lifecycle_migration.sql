-- Migration matrices (crm.migration, crm.migration_table): entering and
-- leaving customers, NULL handling, equality with a plain-SQL GROUP BY on
-- generated data, forced-parallel and merged partial states, text and binary
-- forms, and every error with its SQLSTATE.
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql
CREATE SCHEMA mig;
SET search_path = mig, public;

-- ---------------------------------------------------------------------------
-- A small example: segments of the same customers at two dates; a customer
-- missing at a date is not a customer then (FULL JOIN gives NULL)
-- ---------------------------------------------------------------------------
CREATE TABLE q1 (customer_id int, segment text);
CREATE TABLE q2 (customer_id int, segment text);
INSERT INTO q1 VALUES (1, 'gold'), (2, 'gold'), (3, 'gold'), (4, 'silver'), (5, 'silver'), (6, 'bronze'), (7, 'bronze');
INSERT INTO q2 VALUES (1, 'gold'), (2, 'silver'), (4, 'silver'), (5, 'gold'), (6, 'silver'),
                      (8, 'bronze'), (9, 'gold');          -- 3 and 7 left; 8 and 9 entered
CREATE TABLE small AS
SELECT crm.migration(q1.segment, q2.segment) AS m FROM q1 FULL JOIN q2 USING (customer_id);
SELECT m FROM small;
SELECT from_label, to_label, customers, round(row_share::numeric, 4) AS row_share
FROM crm.migration_table((SELECT m FROM small));

-- as jsonb for BI tools: the rows of the table
SELECT jsonb_pretty(m::jsonb) AS jsonb FROM (SELECT crm.migration(f, t) AS m FROM (VALUES ('a', 'b'), ('a', NULL), (NULL, 'say "b"')) v(f, t)) x;
SELECT (SELECT count(*) FROM jsonb_array_elements((SELECT m FROM small)::jsonb -> 'pairs')) AS jsonb_pairs,
       (SELECT count(*) FROM crm.migration_table((SELECT m FROM small))) AS table_rows;

-- NULLs: a row with both labels NULL is skipped; no rows, or only such rows: NULL
SELECT crm.migration(f, t) IS NULL AS no_rows FROM (SELECT 'a'::text, 'b'::text WHERE false) v(f, t);
SELECT crm.migration(f, t) IS NULL AS only_null_rows FROM (VALUES (NULL::text, NULL::text), (NULL, NULL)) v(f, t);
SELECT crm.migration(f, t) AS null_rows_skipped FROM (VALUES ('a', 'b'), (NULL, NULL), ('a', NULL), (NULL, 'b')) v(f, t);
-- the empty string is a label, not NULL; labels are compared byte for byte
SELECT crm.migration(f, t) AS labels
FROM (VALUES ('', 'A'), ('a', 'A'), ('A', 'a'), ('say "hi"', 'back\slash'), ('ünï', 'ünï'), ('ünï', 'ünï')) v(f, t);
SELECT m::text::crm.migration::text = m::text AS text_round_trip
FROM (SELECT crm.migration(f, t) AS m
      FROM (VALUES ('', 'A'), ('say "hi"', 'back\slash'), ('ünï', NULL)) v(f, t)) x;

-- ---------------------------------------------------------------------------
-- Generated data (seeded): equal to a plain-SQL GROUP BY
-- ---------------------------------------------------------------------------
SELECT setseed(0.27);
CREATE TABLE labels AS
SELECT c AS customer_id,
       CASE WHEN r1 < 0.1 THEN NULL ELSE (ARRAY['A', 'B', 'C', 'D'])[1 + floor(r1 * 40)::int % 4] END AS l1,
       CASE WHEN r2 < 0.15 THEN NULL ELSE (ARRAY['A', 'B', 'C', 'D', 'E'])[1 + floor(r2 * 50)::int % 5] END AS l2
FROM (SELECT c, random() AS r1, random() AS r2 FROM generate_series(1, 20000) c) g;
ANALYZE labels;
CREATE TABLE serial AS SELECT crm.migration(l1, l2) AS m FROM labels;
CREATE TABLE plain AS
SELECT l1, l2, count(*) AS customers, count(*)::float8 / sum(count(*)) OVER (PARTITION BY l1) AS row_share
FROM labels WHERE l1 IS NOT NULL OR l2 IS NOT NULL GROUP BY l1, l2;
SELECT (SELECT count(*) FROM plain) AS pairs,
       (SELECT count(*) FROM crm.migration_table((SELECT m FROM serial))) AS table_rows,
       (SELECT count(*) FROM plain p JOIN crm.migration_table((SELECT m FROM serial)) t
          ON t.from_label IS NOT DISTINCT FROM p.l1 AND t.to_label IS NOT DISTINCT FROM p.l2
        WHERE t.customers = p.customers AND abs(t.row_share - p.row_share) <= 1e-15) AS equal,
       (SELECT count(*) FROM plain WHERE l1 IS NULL) AS entering_pairs,
       (SELECT count(*) FROM plain WHERE l2 IS NULL) AS leaving_pairs,
       (SELECT sum(customers) FROM plain) = (SELECT (regexp_match(m::text, 'customers=(\d+)'))[1]::bigint FROM serial) AS customers_equal;
-- row shares add up to 1 per from label
SELECT count(*) AS from_rows, count(*) FILTER (WHERE abs(s - 1) <= 1e-12) AS sum_to_one
FROM (SELECT from_label, sum(row_share) AS s FROM crm.migration_table((SELECT m FROM serial)) GROUP BY from_label) x;

-- forced-parallel plans equal the serial result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate('SELECT crm.migration(l1, l2) FROM labels') AS plain_partial;
SELECT crm.migration(l1, l2)::text = (SELECT m::text FROM serial) AS parallel_same FROM labels;
CREATE TABLE parts AS SELECT customer_id % 7 AS part, crm.migration(l1, l2) AS m FROM labels GROUP BY 1;
SELECT crm.migration_merge(m)::text = (SELECT m::text FROM serial) AS parallel_merge_same FROM parts;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- merged partial states equal the whole, in any order; the combine function of two values
SELECT crm.migration_merge(m ORDER BY part DESC)::text = (SELECT m::text FROM serial) AS merge_same,
       crm.migration_merge(m ORDER BY part)::text = crm.migration_merge(m ORDER BY part DESC)::text AS order_free
FROM parts;
SELECT crm.migration_combine(a.m, b.m)::text = crm.migration_combine(b.m, a.m)::text AS combine_commutes
FROM parts a, parts b WHERE a.part = 1 AND b.part = 2;
SELECT crm.migration_merge(m) IS NULL AS merge_of_none FROM parts WHERE false;

-- text and binary forms round-trip
CREATE TABLE stored AS SELECT part, m FROM parts;
SELECT count(*) AS text_round_trip_differs FROM stored WHERE m::text::crm.migration::text <> m::text;
\copy stored TO 'results/lifecycle_migration.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (part int, m crm.migration);
\copy stored_back FROM 'results/lifecycle_migration.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_back, count(*) FILTER (WHERE a.m::text <> b.m::text) AS binary_round_trip_differs
FROM stored a JOIN stored_back b USING (part);
-- the text form is canonical: pairs sorted whatever their order in the input
SELECT 'v1 customers=3 pairs={null>"a":1,"b">"a":2}'::crm.migration AS sorted;

-- ---------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------
SELECT left(q, 80) AS q, left(sqlstate_of(q), 100) AS sqlstate_of FROM (VALUES
	($$SELECT crm.migration(repeat('x', 1001), 'a')$$),
	($$SELECT crm.migration('a', repeat('x', 1001))$$),
	($$SELECT crm.migration_trans(NULL, 'a', 'b')$$),
	($$SELECT crm.migration(i::text, 'a') FROM generate_series(1, 10001) i$$),
	($$SELECT 'v2 customers=1 pairs={"a">"b":1}'::crm.migration$$),
	($$SELECT 'v1 customers=0 pairs={}'::crm.migration$$),
	($$SELECT 'v1 customers=2 pairs={"a">"b":1}'::crm.migration$$),
	($$SELECT 'v1 customers=2 pairs={"a">"b":1,"a">"b":1}'::crm.migration$$),
	($$SELECT 'v1 customers=1 pairs={null>null:1}'::crm.migration$$),
	($$SELECT 'v1 customers=0 pairs={"a">"b":0}'::crm.migration$$),
	($$SELECT 'v1 customers=1 pairs={"a>"b":1}'::crm.migration$$),
	($$SELECT 'v1 customers=1 pairs={"a"-"b":1}'::crm.migration$$),
	($$SELECT 'v1 customers=-1 pairs={"a">"b":-1}'::crm.migration$$),
	($$SELECT 'v1 customers=1 pairs={"a">"b":1} extra'::crm.migration$$),
	($$SELECT ('v1 customers=1 pairs={"' || repeat('x', 1001) || '">"b":1}')::crm.migration$$)
) v(q);
-- malformed binary: version 2; then the same bytes as version 1 (a customer leaving "a") read back
CREATE TABLE bin (m crm.migration);
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\037\002\000\000\000\000\000\000\000\000\001\000\000\000\001\000\000\000\001\141\377\377\377\377\000\000\000\000\000\000\000\001\377\377"' WITH (FORMAT binary)
\copy bin FROM PROGRAM 'printf "PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\037\001\000\000\000\000\000\000\000\000\001\000\000\000\001\000\000\000\001\141\377\377\377\377\000\000\000\000\000\000\000\001\377\377"' WITH (FORMAT binary)
SELECT m FROM bin;

DROP SCHEMA mig CASCADE;
