-- crm.pls_fit under forced-parallel plans, and partial states merged: the
-- plans have a Partial Aggregate, and parallel, merged and shipped-as-text
-- fits equal the serial fit.  The moments are merged by the pairwise
-- formula, so they agree to rounding (1e-12 here), not bit for bit.
CREATE SCHEMA pls_parallel;
SET search_path = pls_parallel, public;
\i test/load/pls_close.sql

CREATE FUNCTION z(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
SELECT sqrt(-2 * ln((abs(hashint8(i * 100 + k)) % 1000000 + 0.5) / 1e6))
       * cos(2 * pi() * ((abs(hashint8(i * 100 + k + 50)) % 1000000 + 0.5) / 1e6)) $$;

-- an answer on a 1-7 scale
CREATE FUNCTION answer(v float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT least(7, greatest(1, round(4 + v))) $$;

-- 20,000 respondents of XI -> ETA1 -> ETA2 <- XI, answers on a 1-7 scale
CREATE TABLE ppar AS
SELECT i, i % 5 AS segment,
       ARRAY[answer(xi + 0.8 * z(i, 1)), answer(0.9 * xi + 0.7 * z(i, 2)), answer(1.1 * xi + z(i, 3)),
             answer(eta1 + 0.6 * z(i, 4)), answer(0.8 * eta1 + 0.9 * z(i, 5)), answer(eta1 + 0.8 * z(i, 6)),
             answer(eta2 + 0.7 * z(i, 7)), answer(1.2 * eta2 + z(i, 8)), answer(eta2 + 0.5 * z(i, 9))] AS items
FROM (SELECT i, xi, eta1, 0.4 * xi + 0.5 * eta1 + 0.6 * z(i, 13) AS eta2
      FROM (SELECT i, xi, 0.7 * xi + 0.7 * z(i, 12) AS eta1
            FROM (SELECT i, z(i, 11) AS xi FROM generate_series(1, 20000) i OFFSET 0) a OFFSET 0) b OFFSET 0) c;
ANALYZE ppar;
\set spec '{"blocks": {"XI": [1, 2, 3], "ETA1": [4, 5, 6], "ETA2": [7, 8, 9]}, "paths": [["XI", "ETA1"], ["XI", "ETA2"], ["ETA1", "ETA2"]]}'

SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial AS
SELECT s.scheme, sc.scaled, crm.pls_fit(items, :'spec', s.scheme, sc.scaled) AS m
FROM ppar, (VALUES ('centroid'), ('factorial'), ('path')) s(scheme), (VALUES (false), (true)) sc(scaled)
GROUP BY 1, 2;
CREATE TABLE serial_segments AS
SELECT segment, crm.pls_fit(items, :'spec', 'path', false) AS m FROM ppar GROUP BY 1;
CREATE TABLE serial_state AS SELECT crm.pls_partial(items) AS s FROM ppar;
SELECT scheme, scaled, crm.converged(m), (crm.pls_summary(m)).respondents FROM serial ORDER BY 1, 2;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- the plans have a Partial Aggregate
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate(format('SELECT crm.pls_fit(items, %L) FROM ppar', :'spec')) AS partial_aggregate;
SELECT plan_partial_aggregate(format('SELECT segment, crm.pls_fit(items, %L, ''path'', false) FROM ppar GROUP BY 1', :'spec')) AS partial_aggregate;
SELECT plan_partial_aggregate($q$SELECT crm.pls_partial(items) FROM ppar$q$) AS partial_aggregate;

-- parallel = serial, for every scheme and scaling, and per group
SELECT plan_partial_aggregate(format('SELECT s.scheme, sc.scaled, crm.pls_fit(items, %L, s.scheme, sc.scaled) AS m
FROM ppar, (VALUES (''centroid''), (''factorial''), (''path'')) s(scheme), (VALUES (false), (true)) sc(scaled)
GROUP BY 1, 2', :'spec')) AS partial_aggregate;
CREATE TABLE par AS
SELECT s.scheme, sc.scaled, crm.pls_fit(items, :'spec', s.scheme, sc.scaled) AS m
FROM ppar, (VALUES ('centroid'), ('factorial'), ('path')) s(scheme), (VALUES (false), (true)) sc(scaled)
GROUP BY 1, 2;
SELECT scheme, scaled, pls_max_diff(p.m, s.m) < 1e-12 AS parallel_equals_serial, (crm.pls_summary(p.m)).respondents
FROM par p JOIN serial s USING (scheme, scaled) ORDER BY 1, 2;
SELECT count(*) AS segments, count(*) FILTER (WHERE pls_max_diff(p.m, s.m) < 1e-12) AS equal
FROM (SELECT segment, crm.pls_fit(items, :'spec', 'path', false) AS m FROM ppar GROUP BY 1) p
JOIN serial_segments s USING (segment);
-- the parallel state's moments equal the serial ones
SELECT max(abs(p.mean - s.mean)) < 1e-12 AS means_equal,
       max(abs(p.covariance[k] - s.covariance[k]) / s.covariance[k]) FILTER (WHERE s.covariance[k] <> 0) < 1e-12 AS covariances_equal
FROM crm.pls_moments((SELECT crm.pls_partial(items) FROM ppar)) p
JOIN crm.pls_moments((SELECT s FROM serial_state)) s USING (item), generate_series(1, 9) k;

-- partial states per "shard" (rows split seven ways) and segment, merged
-- (in parallel too) and fitted, equal the serial fit
CREATE TABLE shard_states AS
SELECT i % 7 AS shard, segment, crm.pls_partial(items) AS s FROM ppar GROUP BY 1, 2;
ANALYZE shard_states;
SELECT plan_partial_aggregate($q$SELECT crm.pls_merge(s) FROM shard_states$q$) AS partial_aggregate;
SELECT pls_max_diff(crm.pls_fit_final(crm.pls_merge(s), :'spec', 'factorial', true),
                    (SELECT m FROM serial WHERE scheme = 'factorial' AND scaled)) < 1e-12 AS merged_equals_one_pass
FROM shard_states;
SELECT segment, pls_max_diff(x.m, g.m) < 1e-12 AS merged_segment_equals
FROM (SELECT segment, crm.pls_fit_final(crm.pls_merge(s), :'spec', 'path', false) AS m FROM shard_states GROUP BY 1) x
JOIN serial_segments g USING (segment) ORDER BY 1;
-- states shipped as text merge to exactly the same model (text round-trips exactly)
SET max_parallel_workers_per_gather = 0;
SELECT crm.pls_fit_final(crm.pls_merge(s::text::crm.pls_state ORDER BY shard, segment), :'spec', 'path', true)::text
     = crm.pls_fit_final(crm.pls_merge(s ORDER BY shard, segment), :'spec', 'path', true)::text AS shipped_as_text
FROM shard_states;
-- merging is associative to rounding: one merge of all states = merge of per-shard merges
SELECT pls_max_diff(crm.pls_fit_final(crm.pls_merge(s), :'spec'),
                    (SELECT crm.pls_fit_final(crm.pls_merge(ms), :'spec')
                     FROM (SELECT crm.pls_merge(s) AS ms FROM shard_states GROUP BY shard) q)) < 1e-12 AS associative
FROM shard_states;
-- a partial state is a fixed size whatever the rows: 40 bytes + 8 per mean and co-moment
SELECT pg_column_size(s) AS state_bytes, 40 + 8 * (9 + 9 * 10 / 2) AS expected_bytes FROM serial_state;

RESET search_path;
DROP SCHEMA pls_parallel CASCADE;
