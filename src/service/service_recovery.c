/*
 * service_recovery.c
 *		Service recovery: repurchase (or retention) within a window after a
 *		complaint, for customers whose complaint was resolved, customers whose
 *		complaint was not, and customers without a complaint
 *		(crm.recovery_fit, crm.recovery_merge, crm.recovery_state), with
 *		Wilson intervals per group and two-proportion tests between groups.
 *
 * One row per customer: (complained, resolved, repurchased).  A customer who
 * did not complain is in group no_complaint whatever resolved says; a
 * complaining customer is in resolved or unresolved by resolved.  Rows with
 * a NULL complained or repurchased, or a complaint with a NULL resolved, are
 * skipped and counted.
 *
 * Text form: v1 resolved=45/120 unresolved=5/30 no_complaint=400/1000
 * skipped=0 (repurchased/customers per group).
 */
#include "crm.h"
#include "crm_io.h"
#include "numerics.h"
#include "service.h"

#include <math.h>

#include "funcapi.h"
#include "utils/builtins.h"

/* The groups */
#define RECOVERY_RESOLVED 0
#define RECOVERY_UNRESOLVED 1
#define RECOVERY_NO_COMPLAINT 2
#define RECOVERY_GROUPS 3

/* The SQL type, for messages */
#define RECOVERY_TYPE "crm.recovery_state"

/* A recovery state: customers and repurchasers per group */
typedef struct RecoveryState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* RECOVERY_STATE_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		reserved3;		/* must be zero */
	int64		n[RECOVERY_GROUPS]; /* customers per group */
	int64		r[RECOVERY_GROUPS]; /* of which repurchased */
	int64		n_skipped;		/* rows skipped (a NULL that decides the group
								 * or the outcome) */
} RecoveryState;

/* Group names, in group order */
static const char *const GroupNames[RECOVERY_GROUPS] = {"resolved", "unresolved", "no_complaint"};

/* A new empty state */
static RecoveryState *
StateNew(void)
{
	RecoveryState *state = (RecoveryState *) palloc0(sizeof(RecoveryState));

	SET_VARSIZE(state, sizeof(RecoveryState));
	state->version = RECOVERY_STATE_VERSION;
	return state;
}

/* Argument argno, a recovery state, detoasted */
static RecoveryState *
RecoveryStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (RecoveryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Transition of crm.recovery_fit(complained, resolved, repurchased) */
PG_FUNCTION_INFO_V1(recovery_trans);
Datum
recovery_trans(PG_FUNCTION_ARGS)
{
	RecoveryState *state = PG_ARGISNULL(0) ? StateNew() :
		(RecoveryState *) CrmWritableArg(fcinfo, 0);
	int			group;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || (PG_GETARG_BOOL(1) && PG_ARGISNULL(2)))
	{
		state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
		PG_RETURN_POINTER(state);
	}
	if (!PG_GETARG_BOOL(1))
		group = RECOVERY_NO_COMPLAINT;
	else
		group = PG_GETARG_BOOL(2) ? RECOVERY_RESOLVED : RECOVERY_UNRESOLVED;
	state->n[group] = AddCounts(state->n[group], 1, "customer count");
	if (PG_GETARG_BOOL(3))
		state->r[group]++;
	PG_RETURN_POINTER(state);
}

/* Combine (and the transition of crm.recovery_merge): add the counts of two states */
PG_FUNCTION_INFO_V1(recovery_combine);
Datum
recovery_combine(PG_FUNCTION_ARGS)
{
	RecoveryState *a = (RecoveryState *) CrmWritableArg(fcinfo, 0);
	RecoveryState *b = RecoveryStateArg(fcinfo, 1);

	for (int g = 0; g < RECOVERY_GROUPS; g++)
	{
		a->n[g] = AddCounts(a->n[g], b->n[g], "customer count");
		a->r[g] = AddCounts(a->r[g], b->r[g], "repurchaser count");
	}
	a->n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped row count");
	PG_RETURN_POINTER(a);
}

/* Final function: NULL without customers */
PG_FUNCTION_INFO_V1(recovery_final);
Datum
recovery_final(PG_FUNCTION_ARGS)
{
	RecoveryState *state = RecoveryStateArg(fcinfo, 0);

	if (state->n[0] == 0 && state->n[1] == 0 && state->n[2] == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(state);
}

/* The confidence argument argno, its normal quantile */
static float8
ConfidenceArg(FunctionCallInfo fcinfo, int argno)
{
	CheckNotNull(fcinfo, argno, "confidence");
	return ConfidenceQuantile(PG_GETARG_FLOAT8(argno));
}

/* crm.recovery_rates(state, confidence): per group customers, repurchased, rate, Wilson interval */
PG_FUNCTION_INFO_V1(recovery_rates);
Datum
recovery_rates(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RecoveryState *state = RecoveryStateArg(fcinfo, 0);
	float8		z = ConfidenceArg(fcinfo, 1);

	InitMaterializedSRF(fcinfo, 0);
	for (int g = 0; g < RECOVERY_GROUPS; g++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = CStringGetTextDatum(GroupNames[g]);
		values[1] = Int64GetDatum(state->n[g]);
		values[2] = Int64GetDatum(state->r[g]);
		if (state->n[g] > 0)
		{
			float8		low;
			float8		high;

			WilsonInterval((float8) state->r[g], (float8) state->n[g], z, &low, &high);
			values[3] = Float8GetDatum((float8) state->r[g] / state->n[g]);
			values[4] = Float8GetDatum(low);
			values[5] = Float8GetDatum(high);
		}
		else
			nulls[3] = nulls[4] = nulls[5] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * One row of crm.recovery_test: group a against group b, the difference of
 * rates with its unpooled Wald interval and the pooled two-proportion z test
 * (two-sided); NULLs where a group is empty or the pooled rate is 0 or 1
 */
static void
PutTestRow(ReturnSetInfo *rsinfo, const RecoveryState *state, int a, int b, float8 zc)
{
	Datum		values[7];
	bool		nulls[7] = {0};
	int64		na = state->n[a];
	int64		nb = state->n[b];

	values[0] = CStringGetTextDatum(GroupNames[a]);
	values[1] = CStringGetTextDatum(GroupNames[b]);
	if (na > 0 && nb > 0)
	{
		float8		pa = (float8) state->r[a] / na;
		float8		pb = (float8) state->r[b] / nb;
		float8		diff = pa - pb;
		float8		se = sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
		float8		pooled = (float8) (state->r[a] + state->r[b]) / ((float8) na + nb);
		float8		pooled_se = sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));

		values[2] = Float8GetDatum(diff);
		values[3] = Float8GetDatum(Max(-1.0, diff - zc * se));
		values[4] = Float8GetDatum(Min(1.0, diff + zc * se));
		if (pooled_se > 0)
		{
			float8		z = diff / pooled_se;

			values[5] = Float8GetDatum(z);
			values[6] = Float8GetDatum(ClampProbability(erfc(fabs(z) / M_SQRT2), "p-value"));
		}
		else
			nulls[5] = nulls[6] = true;
	}
	else
		nulls[2] = nulls[3] = nulls[4] = nulls[5] = nulls[6] = true;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.recovery_test(state, confidence): resolved against no_complaint (the
 * recovery paradox), resolved against unresolved, unresolved against
 * no_complaint
 */
PG_FUNCTION_INFO_V1(recovery_test);
Datum
recovery_test(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RecoveryState *state = RecoveryStateArg(fcinfo, 0);
	float8		z = ConfidenceArg(fcinfo, 1);

	InitMaterializedSRF(fcinfo, 0);
	PutTestRow(rsinfo, state, RECOVERY_RESOLVED, RECOVERY_NO_COMPLAINT, z);
	PutTestRow(rsinfo, state, RECOVERY_RESOLVED, RECOVERY_UNRESOLVED, z);
	PutTestRow(rsinfo, state, RECOVERY_UNRESOLVED, RECOVERY_NO_COMPLAINT, z);
	return (Datum) 0;
}

/* Why counts read from outside are impossible, or NULL */
static const char *
StateProblem(const RecoveryState *state)
{
	for (int g = 0; g < RECOVERY_GROUPS; g++)
		if (state->r[g] > state->n[g])
			return "repurchasers cannot exceed the customers of a group";
	if (state->n[0] == 0 && state->n[1] == 0 && state->n[2] == 0)
		return "a recovery state has at least one customer";
	return NULL;
}

/* Parse the text form of crm.recovery_state */
PG_FUNCTION_INFO_V1(recovery_state_in);
Datum
recovery_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(RECOVERY_TYPE, PG_GETARG_CSTRING(0));
	RecoveryState *state = StateNew();

	CrmExpectVersion(&r, RECOVERY_STATE_VERSION);
	for (int g = 0; g < RECOVERY_GROUPS; g++)
	{
		CrmExpectKey(&r, GroupNames[g]);
		state->r[g] = CrmReadCount(&r);
		CrmExpect(&r, "/");
		state->n[g] = CrmReadCount(&r);
	}
	state->n_skipped = CrmReadKeyCount(&r, "skipped");
	CrmReadEnd(&r);
	CrmReadCheck(&r, StateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Text form of crm.recovery_state (see the top of this file) */
PG_FUNCTION_INFO_V1(recovery_state_out);
Datum
recovery_state_out(PG_FUNCTION_ARGS)
{
	RecoveryState *state = RecoveryStateArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", RECOVERY_STATE_VERSION);
	for (int g = 0; g < RECOVERY_GROUPS; g++)
		appendStringInfo(&buf, " %s=" INT64_FORMAT "/" INT64_FORMAT, GroupNames[g],
						 state->r[g], state->n[g]);
	appendStringInfo(&buf, " skipped=" INT64_FORMAT, state->n_skipped);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary form: version, three zero bytes, per group customers and repurchasers, skipped */
PG_FUNCTION_INFO_V1(recovery_state_send);
Datum
recovery_state_send(PG_FUNCTION_ARGS)
{
	RecoveryState *state = RecoveryStateArg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RECOVERY_STATE_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	for (int g = 0; g < RECOVERY_GROUPS; g++)
	{
		pq_sendint64(&buf, state->n[g]);
		pq_sendint64(&buf, state->r[g]);
	}
	pq_sendint64(&buf, state->n_skipped);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.recovery_state (see recovery_state_send) */
PG_FUNCTION_INFO_V1(recovery_state_recv);
Datum
recovery_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RecoveryState *state = StateNew();

	CrmRecvVersion(buf, RECOVERY_TYPE, RECOVERY_STATE_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(RECOVERY_TYPE, "reserved bytes must be zero");
	for (int g = 0; g < RECOVERY_GROUPS; g++)
	{
		state->n[g] = pq_getmsgint64(buf);
		state->r[g] = pq_getmsgint64(buf);
		if (state->n[g] < 0 || state->r[g] < 0)
			CrmBinaryError(RECOVERY_TYPE, "counts must be >= 0");
	}
	state->n_skipped = pq_getmsgint64(buf);
	if (state->n_skipped < 0)
		CrmBinaryError(RECOVERY_TYPE, "counts must be >= 0");
	CrmBinaryCheck(RECOVERY_TYPE, StateProblem(state));
	PG_RETURN_POINTER(state);
}
