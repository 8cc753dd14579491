-- ---------------------------------------------------------------------------
-- Churn events from a purchase log (src/lifecycle/lifecycle_churn.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION crm.churn_event(first_purchase date, last_purchase date, as_of date, threshold interval,
	OUT churned boolean, OUT churn_date date, OUT tenure_days integer)
	RETURNS record AS 'MODULE_PATHNAME', 'churn_event_dates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.churn_event(date, date, date, interval) IS
	'churn event of a customer as of a date: churned at last_purchase + threshold when that is <= as_of, else censored at as_of; tenure in days from the first purchase to the churn date (or to as_of); feeds crm.km_fit(tenure_days, churned)';

CREATE FUNCTION crm.churn_event(s crm.customer_summary, threshold interval,
	OUT churned boolean, OUT churn_date date, OUT tenure_days integer)
	RETURNS record AS 'MODULE_PATHNAME', 'churn_event_summary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.churn_event(crm.customer_summary, interval) IS
	'churn event of a customer summary (crm.summary, purchases after as_of ignored) under an inactivity threshold, as of the summary''s as_of';
