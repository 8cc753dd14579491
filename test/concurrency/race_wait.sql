-- Session A of a race (test/concurrency/races), inside its open transaction:
-- wait until session B (application_name crm_race_b) is blocked by a lock
-- this session holds, then print "b_waited_on|LOCKTYPE".  Fails if B ends,
-- or has not blocked after 60 s.  pg_locks and pg_blocking_pids are read
-- live; pg_stat_activity is re-read each time (pg_stat_clear_snapshot).
DO $$
DECLARE
	b_seen boolean := false;
BEGIN
	FOR i IN 1..600 LOOP
		IF EXISTS (SELECT FROM pg_locks l WHERE NOT l.granted AND pg_backend_pid() = ANY (pg_blocking_pids(l.pid))) THEN
			RETURN;
		END IF;
		PERFORM pg_stat_clear_snapshot();
		IF EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'crm_race_b') THEN
			b_seen := true;
		ELSIF b_seen THEN
			RAISE EXCEPTION 'session B ended without waiting for this session';
		END IF;
		PERFORM pg_sleep(0.1);
	END LOOP;
	RAISE EXCEPTION 'session B did not wait for this session within 60 s';
END
$$;
SELECT 'b_waited_on', string_agg(DISTINCT l.locktype, ',') FROM pg_locks l
WHERE NOT l.granted AND pg_backend_pid() = ANY (pg_blocking_pids(l.pid));
