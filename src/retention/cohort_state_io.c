/*
 * cohort_state_io.c
 *		Text and binary forms of crm.cohort_state (cohort.h, cohort_state.c),
 *		with the checks that reject impossible states on input.
 *
 * The text form is one line, for example
 *	 v1 unit=1 month through=1998-06-30 events=5 ignored=1
 *	 pairs={0f3a...:1997-01-01,1997-03-01;9c00...:1997-02-01}
 * (customer hashes in hex, each with the first days of its active periods).
 * It round-trips exactly, which is how partial states travel between nodes.
 * The unit, window and days are read and written by cohort_window.c.
 */
#include "crm.h"
#include "cohort.h"

#include <ctype.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

/* Why the pairs and counts of a state read from outside are inconsistent, or NULL */
static const char *
StateProblem(const CohortState *state)
{
	if (state->n_events < state->n_distinct || state->n_ignored < 0)
		return "events must be at least the number of pairs, ignored not negative";
	for (int32 i = 0; i < state->n_distinct; i++)
	{
		if (state->pairs[i].period > state->window.last_period)
			return "every period must end by through";
		if (i > 0 && CohortComparePairs(&state->pairs[i - 1], &state->pairs[i]) >= 0)
			return "pairs must be strictly increasing by customer, then period";
	}
	return NULL;
}

/* The period that starts on a day, or false if no period starts on it */
static bool
PeriodStartingOn(const CrmTimeRules *rules, int32 day, int32 *period)
{
	if (!IS_VALID_DATE(day))
		return false;
	*period = PeriodOfDay(rules, day);
	return PeriodStartDay(rules, *period) == day;
}

/* Text form: "v1 unit=... through=... events=N ignored=M pairs={hash:day,...;...}" */
PG_FUNCTION_INFO_V1(cohort_state_out);
Datum
cohort_state_out(PG_FUNCTION_ARGS)
{
	CohortState *state = CohortCompactState(fcinfo, 0);
	CrmTimeRules rules;
	StringInfoData buf;

	CohortRules(&state->window, &rules);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d unit=", state->version);
	AppendCohortUnit(&buf, &state->window);
	appendStringInfoString(&buf, " through=");
	AppendCohortDay(&buf, CohortWindowEndDay(&state->window));
	appendStringInfo(&buf, " events=" INT64_FORMAT " ignored=" INT64_FORMAT " pairs={",
					 state->n_events, state->n_ignored);
	for (int32 i = 0; i < state->n_distinct; i++)
	{
		const CohortPair *pair = &state->pairs[i];

		if (i == 0 || !CohortSameCustomer(&state->pairs[i - 1], pair))
			appendStringInfo(&buf, "%s%08x%08x:", i == 0 ? "" : ";",
							 pair->hash_hi, pair->hash_lo);
		else
			appendStringInfoChar(&buf, ',');
		AppendCohortDay(&buf, PeriodStartDay(&rules, pair->period));
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* Read a customer hash of 1 to 16 hex digits */
static uint64
ReadHash(CrmReader *r)
{
	uint64		v = 0;
	int			digits = 0;

	for (; isxdigit((unsigned char) *r->p) && digits < 16; r->p++, digits++)
		v = (v << 4) | (uint64) (isdigit((unsigned char) *r->p) ? *r->p - '0' :
								 (tolower((unsigned char) *r->p) - 'a' + 10));
	if (digits == 0 || isxdigit((unsigned char) *r->p))
		CrmReadError(r, "expected a customer hash of 1 to 16 hex digits");
	return v;
}

/* Parse the text form of crm.cohort_state */
PG_FUNCTION_INFO_V1(cohort_state_in);
Datum
cohort_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.cohort_state", PG_GETARG_CSTRING(0));
	CohortWindow window;
	CrmTimeRules rules;
	int64		events;
	int64		ignored;
	int32		allocated = 0;
	int32		n = 0;
	CohortPair *pairs = NULL;
	CohortState *state;

	CrmExpectVersion(&r, COHORT_STATE_VERSION);
	CohortReadWindow(&r, &window);
	CohortRules(&window, &rules);
	events = CrmReadKeyCount(&r, "events");
	ignored = CrmReadKeyCount(&r, "ignored");
	CrmExpect(&r, " pairs={");
	for (int customer = 0; CrmReadListNext(&r, customer, ";"); customer++)
	{
		uint64		hash = ReadHash(&r);

		CrmExpect(&r, ":");
		do
		{
			pairs = CrmReadGrow(&r, pairs, &allocated, n, sizeof(CohortPair));
			if (!PeriodStartingOn(&rules, CohortReadDay(&r, "a period"), &pairs[n].period))
				CrmReadError(&r, "expected the first day of a period, YYYY-MM-DD");
			pairs[n].hash_hi = (uint32) (hash >> 32);
			pairs[n++].hash_lo = (uint32) hash;
		} while (CrmReadLiteral(&r, ","));
	}
	CrmReadEnd(&r);
	state = CohortStateCreate(&window, n);
	if (n > 0)
		memcpy(state->pairs, pairs, sizeof(CohortPair) * (Size) n);
	state->n_distinct = n;
	state->n_events = events;
	state->n_ignored = ignored;
	CrmReadCheck(&r, StateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Binary form: version, unit, through day, counts, then (hash, period start day) pairs */
PG_FUNCTION_INFO_V1(cohort_state_send);
Datum
cohort_state_send(PG_FUNCTION_ARGS)
{
	CohortState *state = CohortCompactState(fcinfo, 0);
	CrmTimeRules rules;
	StringInfoData buf;

	CohortRules(&state->window, &rules);
	pq_begintypsend(&buf);
	SendCohortHead(&buf, state->version, &state->window);
	pq_sendint64(&buf, state->n_events);
	pq_sendint64(&buf, state->n_ignored);
	pq_sendint32(&buf, state->n_distinct);
	for (int32 i = 0; i < state->n_distinct; i++)
	{
		pq_sendint32(&buf, state->pairs[i].hash_hi);
		pq_sendint32(&buf, state->pairs[i].hash_lo);
		pq_sendint32(&buf, PeriodStartDay(&rules, state->pairs[i].period));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.cohort_state */
PG_FUNCTION_INFO_V1(cohort_state_recv);
Datum
cohort_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CohortWindow window;
	CrmTimeRules rules;
	CohortState *state;
	int32		n;

	RecvCohortHead(buf, COHORT_STATE_VERSION, "crm.cohort_state", &window);
	CohortRules(&window, &rules);
	state = CohortStateCreate(&window, 0);
	state->n_events = pq_getmsgint64(buf);
	state->n_ignored = pq_getmsgint64(buf);
	n = CrmRecvLength(buf, "crm.cohort_state", 12, "pairs");
	state = CohortStateCopy(state, n);
	for (int32 i = 0; i < n; i++)
	{
		CohortPair *pair = &state->pairs[i];

		pair->hash_hi = (uint32) pq_getmsgint(buf, 4);
		pair->hash_lo = (uint32) pq_getmsgint(buf, 4);
		if (!PeriodStartingOn(&rules, (int32) pq_getmsgint(buf, 4), &pair->period))
			CrmBinaryError("crm.cohort_state", "every period must be given by its first day");
	}
	state->n_distinct = n;
	CrmBinaryCheck("crm.cohort_state", StateProblem(state));
	PG_RETURN_POINTER(state);
}
