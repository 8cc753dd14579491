/*
 * clv_dyncov_state.c
 *		crm.dyncov_fit_state: the state of the time-varying Pareto/NBD fit
 *		(clv_dyncov.h), its transition (one customer: summary, first
 *		purchase, covariate path, spec), combine, and text and binary forms.
 *
 * A record holds the customer's runs of constant covariates over (0, T],
 * not the path: a customer whose covariates change in a few periods takes
 * a few runs.  The state grows like the path's: in place while there is
 * room, else into a copy with twice the room.
 */
#include "crm.h"
#include "clv.h"
#include "clv_dyncov.h"
#include "crm_io.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"

#define STATE_TYPE "crm.dyncov_fit_state"
/* Largest state, bytes */
#define DYNSTATE_MAX_BYTES ((int64) 900 * 1024 * 1024)

/* The time unit of a period of microseconds */
TimeUnit
DynPeriodUnit(int64 period)
{
	TimeUnit	unit = {0, (int32) (period / USECS_PER_DAY), period % USECS_PER_DAY};

	return unit;
}

/* The number of values of the record at rec (its runs read from it) */
static inline int64
RecordLength(const float8 *rec, int n_life, int n_trans)
{
	return DYNREC_HEAD + n_trans + (int64) rec[4] * (1 + n_life + n_trans);
}

/* Why a state is invalid, or NULL */
const char *
DynStateProblem(const DynState *state, Size size)
{
	const char *problem;
	const float8 *rec;
	int64		left;
	int64		n = 0;
	int			n_cov;

	if (size < offsetof(DynState, data))
		return "too short";
	if (state->version != DYNSTATE_VERSION)
		return "unsupported version";
	if (state->reserved != 0)
		return "reserved bits set";
	if (state->spec_size < (int32) offsetof(CovariateSpec, names) || state->used < 0 ||
		state->capacity < state->used || state->used % sizeof(float8) != 0 ||
		size < offsetof(DynState, data) + MAXALIGN(state->spec_size) + state->capacity)
		return "invalid sizes";
	problem = CovariateSpecProblem(DYNSTATE_SPEC(state), state->spec_size);
	if (problem != NULL)
		return problem;
	if (DYNSTATE_SPEC(state)->n_life != state->n_life || DYNSTATE_SPEC(state)->n_trans != state->n_trans)
		return "the covariate counts are not the spec's";
	if (state->period <= 0 || state->skipped < 0 || state->n_records < 0)
		return "invalid header";
	n_cov = state->n_life + state->n_trans;
	rec = DYNSTATE_RECORDS(state);
	left = state->used / (int64) sizeof(float8);
	for (int32 i = 0; i < state->n_records; i++)
	{
		int64		length;
		float8		previous = 0;

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();

		if (left < DYNREC_HEAD + state->n_trans)
			return "truncated record";
		if (!(rec[0] >= 0 && rec[0] == floor(rec[0]) && rec[0] <= 1e15 && rec[1] >= 0 &&
			  rec[1] <= rec[2] && rec[2] <= CLV_MAX_HORIZON && (rec[0] > 0 || rec[1] == 0)))
			return "invalid summary";
		if (!(rec[3] >= 1 && rec[3] == floor(rec[3]) && rec[3] <= 1e15))
			return "invalid weight";
		if (!(rec[4] >= 1 && rec[4] == floor(rec[4]) && rec[4] <= COVPATH_MAX_PERIODS))
			return "invalid number of runs";
		length = RecordLength(rec, state->n_life, state->n_trans);
		if (length > left)
			return "truncated record";
		for (int j = 0; j < state->n_trans; j++)
			if (!isfinite(rec[DYNREC_HEAD + j]))
				return "purchase sums must be finite";
		for (int64 k = 0; k < (int64) rec[4]; k++)
		{
			const float8 *run = rec + DYNREC_HEAD + state->n_trans + k * (1 + n_cov);

			if (!(run[0] >= previous && run[0] <= rec[2]))
				return "run ends must rise to T";
			previous = run[0];
			for (int j = 0; j < n_cov; j++)
				if (!isfinite(run[1 + j]))
					return "covariates must be finite";
		}
		if (previous != rec[2])
			return "the last run must end at T";
		if (n > PG_INT64_MAX - (int64) rec[3])
			return "customer count out of range";
		n += (int64) rec[3];
		rec += length;
		left -= length;
	}
	if (left != 0)
		return "records and length differ";
	if (n != state->n)
		return "customer count and weights differ";
	return NULL;
}

/* The customers of a state's records; *n gets their number */
DynCustomer *
DynStateCustomers(const DynState *state, int32 *n)
{
	DynCustomer *customers = (DynCustomer *) palloc(sizeof(DynCustomer) * Max(state->n_records, 1));
	const float8 *rec = DYNSTATE_RECORDS(state);

	for (int32 i = 0; i < state->n_records; i++)
	{
		DynCustomer *c = &customers[i];

		c->x = rec[0];
		c->t_x = rec[1];
		c->T = rec[2];
		c->weight = rec[3];
		c->n_runs = (int32) rec[4];
		c->purchase_z = rec + DYNREC_HEAD;
		c->runs = rec + DYNREC_HEAD + state->n_trans;
		rec += RecordLength(rec, state->n_life, state->n_trans);
	}
	*n = state->n_records;
	return customers;
}

/* The number of trans covariates and all covariates of the customers qsort_arg compares */
typedef struct DynSortArg
{
	int			n_trans;		/* transaction covariates */
	int			n_cov;			/* all covariates */
} DynSortArg;

/* Order of two customers by their values (qsort_arg comparator) */
static int
CompareCustomers(const void *a, const void *b, void *arg)
{
	const DynCustomer *ca = (const DynCustomer *) a;
	const DynCustomer *cb = (const DynCustomer *) b;
	const DynSortArg *sort = (const DynSortArg *) arg;
	int			c;

	if (ca->x != cb->x)
		return ca->x < cb->x ? -1 : 1;
	if (ca->t_x != cb->t_x)
		return ca->t_x < cb->t_x ? -1 : 1;
	if (ca->T != cb->T)
		return ca->T < cb->T ? -1 : 1;
	if (ca->n_runs != cb->n_runs)
		return ca->n_runs < cb->n_runs ? -1 : 1;
	c = memcmp(ca->purchase_z, cb->purchase_z, sizeof(float8) * sort->n_trans);
	if (c != 0)
		return c;
	return memcmp(ca->runs, cb->runs, sizeof(float8) * (Size) ca->n_runs * (1 + sort->n_cov));
}

/*
 * The customers of a state sorted by their values, customers with the same
 * values merged into one with their weights: the fit is then the same
 * whatever the order the rows came in (serial, parallel, merged partials)
 */
DynCustomer *
DynDistinctCustomers(const DynState *state, int32 *n)
{
	DynSortArg	sort = {state->n_trans, state->n_life + state->n_trans};
	int32		n_all;
	int32		kept = 0;
	DynCustomer *customers = DynStateCustomers(state, &n_all);

	qsort_arg(customers, n_all, sizeof(DynCustomer), CompareCustomers, &sort);
	for (int32 i = 0; i < n_all; i++)
	{
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (kept > 0 && CompareCustomers(&customers[kept - 1], &customers[i], &sort) == 0)
			customers[kept - 1].weight += customers[i].weight;
		else
			customers[kept++] = customers[i];
	}
	*n = kept;
	return customers;
}

/* A new empty state for spec and period in context, with room for capacity bytes of records */
static DynState *
NewState(MemoryContext context, const CovariateSpec *spec, int64 period, int64 capacity)
{
	Size		spec_size = VARSIZE(spec);
	Size		size = offsetof(DynState, data) + MAXALIGN(spec_size) + capacity;
	DynState   *state = (DynState *) MemoryContextAllocZero(context, size);

	SET_VARSIZE(state, size);
	state->version = DYNSTATE_VERSION;
	state->n_life = spec->n_life;
	state->n_trans = spec->n_trans;
	state->spec_size = (int32) spec_size;
	state->period = period;
	state->capacity = capacity;
	memcpy(state->data, spec, spec_size);
	return state;
}

/* The state with room for more bytes of records (a bigger copy in the aggregate context if needed) */
static DynState *
RoomyState(FunctionCallInfo fcinfo, DynState *state, int64 more)
{
	MemoryContext aggcontext;
	DynState   *bigger;
	int64		capacity;

	if (state->used + more <= state->capacity)
		return state;
	if (state->used + more > DYNSTATE_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the time-varying fit state would exceed %d MB", (int) (DYNSTATE_MAX_BYTES >> 20)),
				 errhint("Fit a sample of the customers, or merge periods into fewer runs.")));
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;
	capacity = Min(Max(2 * state->capacity, state->used + more), DYNSTATE_MAX_BYTES);
	bigger = NewState(aggcontext, DYNSTATE_SPEC(state), state->period, capacity);
	bigger->n_records = state->n_records;
	bigger->n = state->n;
	bigger->skipped = state->skipped;
	bigger->used = state->used;
	memcpy(DYNSTATE_RECORDS(bigger), DYNSTATE_RECORDS(state), state->used);
	return bigger;
}

/* Raise 22023 unless a state and a spec or another state agree */
static void
CheckSameFit(const DynState *state, const CovariateSpec *spec, int64 period)
{
	if (!CovariateSpecEqual(DYNSTATE_SPEC(state), spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate spec must be the same for every row of a time-varying fit")));
	if (state->period != period)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate paths of a time-varying fit must all have the same period")));
}

/*
 * Shared transition: (state, x, t_x, T, first_purchase, path, covariates),
 * the first purchase a date when dated
 */
static Datum
DynTransition(FunctionCallInfo fcinfo, bool dated)
{
	DynState   *state = NULL;
	CovariateSpec *spec;
	CovPath    *path;
	float8		x;
	float8		t_x;
	float8		T;
	int64		birth;
	DynCustomer c;
	const char *problem;
	int			n_cov;
	int64		length;
	float8	   *rec;
	MemoryContext aggcontext;

	for (int argno = 1; argno <= 6; argno++)
		if (PG_ARGISNULL(argno))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
	x = PG_GETARG_FLOAT8(1);
	t_x = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	ClvCheckTriple(x, t_x, T);
	path = CovPathArg(fcinfo, 5);
	birth = DynBirthArg(fcinfo, 4, path, dated);
	spec = CovariateSpecArg(fcinfo, 6);
	if (spec->n_life != path->n_life || spec->n_trans != path->n_trans)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate path has %d lifetime and %d transaction covariates, the spec names %d and %d",
						path->n_life, path->n_trans, spec->n_life, spec->n_trans)));
	if (PG_ARGISNULL(0))
	{
		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		state = NewState(aggcontext, spec, path->period, 4096);
	}
	else
	{
		state = (DynState *) CrmWritableArg(fcinfo, 0);
		CheckSameFit(state, spec, path->period);
	}
	problem = DynCustomerFromPath(path, birth, x, t_x, T, T, &c);
	if (problem != NULL)
	{
		state->skipped = AddCounts(state->skipped, 1, "time-varying fit state count");
		PG_RETURN_POINTER(state);
	}
	n_cov = path->n_life + path->n_trans;
	length = DYNREC_HEAD + path->n_trans + (int64) c.n_runs * (1 + n_cov);
	state = RoomyState(fcinfo, state, length * sizeof(float8));
	rec = (float8 *) ((char *) DYNSTATE_RECORDS(state) + state->used);
	rec[0] = x;
	rec[1] = t_x;
	rec[2] = T;
	rec[3] = 1;
	rec[4] = c.n_runs;
	memcpy(rec + DYNREC_HEAD, c.purchase_z, sizeof(float8) * path->n_trans);
	memcpy(rec + DYNREC_HEAD + path->n_trans, c.runs, sizeof(float8) * (Size) c.n_runs * (1 + n_cov));
	/* the last run ends at T exactly */
	rec[DYNREC_HEAD + path->n_trans + (Size) (c.n_runs - 1) * (1 + n_cov)] = T;
	state->used += length * sizeof(float8);
	state->n_records++;
	state->n = AddCounts(state->n, 1, "time-varying fit state count");
	PG_RETURN_POINTER(state);
}

/* Transition of the time-varying fit, first purchase a date */
PG_FUNCTION_INFO_V1(dyncov_fit_trans_date);
Datum
dyncov_fit_trans_date(PG_FUNCTION_ARGS)
{
	return DynTransition(fcinfo, true);
}

/* Transition of the time-varying fit, first purchase a timestamptz */
PG_FUNCTION_INFO_V1(dyncov_fit_trans_tz);
Datum
dyncov_fit_trans_tz(PG_FUNCTION_ARGS)
{
	return DynTransition(fcinfo, false);
}

/* Combine of the time-varying fit: the records of both states */
PG_FUNCTION_INFO_V1(dyncov_fit_combine);
Datum
dyncov_fit_combine(PG_FUNCTION_ARGS)
{
	DynState   *a;
	DynState   *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcontext;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		a = NewState(aggcontext, DYNSTATE_SPEC(b), b->period, Max(b->used, 4096));
	}
	else
	{
		a = (DynState *) CrmWritableArg(fcinfo, 0);
		CheckSameFit(a, DYNSTATE_SPEC(b), b->period);
	}
	a = RoomyState(fcinfo, a, b->used);
	memcpy((char *) DYNSTATE_RECORDS(a) + a->used, DYNSTATE_RECORDS(b), b->used);
	a->used += b->used;
	a->n_records += b->n_records;
	a->n = AddCounts(a->n, b->n, "time-varying fit state count");
	a->skipped = AddCounts(a->skipped, b->skipped, "time-varying fit state count");
	PG_RETURN_POINTER(a);
}

/* crm.dyncov_fit_state text output (exact: round-trips) */
PG_FUNCTION_INFO_V1(dyncov_fit_state_out);
Datum
dyncov_fit_state_out(PG_FUNCTION_ARGS)
{
	DynState   *state = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	TimeUnit	unit = DynPeriodUnit(state->period);
	const float8 *rec = DYNSTATE_RECORDS(state);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d period=%s n=" INT64_FORMAT " skipped=" INT64_FORMAT " records=%d",
					 DYNSTATE_VERSION, TimeUnitText(&unit), state->n, state->skipped,
					 state->n_records);
	CovariateSpecAppendKey(&buf, "covariates", DYNSTATE_SPEC(state));
	appendStringInfoString(&buf, " data={");
	for (int32 i = 0; i < state->n_records; i++)
	{
		int64		length = RecordLength(rec, state->n_life, state->n_trans);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();

		for (int64 j = 0; j < length; j++)
		{
			if (j > 0)
				appendStringInfoChar(&buf, ',');
			CrmAppendFloat8(&buf, rec[j]);
		}
		appendStringInfoChar(&buf, i + 1 < state->n_records ? ';' : '}');
		rec += length;
	}
	if (state->n_records == 0)
		appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* crm.dyncov_fit_state text input */
PG_FUNCTION_INFO_V1(dyncov_fit_state_in);
Datum
dyncov_fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	CrmReader	r = CrmReaderStart(STATE_TYPE, input);
	TimeUnit	unit;
	int64		n;
	int64		skipped;
	int32		n_records;
	CovariateSpec *spec;
	DynState   *state;
	StringInfoData values;
	const char *problem;

	CrmExpectVersion(&r, DYNSTATE_VERSION);
	CrmExpectKey(&r, "period");
	if (!TimeUnitParse(CrmReadToken(&r), &unit) || unit.months != 0)
		CrmReadError(&r, "invalid period");
	n = CrmReadKeyCount(&r, "n");
	skipped = CrmReadKeyCount(&r, "skipped");
	n_records = (int32) CrmReadKeyInt(&r, "records", 0, PG_INT32_MAX);
	CrmExpect(&r, " covariates=(");
	spec = CovariateSpecRead(&r);
	CrmExpect(&r, ") data={");
	initStringInfo(&values);
	for (int32 i = 0; i < n_records; i++)
	{
		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i > 0)
			CrmExpect(&r, ";");
		for (int j = 0;; j++)
		{
			float8		v;

			if (j > 0 && !CrmReadLiteral(&r, ","))
				break;
			v = CrmReadFinite(&r);
			appendBinaryStringInfo(&values, (char *) &v, sizeof(float8));
		}
	}
	CrmExpect(&r, "}");
	CrmReadEnd(&r);
	state = NewState(CurrentMemoryContext, spec, unit.days * USECS_PER_DAY + unit.usecs, values.len);
	memcpy(DYNSTATE_RECORDS(state), values.data, values.len);
	state->used = values.len;
	state->n = n;
	state->skipped = skipped;
	state->n_records = n_records;
	problem = DynStateProblem(state, VARSIZE(state));
	if (problem != NULL)
		CrmReadError(&r, problem);
	PG_RETURN_POINTER(state);
}

/* crm.dyncov_fit_state binary output */
PG_FUNCTION_INFO_V1(dyncov_fit_state_send);
Datum
dyncov_fit_state_send(PG_FUNCTION_ARGS)
{
	DynState   *state = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	const float8 *values = DYNSTATE_RECORDS(state);
	int64		n_values = state->used / (int64) sizeof(float8);

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, DYNSTATE_VERSION);
	pq_sendint64(&buf, state->period);
	pq_sendint64(&buf, state->n);
	pq_sendint64(&buf, state->skipped);
	pq_sendint32(&buf, state->n_records);
	CovariateSpecSend(&buf, DYNSTATE_SPEC(state));
	pq_sendint32(&buf, (int32) n_values);
	for (int64 j = 0; j < n_values; j++)
		pq_sendfloat8(&buf, values[j]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* crm.dyncov_fit_state binary input */
PG_FUNCTION_INFO_V1(dyncov_fit_state_recv);
Datum
dyncov_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		period;
	int64		n;
	int64		skipped;
	int32		n_records;
	int32		n_values;
	CovariateSpec *spec;
	DynState   *state;
	float8	   *values;
	const char *problem;

	CrmRecvVersion(buf, STATE_TYPE, DYNSTATE_VERSION);
	period = pq_getmsgint64(buf);
	n = pq_getmsgint64(buf);
	skipped = pq_getmsgint64(buf);
	n_records = pq_getmsgint(buf, 4);
	spec = CovariateSpecRecv(buf, STATE_TYPE);
	n_values = CrmRecvLength(buf, STATE_TYPE, sizeof(float8), "values");
	state = NewState(CurrentMemoryContext, spec, period, (int64) n_values * sizeof(float8));
	values = DYNSTATE_RECORDS(state);
	for (int32 j = 0; j < n_values; j++)
		values[j] = CrmRecvFloat8(buf);
	state->used = (int64) n_values * sizeof(float8);
	state->n = n;
	state->skipped = skipped;
	state->n_records = n_records;
	problem = DynStateProblem(state, VARSIZE(state));
	if (problem != NULL)
		CrmBinaryError(STATE_TYPE, problem);
	PG_RETURN_POINTER(state);
}

/*
 * crm.dyncov_fit_compact(state): the state with its customers in the
 * canonical order of DynDistinctCustomers (customers with the same values
 * merged), without spare room: the partial aggregates' final function, so
 * that a partial state's text is the same whatever order its rows came in
 */
PG_FUNCTION_INFO_V1(dyncov_fit_compact);
Datum
dyncov_fit_compact(PG_FUNCTION_ARGS)
{
	DynState   *state = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int			n_cov = state->n_life + state->n_trans;
	int32		n;
	DynCustomer *customers = DynDistinctCustomers(state, &n);
	DynState   *out = NewState(CurrentMemoryContext, DYNSTATE_SPEC(state), state->period, state->used);
	float8	   *rec = DYNSTATE_RECORDS(out);

	for (int32 i = 0; i < n; i++)
	{
		const DynCustomer *c = &customers[i];

		rec[0] = c->x;
		rec[1] = c->t_x;
		rec[2] = c->T;
		rec[3] = c->weight;
		rec[4] = c->n_runs;
		memcpy(rec + DYNREC_HEAD, c->purchase_z, sizeof(float8) * state->n_trans);
		memcpy(rec + DYNREC_HEAD + state->n_trans, c->runs, sizeof(float8) * (Size) c->n_runs * (1 + n_cov));
		rec += RecordLength(rec, state->n_life, state->n_trans);
	}
	out->used = (char *) rec - (char *) DYNSTATE_RECORDS(out);
	out->capacity = out->used;
	SET_VARSIZE(out, offsetof(DynState, data) + MAXALIGN(out->spec_size) + out->used);
	out->n_records = n;
	out->n = state->n;
	out->skipped = state->skipped;
	PG_RETURN_POINTER(out);
}
