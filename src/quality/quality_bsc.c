/*
 * quality_bsc.c
 *		crm.bsc_model: a CRM balanced scorecard model (Kaplan and Norton's
 *		four perspectives, or any others) as a value, and
 *		crm.bsc_attainment, the attainment of one KPI value.
 *
 * A model has perspectives with weights and KPIs, each with its
 * perspective, direction (higher or lower is better), target (attainment
 * 1), threshold (attainment 0) and weight within its perspective.  Weights
 * are kept as given (>= 0, summing to a positive number per perspective
 * and over the perspectives) and normalized where they are read.  Names
 * are 1 to 63 bytes, distinct among the perspectives and among the KPIs;
 * at most 16 perspectives and 256 KPIs; every perspective has a KPI.
 *
 * Text form, one line that round-trips exactly:
 *	 perspectives={"financial","customer"} perspective_weights={0.6,0.4}
 *	 kpis={"revenue_growth","nps"} kpi_perspectives={1,2}
 *	 directions={"higher","higher"} targets={0.1,50} thresholds={0,0}
 *	 kpi_weights={1,1}
 *
 * Attainment of a value v: (v - threshold) / (target - threshold) clamped
 * to [0, 1]; the same formula for both directions, because a lower-is-
 * better KPI has target < threshold.
 *
 * Errors: 22023 a bad model (direction and target/threshold order
 * disagree, a weight negative or summing to zero, names empty, too long
 * or repeated, arrays of different lengths, an unknown perspective);
 * 22000 a non-finite target, threshold, weight or value; 22004 a NULL
 * element; 22P02 / 22P03 malformed text / binary.
 */
#include "crm.h"
#include "crm_io.h"
#include "quality.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* Layout version of crm.bsc_model */
#define BSC_VERSION 1
/* Bounds of a model */
#define BSC_MAX_PERSPECTIVES 16
#define BSC_MAX_KPIS 256
/* Directions */
#define BSC_HIGHER 1
#define BSC_LOWER 2

/* One KPI of a model */
typedef struct BscKpi
{
	float8		target;			/* value of attainment 1 */
	float8		threshold;		/* value of attainment 0 */
	float8		weight;			/* weight within its perspective, as given */
	int32		perspective;	/* 0-based perspective */
	int32		direction;		/* BSC_HIGHER or BSC_LOWER */
} BscKpi;

/*
 * crm.bsc_model: after the fixed part, perspective weights (float8
 * [n_persp]), the KPIs (BscKpi [n_kpis]), then the perspective names and
 * the KPI names, each NUL-terminated (names_size bytes)
 */
typedef struct BscModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* BSC_VERSION */
	uint8		reserved[3];	/* must be zero */
	int32		n_persp;		/* perspectives (1..16) */
	int32		n_kpis;			/* KPIs (1..256) */
	int32		names_size;		/* bytes of the names */
	int32		reserved2;		/* must be zero */
	float8		persp_weight[FLEXIBLE_ARRAY_MEMBER];	/* as given */
} BscModel;

/* The KPIs of a model */
static inline BscKpi *
ModelKpis(const BscModel *m)
{
	return (BscKpi *) &m->persp_weight[m->n_persp];
}

/* The names of a model: perspectives, then KPIs */
static inline char *
ModelNames(const BscModel *m)
{
	return (char *) (ModelKpis(m) + m->n_kpis);
}

/* A model of this shape, zeroed but for the header (palloc'd) */
static BscModel *
ModelAlloc(int32 n_persp, int32 n_kpis, int32 names_size)
{
	Size		size = offsetof(BscModel, persp_weight) + sizeof(float8) * (Size) n_persp +
		sizeof(BscKpi) * (Size) n_kpis + names_size;
	BscModel   *m = (BscModel *) palloc0(size);

	SET_VARSIZE(m, size);
	m->version = BSC_VERSION;
	m->n_persp = n_persp;
	m->n_kpis = n_kpis;
	m->names_size = names_size;
	return m;
}

/* The name of a direction */
static const char *
DirectionName(int32 direction)
{
	return direction == BSC_LOWER ? "lower" : "higher";
}

/* The direction of a name, or 0 */
static int32
DirectionOf(const char *name)
{
	if (strcmp(name, "higher") == 0)
		return BSC_HIGHER;
	if (strcmp(name, "lower") == 0)
		return BSC_LOWER;
	return 0;
}

/* Why a list of n packed names (size bytes) is not valid, or NULL */
static const char *
NamesProblem(const char *names, int32 size, int n, const char *what)
{
	const char *name = names;

	for (int k = 0; k < n; k++)
	{
		size_t		len;

		if (name >= names + size || memchr(name, '\0', names + size - name) == NULL)
			return psprintf("the %s names do not match the %s", what, what);
		len = strlen(name);
		if (len == 0 || len > QUALITY_MAX_NAME)
			return psprintf("a %s name has 1 to %d bytes", what, QUALITY_MAX_NAME);
		if (!pg_verifymbstr(name, (int) len, true))
			return psprintf("a %s name must be valid in the database encoding", what);
		for (int j = 0; j < k; j++)
			if (strcmp(QualityNameAt(names, j), name) == 0)
				return psprintf("%s names must be distinct: \"%s\" is repeated", what, name);
		name += len + 1;
	}
	if (name != names + size)
		return psprintf("the %s names do not match the %s", what, what);
	return NULL;
}

/* Why a model is not valid, or NULL */
static const char *
ModelProblem(const BscModel *m)
{
	const BscKpi *kpis = ModelKpis(m);
	const char *names = ModelNames(m);
	const char *kpi_names;
	const char *problem;
	float8		total = 0;
	float8		kpi_total[BSC_MAX_PERSPECTIVES] = {0};
	int32		persp_size;

	if (m->n_persp < 1 || m->n_persp > BSC_MAX_PERSPECTIVES)
		return "a scorecard has 1 to 16 perspectives";
	if (m->n_kpis < 1 || m->n_kpis > BSC_MAX_KPIS)
		return "a scorecard has 1 to 256 KPIs";
	/* the perspective names end where the n_persp-th NUL is */
	kpi_names = names;
	for (int k = 0; k < m->n_persp; k++)
	{
		const char *end = memchr(kpi_names, '\0', names + m->names_size - kpi_names);

		if (end == NULL)
			return "the perspective names do not match the perspectives";
		kpi_names = end + 1;
	}
	persp_size = kpi_names - names;
	if ((problem = NamesProblem(names, persp_size, m->n_persp, "perspective")) != NULL)
		return problem;
	if ((problem = NamesProblem(kpi_names, m->names_size - persp_size, m->n_kpis, "KPI")) != NULL)
		return problem;
	for (int p = 0; p < m->n_persp; p++)
	{
		if (!isfinite(m->persp_weight[p]) || m->persp_weight[p] < 0)
			return psprintf("the weight of perspective \"%s\" must be finite and >= 0",
							QualityNameAt(names, p));
		total += m->persp_weight[p];
	}
	if (!(total > 0) || !isfinite(total))
		return "perspective weights must sum to a positive number";
	for (int k = 0; k < m->n_kpis; k++)
	{
		const BscKpi *kpi = &kpis[k];
		const char *name = QualityNameAt(kpi_names, k);

		if (kpi->perspective < 0 || kpi->perspective >= m->n_persp)
			return psprintf("KPI \"%s\" has no perspective of the scorecard", name);
		if (kpi->direction != BSC_HIGHER && kpi->direction != BSC_LOWER)
			return psprintf("the direction of KPI \"%s\" must be \"higher\" or \"lower\"", name);
		if (!isfinite(kpi->target) || !isfinite(kpi->threshold))
			return psprintf("the target and threshold of KPI \"%s\" must be finite", name);
		if (kpi->direction == BSC_HIGHER ? !(kpi->target > kpi->threshold) :
			!(kpi->target < kpi->threshold))
			return psprintf("KPI \"%s\" is %s-is-better, so its target must be %s than its threshold",
							name, DirectionName(kpi->direction),
							kpi->direction == BSC_HIGHER ? "greater" : "less");
		if (!isfinite(kpi->weight) || kpi->weight < 0)
			return psprintf("the weight of KPI \"%s\" must be finite and >= 0", name);
		kpi_total[kpi->perspective] += kpi->weight;
	}
	for (int p = 0; p < m->n_persp; p++)
		if (!(kpi_total[p] > 0) || !isfinite(kpi_total[p]))
			return psprintf("the KPI weights of perspective \"%s\" must sum to a positive number (it needs a KPI)",
							QualityNameAt(names, p));
	return NULL;
}

/* Raise 22023 for a model made from arguments with a problem */
static void
CheckModel(const BscModel *m)
{
	const char *problem = ModelProblem(m);

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid balanced scorecard model"),
				 errdetail("%c%s.", pg_toupper((unsigned char) problem[0]), problem + 1)));
}

/* The model of argument argno, detoasted */
#define BscModelArg(fcinfo, argno) ((BscModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)))

/* Text input of crm.bsc_model */
PG_FUNCTION_INFO_V1(bsc_model_in);
Datum
bsc_model_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.bsc_model", PG_GETARG_CSTRING(0));
	int			n_persp,
				n_kpis,
				n;
	int32		psize,
				ksize,
				dsize;
	char	   *pnames = CrmReadNames(&r, "perspectives", &n_persp, &psize);
	float8	   *pweights = CrmReadFloat8List(&r, "perspective_weights", &n);
	char	   *knames;
	int64	   *kpersp;
	char	   *dirs;
	float8	   *targets;
	float8	   *thresholds;
	float8	   *kweights;
	BscModel   *m;
	BscKpi	   *kpis;
	const char *dir;

	if (n != n_persp)
		CrmReadError(&r, "perspective_weights must have one entry per perspective");
	if (n_persp < 1 || n_persp > BSC_MAX_PERSPECTIVES)
		CrmReadError(&r, "a scorecard has 1 to 16 perspectives");
	knames = CrmReadNames(&r, "kpis", &n_kpis, &ksize);
	if (n_kpis < 1 || n_kpis > BSC_MAX_KPIS)
		CrmReadError(&r, "a scorecard has 1 to 256 KPIs");
	kpersp = CrmReadIntList(&r, "kpi_perspectives", 1, n_persp, &n);
	if (n != n_kpis)
		CrmReadError(&r, "kpi_perspectives must have one entry per KPI");
	dirs = CrmReadNames(&r, "directions", &n, &dsize);
	if (n != n_kpis)
		CrmReadError(&r, "directions must have one entry per KPI");
	targets = CrmReadFloat8List(&r, "targets", &n);
	if (n != n_kpis)
		CrmReadError(&r, "targets must have one entry per KPI");
	thresholds = CrmReadFloat8List(&r, "thresholds", &n);
	if (n != n_kpis)
		CrmReadError(&r, "thresholds must have one entry per KPI");
	kweights = CrmReadFloat8List(&r, "kpi_weights", &n);
	if (n != n_kpis)
		CrmReadError(&r, "kpi_weights must have one entry per KPI");
	CrmReadEnd(&r);
	m = ModelAlloc(n_persp, n_kpis, psize + ksize);
	memcpy(m->persp_weight, pweights, sizeof(float8) * n_persp);
	kpis = ModelKpis(m);
	dir = dirs;
	for (int k = 0; k < n_kpis; k++)
	{
		kpis[k].perspective = (int32) kpersp[k] - 1;
		kpis[k].direction = DirectionOf(dir);
		kpis[k].target = targets[k];
		kpis[k].threshold = thresholds[k];
		kpis[k].weight = kweights[k];
		dir += strlen(dir) + 1;
	}
	memcpy(ModelNames(m), pnames, psize);
	memcpy(ModelNames(m) + psize, knames, ksize);
	CrmReadCheck(&r, ModelProblem(m));
	PG_RETURN_POINTER(m);
}

/* Text output of crm.bsc_model (round-trips) */
PG_FUNCTION_INFO_V1(bsc_model_out);
Datum
bsc_model_out(PG_FUNCTION_ARGS)
{
	BscModel   *m = BscModelArg(fcinfo, 0);
	BscKpi	   *kpis = ModelKpis(m);
	const char *names = ModelNames(m);
	StringInfoData buf;
	StringInfoData dirs;
	float8	   *v = (float8 *) palloc(sizeof(float8) * m->n_kpis);

	initStringInfo(&buf);
	initStringInfo(&dirs);
	CrmAppendNames(&buf, "perspectives", names, m->n_persp);
	CrmAppendFloat8List(&buf, "perspective_weights", m->persp_weight, m->n_persp);
	CrmAppendNames(&buf, "kpis", QualityNameAt(names, m->n_persp), m->n_kpis);
	appendStringInfoString(&buf, " kpi_perspectives={");
	for (int k = 0; k < m->n_kpis; k++)
	{
		appendStringInfo(&buf, "%s%d", k > 0 ? "," : "", kpis[k].perspective + 1);
		appendBinaryStringInfo(&dirs, DirectionName(kpis[k].direction),
							   strlen(DirectionName(kpis[k].direction)) + 1);
	}
	appendStringInfoChar(&buf, '}');
	CrmAppendNames(&buf, "directions", dirs.data, m->n_kpis);
	for (int k = 0; k < m->n_kpis; k++)
		v[k] = kpis[k].target;
	CrmAppendFloat8List(&buf, "targets", v, m->n_kpis);
	for (int k = 0; k < m->n_kpis; k++)
		v[k] = kpis[k].threshold;
	CrmAppendFloat8List(&buf, "thresholds", v, m->n_kpis);
	for (int k = 0; k < m->n_kpis; k++)
		v[k] = kpis[k].weight;
	CrmAppendFloat8List(&buf, "kpi_weights", v, m->n_kpis);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary output of crm.bsc_model */
PG_FUNCTION_INFO_V1(bsc_model_send);
Datum
bsc_model_send(PG_FUNCTION_ARGS)
{
	BscModel   *m = BscModelArg(fcinfo, 0);
	BscKpi	   *kpis = ModelKpis(m);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendint32(&buf, m->n_persp);
	pq_sendint32(&buf, m->n_kpis);
	pq_sendint32(&buf, m->names_size);
	for (int p = 0; p < m->n_persp; p++)
		pq_sendfloat8(&buf, m->persp_weight[p]);
	for (int k = 0; k < m->n_kpis; k++)
	{
		pq_sendfloat8(&buf, kpis[k].target);
		pq_sendfloat8(&buf, kpis[k].threshold);
		pq_sendfloat8(&buf, kpis[k].weight);
		pq_sendint32(&buf, kpis[k].perspective);
		pq_sendint32(&buf, kpis[k].direction);
	}
	pq_sendbytes(&buf, ModelNames(m), m->names_size);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.bsc_model */
PG_FUNCTION_INFO_V1(bsc_model_recv);
Datum
bsc_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n_persp,
				n_kpis,
				names_size;
	BscModel   *m;
	BscKpi	   *kpis;

	CrmRecvVersion(buf, "crm.bsc_model", BSC_VERSION);
	n_persp = CrmRecvLength(buf, "crm.bsc_model", sizeof(float8), "perspectives");
	n_kpis = CrmRecvLength(buf, "crm.bsc_model", sizeof(BscKpi), "KPIs");
	names_size = CrmRecvLength(buf, "crm.bsc_model", 1, "name bytes");
	if (n_persp < 1 || n_persp > BSC_MAX_PERSPECTIVES || n_kpis < 1 || n_kpis > BSC_MAX_KPIS)
		CrmBinaryError("crm.bsc_model", "a scorecard has 1 to 16 perspectives and 1 to 256 KPIs");
	m = ModelAlloc(n_persp, n_kpis, names_size);
	kpis = ModelKpis(m);
	for (int p = 0; p < n_persp; p++)
		m->persp_weight[p] = CrmRecvFloat8(buf);
	for (int k = 0; k < n_kpis; k++)
	{
		kpis[k].target = CrmRecvFloat8(buf);
		kpis[k].threshold = CrmRecvFloat8(buf);
		kpis[k].weight = CrmRecvFloat8(buf);
		kpis[k].perspective = pq_getmsgint(buf, 4);
		kpis[k].direction = pq_getmsgint(buf, 4);
	}
	memcpy(ModelNames(m), pq_getmsgbytes(buf, names_size), names_size);
	CrmBinaryCheck("crm.bsc_model", ModelProblem(m));
	PG_RETURN_POINTER(m);
}

/* The text elements of a text[] argument (no NULLs, 1..max), as C strings */
static char **
TextElements(ArrayType *array, const char *what, int max, int *n)
{
	Datum	   *elems = CrmArrayElements(array, what, 1, max, n);
	char	  **out = (char **) palloc(sizeof(char *) * *n);

	for (int k = 0; k < *n; k++)
		out[k] = TextDatumGetCString(elems[k]);
	return out;
}

/* Raise 22023 unless an array has n elements */
static void
CheckSameLength(int got, int n, const char *what)
{
	if (got != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has %d elements, not one per KPI (%d)", what, got, n)));
}

/*
 * crm.bsc_model(perspectives, perspective_weights, kpis, kpi_perspectives,
 * directions, targets, thresholds, kpi_weights): a model from arrays
 */
PG_FUNCTION_INFO_V1(bsc_model_make);
Datum
bsc_model_make(PG_FUNCTION_ARGS)
{
	int			n_persp,
				n_kpis,
				n;
	char	  **pnames = TextElements(PG_GETARG_ARRAYTYPE_P(0), "perspectives",
									  BSC_MAX_PERSPECTIVES, &n_persp);
	float8	   *pweights = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(1), "perspective_weights", 1,
										  BSC_MAX_PERSPECTIVES, true, &n);
	char	  **knames;
	char	  **kpersp;
	char	  **dirs;
	float8	   *targets;
	float8	   *thresholds;
	float8	   *kweights;
	StringInfoData names;
	BscModel   *m;
	BscKpi	   *kpis;

	if (n != n_persp)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("perspective_weights has %d elements, not one per perspective (%d)",
						n, n_persp)));
	knames = TextElements(PG_GETARG_ARRAYTYPE_P(2), "kpis", BSC_MAX_KPIS, &n_kpis);
	kpersp = TextElements(PG_GETARG_ARRAYTYPE_P(3), "kpi_perspectives", BSC_MAX_KPIS, &n);
	CheckSameLength(n, n_kpis, "kpi_perspectives");
	dirs = TextElements(PG_GETARG_ARRAYTYPE_P(4), "directions", BSC_MAX_KPIS, &n);
	CheckSameLength(n, n_kpis, "directions");
	targets = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(5), "targets", 1, BSC_MAX_KPIS, true, &n);
	CheckSameLength(n, n_kpis, "targets");
	thresholds = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(6), "thresholds", 1, BSC_MAX_KPIS, true, &n);
	CheckSameLength(n, n_kpis, "thresholds");
	kweights = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(7), "kpi_weights", 1, BSC_MAX_KPIS, true, &n);
	CheckSameLength(n, n_kpis, "kpi_weights");

	initStringInfo(&names);
	for (int p = 0; p < n_persp; p++)
		appendBinaryStringInfo(&names, pnames[p], strlen(pnames[p]) + 1);
	for (int k = 0; k < n_kpis; k++)
		appendBinaryStringInfo(&names, knames[k], strlen(knames[k]) + 1);
	m = ModelAlloc(n_persp, n_kpis, names.len);
	memcpy(m->persp_weight, pweights, sizeof(float8) * n_persp);
	memcpy(ModelNames(m), names.data, names.len);
	kpis = ModelKpis(m);
	for (int k = 0; k < n_kpis; k++)
	{
		int			p;

		for (p = 0; p < n_persp; p++)
			if (strcmp(pnames[p], kpersp[k]) == 0)
				break;
		if (p == n_persp)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("KPI \"%s\" has perspective \"%s\", which is not one of the perspectives",
							knames[k], kpersp[k])));
		kpis[k].perspective = p;
		kpis[k].direction = DirectionOf(dirs[k]);
		if (kpis[k].direction == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the direction of KPI \"%s\" must be \"higher\" or \"lower\", not \"%s\"",
							knames[k], dirs[k])));
		kpis[k].target = targets[k];
		kpis[k].threshold = thresholds[k];
		kpis[k].weight = kweights[k];
	}
	CheckModel(m);
	PG_RETURN_POINTER(m);
}

/*
 * crm.bsc_perspectives(model): each perspective, its position, weight as
 * given and normalized weight
 */
PG_FUNCTION_INFO_V1(bsc_perspectives);
Datum
bsc_perspectives(PG_FUNCTION_ARGS)
{
	BscModel   *m = BscModelArg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	float8		total = 0;

	InitMaterializedSRF(fcinfo, 0);
	for (int p = 0; p < m->n_persp; p++)
		total += m->persp_weight[p];
	for (int p = 0; p < m->n_persp; p++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};

		values[0] = CStringGetTextDatum(QualityNameAt(ModelNames(m), p));
		values[1] = Int32GetDatum(p + 1);
		values[2] = Float8GetDatum(m->persp_weight[p]);
		values[3] = Float8GetDatum(m->persp_weight[p] / total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.bsc_kpis(model): each KPI with its perspective, direction, target,
 * threshold, weight as given, weight normalized within its perspective,
 * and its share of the overall score
 */
PG_FUNCTION_INFO_V1(bsc_kpis);
Datum
bsc_kpis(PG_FUNCTION_ARGS)
{
	BscModel   *m = BscModelArg(fcinfo, 0);
	BscKpi	   *kpis = ModelKpis(m);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *names = ModelNames(m);
	float8		ptotal = 0;
	float8		ktotal[BSC_MAX_PERSPECTIVES] = {0};

	InitMaterializedSRF(fcinfo, 0);
	for (int p = 0; p < m->n_persp; p++)
		ptotal += m->persp_weight[p];
	for (int k = 0; k < m->n_kpis; k++)
		ktotal[kpis[k].perspective] += kpis[k].weight;
	for (int k = 0; k < m->n_kpis; k++)
	{
		Datum		values[9];
		bool		nulls[9] = {false};
		const BscKpi *kpi = &kpis[k];
		float8		w = kpi->weight / ktotal[kpi->perspective];

		values[0] = CStringGetTextDatum(QualityNameAt(names, m->n_persp + k));
		values[1] = Int32GetDatum(k + 1);
		values[2] = CStringGetTextDatum(QualityNameAt(names, kpi->perspective));
		values[3] = CStringGetTextDatum(DirectionName(kpi->direction));
		values[4] = Float8GetDatum(kpi->target);
		values[5] = Float8GetDatum(kpi->threshold);
		values[6] = Float8GetDatum(kpi->weight);
		values[7] = Float8GetDatum(w);
		values[8] = Float8GetDatum(w * (m->persp_weight[kpi->perspective] / ptotal));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.bsc_attainment(value, target, threshold): (value - threshold) /
 * (target - threshold) clamped to [0, 1]
 */
PG_FUNCTION_INFO_V1(bsc_attainment);
Datum
bsc_attainment(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	float8		target = PG_GETARG_FLOAT8(1);
	float8		threshold = PG_GETARG_FLOAT8(2);
	float8		a;

	CheckFinite(value, "value");
	CheckFinite(target, "target");
	CheckFinite(threshold, "threshold");
	if (target == threshold)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target and threshold must differ, not both %s", float8out_internal(target))));
	a = (value - threshold) / (target - threshold);
	if (isnan(a))
		a = ((value > threshold) == (target > threshold)) ? 1 : 0;
	PG_RETURN_FLOAT8(Min(Max(a, 0), 1));
}
