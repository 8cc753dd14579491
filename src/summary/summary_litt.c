/*
 * summary_litt.c
 *		litt, a customer's sum of log inter-purchase times, from a
 *		transaction log: the final function of the crm.litt aggregates, which
 *		share crm.summary's transition and state (crm.summary_state), so that
 *		a query computing both keeps one state per customer.
 *
 * The inter-purchase times are those between the customer's successive
 * distinct purchase periods up to as_of (calendar days by default, as
 * crm.summary merges purchases), measured in the summary's unit, so that
 * litt matches the summary's x (frequency) and t_x (recency): x times that
 * add up to t_x.  As BTYDplus's elog2cbs, which merges same-day events and
 * sums log(itt) over the times after the first event.
 */
#include "crm.h"
#include "calendar.h"
#include "summary_state.h"

#include <math.h>

/*
 * crm.litt_final(state): the sum over the customer's inter-purchase times
 * (between successive calibration purchase periods, in the unit) of their
 * logs; 0 for one purchase period, NULL without a purchase up to as_of
 */
PG_FUNCTION_INFO_V1(litt_final);
Datum
litt_final(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n;
	int32	   *periods;
	float8		litt = 0;

	if (s->n_periods == 0)
		PG_RETURN_NULL();
	periods = SummaryCalibrationPeriods(s, &n);
	for (int32 i = 1; i < n; i++)
		litt += log(PeriodDistance(&s->rules, periods[i - 1], periods[i]));
	CheckResultFinite(litt, "litt of a customer (sum of log inter-purchase times)");
	PG_RETURN_FLOAT8(litt);
}
