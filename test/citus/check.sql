-- The checks of the Citus test (test/citus/run), on the coordinator: the
-- table of cases (filled by test/citus/cases.sql) and citus_check(case,
-- mode), which runs one case on the distributed tables (schema dist) and
-- on the plain ones (schema single) and judges the plan and the answer.

-- One case: an aggregate call over a table (its name in both schemas)
CREATE TABLE citus_cases (
	ord serial,					-- order of the output
	name text PRIMARY KEY,		-- name in the output (test citus/NAME/MODE)
	agg regprocedure NOT NULL,	-- the aggregate (overload) it calls
	tab text NOT NULL,			-- the table (or view), in schema single and dist
	dcol text,					-- the column of the grouped mode: NULL for
								-- the table's distribution column
	call text NOT NULL,			-- the aggregate call, over the table's columns
	tolerance float8 NOT NULL DEFAULT 0,	-- 0: equal text forms; else relative
										-- tolerance of every number in them
	known_error text,			-- the error the global run is known to end
								-- with on Citus (a known failure), or NULL
	known_reason text,			-- why, printed with the known failure
	control boolean NOT NULL DEFAULT false	-- a negative control of the plan
											-- check, not run as a case
);

-- Every plan node of an EXPLAIN (FORMAT JSON) that runs on the
-- coordinator (not inside a task), depth first
CREATE FUNCTION coordinator_nodes(plan jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE AS $$
	WITH RECURSIVE n(node) AS (
		SELECT plan -> 0 -> 'Plan'
		UNION ALL
		SELECT c FROM n, jsonb_array_elements(coalesce(n.node -> 'Plans', '[]')) c)
	SELECT node FROM n
$$;

-- Every task of the Citus custom scans of a plan
CREATE FUNCTION plan_tasks(plan jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT t FROM coordinator_nodes(plan) n,
	       jsonb_array_elements(coalesce(n -> 'Distributed Query' -> 'Job' -> 'Tasks', '[]')) t
$$;

-- Every node of the plan a task ran on its worker
CREATE FUNCTION task_nodes(task jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE AS $$
	WITH RECURSIVE n(node) AS (
		SELECT p -> 'Plan' FROM jsonb_array_elements(task -> 'Remote Plan') r, jsonb_array_elements(r) p
		UNION ALL
		SELECT c FROM n, jsonb_array_elements(coalesce(n.node -> 'Plans', '[]')) c)
	SELECT node FROM n
$$;

-- The Output list of a plan node as one text
CREATE FUNCTION node_output(node jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(string_agg(o, ', '), '') FROM jsonb_array_elements_text(coalesce(node -> 'Output', '[]')) o
$$;

-- The largest relative difference between the numbers of text forms a
-- and b, place by place, when they are equal but for their numbers (0 if
-- equal); NULL when they differ otherwise
CREATE FUNCTION text_rel_diff(a text, b text) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	WITH re(r) AS (SELECT '-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?'),
	na AS (SELECT m[1]::float8 AS v, i FROM re, regexp_matches(a, '(' || r || ')', 'g') WITH ORDINALITY x(m, i)),
	nb AS (SELECT m[1]::float8 AS v, i FROM re, regexp_matches(b, '(' || r || ')', 'g') WITH ORDINALITY x(m, i))
	SELECT CASE WHEN (SELECT regexp_replace(a, r, '#', 'g') = regexp_replace(b, r, '#', 'g') FROM re)
	             AND (SELECT count(*) FROM na) = (SELECT count(*) FROM nb)
	       THEN (SELECT coalesce(max(CASE WHEN na.v = nb.v THEN 0
	                                      ELSE abs(na.v - nb.v) / greatest(abs(na.v), abs(nb.v)) END), 0)
	             FROM na JOIN nb USING (i))
	       END
$$;

-- True when text forms a and b are equal but for their numbers, and each
-- number of a is within tol (relative) of the number of b at its place
CREATE FUNCTION near_text(a text, b text, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(text_rel_diff(a, b) <= tol, false)
$$;

-- A plan in short, for a failure message: each coordinator node with its
-- output, then the first task's query and its worker's nodes
CREATE FUNCTION plan_summary(plan jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT concat_ws(E'\n',
		(SELECT string_agg(format('coordinator %s: %s', n ->> 'Node Type', node_output(n)), E'\n')
		 FROM coordinator_nodes(plan) n),
		(SELECT format('task query: %s', t ->> 'Query') FROM plan_tasks(plan) t LIMIT 1),
		(SELECT string_agg(format('worker %s: %s', w ->> 'Node Type', node_output(w)), E'\n')
		 FROM (SELECT t FROM plan_tasks(plan) t LIMIT 1) f, task_nodes(f.t) w))
$$;

-- The number of rows of table t
CREATE FUNCTION row_count(t text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
	RETURN n;
END
$$;

-- The error query q ends with (its message), or NULL if it runs
CREATE FUNCTION error_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	RETURN SQLERRM;
END
$$;

-- Run query q (text columns g, r) under search_path s; its rows as
-- (g, r) pairs
CREATE FUNCTION run_rows(q text, s text) RETURNS text[][]
LANGUAGE plpgsql AS $$
DECLARE
	rec record;
	rows text[][] := '{}';
BEGIN
	PERFORM set_config('search_path', s, true);
	FOR rec IN EXECUTE q LOOP
		rows := rows || ARRAY[ARRAY[rec.g, rec.r]];
	END LOOP;
	PERFORM set_config('search_path', 'public', true);
	RETURN rows;
END
$$;

-- Run case c in mode m (global: SELECT agg FROM t; grouped: SELECT d,
-- agg FROM t GROUP BY d, d the distribution column of t or the case's
-- dcol) and judge it:
--  plan (global): every task's query calls worker_partial_agg on the
--    aggregate and its remote plan computes it in an Aggregate node, an
--    Aggregate node on the coordinator calls coord_combine_agg on it, and
--    no coordinator node calls the aggregate itself (row-gather would);
--  plan (grouped): every task's query calls the aggregate, its remote
--    plan has it in an Aggregate node with a group key, and the
--    coordinator has no Aggregate node (the query is pushed down whole);
--  answer: the rows on dist equal the rows on single (text forms; within
--    the case's tolerance where it has one), and there is at least one.
CREATE FUNCTION citus_check(c text, m text,
	OUT plan_ok boolean, OUT plan_note text, OUT answer_ok boolean, OUT answer_note text,
	OUT known boolean)
LANGUAGE plpgsql AS $$
DECLARE
	k citus_cases;
	d text;
	q text;
	aggpat text;
	aggoid text;
	plan jsonb;
	n_tasks int;
	dist_rows text[][];
	single_rows text[][];
	i int;
	exact boolean := true;
	worst float8 := 0;
BEGIN
	known := false;
	SELECT * INTO STRICT k FROM citus_cases WHERE name = c;
	d := coalesce(k.dcol, (SELECT column_to_column_name(logicalrelid, partkey)
	                       FROM pg_dist_partition WHERE logicalrelid = format('dist.%I', k.tab)::regclass));
	-- a call of the aggregate, schema-qualified or not (as a worker prints it)
	aggpat := (SELECT format('(^|[^A-Za-z0-9_])(%s\.)?%s\(', pronamespace::regnamespace, proname)
	           FROM pg_proc WHERE oid = k.agg);
	aggoid := k.agg::oid::text;
	IF m = 'global' THEN
		q := format('SELECT NULL::text AS g, (%s)::text AS r FROM %I', k.call, k.tab);
	ELSE
		q := format('SELECT %I::text AS g, (%s)::text AS r FROM %I GROUP BY %I ORDER BY %I', d, k.call, k.tab, d, d);
	END IF;

	-- the plan on the distributed table
	BEGIN
		PERFORM set_config('search_path', 'dist, public', true);
		PERFORM set_config('citus.explain_all_tasks', 'on', true);
		EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) ' || q INTO plan;
		PERFORM set_config('search_path', 'public', true);
		n_tasks := (SELECT count(*) FROM plan_tasks(plan));
		IF m = 'global' THEN
			plan_ok := n_tasks > 0
				AND NOT EXISTS (SELECT FROM plan_tasks(plan) t
				                WHERE strpos(t ->> 'Query', format('worker_partial_agg(%L::regprocedure', k.agg::text)) = 0
				                   OR NOT EXISTS (SELECT FROM task_nodes(t) w
				                                  WHERE w ->> 'Node Type' = 'Aggregate'
				                                    AND strpos(node_output(w), format('worker_partial_agg(%L::oid', aggoid)) > 0))
				AND EXISTS (SELECT FROM coordinator_nodes(plan) n
				            WHERE n ->> 'Node Type' = 'Aggregate'
				              AND strpos(node_output(n), format('coord_combine_agg(%L::oid', aggoid)) > 0)
				AND NOT EXISTS (SELECT FROM coordinator_nodes(plan) n WHERE node_output(n) ~ aggpat);
			plan_note := CASE WHEN plan_ok THEN format('partial pushdown, %s tasks', n_tasks) END;
		ELSE
			plan_ok := n_tasks > 0
				AND NOT EXISTS (SELECT FROM plan_tasks(plan) t
				                WHERE NOT (t ->> 'Query') ~ aggpat
				                   OR NOT EXISTS (SELECT FROM task_nodes(t) w
				                                  WHERE w ->> 'Node Type' = 'Aggregate'
				                                    AND jsonb_array_length(coalesce(w -> 'Group Key', '[]')) > 0
				                                    AND node_output(w) ~ aggpat))
				AND NOT EXISTS (SELECT FROM coordinator_nodes(plan) n WHERE n ->> 'Node Type' = 'Aggregate');
			plan_note := CASE WHEN plan_ok THEN format('full pushdown, %s tasks', n_tasks) END;
		END IF;
		IF NOT plan_ok THEN
			plan_note := 'plan: ' || plan_summary(plan);
		END IF;
	EXCEPTION WHEN OTHERS THEN
		plan_ok := false;
		plan_note := 'EXPLAIN failed: ' || SQLERRM;
	END;

	-- the answer on both
	BEGIN
		single_rows := run_rows(q, 'single, public');
	EXCEPTION WHEN OTHERS THEN
		answer_ok := false;
		answer_note := 'single node failed: ' || SQLERRM;
		RETURN;
	END;
	BEGIN
		dist_rows := run_rows(q, 'dist, public');
	EXCEPTION WHEN OTHERS THEN
		answer_ok := false;
		answer_note := 'distributed failed: ' || SQLERRM;
		known := m = 'global' AND SQLERRM = k.known_error;
		RETURN;
	END;
	IF m = 'global' AND k.known_error IS NOT NULL THEN
		answer_ok := false;
		answer_note := format('known to fail with "%s", but ran: remove known_error from the case '
		                      '(test/citus/cases.sql) and update docs/sharding.md', k.known_error);
		RETURN;
	END IF;
	IF coalesce(array_length(single_rows, 1), 0) = 0 OR single_rows[1][2] IS NULL THEN
		answer_ok := false;
		answer_note := 'no result on the single node';
		RETURN;
	END IF;
	IF coalesce(array_length(dist_rows, 1), 0) <> array_length(single_rows, 1) THEN
		answer_ok := false;
		answer_note := format('%s rows distributed, %s on the single node',
		                      coalesce(array_length(dist_rows, 1), 0), array_length(single_rows, 1));
		RETURN;
	END IF;
	FOR i IN 1 .. array_length(single_rows, 1) LOOP
		IF dist_rows[i][1] IS DISTINCT FROM single_rows[i][1] THEN
			answer_ok := false;
			answer_note := format('group %s distributed, %s on the single node', dist_rows[i][1], single_rows[i][1]);
			RETURN;
		END IF;
		IF dist_rows[i][2] IS DISTINCT FROM single_rows[i][2] THEN
			exact := false;
			worst := greatest(worst, text_rel_diff(dist_rows[i][2], single_rows[i][2]));
			IF k.tolerance = 0 OR dist_rows[i][2] IS NULL OR single_rows[i][2] IS NULL
			   OR NOT near_text(dist_rows[i][2], single_rows[i][2], k.tolerance) THEN
				answer_ok := false;
				answer_note := format('group %s differs:%s  distributed: %s%s  single node: %s',
				                      coalesce(dist_rows[i][1], '(all)'), E'\n',
				                      dist_rows[i][2], E'\n', single_rows[i][2]);
				RETURN;
			END IF;
		END IF;
	END LOOP;
	answer_ok := true;
	answer_note := CASE WHEN exact THEN 'equal'
	                    ELSE format('within %s: %s', k.tolerance, btrim(to_char(worst, '9.9EEEE'))) END
	               || format(' (%s row%s)', array_length(single_rows, 1),
	                         CASE WHEN array_length(single_rows, 1) > 1 THEN 's' ELSE '' END);
END
$$;

-- The results of citus_check, for the table at the end of the run
CREATE TABLE citus_results (
	name text,					-- the case
	mode text,					-- global or grouped
	plan_ok boolean,			-- the plan check passed
	plan_note text,				-- what the plan showed
	answer_ok boolean,			-- the answer check passed
	answer_note text,			-- how the answers compared
	known boolean,				-- the answer failed as the case says it does
	PRIMARY KEY (name, mode)
);

-- The output lines of case c in both modes: "test citus/c/MODE ... ok",
-- or FAILED with what failed (indented), or "known failure" with the
-- case's reason when the plan is right and the run ends with the case's
-- known error; the results kept in citus_results
CREATE FUNCTION citus_report(c text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	m text;
	r record;
BEGIN
	FOREACH m IN ARRAY ARRAY['global', 'grouped'] LOOP
		SELECT * INTO r FROM citus_check(c, m);
		INSERT INTO citus_results VALUES (c, m, r.plan_ok, r.plan_note, r.answer_ok, r.answer_note, r.known);
		IF r.plan_ok AND r.answer_ok THEN
			RETURN NEXT format('test citus/%s/%s ... ok', c, m);
		ELSIF r.plan_ok AND r.known THEN
			RETURN NEXT format('test citus/%s/%s ... known failure: %s', c, m,
			                   (SELECT known_reason FROM citus_cases WHERE name = c));
		ELSE
			RETURN NEXT format('test citus/%s/%s ... FAILED', c, m);
			IF NOT r.plan_ok THEN
				RETURN NEXT regexp_replace(r.plan_note, '^', '    ', 'gn');
			END IF;
			IF NOT r.answer_ok THEN
				RETURN NEXT regexp_replace(r.answer_note, '^', '    ', 'gn');
			END IF;
		END IF;
	END LOOP;
END
$$;
