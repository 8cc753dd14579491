/*
 * quality_servqual_map.c
 *		crm.servqual_map: which SERVQUAL item belongs to which dimension.
 *
 * The text form names each dimension with its items, as ranges and single
 * items separated by commas, dimensions separated by one space:
 *	 tangibles=1-4 reliability=5-9 responsiveness=10-13 assurance=14-17 empathy=18-22
 * which is the standard 22-item map of Parasuraman, Zeithaml and Berry
 * (1988), crm.servqual_map().  A custom map assigns every item 1..N to
 * exactly one dimension (N <= 1000, at most 32 dimensions); a dimension
 * name is a lower-case letter followed by lower-case letters, digits or
 * '_' (at most 63 bytes).  The output writes each dimension's items in
 * increasing order with runs as ranges, so it reads back as the same map.
 *
 * Errors: 22P02 malformed or impossible text (an item missing or in two
 * dimensions, a duplicate name), 22P03 bad binary data, 22023 a bad array
 * of item dimensions, 22004 a NULL element in it.
 */
#include "crm.h"
#include "crm_io.h"
#include "quality.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/* The standard 22-item map (Parasuraman, Zeithaml and Berry 1988) */
#define SERVQUAL_STANDARD_MAP \
	"tangibles=1-4 reliability=5-9 responsiveness=10-13 assurance=14-17 empathy=18-22"

/* Name d (0-based) of a packed list of NUL-terminated names */
const char *
QualityNameAt(const char *names, int d)
{
	for (int i = 0; i < d; i++)
		names += strlen(names) + 1;
	return names;
}

/* Why name is not a dimension name, or NULL */
static const char *
DimNameProblem(const char *name)
{
	size_t		len = strlen(name);

	if (len == 0 || len > QUALITY_MAX_NAME)
		return "a dimension name has 1 to 63 bytes";
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return "a dimension name starts with a lower-case letter";
	for (size_t i = 1; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
			  name[i] == '_'))
			return "a dimension name has only lower-case letters, digits and '_'";
	return NULL;
}

/* Why a map is not valid, or NULL */
const char *
ServqualMapProblem(int32 n_items, int32 n_dims, const int32 *item_dim,
				   const char *names, int32 names_size)
{
	const char *name = names;
	bool		used[SERVQUAL_MAX_DIMS] = {false};

	if (n_items < 1 || n_items > SERVQUAL_MAX_ITEMS)
		return "a map has 1 to 1000 items";
	if (n_dims < 1 || n_dims > SERVQUAL_MAX_DIMS)
		return "a map has 1 to 32 dimensions";
	for (int d = 0; d < n_dims; d++)
	{
		const char *problem;

		if (name >= names + names_size || memchr(name, '\0', names + names_size - name) == NULL)
			return "the names do not match the dimensions";
		if ((problem = DimNameProblem(name)) != NULL)
			return problem;
		for (int k = 0; k < d; k++)
			if (strcmp(QualityNameAt(names, k), name) == 0)
				return "dimension names must be distinct";
		name += strlen(name) + 1;
	}
	if (name != names + names_size)
		return "the names do not match the dimensions";
	for (int i = 0; i < n_items; i++)
	{
		if (item_dim[i] < 0 || item_dim[i] >= n_dims)
			return "every item belongs to one of the dimensions";
		used[item_dim[i]] = true;
	}
	for (int d = 0; d < n_dims; d++)
		if (!used[d])
			return "every dimension has at least one item";
	return NULL;
}

/* A map of n_items items, n_dims dimensions and packed names (palloc'd) */
ServqualMap *
ServqualMapBuild(int32 n_items, int32 n_dims, const int32 *item_dim,
				 const char *names, int32 names_size)
{
	Size		size = offsetof(ServqualMap, item_dim) + sizeof(int32) * (Size) n_items + names_size;
	ServqualMap *map = (ServqualMap *) palloc0(size);

	SET_VARSIZE(map, size);
	map->version = SERVQUAL_VERSION;
	map->n_items = n_items;
	map->n_dims = n_dims;
	map->names_size = names_size;
	memcpy(map->item_dim, item_dim, sizeof(int32) * (Size) n_items);
	memcpy(ServqualMapNames(map), names, names_size);
	return map;
}

/* Append the text form of a map: each dimension, its items as ranges */
void
ServqualMapAppendText(StringInfo buf, int32 n_items, int32 n_dims,
					  const int32 *item_dim, const char *names)
{
	const char *name = names;

	for (int d = 0; d < n_dims; d++)
	{
		bool		first = true;

		appendStringInfo(buf, "%s%s=", d > 0 ? " " : "", name);
		for (int i = 0; i < n_items; i++)
		{
			int			j = i;

			if (item_dim[i] != d)
				continue;
			while (j + 1 < n_items && item_dim[j + 1] == d)
				j++;
			appendStringInfo(buf, "%s%d", first ? "" : ",", i + 1);
			if (j > i)
				appendStringInfo(buf, "-%d", j + 1);
			first = false;
			i = j;
		}
		name += strlen(name) + 1;
	}
}

/* Read a dimension name: a letter, then letters, digits and '_' */
static char *
ReadDimName(CrmReader *r)
{
	const char *start = r->p;

	while ((*r->p >= 'a' && *r->p <= 'z') || (*r->p >= '0' && *r->p <= '9') || *r->p == '_')
		r->p++;
	return pnstrdup(start, r->p - start);
}

/* Text input of crm.servqual_map */
PG_FUNCTION_INFO_V1(servqual_map_in);
Datum
servqual_map_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.servqual_map", PG_GETARG_CSTRING(0));
	int32		item_dim[SERVQUAL_MAX_ITEMS];
	StringInfoData names;
	int32		n_dims = 0;
	int32		n_items = 0;
	const char *problem;

	for (int i = 0; i < SERVQUAL_MAX_ITEMS; i++)
		item_dim[i] = -1;
	initStringInfo(&names);
	do
	{
		char	   *name = ReadDimName(&r);

		if ((problem = DimNameProblem(name)) != NULL)
			CrmReadError(&r, problem);
		if (n_dims == SERVQUAL_MAX_DIMS)
			CrmReadError(&r, "a map has 1 to 32 dimensions");
		appendBinaryStringInfo(&names, name, strlen(name) + 1);
		CrmExpect(&r, "=");
		do
		{
			int64		lo = CrmReadInt(&r, 1, SERVQUAL_MAX_ITEMS);
			int64		hi = lo;

			if (CrmReadLiteral(&r, "-"))
				hi = CrmReadInt(&r, lo, SERVQUAL_MAX_ITEMS);
			for (int64 i = lo; i <= hi; i++)
			{
				if (item_dim[i - 1] >= 0)
					CrmReadError(&r, psprintf("item %d is in two dimensions", (int) i));
				item_dim[i - 1] = n_dims;
				n_items = Max(n_items, (int32) i);
			}
		} while (CrmReadLiteral(&r, ","));
		n_dims++;
	} while (CrmReadLiteral(&r, " "));
	CrmReadEnd(&r);
	for (int i = 0; i < n_items; i++)
		if (item_dim[i] < 0)
			CrmReadError(&r, psprintf("item %d is in no dimension (items run from 1 to %d)",
									  i + 1, n_items));
	CrmReadCheck(&r, ServqualMapProblem(n_items, n_dims, item_dim, names.data, names.len));
	PG_RETURN_POINTER(ServqualMapBuild(n_items, n_dims, item_dim, names.data, names.len));
}

/* Text output of crm.servqual_map (round-trips) */
PG_FUNCTION_INFO_V1(servqual_map_out);
Datum
servqual_map_out(PG_FUNCTION_ARGS)
{
	ServqualMap *map = ServqualMapArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	ServqualMapAppendText(&buf, map->n_items, map->n_dims, map->item_dim, ServqualMapNames(map));
	PG_RETURN_CSTRING(buf.data);
}

/* Binary output of crm.servqual_map */
PG_FUNCTION_INFO_V1(servqual_map_send);
Datum
servqual_map_send(PG_FUNCTION_ARGS)
{
	ServqualMap *map = ServqualMapArg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, map->version);
	pq_sendint32(&buf, map->n_items);
	pq_sendint32(&buf, map->n_dims);
	pq_sendint32(&buf, map->names_size);
	for (int i = 0; i < map->n_items; i++)
		pq_sendint32(&buf, map->item_dim[i]);
	pq_sendbytes(&buf, ServqualMapNames(map), map->names_size);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.servqual_map */
PG_FUNCTION_INFO_V1(servqual_map_recv);
Datum
servqual_map_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n_items;
	int32		n_dims;
	int32		names_size;
	int32	   *item_dim;
	const char *names;

	CrmRecvVersion(buf, "crm.servqual_map", SERVQUAL_VERSION);
	n_items = CrmRecvLength(buf, "crm.servqual_map", sizeof(int32), "items");
	n_dims = pq_getmsgint(buf, 4);
	names_size = CrmRecvLength(buf, "crm.servqual_map", 1, "name bytes");
	if (n_items > SERVQUAL_MAX_ITEMS || n_dims < 1 || n_dims > SERVQUAL_MAX_DIMS)
		CrmBinaryError("crm.servqual_map", "a map has 1 to 1000 items and 1 to 32 dimensions");
	item_dim = (int32 *) palloc(sizeof(int32) * (Size) Max(n_items, 1));
	for (int i = 0; i < n_items; i++)
		item_dim[i] = pq_getmsgint(buf, 4);
	names = pq_getmsgbytes(buf, names_size);
	CrmBinaryCheck("crm.servqual_map", ServqualMapProblem(n_items, n_dims, item_dim, names, names_size));
	PG_RETURN_POINTER(ServqualMapBuild(n_items, n_dims, item_dim, names, names_size));
}

/* crm.servqual_map(): the standard 22-item, five-dimension map */
PG_FUNCTION_INFO_V1(servqual_map_standard);
Datum
servqual_map_standard(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(servqual_map_in, CStringGetDatum(SERVQUAL_STANDARD_MAP));
}

/*
 * crm.servqual_map(item_dimensions text[]): the dimension of each item by
 * name; dimensions in the order they first appear
 */
PG_FUNCTION_INFO_V1(servqual_map_of_array);
Datum
servqual_map_of_array(PG_FUNCTION_ARGS)
{
	int			n;
	Datum	   *elems = CrmArrayElements(PG_GETARG_ARRAYTYPE_P(0), "item_dimensions", 1,
										 SERVQUAL_MAX_ITEMS, &n);
	int32	   *item_dim = (int32 *) palloc(sizeof(int32) * n);
	StringInfoData names;
	int32		n_dims = 0;

	initStringInfo(&names);
	for (int i = 0; i < n; i++)
	{
		char	   *name = TextDatumGetCString(elems[i]);
		const char *problem = DimNameProblem(name);
		int			d;

		if (problem != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid dimension name \"%s\" (item %d)", name, i + 1),
					 errdetail("%c%s.", pg_toupper((unsigned char) problem[0]), problem + 1)));
		for (d = 0; d < n_dims; d++)
			if (strcmp(QualityNameAt(names.data, d), name) == 0)
				break;
		if (d == n_dims)
		{
			if (n_dims == SERVQUAL_MAX_DIMS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a SERVQUAL map has at most %d dimensions", SERVQUAL_MAX_DIMS)));
			appendBinaryStringInfo(&names, name, strlen(name) + 1);
			n_dims++;
		}
		item_dim[i] = d;
	}
	PG_RETURN_POINTER(ServqualMapBuild(n, n_dims, item_dim, names.data, names.len));
}

/* crm.servqual_map_items(map): one row per item, with its dimension */
PG_FUNCTION_INFO_V1(servqual_map_items);
Datum
servqual_map_items(PG_FUNCTION_ARGS)
{
	ServqualMap *map = ServqualMapArg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < map->n_items; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(QualityNameAt(ServqualMapNames(map), map->item_dim[i]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.servqual_map_dimensions(map): the dimension names, in order */
PG_FUNCTION_INFO_V1(servqual_map_dimensions);
Datum
servqual_map_dimensions(PG_FUNCTION_ARGS)
{
	ServqualMap *map = ServqualMapArg(fcinfo, 0);
	Datum	   *elems = (Datum *) palloc(sizeof(Datum) * map->n_dims);

	for (int d = 0; d < map->n_dims; d++)
		elems[d] = CStringGetTextDatum(QualityNameAt(ServqualMapNames(map), d));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, map->n_dims, TEXTOID, -1, false, TYPALIGN_INT));
}

/* The map as jsonb: [{"dimension": name, "items": [...]}, ...] in the order of the dimensions */
PG_FUNCTION_INFO_V1(servqual_map_jsonb);
Datum
servqual_map_jsonb(PG_FUNCTION_ARGS)
{
	ServqualMap *map = ServqualMapArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (int d = 0; d < map->n_dims; d++)
	{
		bool		first = true;

		appendStringInfo(&buf, "%s{\"dimension\": \"%s\", \"items\": [", d > 0 ? ", " : "",
						 QualityNameAt(ServqualMapNames(map), d));
		for (int i = 0; i < map->n_items; i++)
			if (map->item_dim[i] == d)
			{
				appendStringInfo(&buf, "%s%d", first ? "" : ", ", i + 1);
				first = false;
			}
		appendStringInfoString(&buf, "]}");
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
