/*
 * cohort_table.c
 *		crm.cohort_table: cohort retention counts (see cohort.h), their text,
 *		binary and jsonb forms, the sum of tables of disjoint customer sets,
 *		and the accessors: retention by cohort and offset (long and wide
 *		forms), retention rates per calendar period and the cohort-size
 *		weighted average retention curve.
 *
 * The text form is one line, for example
 *	 unit=1 month through=1997-03-31 first=1997-01-01 events=9
 *	 active={3,2,1;2,1;1} retained={3,2,1;2,1;1}
 * Row c of each triangle is the cohort that starts c periods after first,
 * with one count per offset observable by through.  Retention at an
 * offset is active / cohort size ("bracket" or N-period retention), and
 * retained / cohort size is the "unbounded" retention: the share of the
 * cohort active at that offset or any later observed one.
 */
#include "crm.h"
#include "cohort.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* The active-customer triangle of a table */
static inline int64 *
TableActive(const CohortTable *table)
{
	return (int64 *) table->cells;
}

/* The retained-customer triangle of a table (after the active one) */
static inline int64 *
TableRetained(const CohortTable *table)
{
	return (int64 *) table->cells + CohortTriangleCells(CohortTablePeriods(table));
}

/* Size of a table of n periods */
static inline Size
TableSize(int32 n)
{
	return COHORT_TABLE_HEADER_SIZE + 2 * sizeof(int64) * CohortTriangleCells(n);
}

/* A new table of n periods with zero counts */
CohortTable *
CohortTableCreate(const CohortWindow *window, int32 first_period, int64 n_events)
{
	int32		n = window->last_period - first_period + 1;
	CohortTable *table = (CohortTable *) palloc0(TableSize(n));

	SET_VARSIZE(table, TableSize(n));
	table->version = COHORT_TABLE_VERSION;
	table->window = *window;
	table->first_period = first_period;
	table->n_events = n_events;
	return table;
}

/* Why the counts of a table read from outside are inconsistent, or NULL */
static const char *
TableProblem(const CohortTable *table)
{
	int32		n = CohortTablePeriods(table);
	const int64 *active = TableActive(table);
	const int64 *retained = TableRetained(table);
	int64		customers = 0;

	if (active[0] <= 0)
		return "the first cohort must have customers";
	for (int32 c = 0; c < n; c++)
	{
		for (int32 k = 0; k < n - c; k++)
		{
			int64		a = active[CohortCell(n, c, k)];
			int64		r = retained[CohortCell(n, c, k)];

			if (a < 0 || a > r)
				return "active counts must be between 0 and the retained counts";
			if (k == 0 && a != r)
				return "a cohort's active and retained counts at offset 0 are its size";
			if (k == n - c - 1 && a != r)
				return "active and retained counts must agree at the last observed offset";
			if (k > 0 && r > retained[CohortCell(n, c, k - 1)])
				return "retained counts must not increase with the offset";
		}
		customers += active[CohortCell(n, c, 0)];
		if (customers < 0)
			return "counts out of range";
	}
	if (table->n_events < customers)
		return "events must be at least the number of customers";
	return NULL;
}

/* Append the counts of row c of a triangle of n periods, separated by sep */
static void
AppendRow(StringInfo buf, const int64 *cells, int32 n, int32 c, const char *sep)
{
	for (int32 k = 0; k < n - c; k++)
		appendStringInfo(buf, "%s" INT64_FORMAT, k > 0 ? sep : "",
						 cells[CohortCell(n, c, k)]);
}

/* Append one triangle as "{r0c0,r0c1,...;r1c0,...;...}" */
static void
AppendTriangle(StringInfo buf, const int64 *cells, int32 n)
{
	appendStringInfoChar(buf, '{');
	for (int32 c = 0; c < n; c++)
	{
		if (c > 0)
			appendStringInfoChar(buf, ';');
		AppendRow(buf, cells, n, c, ",");
	}
	appendStringInfoChar(buf, '}');
}

/* Text form: "unit=... through=... first=... events=N active={...} retained={...}" */
PG_FUNCTION_INFO_V1(cohort_table_out);
Datum
cohort_table_out(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	CrmTimeRules rules;
	StringInfoData buf;

	CohortRules(&table->window, &rules);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "unit=");
	AppendCohortUnit(&buf, &table->window);
	appendStringInfoString(&buf, " through=");
	AppendCohortDay(&buf, CohortWindowEndDay(&table->window));
	appendStringInfoString(&buf, " first=");
	AppendCohortDay(&buf, PeriodStartDay(&rules, table->first_period));
	appendStringInfo(&buf, " events=" INT64_FORMAT " active=", table->n_events);
	AppendTriangle(&buf, TableActive(table), n);
	appendStringInfoString(&buf, " retained=");
	AppendTriangle(&buf, TableRetained(table), n);
	PG_RETURN_CSTRING(buf.data);
}

/* Read " key={...}" of a triangle of n periods, row c holding n - c counts */
static void
ReadTriangle(CrmReader *r, const char *key, int64 *cells, int32 n)
{
	CrmExpectKey(r, key);
	CrmExpect(r, "{");
	for (int32 c = 0; c < n; c++)
	{
		if (c > 0)
			CrmExpect(r, ";");
		for (int32 k = 0; k < n - c; k++)
		{
			if (k > 0)
				CrmExpect(r, ",");
			cells[CohortCell(n, c, k)] = CrmReadCount(r);
		}
	}
	CrmExpect(r, "}");
}

/* A table's first period from the day it starts on, checked against the window */
static const char *
FirstPeriodOf(const CohortWindow *window, int32 first_day, int32 *first_period)
{
	CrmTimeRules rules;

	CohortRules(window, &rules);
	if (!IS_VALID_DATE(first_day))
		return "first must be a valid date";
	*first_period = PeriodOfDay(&rules, first_day);
	if (PeriodStartDay(&rules, *first_period) != first_day)
		return "first must be the first day of a period of the unit";
	if (*first_period > window->last_period)
		return "first must not be after through";
	if ((int64) window->last_period - *first_period + 1 > COHORT_MAX_PERIODS)
		return "a table spans at most 5000 periods";
	return NULL;
}

/* Parse the text form of crm.cohort_table */
PG_FUNCTION_INFO_V1(cohort_table_in);
Datum
cohort_table_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.cohort_table", PG_GETARG_CSTRING(0));
	CohortWindow window;
	int32		first_period;
	CohortTable *table;

	CohortReadWindow(&r, &window);
	CrmExpectKey(&r, "first");
	CrmReadCheck(&r, FirstPeriodOf(&window, CohortReadDay(&r, "first"), &first_period));
	table = CohortTableCreate(&window, first_period, CrmReadKeyCount(&r, "events"));
	ReadTriangle(&r, "active", TableActive(table), CohortTablePeriods(table));
	ReadTriangle(&r, "retained", TableRetained(table), CohortTablePeriods(table));
	CrmReadEnd(&r);
	CrmReadCheck(&r, TableProblem(table));
	PG_RETURN_POINTER(table);
}

/* Binary form: version, flags, unit, through and first days, events, both triangles */
PG_FUNCTION_INFO_V1(cohort_table_send);
Datum
cohort_table_send(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	Size		cells = 2 * CohortTriangleCells(CohortTablePeriods(table));
	CrmTimeRules rules;
	StringInfoData buf;

	CohortRules(&table->window, &rules);
	pq_begintypsend(&buf);
	SendCohortHead(&buf, table->version, &table->window);
	pq_sendint32(&buf, PeriodStartDay(&rules, table->first_period));
	pq_sendint64(&buf, table->n_events);
	for (Size i = 0; i < cells; i++)
		pq_sendint64(&buf, table->cells[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.cohort_table */
PG_FUNCTION_INFO_V1(cohort_table_recv);
Datum
cohort_table_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CohortWindow window;
	int32		first_period;
	CohortTable *table;
	Size		cells;

	RecvCohortHead(buf, COHORT_TABLE_VERSION, "crm.cohort_table", &window);
	CrmBinaryCheck("crm.cohort_table",
				   FirstPeriodOf(&window, (int32) pq_getmsgint(buf, 4), &first_period));
	table = CohortTableCreate(&window, first_period, pq_getmsgint64(buf));
	cells = 2 * CohortTriangleCells(CohortTablePeriods(table));
	if ((Size) (buf->len - buf->cursor) != cells * sizeof(int64))
		CrmBinaryError("crm.cohort_table", "wrong number of counts");
	for (Size i = 0; i < cells; i++)
		table->cells[i] = pq_getmsgint64(buf);
	CrmBinaryCheck("crm.cohort_table", TableProblem(table));
	PG_RETURN_POINTER(table);
}

/* The table as jsonb: unit, first, through, events, customers, and per cohort size, active, retained */
PG_FUNCTION_INFO_V1(cohort_table_jsonb);
Datum
cohort_table_jsonb(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	const int64 *active = TableActive(table);
	int64		customers = 0;
	CrmTimeRules rules;
	StringInfoData buf;

	CohortRules(&table->window, &rules);
	for (int32 c = 0; c < n; c++)
		customers += active[CohortCell(n, c, 0)];
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"unit\": \"");
	AppendCohortUnit(&buf, &table->window);
	appendStringInfoString(&buf, "\", \"first\": \"");
	AppendCohortDay(&buf, PeriodStartDay(&rules, table->first_period));
	appendStringInfoString(&buf, "\", \"through\": \"");
	AppendCohortDay(&buf, CohortWindowEndDay(&table->window));
	appendStringInfo(&buf, "\", \"events\": " INT64_FORMAT ", \"customers\": " INT64_FORMAT
					 ", \"cohorts\": [", table->n_events, customers);
	for (int32 c = 0; c < n; c++)
	{
		appendStringInfoString(&buf, c > 0 ? ", {\"cohort\": \"" : "{\"cohort\": \"");
		AppendCohortDay(&buf, PeriodStartDay(&rules, table->first_period + c));
		appendStringInfo(&buf, "\", \"size\": " INT64_FORMAT ", \"active\": ",
						 active[CohortCell(n, c, 0)]);
		appendStringInfoChar(&buf, '[');
		AppendRow(&buf, active, n, c, ", ");
		appendStringInfoString(&buf, "], \"retained\": [");
		AppendRow(&buf, TableRetained(table), n, c, ", ");
		appendStringInfoString(&buf, "]}");
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* Add the counts of one table into a sum table that spans its periods */
static void
AddTableInto(CohortTable *sum, const CohortTable *table)
{
	int32		n = CohortTablePeriods(sum);
	int32		nt = CohortTablePeriods(table);
	int32		shift = table->first_period - sum->first_period;

	for (int32 c = 0; c < nt; c++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int32 k = 0; k < nt - c; k++)
		{
			int64	   *a = &TableActive(sum)[CohortCell(n, c + shift, k)];
			int64	   *r = &TableRetained(sum)[CohortCell(n, c + shift, k)];

			*a = AddCounts(*a, TableActive(table)[CohortCell(nt, c, k)], "cohort table count");
			*r = AddCounts(*r, TableRetained(table)[CohortCell(nt, c, k)], "cohort table count");
		}
	}
}

/*
 * Sum of two tables of disjoint customer sets (same unit and window).
 * Inside an aggregate (crm.cohort_sum) the first table is the aggregate's
 * own state: the second is added into it in place when it spans the
 * second's periods, so a sum of N tables costs their cells, not N copies
 * of the sum (a new, wider sum only when a table starts earlier, at most
 * once per period).
 */
PG_FUNCTION_INFO_V1(cohort_table_add);
Datum
cohort_table_add(PG_FUNCTION_ARGS)
{
	CohortTable *a = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	CohortTable *b = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	CohortTable *sum;
	int64		n_events;

	CheckSameCohortWindow(&a->window, &b->window, "tables");
	n_events = AddCounts(a->n_events, b->n_events, "cohort table events");
	if (a->first_period <= b->first_period && a != b && AggCheckCallContext(fcinfo, NULL) != 0)
	{
		AddTableInto(a, b);
		a->n_events = n_events;
		PG_RETURN_POINTER(a);
	}
	sum = CohortTableCreate(&a->window, Min(a->first_period, b->first_period), n_events);
	AddTableInto(sum, a);
	AddTableInto(sum, b);
	PG_RETURN_POINTER(sum);
}

/* Customers in a table (the sum of the cohort sizes) */
PG_FUNCTION_INFO_V1(cohort_table_customers);
Datum
cohort_table_customers(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	int64		customers = 0;

	for (int32 c = 0; c < n; c++)
		customers += TableActive(table)[CohortCell(n, c, 0)];
	PG_RETURN_INT64(customers);
}

/* The unit of a table as an interval */
PG_FUNCTION_INFO_V1(cohort_table_unit);
Datum
cohort_table_unit(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	Interval   *unit = (Interval *) palloc0(sizeof(Interval));

	unit->month = table->window.unit_months;
	unit->day = table->window.unit_days;
	PG_RETURN_INTERVAL_P(unit);
}

/* The last day of a table's observation window */
PG_FUNCTION_INFO_V1(cohort_table_through);
Datum
cohort_table_through(PG_FUNCTION_ARGS)
{
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_DATEADT(CohortWindowEndDay(&table->window));
}

/* A share as float8, or NULL (nulls[i] set) when the base is zero */
static inline Datum
ShareOf(int64 part, int64 whole, bool *isnull)
{
	*isnull = (whole == 0);
	return Float8GetDatum(whole == 0 ? 0.0 : (float8) part / (float8) whole);
}

/*
 * crm.cohort_retention(table): one row per non-empty cohort and offset 0 ..
 * n - 1 (cohort, period_offset, cohort_size, active, retention, retained,
 * retention_unbounded); cells not observable by through are NULL
 */
PG_FUNCTION_INFO_V1(cohort_retention);
Datum
cohort_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	const int64 *active = TableActive(table);
	const int64 *retained = TableRetained(table);
	CrmTimeRules rules;

	CohortRules(&table->window, &rules);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 c = 0; c < n; c++)
	{
		int64		size = active[CohortCell(n, c, 0)];

		if (size == 0)
			continue;
		for (int32 k = 0; k < n; k++)
		{
			Datum		values[7];
			bool		nulls[7] = {false, false, false, true, true, true, true};

			CHECK_FOR_INTERRUPTS();
			values[0] = DateADTGetDatum(PeriodStartDay(&rules, table->first_period + c));
			values[1] = Int32GetDatum(k);
			values[2] = Int64GetDatum(size);
			if (k < n - c)
			{
				values[3] = Int64GetDatum(active[CohortCell(n, c, k)]);
				values[4] = ShareOf(active[CohortCell(n, c, k)], size, &nulls[4]);
				values[5] = Int64GetDatum(retained[CohortCell(n, c, k)]);
				values[6] = ShareOf(retained[CohortCell(n, c, k)], size, &nulls[6]);
				nulls[3] = nulls[5] = false;
			}
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* A one-dimensional array of n int8 or float8 values with NULLs */
static Datum
MakeArray(Datum *elems, bool *nulls, int n, bool is_float)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};

	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  is_float ? FLOAT8OID : INT8OID,
											  8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * crm.cohort_matrix(table): one row per non-empty cohort with arrays over
 * offsets 0 .. n - 1 (element k + 1 is offset k), NULL where not observable
 */
PG_FUNCTION_INFO_V1(cohort_matrix);
Datum
cohort_matrix(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	const int64 *active = TableActive(table);
	const int64 *retained = TableRetained(table);
	Datum	   *elems[4];
	bool	   *elem_nulls[4];
	CrmTimeRules rules;

	CohortRules(&table->window, &rules);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < 4; i++)
	{
		elems[i] = (Datum *) palloc(sizeof(Datum) * n);
		elem_nulls[i] = (bool *) palloc(sizeof(bool) * n);
	}
	for (int32 c = 0; c < n; c++)
	{
		int64		size = active[CohortCell(n, c, 0)];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		if (size == 0)
			continue;
		for (int32 k = 0; k < n; k++)
		{
			bool		observed = k < n - c;
			int64		a = observed ? active[CohortCell(n, c, k)] : 0;
			int64		r = observed ? retained[CohortCell(n, c, k)] : 0;

			elems[0][k] = Int64GetDatum(a);
			elems[1][k] = ShareOf(a, size, &elem_nulls[1][k]);
			elems[2][k] = Int64GetDatum(r);
			elems[3][k] = ShareOf(r, size, &elem_nulls[3][k]);
			for (int i = 0; i < 4; i++)
				elem_nulls[i][k] = !observed;
		}
		values[0] = DateADTGetDatum(PeriodStartDay(&rules, table->first_period + c));
		values[1] = Int64GetDatum(size);
		values[2] = MakeArray(elems[0], elem_nulls[0], n, false);
		values[3] = MakeArray(elems[1], elem_nulls[1], n, true);
		values[4] = MakeArray(elems[2], elem_nulls[2], n, false);
		values[5] = MakeArray(elems[3], elem_nulls[3], n, true);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Customers active in period p (0-based from the first cohort) of a table */
static int64
ActiveInPeriod(const CohortTable *table, int32 p)
{
	int32		n = CohortTablePeriods(table);
	int64		sum = 0;

	CHECK_FOR_INTERRUPTS();
	for (int32 c = 0; c <= p; c++)
		sum = AddCounts(sum, TableActive(table)[CohortCell(n, c, p - c)], "active customers");
	return sum;
}

/*
 * crm.period_retention(table): per calendar period, customers at the start
 * S (active in the previous period), new customers N (first active in this
 * one), customers at the end E (active in this one), crr = (E - N) / S and
 * churn_rate = 1 - crr (NULL when S = 0)
 */
PG_FUNCTION_INFO_V1(period_retention);
Datum
period_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	int64		start = 0;
	CrmTimeRules rules;

	CohortRules(&table->window, &rules);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 p = 0; p < n; p++)
	{
		int64		end = ActiveInPeriod(table, p);
		int64		new_customers = TableActive(table)[CohortCell(n, p, 0)];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		float8		crr = start > 0 ? (float8) (end - new_customers) / (float8) start : 0;

		values[0] = DateADTGetDatum(PeriodStartDay(&rules, table->first_period + p));
		values[1] = Int64GetDatum(start);
		values[2] = Int64GetDatum(new_customers);
		values[3] = Int64GetDatum(end);
		values[4] = Float8GetDatum(crr);
		values[5] = Float8GetDatum(1.0 - crr);
		nulls[4] = nulls[5] = (start == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		start = end;
	}
	return (Datum) 0;
}

/*
 * crm.average_retention(table): per offset, over the cohorts where it is
 * observable, the number of cohorts and customers, active and retained
 * customers, and the cohort-size weighted retention (sum / sum)
 */
PG_FUNCTION_INFO_V1(average_retention);
Datum
average_retention(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CohortTable *table = (CohortTable *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		n = CohortTablePeriods(table);
	const int64 *active = TableActive(table);
	const int64 *retained = TableRetained(table);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < n; k++)
	{
		int32		cohorts = 0;
		int64		customers = 0;
		int64		a = 0;
		int64		r = 0;
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		for (int32 c = 0; c < n - k; c++)
		{
			int64		size = active[CohortCell(n, c, 0)];

			if (size == 0)
				continue;
			cohorts++;
			customers = AddCounts(customers, size, "customers");
			a = AddCounts(a, active[CohortCell(n, c, k)], "active customers");
			r = AddCounts(r, retained[CohortCell(n, c, k)], "retained customers");
		}
		values[0] = Int32GetDatum(k);
		values[1] = Int32GetDatum(cohorts);
		values[2] = Int64GetDatum(customers);
		values[3] = Int64GetDatum(a);
		values[4] = ShareOf(a, customers, &nulls[4]);
		values[5] = Int64GetDatum(r);
		values[6] = ShareOf(r, customers, &nulls[6]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
