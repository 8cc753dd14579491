-- The survey aggregates under forced-parallel plans: every plan has a
-- Partial Aggregate, and serial, parallel and merged-partial results are
-- identical (the exact text of the values: counts and integer-score sums are
-- exact whatever the order of the rows).
CREATE SCHEMA survey_parallel;
SET search_path = survey_parallel, public;

-- responses scattered over the table, so every worker sees every group
CREATE TABLE resp AS
SELECT i, abs(hashint4(i)) % 40 AS grp, (i % 5 = 0) AS web,
       CASE WHEN i % 31 = 0 THEN NULL ELSE abs(hashint4(i + 1)) % 11 END AS nps_score,
       1 + abs(hashint4(i + 2)) % 5 AS csat_score,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 1 + abs(hashint4(i + 3)) % 7 END AS ces_score,
       ARRAY[1 + abs(hashint4(i + 4)) % 10,
             CASE WHEN i % 13 = 0 THEN NULL ELSE 1 + abs(hashint4(i + 5)) % 10 END,
             1 + abs(hashint4(i + 6)) % 10]::float8[] AS items
FROM generate_series(1, 60000) i;
ANALYZE resp;

-- a plpgsql helper: does the plan of a query contain a partial aggregate?
CREATE FUNCTION plan_has_partial_aggregate(query text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line ~ 'Partial (Hash|Group)?Aggregate' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;

-- serial results: one value per group and over the whole table
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_groups AS
SELECT grp, crm.nps_agg(nps_score)::text AS nps, crm.csat_agg(csat_score, 5)::text AS csat,
       crm.ces_agg(ces_score)::text AS ces, crm.csi_agg(items, '{0.4,0.35,0.25}', 1, 10)::text AS csi
FROM resp GROUP BY grp;
CREATE TABLE serial_all AS
SELECT crm.nps_agg(nps_score)::text AS nps, crm.csat_agg(csat_score, 5)::text AS csat,
       crm.ces_agg(ces_score)::text AS ces, crm.csi_agg(items, '{0.4,0.35,0.25}', 1, 10)::text AS csi
FROM resp;
SELECT * FROM serial_all;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- every aggregate gets a Partial Aggregate, plain and grouped
SELECT q AS aggregate, plan_has_partial_aggregate(format('SELECT %s FROM resp', q)) AS plain_partial,
       plan_has_partial_aggregate(format('SELECT grp, %s FROM resp GROUP BY grp', q)) AS grouped_partial
FROM (VALUES ('crm.nps_agg(nps_score)'), ('crm.csat_agg(csat_score, 5)'), ('crm.ces_agg(ces_score)'),
             ('crm.csi_agg(items, ''{0.4,0.35,0.25}'', 1, 10)')) v(q);

-- parallel = serial, whole table and per group
CREATE VIEW parallel_all AS
SELECT crm.nps_agg(nps_score)::text AS nps, crm.csat_agg(csat_score, 5)::text AS csat,
       crm.ces_agg(ces_score)::text AS ces, crm.csi_agg(items, '{0.4,0.35,0.25}', 1, 10)::text AS csi
FROM resp;
SELECT plan_has_partial_aggregate('SELECT * FROM parallel_all') AS view_partial;
SELECT p.nps = s.nps AS nps_same, p.csat = s.csat AS csat_same, p.ces = s.ces AS ces_same, p.csi = s.csi AS csi_same
FROM parallel_all p, serial_all s;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.nps IS DISTINCT FROM s.nps OR p.csat IS DISTINCT FROM s.csat
                           OR p.ces IS DISTINCT FROM s.ces OR p.csi IS DISTINCT FROM s.csi) AS differing
FROM (SELECT grp, crm.nps_agg(nps_score)::text AS nps, crm.csat_agg(csat_score, 5)::text AS csat,
             crm.ces_agg(ces_score)::text AS ces, crm.csi_agg(items, '{0.4,0.35,0.25}', 1, 10)::text AS csi
      FROM resp GROUP BY grp) p
FULL JOIN serial_groups s USING (grp);
-- GROUP BY ROLLUP under parallel plans: the grand total row equals the serial one
SELECT crm.nps_agg(nps_score)::text = (SELECT nps FROM serial_all) AS rollup_total_same
FROM resp GROUP BY ROLLUP (grp, web) HAVING grouping(grp, web) = 3;

-- partial values per "shard" and group, merged (in parallel too), equal one
-- pass; shipped as text, too
CREATE TABLE shard_values AS
SELECT i % 7 AS shard, grp, crm.nps_agg(nps_score) AS nps, crm.csat_agg(csat_score, 5) AS csat,
       crm.ces_agg(ces_score) AS ces, crm.csi_agg(items, '{0.4,0.35,0.25}', 1, 10) AS csi
FROM resp GROUP BY 1, 2;
ANALYZE shard_values;
SELECT q AS rollup, plan_has_partial_aggregate(format('SELECT %s FROM shard_values', q)) AS partial
FROM (VALUES ('crm.nps_merge(nps)'), ('crm.csat_merge(csat)'), ('crm.ces_merge(ces)'), ('crm.csi_merge(csi)')) v(q);
CREATE VIEW merged_all AS
SELECT crm.nps_merge(nps)::text AS nps, crm.csat_merge(csat)::text AS csat,
       crm.ces_merge(ces)::text AS ces, crm.csi_merge(csi)::text AS csi
FROM shard_values;
SELECT plan_has_partial_aggregate('SELECT * FROM merged_all') AS view_partial;
SELECT m.nps = s.nps AS nps_same, m.csat = s.csat AS csat_same, m.ces = s.ces AS ces_same, m.csi = s.csi AS csi_same
FROM merged_all m, serial_all s;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE m.nps IS DISTINCT FROM s.nps OR m.csat IS DISTINCT FROM s.csat
                           OR m.ces IS DISTINCT FROM s.ces OR m.csi IS DISTINCT FROM s.csi) AS differing
FROM (SELECT grp, crm.nps_merge(nps::text::crm.nps)::text AS nps, crm.csat_merge(csat::text::crm.csat)::text AS csat,
             crm.ces_merge(ces::text::crm.ces)::text AS ces, crm.csi_merge(csi::text::crm.csi_state)::text AS csi
      FROM shard_values GROUP BY grp) m
FULL JOIN serial_groups s USING (grp);

RESET search_path;
DROP SCHEMA survey_parallel CASCADE;
