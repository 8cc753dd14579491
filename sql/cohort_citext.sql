-- citext customer ids: the text overload of the cohort aggregates receives
-- them relabelled as text, but hashes them as citext (case-insensitively),
-- so 'Ann' and 'ANN' are one customer, as citext equality says.  The
-- PostgreSQL builds without contrib in the version matrix have no citext:
-- there the test says so (cohort_citext_1.out) and checks nothing else.
SET client_min_messages = warning;
SELECT (SELECT count(*) FROM pg_available_extensions WHERE name = 'citext') = 1 AS have_citext \gset
\if :have_citext
CREATE EXTENSION IF NOT EXISTS citext;
RESET client_min_messages;
CREATE TABLE citext_log (customer_id citext, event_on date);
-- three customers, each spelled in two cases; ann comes back in February
INSERT INTO citext_log VALUES
	('Ann', '2024-01-03'), ('ANN', '2024-02-10'), ('bob', '2024-01-05'), ('BOB', '2024-01-20'),
	('Cy', '2024-02-02'), ('cy', '2024-02-03');
-- the citext overload resolution: the text aggregate
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-03-31') AS citext_table
FROM citext_log;
-- equal to the table of the lower-cased text ids, with or without a cast to
-- text (a binary-compatible cast does not change the id's identity); a
-- function of the id makes them case-sensitive text ids (6 customers)
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-03-31')::text
	 = crm.cohort_fit(lower(customer_id::text), event_on, interval '1 month', date '2024-03-31')::text AS same_as_lower,
	   crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-03-31')::text
	 = crm.cohort_fit(customer_id::text, event_on, interval '1 month', date '2024-03-31')::text AS same_as_cast,
	   crm.cohort_fit(customer_id::text || '', event_on, interval '1 month', date '2024-03-31') AS case_sensitive_table
FROM citext_log;
-- the same through crm.cohort_partial and crm.cohort_merge, per customer
SELECT (SELECT crm.cohort_final(crm.cohort_merge(s))::text
		FROM (SELECT crm.cohort_partial(customer_id, event_on::timestamptz, interval '1 month', timestamptz '2024-03-31') AS s
			  FROM citext_log GROUP BY customer_id) q)
	 = (SELECT crm.cohort_final(crm.cohort_merge(s))::text
		FROM (SELECT crm.cohort_partial(lower(customer_id::text), event_on::timestamptz, interval '1 month', timestamptz '2024-03-31') AS s
			  FROM citext_log GROUP BY lower(customer_id::text)) q) AS merged_same;
-- a domain over citext is a citext id too
CREATE DOMAIN ci_id AS citext;
SELECT crm.cohort_fit(customer_id::ci_id, event_on, interval '1 month', date '2024-03-31')::text
	 = crm.cohort_fit(customer_id, event_on, interval '1 month', date '2024-03-31')::text AS domain_same
FROM citext_log;
DROP TABLE citext_log;
DROP DOMAIN ci_id;
DROP EXTENSION citext;
\else
RESET client_min_messages;
SELECT 'citext not available on this server' AS skipped;
\endif
