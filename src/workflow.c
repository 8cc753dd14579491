/*
 * workflow.c
 *		C support of the scheduled workflows (src/workflow.sql): moving a
 *		customer-summary state to a later as_of, so that an incremental
 *		scorecard refresh merges the stored states with the states of the
 *		new transactions only.
 *
 * A state built over the rows up to as_of A holds exactly what a state with
 * as_of B > A would hold over the same rows (no row of the log lies in
 * (A, B] of that state): only the as_of day, from which T and
 * days_since_last are computed, differs.  Advancing it and merging the state
 * of the rows in (A, B] built with as_of B gives the state of all rows up
 * to B.
 */
#include "crm.h"
#include "calendar.h"
#include "summary_state.h"

#include "fmgr.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"

/* Raise 22023 unless the state can move to as_of day (date rows, no holdout window, not backwards) */
static void
CheckAdvance(const SummaryState *s, int32 day)
{
	if (s->flags & SUMMARY_FLAG_TIMESTAMP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot advance a summary state of timestamptz rows"),
				 errhint("Build the states from date rows (cast the purchase time to date).")));
	if (s->holdout_day != s->as_of_day || s->n_holdout_periods != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot advance a summary state with a holdout window"),
				 errhint("Build the states with holdout_end = calibration_end.")));
	if (day < s->as_of_day)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of \"%s\" is before the state's as_of \"%s\"",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(s->as_of_day))))));
}

/* crm.summary_advance(state, as_of date): the state of the same rows with a later as_of */
PG_FUNCTION_INFO_V1(summary_advance);
Datum
summary_advance(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		day = CheckFiniteDate(PG_GETARG_DATEADT(1), "as_of");
	SummaryState *out;

	CheckAdvance(s, day);
	out = (SummaryState *) palloc(VARSIZE(s));
	memcpy(out, s, VARSIZE(s));
	out->as_of_day = day;
	out->holdout_day = day;
	PG_RETURN_POINTER(out);
}
