/*
 * lifecycle_migration.c
 *		Migration matrices: the crm.migration aggregate over (label at date 1,
 *		label at date 2) of the same customers, its mergeable state (the value
 *		itself: the distinct (from, to) pairs with their customer counts),
 *		its text and binary forms, and crm.migration_table.
 *
 * A NULL label means "not a customer at that date": (NULL, b) is a customer
 * entering segment b, (a, NULL) one leaving from a; a row with both NULL is
 * skipped.  Labels are compared byte for byte (C collation).
 *
 * Layout: a varlena header, then n_pairs entries, each a MigrationEntry
 * followed by the bytes of its from and to labels, padded to MAXALIGN.
 * Entries are kept in first-seen order; the text and binary forms and the
 * table sort them (labels in byte order, NULL last), so equal matrices print
 * alike whatever the order of the rows or the merges.
 */
#include "crm.h"
#include "crm_io.h"

#include "common/int.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/tuplestore.h"

#define MIGRATION_VERSION 1
#define MIGRATION_TYPE "crm.migration"
#define MIGRATION_MAX_PAIRS 10000		/* distinct (from, to) pairs */
#define MIGRATION_MAX_LABEL 1000		/* bytes of one label */

/* The migration matrix (state and value of crm.migration) */
typedef struct Migration
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* MIGRATION_VERSION */
	uint8		flags;			/* reserved, zero */
	uint16		reserved;		/* reserved, zero */
	int32		n_pairs;		/* distinct (from, to) pairs that follow */
	int64		customers;		/* rows counted: the sum of the pair counts */
} Migration;

/* One (from, to) pair; its label bytes follow it */
typedef struct MigrationEntry
{
	int64		count;			/* customers with this pair, > 0 */
	int32		from_len;		/* bytes of the from label, -1 for NULL */
	int32		to_len;			/* bytes of the to label, -1 for NULL */
} MigrationEntry;

/* A pair read from outside or sorted for output */
typedef struct MigrationPair
{
	const char *from;			/* from label bytes (NULL for a NULL label) */
	int32		from_len;		/* its length, -1 for NULL */
	const char *to;				/* to label bytes (NULL for a NULL label) */
	int32		to_len;			/* its length, -1 for NULL */
	int64		count;			/* customers */
} MigrationPair;

#define DatumGetMigrationP(d) ((Migration *) PG_DETOAST_DATUM(d))
#define EntrySize(f, t) MAXALIGN(sizeof(MigrationEntry) + Max((f), 0) + Max((t), 0))
#define EntryFrom(e) ((char *) (e) + sizeof(MigrationEntry))
#define EntryTo(e) (EntryFrom(e) + Max((e)->from_len, 0))
#define FirstEntry(m) ((MigrationEntry *) ((char *) (m) + sizeof(Migration)))
#define NextEntry(e) ((MigrationEntry *) ((char *) (e) + EntrySize((e)->from_len, (e)->to_len)))

/* An empty matrix */
static Migration *
MigrationEmpty(Size room)
{
	Migration  *m = palloc0(sizeof(Migration) + room);

	SET_VARSIZE(m, sizeof(Migration));
	m->version = MIGRATION_VERSION;
	return m;
}

/* Whether an entry has the labels (from, from_len) and (to, to_len) */
static bool
EntryIs(const MigrationEntry *e, const char *from, int32 from_len, const char *to, int32 to_len)
{
	return e->from_len == from_len && e->to_len == to_len &&
		(from_len <= 0 || memcmp(EntryFrom(e), from, from_len) == 0) &&
		(to_len <= 0 || memcmp(EntryTo(e), to, to_len) == 0);
}

/* The entry of a pair in m, or NULL */
static MigrationEntry *
FindEntry(Migration *m, const char *from, int32 from_len, const char *to, int32 to_len)
{
	MigrationEntry *e = FirstEntry(m);

	for (int32 i = 0; i < m->n_pairs; i++, e = NextEntry(e))
		if (EntryIs(e, from, from_len, to, to_len))
			return e;
	return NULL;
}

/* Raise 54000 unless a matrix may take one more distinct pair */
static void
CheckPairRoom(const Migration *m)
{
	if (m->n_pairs >= MIGRATION_MAX_PAIRS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a migration matrix holds at most %d distinct (from, to) pairs",
						MIGRATION_MAX_PAIRS),
				 errhint("Map the labels to fewer segments before counting migrations.")));
}

/* Append a pair at the end of m, which has room for it */
static void
AppendEntry(Migration *m, const char *from, int32 from_len, const char *to, int32 to_len,
			int64 count)
{
	MigrationEntry *e = (MigrationEntry *) ((char *) m + VARSIZE(m));
	Size		size = EntrySize(from_len, to_len);

	memset(e, 0, size);
	e->count = count;
	e->from_len = from_len;
	e->to_len = to_len;
	if (from_len > 0)
		memcpy(EntryFrom(e), from, from_len);
	if (to_len > 0)
		memcpy(EntryTo(e), to, to_len);
	SET_VARSIZE(m, VARSIZE(m) + size);
	m->n_pairs++;
}

/* Raise 22023 if a label is longer than MIGRATION_MAX_LABEL bytes */
static void
CheckLabel(int32 len)
{
	if (len > MIGRATION_MAX_LABEL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("segment label of %d bytes is too long", len),
				 errdetail("A migration label has at most %d bytes.", MIGRATION_MAX_LABEL)));
}

PG_FUNCTION_INFO_V1(migration_trans);
/* Transition of crm.migration: (state, from_label, to_label) */
Datum
migration_trans(PG_FUNCTION_ARGS)
{
	Migration  *m;
	MigrationEntry *e;
	text	   *from = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1);
	text	   *to = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	int32		from_len = from ? (int32) VARSIZE_ANY_EXHDR(from) : -1;
	int32		to_len = to ? (int32) VARSIZE_ANY_EXHDR(to) : -1;
	const char *from_data = from ? VARDATA_ANY(from) : NULL;
	const char *to_data = to ? VARDATA_ANY(to) : NULL;
	Migration  *grown;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("crm.migration_trans can only be called as the transition of crm.migration")));
	/* not a customer at either date */
	if (from == NULL && to == NULL)
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	CheckLabel(from_len);
	CheckLabel(to_len);
	m = PG_ARGISNULL(0) ? MigrationEmpty(0) : (Migration *) CrmWritableArg(fcinfo, 0);
	m->customers = AddCounts(m->customers, 1, "customers of a migration matrix");
	e = FindEntry(m, from_data, from_len, to_data, to_len);
	if (e != NULL)
	{
		/* the common case: a known pair, counted in place */
		e->count++;
		PG_RETURN_POINTER(m);
	}
	/* a new pair: a copy with room for it (the executor keeps the new value) */
	CheckPairRoom(m);
	grown = palloc(VARSIZE(m) + EntrySize(from_len, to_len));
	memcpy(grown, m, VARSIZE(m));
	AppendEntry(grown, from_data, from_len, to_data, to_len, 1);
	PG_RETURN_POINTER(grown);
}

/* The matrix of the customers of a and b (a new value; neither is changed) */
static Migration *
MigrationCombine(Migration *a, Migration *b)
{
	Migration  *m = palloc(VARSIZE(a) + VARSIZE(b));
	MigrationEntry *e = FirstEntry(b);

	memcpy(m, a, VARSIZE(a));
	m->customers = AddCounts(a->customers, b->customers, "customers of a migration matrix");
	for (int32 i = 0; i < b->n_pairs; i++, e = NextEntry(e))
	{
		MigrationEntry *into = FindEntry(m, EntryFrom(e), e->from_len, EntryTo(e), e->to_len);

		CHECK_FOR_INTERRUPTS();
		if (into != NULL)
			into->count = AddCounts(into->count, e->count, "customers of a migration pair");
		else
		{
			CheckPairRoom(m);
			AppendEntry(m, EntryFrom(e), e->from_len, EntryTo(e), e->to_len, e->count);
		}
	}
	return m;
}

PG_FUNCTION_INFO_V1(migration_combine);
/* crm.migration_combine(a, b): the matrix of the customers of both */
Datum
migration_combine(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(MigrationCombine(DatumGetMigrationP(PG_GETARG_DATUM(0)),
									   DatumGetMigrationP(PG_GETARG_DATUM(1))));
}

/* Compare two labels: bytes, then length, a NULL label (len -1) last */
static int
CompareLabels(const char *a, int32 a_len, const char *b, int32 b_len)
{
	int			c;

	if (a_len < 0 || b_len < 0)
		return (a_len < 0) - (b_len < 0);
	c = memcmp(a, b, Min(a_len, b_len));
	if (c != 0)
		return c;
	return (a_len > b_len) - (a_len < b_len);
}

/* qsort order of pairs: from label, then to label */
static int
ComparePairs(const void *pa, const void *pb)
{
	const MigrationPair *a = pa;
	const MigrationPair *b = pb;
	int			c = CompareLabels(a->from, a->from_len, b->from, b->from_len);

	if (c != 0)
		return c;
	return CompareLabels(a->to, a->to_len, b->to, b->to_len);
}

/* The pairs of m in output order (palloc'd) */
static MigrationPair *
SortedPairs(Migration *m)
{
	MigrationPair *pairs = palloc(sizeof(MigrationPair) * Max(m->n_pairs, 1));
	MigrationEntry *e = FirstEntry(m);

	for (int32 i = 0; i < m->n_pairs; i++, e = NextEntry(e))
	{
		pairs[i].from = e->from_len >= 0 ? EntryFrom(e) : NULL;
		pairs[i].from_len = e->from_len;
		pairs[i].to = e->to_len >= 0 ? EntryTo(e) : NULL;
		pairs[i].to_len = e->to_len;
		pairs[i].count = e->count;
	}
	qsort(pairs, m->n_pairs, sizeof(MigrationPair), ComparePairs);
	return pairs;
}

/*
 * Why pairs read from outside cannot be a matrix of customers rows, or NULL
 * (pairs sorted): counts positive and adding up, labels not both NULL and
 * not too long, no pair twice, not too many pairs
 */
static const char *
PairsProblem(const MigrationPair *pairs, int32 n, int64 customers)
{
	int64		sum = 0;

	if (n > MIGRATION_MAX_PAIRS)
		return "too many pairs";
	for (int32 i = 0; i < n; i++)
	{
		if (pairs[i].count <= 0)
			return "a pair count is not positive";
		if (pg_add_s64_overflow(sum, pairs[i].count, &sum))
			return "the pair counts overflow";
		if (pairs[i].from_len < 0 && pairs[i].to_len < 0)
			return "a pair with both labels null";
		if (pairs[i].from_len > MIGRATION_MAX_LABEL || pairs[i].to_len > MIGRATION_MAX_LABEL)
			return "a label is too long";
		if (i > 0 && ComparePairs(&pairs[i - 1], &pairs[i]) == 0)
			return "a pair appears twice";
	}
	if (sum != customers)
		return "the pair counts do not add up to customers";
	return NULL;
}

/* A matrix of sorted, checked pairs */
static Migration *
MigrationOfPairs(const MigrationPair *pairs, int32 n, int64 customers)
{
	Size		room = 0;
	Migration  *m;

	for (int32 i = 0; i < n; i++)
		room += EntrySize(pairs[i].from_len, pairs[i].to_len);
	m = MigrationEmpty(room);
	for (int32 i = 0; i < n; i++)
		AppendEntry(m, pairs[i].from, pairs[i].from_len, pairs[i].to, pairs[i].to_len, pairs[i].count);
	m->customers = customers;
	return m;
}

/* Append a label: double-quoted with '"' and '\' escaped, or null */
static void
AppendLabel(StringInfo buf, const char *label, int32 len)
{
	if (len < 0)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	appendStringInfoChar(buf, '"');
	for (int32 i = 0; i < len; i++)
	{
		if (label[i] == '"' || label[i] == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, label[i]);
	}
	appendStringInfoChar(buf, '"');
}

/* Write one pair as from>to:count */
static void
WritePair(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const MigrationPair *p = element;

	AppendLabel(buf, p->from, p->from_len);
	appendStringInfoChar(buf, '>');
	AppendLabel(buf, p->to, p->to_len);
	appendStringInfo(buf, ":" INT64_FORMAT, p->count);
}

/* Read a label written by AppendLabel (palloc'd bytes; *len -1 for null) */
static const char *
ReadLabel(CrmReader *r, int32 *len)
{
	StringInfoData label;

	if (CrmReadLiteral(r, "null"))
	{
		*len = -1;
		return NULL;
	}
	initStringInfo(&label);
	CrmExpect(r, "\"");
	while (*r->p != '"')
	{
		if (*r->p == '\\')
			r->p++;
		if (*r->p == '\0')
			CrmReadError(r, "unterminated label");
		if (label.len >= MIGRATION_MAX_LABEL)
			CrmReadError(r, "a label is too long");
		appendStringInfoChar(&label, *r->p++);
	}
	r->p++;
	*len = label.len;
	return label.data;
}

/* Read one pair from>to:count into a MigrationPair */
static void
ReadPair(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	MigrationPair *p = element;

	p->from = ReadLabel(r, &p->from_len);
	CrmExpect(r, ">");
	p->to = ReadLabel(r, &p->to_len);
	CrmExpect(r, ":");
	p->count = CrmReadCount(r);
}

PG_FUNCTION_INFO_V1(migration_in);
/* Text input: v1 customers=N pairs={"a">"b":n,null>"b":n,...} */
Datum
migration_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(MIGRATION_TYPE, PG_GETARG_CSTRING(0));
	int64		customers;
	MigrationPair *pairs;
	int			n;

	CrmExpectVersion(&r, MIGRATION_VERSION);
	customers = CrmReadKeyCount(&r, "customers");
	pairs = CrmReadList(&r, "pairs", ",", sizeof(MigrationPair), ReadPair, NULL, &n);
	CrmReadEnd(&r);
	qsort(pairs, n, sizeof(MigrationPair), ComparePairs);
	CrmReadCheck(&r, PairsProblem(pairs, n, customers));
	if (n == 0)
		CrmReadCheck(&r, "a matrix counts at least one customer");
	PG_RETURN_POINTER(MigrationOfPairs(pairs, n, customers));
}

PG_FUNCTION_INFO_V1(migration_out);
/* Text output (exact, round-trips; pairs sorted) */
Datum
migration_out(PG_FUNCTION_ARGS)
{
	Migration  *m = DatumGetMigrationP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d customers=" INT64_FORMAT, MIGRATION_VERSION, m->customers);
	CrmAppendList(&buf, "pairs", ",", SortedPairs(m), sizeof(MigrationPair), m->n_pairs,
				  WritePair, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/* Send a label: its length (-1 for NULL) and bytes */
static void
SendLabel(StringInfo buf, const char *label, int32 len)
{
	pq_sendint32(buf, len);
	if (len > 0)
		pq_sendbytes(buf, label, len);
}

/* Receive a label sent by SendLabel (bytes checked for the server encoding) */
static const char *
RecvLabel(StringInfo buf, int32 *len)
{
	char	   *label;

	*len = (int32) pq_getmsgint(buf, 4);
	if (*len < 0)
	{
		if (*len != -1)
			CrmBinaryError(MIGRATION_TYPE, "invalid label length");
		return NULL;
	}
	if (*len > MIGRATION_MAX_LABEL || *len > buf->len - buf->cursor)
		CrmBinaryError(MIGRATION_TYPE, "invalid label length");
	label = palloc(*len + 1);
	pq_copymsgbytes(buf, label, *len);
	label[*len] = '\0';
	pg_verifymbstr(label, *len, false);
	return label;
}

PG_FUNCTION_INFO_V1(migration_send);
/* Binary output: version, flags, customers, pairs (sorted) */
Datum
migration_send(PG_FUNCTION_ARGS)
{
	Migration  *m = DatumGetMigrationP(PG_GETARG_DATUM(0));
	MigrationPair *pairs = SortedPairs(m);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, MIGRATION_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint64(&buf, m->customers);
	pq_sendint32(&buf, m->n_pairs);
	for (int32 i = 0; i < m->n_pairs; i++)
	{
		SendLabel(&buf, pairs[i].from, pairs[i].from_len);
		SendLabel(&buf, pairs[i].to, pairs[i].to_len);
		pq_sendint64(&buf, pairs[i].count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(migration_recv);
/* Binary input (checked as the text input is) */
Datum
migration_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		customers;
	int32		n;
	MigrationPair *pairs;

	CrmRecvVersion(buf, MIGRATION_TYPE, MIGRATION_VERSION);
	if (pq_getmsgbyte(buf) != 0)
		CrmBinaryError(MIGRATION_TYPE, "reserved flags are not zero");
	customers = pq_getmsgint64(buf);
	/* a pair is at least two lengths and a count */
	n = CrmRecvLength(buf, MIGRATION_TYPE, 16, "pairs");
	if (n == 0 || n > MIGRATION_MAX_PAIRS)
		CrmBinaryError(MIGRATION_TYPE, "invalid number of pairs");
	pairs = palloc(sizeof(MigrationPair) * n);
	for (int32 i = 0; i < n; i++)
	{
		pairs[i].from = RecvLabel(buf, &pairs[i].from_len);
		pairs[i].to = RecvLabel(buf, &pairs[i].to_len);
		pairs[i].count = pq_getmsgint64(buf);
	}
	qsort(pairs, n, sizeof(MigrationPair), ComparePairs);
	CrmBinaryCheck(MIGRATION_TYPE, PairsProblem(pairs, n, customers));
	PG_RETURN_POINTER(MigrationOfPairs(pairs, n, customers));
}

PG_FUNCTION_INFO_V1(migration_table);
/* crm.migration_table(m): (from_label, to_label, customers, row_share), sorted */
Datum
migration_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Migration  *m = DatumGetMigrationP(PG_GETARG_DATUM(0));
	MigrationPair *pairs = SortedPairs(m);
	int32		row_start = 0;

	InitMaterializedSRF(fcinfo, 0);
	while (row_start < m->n_pairs)
	{
		int32		row_end = row_start;
		int64		row_total = 0;

		/* the pairs of one from label are adjacent */
		while (row_end < m->n_pairs &&
			   CompareLabels(pairs[row_end].from, pairs[row_end].from_len,
							 pairs[row_start].from, pairs[row_start].from_len) == 0)
			row_total += pairs[row_end++].count;
		for (int32 i = row_start; i < row_end; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {pairs[i].from_len < 0, pairs[i].to_len < 0, false, false};

			CHECK_FOR_INTERRUPTS();
			values[0] = nulls[0] ? (Datum) 0 : PointerGetDatum(cstring_to_text_with_len(pairs[i].from, pairs[i].from_len));
			values[1] = nulls[1] ? (Datum) 0 : PointerGetDatum(cstring_to_text_with_len(pairs[i].to, pairs[i].to_len));
			values[2] = Int64GetDatum(pairs[i].count);
			values[3] = Float8GetDatum((float8) pairs[i].count / (float8) row_total);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		row_start = row_end;
	}
	return (Datum) 0;
}

/* Append a label as a JSON string, or null */
static void
AppendJsonLabel(StringInfo buf, const char *label, int32 len)
{
	if (len < 0)
		appendStringInfoString(buf, "null");
	else
		escape_json(buf, pnstrdup(label, len));
}

PG_FUNCTION_INFO_V1(migration_jsonb);
/* crm.migration_jsonb(m): {"customers": N, "pairs": [{"from", "to", "customers", "row_share"}, ...]} */
Datum
migration_jsonb(PG_FUNCTION_ARGS)
{
	Migration  *m = DatumGetMigrationP(PG_GETARG_DATUM(0));
	MigrationPair *pairs = SortedPairs(m);
	StringInfoData buf;
	int32		row_start = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"customers\": " INT64_FORMAT ", \"pairs\": [", m->customers);
	while (row_start < m->n_pairs)
	{
		int32		row_end = row_start;
		int64		row_total = 0;

		while (row_end < m->n_pairs &&
			   CompareLabels(pairs[row_end].from, pairs[row_end].from_len,
							 pairs[row_start].from, pairs[row_start].from_len) == 0)
			row_total += pairs[row_end++].count;
		for (int32 i = row_start; i < row_end; i++)
		{
			CHECK_FOR_INTERRUPTS();
			appendStringInfoString(&buf, i > 0 ? ", {\"from\": " : "{\"from\": ");
			AppendJsonLabel(&buf, pairs[i].from, pairs[i].from_len);
			appendStringInfoString(&buf, ", \"to\": ");
			AppendJsonLabel(&buf, pairs[i].to, pairs[i].to_len);
			appendStringInfo(&buf, ", \"customers\": " INT64_FORMAT ", \"row_share\": ", pairs[i].count);
			CrmAppendFloat8(&buf, (float8) pairs[i].count / (float8) row_total);
			appendStringInfoChar(&buf, '}');
		}
		row_start = row_end;
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
