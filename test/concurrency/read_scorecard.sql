-- pgbench script: a reader of both scorecards; a scorecard that is not whole
-- (not every customer, or rows of two refreshes) fails the transaction
-- with a division by zero, which aborts the pgbench client
SELECT 1 / (count(*) = (SELECT count(*) FROM conc_summaries) AND count(DISTINCT refreshed_at) = 1
            AND count(DISTINCT bgnbd_model) = 1)::int FROM sc;
SELECT 1 / (count(*) = (SELECT count(*) FROM conc_summaries) AND count(DISTINCT refreshed_at) = 1)::int FROM sc_inc;
