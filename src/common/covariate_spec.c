/*
 * covariate_spec.c
 *		The covariate spec (covariate_spec.h; SQL type crm.covariates): its
 *		constructor crm.covariates(life_names, trans_names, constrained,
 *		lambda_life, lambda_trans), its checks, and its text and binary
 *		forms, which the fit states and models that embed a spec write and
 *		read too.
 *
 * Text form: life={"a","b"} trans={"a","c"} [constrained={"a"}]
 * [lambda_life=L] [lambda_trans=L], the names in the order given (which is
 * the order of the customers' covariate arrays).
 */
#include "crm.h"
#include "covariate_spec.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* Offset of the names in a spec */
#define SPEC_NAMES_OFFSET offsetof(CovariateSpec, names)

/* The name of a process in messages and keys: "life" or "trans" */
const char *
CovariateProcessName(CovariateProcess process)
{
	return process == COVARIATE_LIFE ? "life" : "trans";
}

/* Why a covariate name is not valid, or NULL */
static const char *
NameProblem(const char *name)
{
	size_t		len = strlen(name);

	if (len == 0 || len > COVARIATE_NAME_MAX)
		return "a covariate name has 1 to 63 characters";
	if (!(isalpha((unsigned char) name[0]) || name[0] == '_') || !isascii((unsigned char) name[0]))
		return "a covariate name starts with a letter or \"_\"";
	for (size_t i = 1; i < len; i++)
		if (!isascii((unsigned char) name[i]) ||
			!(isalnum((unsigned char) name[i]) || name[i] == '_' || name[i] == '.'))
			return "a covariate name has only letters, digits, \"_\" and \".\"";
	return NULL;
}

/* Index of name among names[0 .. n-1], or -1 */
static int
FindName(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Why a penalty is not a finite number >= 0, or NULL */
static const char *
LambdaProblem(float8 lambda)
{
	if (isnan(lambda) || isinf(lambda) || lambda < 0)
		return "lambda_life and lambda_trans must be finite numbers >= 0";
	return NULL;
}

/*
 * Why names for a spec are invalid, or NULL: each process's names valid and
 * distinct and at most COVARIATE_MAX_PER_PROCESS; every constrained name in
 * both processes, once; *bad gets the offending name (or NULL)
 */
static const char *
PartsProblem(char **life, int n_life, char **trans, int n_trans, char **constrained,
			 int n_constrained, const char **bad)
{
	char	  **lists[2] = {life, trans};
	int			counts[2] = {n_life, n_trans};

	*bad = NULL;
	for (int p = 0; p < 2; p++)
	{
		if (counts[p] > COVARIATE_MAX_PER_PROCESS)
			return "a process has at most 16 covariates";
		for (int i = 0; i < counts[p]; i++)
		{
			const char *problem = NameProblem(lists[p][i]);

			*bad = lists[p][i];
			if (problem != NULL)
				return problem;
			if (FindName((const char *const *) lists[p], i, lists[p][i]) >= 0)
				return "a covariate is named twice in one process";
		}
	}
	for (int i = 0; i < n_constrained; i++)
	{
		*bad = constrained[i];
		if (FindName((const char *const *) life, n_life, constrained[i]) < 0 ||
			FindName((const char *const *) trans, n_trans, constrained[i]) < 0)
			return "a constrained covariate must be a covariate of both processes";
		if (FindName((const char *const *) constrained, i, constrained[i]) >= 0)
			return "a covariate is constrained twice";
	}
	*bad = NULL;
	return NULL;
}

/* A spec from parts already checked by PartsProblem */
static CovariateSpec *
SpecFromParts(char **life, int n_life, char **trans, int n_trans, char **constrained,
			  int n_constrained, float8 lambda_life, float8 lambda_trans)
{
	Size		size = SPEC_NAMES_OFFSET;
	CovariateSpec *spec;
	char	   *p;

	for (int i = 0; i < n_life; i++)
		size += strlen(life[i]) + 1;
	for (int i = 0; i < n_trans; i++)
		size += strlen(trans[i]) + 1;
	spec = (CovariateSpec *) palloc0(size);
	SET_VARSIZE(spec, size);
	spec->version = COVARIATE_SPEC_VERSION;
	spec->n_life = (uint8) n_life;
	spec->n_trans = (uint8) n_trans;
	/* -0 is 0: equal specs have equal bytes */
	spec->lambda_life = lambda_life + 0.0;
	spec->lambda_trans = lambda_trans + 0.0;
	for (int i = 0; i < n_constrained; i++)
		spec->constrained |= (uint32) 1 << FindName((const char *const *) life, n_life,
													constrained[i]);
	p = spec->names;
	for (int i = 0; i < n_life; i++)
		p += strlen(strcpy(p, life[i])) + 1;
	for (int i = 0; i < n_trans; i++)
		p += strlen(strcpy(p, trans[i])) + 1;
	return spec;
}

/*
 * A new spec from its parts (palloc'd), or NULL with *problem saying why
 * they are invalid (and *bad the offending name, or NULL)
 */
CovariateSpec *
CovariateSpecTryBuild(char **life, int n_life, char **trans, int n_trans, char **constrained,
					  int n_constrained, float8 lambda_life, float8 lambda_trans,
					  const char **problem, const char **bad)
{
	*problem = PartsProblem(life, n_life, trans, n_trans, constrained, n_constrained, bad);
	if (*problem == NULL)
		*problem = LambdaProblem(lambda_life) ? LambdaProblem(lambda_life) :
			LambdaProblem(lambda_trans);
	if (*problem != NULL)
		return NULL;
	return SpecFromParts(life, n_life, trans, n_trans, constrained, n_constrained,
						 lambda_life, lambda_trans);
}

/* A new spec from its parts (palloc'd), checked (22023) */
CovariateSpec *
CovariateSpecBuild(char **life, int n_life, char **trans, int n_trans, char **constrained,
				   int n_constrained, float8 lambda_life, float8 lambda_trans)
{
	const char *bad;
	const char *problem;
	CovariateSpec *spec = CovariateSpecTryBuild(life, n_life, trans, n_trans, constrained,
												n_constrained, lambda_life, lambda_trans,
												&problem, &bad);

	if (spec != NULL)
		return spec;
	if (bad != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid covariate \"%s\"", bad),
				 errdetail("%c%s.", pg_toupper((unsigned char) problem[0]), problem + 1),
				 errhint("Name each covariate once per process, as a word of letters, digits, \"_\" and \".\" (a letter or \"_\" first); constrain only covariates named in both processes.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid covariates: %s", problem)));
	pg_unreachable();
}

/* The names, pairs and penalties of a (valid) spec */
void
CovariateSpecNames(const CovariateSpec *spec, CovariateNames *names)
{
	const char *p = spec->names;

	memset(names, 0, sizeof(*names));
	names->n[COVARIATE_LIFE] = spec->n_life;
	names->n[COVARIATE_TRANS] = spec->n_trans;
	names->lambda[COVARIATE_LIFE] = spec->lambda_life;
	names->lambda[COVARIATE_TRANS] = spec->lambda_trans;
	for (int process = 0; process < 2; process++)
		for (int i = 0; i < names->n[process]; i++)
		{
			names->name[process][i] = p;
			names->partner[process][i] = -1;
			p += strlen(p) + 1;
		}
	for (int i = 0; i < spec->n_life; i++)
		if (spec->constrained & ((uint32) 1 << i))
		{
			int			j = FindName(names->name[COVARIATE_TRANS], spec->n_trans,
									 names->name[COVARIATE_LIFE][i]);

			names->partner[COVARIATE_LIFE][i] = j;
			names->partner[COVARIATE_TRANS][j] = i;
		}
}

/*
 * Why a spec read from outside (or embedded in a value, available bytes
 * from its start) is invalid, or NULL
 */
const char *
CovariateSpecProblem(const CovariateSpec *spec, Size available)
{
	char	   *names[2 * COVARIATE_MAX_PER_PROCESS];
	char	   *constrained[COVARIATE_MAX_PER_PROCESS];
	int			n_constrained = 0;
	const char *p;
	const char *end;
	const char *bad;
	const char *problem;
	CovariateSpec *canonical;

	if (available < SPEC_NAMES_OFFSET || VARSIZE(spec) < SPEC_NAMES_OFFSET ||
		VARSIZE(spec) > available)
		return "invalid covariate spec size";
	if (spec->version != COVARIATE_SPEC_VERSION || spec->reserved != 0)
		return "invalid covariate spec version";
	if (spec->n_life > COVARIATE_MAX_PER_PROCESS || spec->n_trans > COVARIATE_MAX_PER_PROCESS)
		return "a process has at most 16 covariates";
	if ((spec->constrained >> spec->n_life) != 0)
		return "constrained bits beyond the lifetime covariates";
	problem = LambdaProblem(spec->lambda_life) ? LambdaProblem(spec->lambda_life) :
		LambdaProblem(spec->lambda_trans);
	if (problem != NULL)
		return problem;
	p = spec->names;
	end = (const char *) spec + VARSIZE(spec);
	for (int i = 0; i < spec->n_life + spec->n_trans; i++)
	{
		const char *nul = memchr(p, '\0', end - p);

		if (nul == NULL)
			return "covariate names run past the spec";
		names[i] = (char *) p;
		p = nul + 1;
	}
	if (p != end)
		return "unexpected bytes after the covariate names";
	for (int i = 0; i < spec->n_life; i++)
		if (spec->constrained & ((uint32) 1 << i))
			constrained[n_constrained++] = names[i];
	problem = PartsProblem(names, spec->n_life, names + spec->n_life, spec->n_trans,
						   constrained, n_constrained, &bad);
	if (problem != NULL)
		return problem;
	/* and stored exactly as built: -0 penalties are 0 */
	canonical = SpecFromParts(names, spec->n_life, names + spec->n_life, spec->n_trans,
							  constrained, n_constrained, spec->lambda_life,
							  spec->lambda_trans);
	if (!CovariateSpecEqual(spec, canonical))
		return "covariate spec not in canonical form";
	return NULL;
}

/* Whether two specs are the same */
bool
CovariateSpecEqual(const CovariateSpec *a, const CovariateSpec *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

/* Append " key={"a","b"}" of the names of one process (key at the start without a space) */
static void
AppendNames(StringInfo buf, const char *key, const CovariateNames *names, int process,
			bool first)
{
	appendStringInfo(buf, "%s%s={", first ? "" : " ", key);
	for (int i = 0; i < names->n[process]; i++)
		appendStringInfo(buf, "%s\"%s\"", i > 0 ? "," : "", names->name[process][i]);
	appendStringInfoChar(buf, '}');
}

/* Append the text form of a spec */
void
CovariateSpecAppendText(StringInfo buf, const CovariateSpec *spec)
{
	CovariateNames names;

	CovariateSpecNames(spec, &names);
	AppendNames(buf, "life", &names, COVARIATE_LIFE, true);
	AppendNames(buf, "trans", &names, COVARIATE_TRANS, false);
	if (spec->constrained != 0)
	{
		bool		first = true;

		appendStringInfoString(buf, " constrained={");
		for (int i = 0; i < spec->n_life; i++)
			if (spec->constrained & ((uint32) 1 << i))
			{
				appendStringInfo(buf, "%s\"%s\"", first ? "" : ",", names.name[COVARIATE_LIFE][i]);
				first = false;
			}
		appendStringInfoChar(buf, '}');
	}
	if (spec->lambda_life != 0)
	{
		appendStringInfoString(buf, " lambda_life=");
		CrmAppendFloat8(buf, spec->lambda_life);
	}
	if (spec->lambda_trans != 0)
	{
		appendStringInfoString(buf, " lambda_trans=");
		CrmAppendFloat8(buf, spec->lambda_trans);
	}
}

/* Append the spec's text form in parentheses as " key=(...)" */
void
CovariateSpecAppendKey(StringInfo buf, const char *key, const CovariateSpec *spec)
{
	appendStringInfo(buf, " %s=(", key);
	CovariateSpecAppendText(buf, spec);
	appendStringInfoChar(buf, ')');
}

/* Read the list of names after "key={" into names (pointers into one buffer); returns their number */
static int
ReadNameList(CrmReader *r, char **names, int max)
{
	int			n = 0;

	while (CrmReadListNext(r, n, ","))
	{
		StringInfoData name;

		if (n == max)
			CrmReadError(r, "a process has at most 16 covariates");
		initStringInfo(&name);
		CrmExpect(r, "\"");
		while (*r->p != '"')
		{
			if (*r->p == '\0')
				CrmReadError(r, "unterminated name");
			appendStringInfoChar(&name, *r->p++);
		}
		r->p++;
		names[n++] = name.data;
	}
	return n;
}

/* Read a spec's text form (as CovariateSpecAppendText writes it) */
CovariateSpec *
CovariateSpecRead(CrmReader *r)
{
	char	   *life[COVARIATE_MAX_PER_PROCESS];
	char	   *trans[COVARIATE_MAX_PER_PROCESS];
	char	   *constrained[COVARIATE_MAX_PER_PROCESS];
	int			n_life;
	int			n_trans;
	int			n_constrained = 0;
	float8		lambda_life = 0;
	float8		lambda_trans = 0;
	const char *bad;
	const char *problem;

	CrmExpect(r, "life={");
	n_life = ReadNameList(r, life, COVARIATE_MAX_PER_PROCESS);
	CrmExpect(r, " trans={");
	n_trans = ReadNameList(r, trans, COVARIATE_MAX_PER_PROCESS);
	if (CrmReadLiteral(r, " constrained={"))
	{
		n_constrained = ReadNameList(r, constrained, COVARIATE_MAX_PER_PROCESS);
		if (n_constrained == 0)
			CrmReadError(r, "an empty constrained list is not written");
	}
	if (CrmReadLiteral(r, " lambda_life="))
	{
		lambda_life = CrmReadFloat8(r);
		if (lambda_life == 0)
			CrmReadError(r, "a zero lambda_life is not written");
	}
	if (CrmReadLiteral(r, " lambda_trans="))
	{
		lambda_trans = CrmReadFloat8(r);
		if (lambda_trans == 0)
			CrmReadError(r, "a zero lambda_trans is not written");
	}
	problem = PartsProblem(life, n_life, trans, n_trans, constrained, n_constrained, &bad);
	if (problem == NULL)
		problem = LambdaProblem(lambda_life) ? LambdaProblem(lambda_life) :
			LambdaProblem(lambda_trans);
	CrmReadCheck(r, problem);
	return SpecFromParts(life, n_life, trans, n_trans, constrained, n_constrained,
						 lambda_life, lambda_trans);
}

/* Send a spec in binary form: its size, then its bytes after the varlena header */
void
CovariateSpecSend(StringInfo buf, const CovariateSpec *spec)
{
	pq_sendint32(buf, (int32) (VARSIZE(spec) - VARHDRSZ));
	pq_sendbytes(buf, (const char *) spec + VARHDRSZ, VARSIZE(spec) - VARHDRSZ);
}

/* Receive a spec sent by CovariateSpecSend (22P03 if invalid) */
CovariateSpec *
CovariateSpecRecv(StringInfo buf, const char *type_name)
{
	int32		size = (int32) pq_getmsgint(buf, 4);
	CovariateSpec *spec;

	if (size < (int32) (SPEC_NAMES_OFFSET - VARHDRSZ) || size > buf->len - buf->cursor ||
		size > 64 * 1024)
		CrmBinaryError(type_name, "invalid covariate spec size");
	spec = (CovariateSpec *) palloc(size + VARHDRSZ);
	SET_VARSIZE(spec, size + VARHDRSZ);
	pq_copymsgbytes(buf, (char *) spec + VARHDRSZ, size);
	CrmBinaryCheck(type_name, CovariateSpecProblem(spec, VARSIZE(spec)));
	return spec;
}

/* The spec in argument argno (22004 if NULL) */
CovariateSpec *
CovariateSpecArg(FunctionCallInfo fcinfo, int argno)
{
	CheckNotNull(fcinfo, argno, "covariates");
	return (CovariateSpec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* The elements of a text[] argument as C strings (22023/22004 via CrmArrayElements) */
static char **
NameArray(ArrayType *array, const char *what, int *n)
{
	Datum	   *elements = CrmArrayElements(array, what, 0, COVARIATE_MAX_PER_PROCESS, n);
	char	  **names = (char **) palloc(sizeof(char *) * Max(*n, 1));

	for (int i = 0; i < *n; i++)
		names[i] = TextDatumGetCString(elements[i]);
	return names;
}

/*
 * crm.covariates(life_names, trans_names, constrained, lambda_life,
 * lambda_trans): a covariate spec
 */
PG_FUNCTION_INFO_V1(covariates_make);
Datum
covariates_make(PG_FUNCTION_ARGS)
{
	int			n_life;
	int			n_trans;
	int			n_constrained;
	char	  **life = NameArray(PG_GETARG_ARRAYTYPE_P(0), "life_names", &n_life);
	char	  **trans = NameArray(PG_GETARG_ARRAYTYPE_P(1), "trans_names", &n_trans);
	char	  **constrained = NameArray(PG_GETARG_ARRAYTYPE_P(2), "constrained", &n_constrained);

	PG_RETURN_POINTER(CovariateSpecBuild(life, n_life, trans, n_trans, constrained,
										 n_constrained, PG_GETARG_FLOAT8(3),
										 PG_GETARG_FLOAT8(4)));
}

/* Text input of crm.covariates */
PG_FUNCTION_INFO_V1(covariates_in);
Datum
covariates_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.covariates", PG_GETARG_CSTRING(0));
	CovariateSpec *spec = CovariateSpecRead(&r);

	CrmReadEnd(&r);
	PG_RETURN_POINTER(spec);
}

/* Text output of crm.covariates */
PG_FUNCTION_INFO_V1(covariates_out);
Datum
covariates_out(PG_FUNCTION_ARGS)
{
	CovariateSpec *spec = (CovariateSpec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	CovariateSpecAppendText(&buf, spec);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary output of crm.covariates: version, then the spec */
PG_FUNCTION_INFO_V1(covariates_send);
Datum
covariates_send(PG_FUNCTION_ARGS)
{
	CovariateSpec *spec = (CovariateSpec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, COVARIATE_SPEC_VERSION);
	CovariateSpecSend(&buf, spec);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.covariates */
PG_FUNCTION_INFO_V1(covariates_recv);
Datum
covariates_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CovariateSpec *spec;

	CrmRecvVersion(buf, "crm.covariates", COVARIATE_SPEC_VERSION);
	spec = CovariateSpecRecv(buf, "crm.covariates");
	if (buf->cursor != buf->len)
		CrmBinaryError("crm.covariates", "unexpected bytes at the end");
	PG_RETURN_POINTER(spec);
}

/* crm.covariate_names(spec, process): the names of one process's covariates, in order */
PG_FUNCTION_INFO_V1(covariates_names);
Datum
covariates_names(PG_FUNCTION_ARGS)
{
	CovariateSpec *spec = (CovariateSpec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	char	   *process = text_to_cstring(PG_GETARG_TEXT_PP(1));
	CovariateNames names;
	int			p;
	Datum	   *elements;

	if (strcmp(process, "life") == 0)
		p = COVARIATE_LIFE;
	else if (strcmp(process, "trans") == 0)
		p = COVARIATE_TRANS;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("process must be 'life' or 'trans', not \"%s\"", process)));
	CovariateSpecNames(spec, &names);
	elements = (Datum *) palloc(sizeof(Datum) * Max(names.n[p], 1));
	for (int i = 0; i < names.n[p]; i++)
		elements[i] = CStringGetTextDatum(names.name[p][i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elements, names.n[p], TEXTOID, -1, false, TYPALIGN_INT));
}
