\set ECHO none
-- Test helpers: properties of a query's plan, read from EXPLAIN (FORMAT
-- JSON).  A test asserts a property (the aggregate runs partially in parallel
-- workers; a hash join is used), never EXPLAIN's text: its layout and the
-- planner's exact choice (a HashAggregate or a sorted GroupAggregate, a
-- Gather or a Gather Merge, a Materialize node or not) change between
-- PostgreSQL versions, while these properties do not.  Shared by the tests
-- (they run in one database: CREATE OR REPLACE, in schema public, so that a
-- test dropping its own schema leaves them), and not echoed into their output.

-- The plan tree of a query (the "Plan" object of EXPLAIN (FORMAT JSON))
CREATE OR REPLACE FUNCTION public.plan_tree(query text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
	RETURN plan::jsonb -> 0 -> 'Plan';
END $$;

-- Whether some node of the plan has all the fields of node, e.g.
-- '{"Node Type": "Hash Join"}' or '{"Node Type": "Aggregate", "Strategy": "Hashed"}'
CREATE OR REPLACE FUNCTION public.plan_has(query text, node jsonb) RETURNS boolean LANGUAGE sql AS $$
SELECT EXISTS (SELECT FROM jsonb_path_query(public.plan_tree(query), 'strict $.**') AS n
               WHERE jsonb_typeof(n) = 'object' AND n @> node)
$$;

-- Whether the aggregates of a query run partially in parallel workers: a
-- partial aggregate under a Gather (or Gather Merge), finalized above it
CREATE OR REPLACE FUNCTION public.plan_partial_aggregate(query text) RETURNS boolean LANGUAGE sql AS $$
SELECT jsonb_path_exists(public.plan_tree(query),
	'strict $.** ? (@."Partial Mode" == "Finalize").** ? (@."Node Type" starts with "Gather").** ? (@."Partial Mode" == "Partial")')
$$;

-- Whether part of a query's plan runs in parallel workers (under a Gather
-- or Gather Merge)
CREATE OR REPLACE FUNCTION public.plan_parallel(query text) RETURNS boolean LANGUAGE sql AS $$
SELECT jsonb_path_exists(public.plan_tree(query), 'strict $.** ? (@."Node Type" starts with "Gather")')
$$;
\set ECHO all
