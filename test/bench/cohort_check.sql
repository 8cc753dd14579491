-- Correctness and state size of the cohort benchmark (see test/bench/cohort.sh).
-- psql variable: as_of.  Run with psql -At; prints one line:
-- cells|differing|cohorts|customers|window_end|state_bytes|pairs|table_bytes|sql_rows
\set ON_ERROR_STOP on
CREATE TEMP TABLE crm_cells AS SELECT * FROM cohort_crm;
CREATE TEMP TABLE sql_cells AS SELECT * FROM cohort_sql;
CREATE TEMP TABLE sizes AS
SELECT pg_column_size(s) AS state_bytes, (pg_column_size(s) - 48) / 12 AS pairs,
       pg_column_size(crm.cohort_final(s)) AS table_bytes, crm.cohort_through(crm.cohort_final(s)) AS window_end
FROM (SELECT crm.cohort_partial(customer_id, purchased_on, INTERVAL '1 month', DATE :'as_of') AS s FROM bench_log) q;
-- every observed cell: crm's active count equals plain SQL's (a cell with
-- no active customer has no SQL row), and SQL has no cell crm lacks
SELECT (SELECT count(*) FROM crm_cells WHERE active IS NOT NULL),
       (SELECT count(*) FROM crm_cells c FULL JOIN sql_cells s USING (cohort, period_offset)
        WHERE c.cohort IS NULL OR (c.active IS NULL AND s.active IS NOT NULL)
           OR c.active <> coalesce(s.active, 0)),
       (SELECT count(DISTINCT cohort) FROM crm_cells),
       (SELECT sum(cohort_size) FROM crm_cells WHERE period_offset = 0),
       window_end, state_bytes, pairs, table_bytes,
       (SELECT count(*) FROM sql_cells)
FROM sizes;
