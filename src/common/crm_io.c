/*
 * crm_io.c
 *		The reader and writer of crm's one-line text forms and the errors of
 *		text input and binary receive (see crm_io.h).
 */
#include "crm.h"
#include "crm_io.h"

#include <math.h>
#include <stdlib.h>

#include "common/shortest_dec.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

/* Raise 22P02 for malformed text of a type, with why as the detail */
void
CrmSyntaxError(const char *type_name, const char *input, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
			 errdetail("%s.", why)));
}

/* Raise 22P02 for the text a reader reads */
void
CrmReadError(const CrmReader *r, const char *why)
{
	CrmSyntaxError(r->type_name, r->input, why);
}

/* Raise 22P03 for a malformed binary value of a type, with why as the detail */
void
CrmBinaryError(const char *type_name, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary data for type %s", type_name),
			 errdetail("%s.", why)));
}

/* Raise 22P02 for the text a reader reads when problem is set */
void
CrmReadCheck(const CrmReader *r, const char *problem)
{
	if (problem != NULL)
		CrmReadError(r, problem);
}

/* Raise 22P03 when problem is set */
void
CrmBinaryCheck(const char *type_name, const char *problem)
{
	if (problem != NULL)
		CrmBinaryError(type_name, problem);
}

/* Consume literal at the read position; false (nothing consumed) if absent */
bool
CrmReadLiteral(CrmReader *r, const char *literal)
{
	size_t		len = strlen(literal);

	if (strncmp(r->p, literal, len) != 0)
		return false;
	r->p += len;
	return true;
}

/* Consume literal or raise 22P02 */
void
CrmExpect(CrmReader *r, const char *literal)
{
	if (!CrmReadLiteral(r, literal))
		CrmReadError(r, psprintf("expected \"%s\"", literal));
}

/* Consume "key=" and then suffix, with a space before unless at the start */
static void
ExpectKeyed(CrmReader *r, const char *key, const char *suffix)
{
	CrmExpect(r, psprintf("%s%s=%s", r->p == r->input ? "" : " ", key, suffix));
}

/* Consume "key=", preceded by a space unless at the start of the text */
void
CrmExpectKey(CrmReader *r, const char *key)
{
	ExpectKeyed(r, key, "");
}

/* Consume "v<version>"; another version number is "unsupported version" */
void
CrmExpectVersion(CrmReader *r, int version)
{
	const char *literal = psprintf("v%d", version);

	if (r->p[0] == 'v' && isdigit((unsigned char) r->p[1]) &&
		(strncmp(r->p, literal, strlen(literal)) != 0 ||
		 isdigit((unsigned char) r->p[strlen(literal)])))
		CrmReadError(r, "unsupported version");
	CrmExpect(r, literal);
}

/*
 * Read a number (NaN and infinities included; -0 read as 0) as float8in
 * reads it (CrmFloat8In, crm_compat.h): correctly rounded, so the shortest
 * exact text reads back bit for bit; a subnormal result is a number, while
 * overflow and underflow to zero are not.  White space and a plus sign,
 * which float8in would skip, are not written, so not read.
 */
float8
CrmReadFloat8(CrmReader *r)
{
	char	   *end;
	float8		value;
	bool		ok;

	if (isspace((unsigned char) *r->p) || *r->p == '+')
		CrmReadError(r, "expected a number");
	value = CrmFloat8In((char *) r->p, &end, &ok);
	if (!ok)
		CrmReadError(r, "expected a number");
	/* float8in skips the spaces after the number too: here they separate fields */
	while (end > r->p && isspace((unsigned char) end[-1]))
		end--;
	r->p = end;
	return value + 0.0;
}

/* Read a finite number */
float8
CrmReadFinite(CrmReader *r)
{
	float8		value = CrmReadFloat8(r);

	if (!isfinite(value))
		CrmReadError(r, "expected a finite number");
	return value;
}

/* Read a decimal integer within [lo, hi] ('-' allowed only when lo < 0) */
int64
CrmReadInt(CrmReader *r, int64 lo, int64 hi)
{
	const char *s = r->p;
	bool		negative = lo < 0 && *s == '-';
	bool		count = lo >= 0;
	uint64		limit = negative ? (uint64) PG_INT64_MAX + 1 : (uint64) PG_INT64_MAX;
	uint64		magnitude = 0;
	int64		value;

	if (negative)
		s++;
	if (!isdigit((unsigned char) *s))
		CrmReadError(r, count ? "expected a count" : "expected an integer");
	for (; isdigit((unsigned char) *s); s++)
	{
		uint64		digit = (uint64) (*s - '0');

		if (magnitude > (limit - digit) / 10)
			CrmReadError(r, count ? "count out of range" : "integer out of range");
		magnitude = magnitude * 10 + digit;
	}
	value = negative ? (int64) (0 - magnitude) : (int64) magnitude;
	if (value < lo || value > hi)
		CrmReadError(r, count ? "count out of range" : "integer out of range");
	r->p = s;
	return value;
}

/* Read "key=" and an integer within [lo, hi] */
int64
CrmReadKeyInt(CrmReader *r, const char *key, int64 lo, int64 hi)
{
	CrmExpectKey(r, key);
	return CrmReadInt(r, lo, hi);
}

/* Read "key=" and a number */
float8
CrmReadKeyFloat8(CrmReader *r, const char *key)
{
	CrmExpectKey(r, key);
	return CrmReadFloat8(r);
}

/* Read a word of lower-case letters and '_' (possibly empty), palloc'd */
char *
CrmReadWord(CrmReader *r)
{
	const char *start = r->p;

	while ((*r->p >= 'a' && *r->p <= 'z') || *r->p == '_')
		r->p++;
	return pnstrdup(start, r->p - start);
}

/* Read the text up to the next space or the end (possibly empty), palloc'd */
char *
CrmReadToken(CrmReader *r)
{
	size_t		len = strcspn(r->p, " ");

	r->p += len;
	return pnstrdup(r->p - len, len);
}

/* Read a double-quoted name, appending it and its terminator to names */
static void
ReadName(CrmReader *r, StringInfo names)
{
	CrmExpect(r, "\"");
	while (*r->p != '"')
	{
		if (*r->p == '\\')
			r->p++;
		if (*r->p == '\0')
			CrmReadError(r, "unterminated name");
		appendStringInfoChar(names, *r->p++);
	}
	r->p++;
	appendStringInfoChar(names, '\0');
}

/* Step through a list after its "{": false at its "}", else the separator before element i read */
bool
CrmReadListNext(CrmReader *r, int i, const char *separator)
{
	if (CrmReadLiteral(r, "}"))
		return false;
	if (i > 0 && !CrmReadLiteral(r, separator))
		CrmReadError(r, psprintf("expected \"%s\" or \"}\"", separator));
	return true;
}

/* Make room for element n of a growing array; returns the array */
void *
CrmReadGrow(CrmReader *r, void *array, int32 *allocated, int32 n, Size elem_size)
{
	if (n < *allocated)
		return array;
	if ((Size) Max(*allocated, 8) > MaxAllocSize / (2 * elem_size))
		CrmReadError(r, "too many elements");
	*allocated = Max(*allocated * 2, 8);
	if (array == NULL)
		return palloc(elem_size * (Size) *allocated);
	return repalloc(array, elem_size * (Size) *allocated);
}

/* Read " key={e,e,...}" into a growing array, each element by read_element */
void *
CrmReadList(CrmReader *r, const char *key, const char *separator, Size elem_size,
			CrmElementReader read_element, const void *arg, int *n)
{
	int32		allocated = 0;
	char	   *elements = CrmReadGrow(r, NULL, &allocated, 0, elem_size);

	ExpectKeyed(r, key, "{");
	for (*n = 0; CrmReadListNext(r, *n, separator); (*n)++)
	{
		elements = CrmReadGrow(r, elements, &allocated, *n, elem_size);
		memset(elements + (Size) *n * elem_size, 0, elem_size);
		read_element(r, elements + (Size) *n * elem_size, arg);
	}
	return elements;
}

/* Read a number into a list element */
static void
ReadFloat8Element(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	*(float8 *) element = CrmReadFloat8(r);
}

/* Read " key={a,b,...}" of numbers; *n gets their number */
float8 *
CrmReadFloat8List(CrmReader *r, const char *key, int *n)
{
	return CrmReadList(r, key, ",", sizeof(float8), ReadFloat8Element, NULL, n);
}

/* Read an integer within the bounds arg points to (int64[2]) into a list element */
static void
ReadIntElement(CrmReader *r, void *element, const void *arg)
{
	*(int64 *) element = CrmReadInt(r, ((const int64 *) arg)[0], ((const int64 *) arg)[1]);
}

/* Read " key={a,b,...}" of integers within [lo, hi]; *n gets their number */
int64 *
CrmReadIntList(CrmReader *r, const char *key, int64 lo, int64 hi, int *n)
{
	int64		bounds[2] = {lo, hi};

	return CrmReadList(r, key, ",", sizeof(int64), ReadIntElement, bounds, n);
}

/* Read " key={"a","b",...}"; *n gets the number of names, *size their bytes */
char *
CrmReadNames(CrmReader *r, const char *key, int *n, int32 *size)
{
	StringInfoData names;

	initStringInfo(&names);
	ExpectKeyed(r, key, "{");
	for (*n = 0; CrmReadListNext(r, *n, ","); (*n)++)
		ReadName(r, &names);
	*size = names.len;
	return names.data;
}

/* Read "value:count" into a list element */
static void
ReadValueCount(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	CrmValueCount *e = (CrmValueCount *) element;

	e->value = CrmReadFloat8(r);
	CrmExpect(r, ":");
	e->count = CrmReadCount(r);
}

/* Read " key={value:count,...}"; *n gets the number of entries */
CrmValueCount *
CrmReadRun(CrmReader *r, const char *key, int32 *n)
{
	return CrmReadList(r, key, ",", sizeof(CrmValueCount), ReadValueCount, NULL, n);
}

/* Raise 22P02 unless the whole text has been read */
void
CrmReadEnd(CrmReader *r)
{
	if (*r->p != '\0')
		CrmReadError(r, "unexpected text at the end");
}

/* Skip ASCII whitespace; true if there was any */
bool
CrmReadSpaces(CrmReader *r)
{
	const char *start = r->p;

	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
	return r->p != start;
}

/* Append a float8 in its shortest exact form (-0 as 0) */
void
CrmAppendFloat8(StringInfo buf, float8 value)
{
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value + 0.0, digits);
	appendStringInfoString(buf, digits);
}

/* Append "key=", preceded by a space unless buf is empty */
static void
AppendKey(StringInfo buf, const char *key)
{
	appendStringInfo(buf, "%s%s=", buf->len > 0 ? " " : "", key);
}

/* Append "key=" and a float8 in its shortest exact form */
void
CrmAppendKeyFloat8(StringInfo buf, const char *key, float8 value)
{
	AppendKey(buf, key);
	CrmAppendFloat8(buf, value);
}

/* Append " key={e,e,...}" of n elements of elem_size bytes, each by write_element */
void
CrmAppendList(StringInfo buf, const char *key, const char *separator, const void *elements,
			  Size elem_size, int n, CrmElementWriter write_element, const void *arg)
{
	AppendKey(buf, key);
	appendStringInfoChar(buf, '{');
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, separator);
		write_element(buf, (const char *) elements + (Size) i * elem_size, arg);
	}
	appendStringInfoChar(buf, '}');
}

/* Append a float8 list element */
static void
WriteFloat8(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	CrmAppendFloat8(buf, *(const float8 *) element);
}

/* Append " key={a,b,...}" of float8 in their shortest exact form */
void
CrmAppendFloat8List(StringInfo buf, const char *key, const float8 *values, int n)
{
	CrmAppendList(buf, key, ",", values, sizeof(float8), n, WriteFloat8, NULL);
}

/* Append a bigint list element */
static void
WriteInt64(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	appendStringInfo(buf, INT64_FORMAT, *(const int64 *) element);
}

/* Append " key={a,b,...}" of bigint */
void
CrmAppendIntList(StringInfo buf, const char *key, const int64 *values, int n)
{
	CrmAppendList(buf, key, ",", values, sizeof(int64), n, WriteInt64, NULL);
}

/* Append an integer list element */
static void
WriteInt32(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	appendStringInfo(buf, "%d", *(const int32 *) element);
}

/* Append " key={a,b,...}" of integer */
void
CrmAppendInt32List(StringInfo buf, const char *key, const int32 *values, int n)
{
	CrmAppendList(buf, key, ",", values, sizeof(int32), n, WriteInt32, NULL);
}

/* Append " key={"a","b",...}" of n NUL-terminated names, '"' and '\' escaped */
void
CrmAppendNames(StringInfo buf, const char *key, const char *names, int n)
{
	AppendKey(buf, key);
	appendStringInfoChar(buf, '{');
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		appendStringInfoChar(buf, '"');
		for (; *names != '\0'; names++)
		{
			if (*names == '"' || *names == '\\')
				appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, *names);
		}
		names++;
		appendStringInfoChar(buf, '"');
	}
	appendStringInfoChar(buf, '}');
}

/* Append "value:count" */
static void
WriteValueCount(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const CrmValueCount *e = (const CrmValueCount *) element;

	CrmAppendFloat8(buf, e->value);
	appendStringInfo(buf, ":" INT64_FORMAT, e->count);
}

/* Append " key={value:count,...}" of a run */
void
CrmAppendRun(StringInfo buf, const char *key, const CrmValueCount *run, int32 n)
{
	CrmAppendList(buf, key, ",", run, sizeof(CrmValueCount), n, WriteValueCount, NULL);
}

/* Why a run read from outside does not hold n_rows rows, or NULL */
const char *
CrmRunProblem(const CrmValueCount *run, int32 n, int64 n_rows, bool nonnegative)
{
	int64		total = 0;

	for (int32 i = 0; i < n; i++)
	{
		if (!isfinite(run[i].value) || (nonnegative && run[i].value < 0))
			return nonnegative ? "values must be finite and >= 0" : "values must be finite";
		if (run[i].count <= 0)
			return "counts must be positive";
		if (total > PG_INT64_MAX - run[i].count)
			return "the counts are out of range for type bigint";
		if (i > 0 && !(run[i - 1].value < run[i].value))
			return "values must be strictly increasing";
		total += run[i].count;
	}
	if (total != n_rows)
		return "the counts must add up to n";
	return NULL;
}

/* Read the version byte of a binary form; 22P03 unless it is version */
void
CrmRecvVersion(StringInfo buf, const char *type_name, uint8 version)
{
	if (pq_getmsgbyte(buf) != version)
		CrmBinaryError(type_name, "unsupported version");
}

/* Read an element count; 22P03 unless that many elements fit in the rest of the message */
int32
CrmRecvLength(StringInfo buf, const char *type_name, Size elem_size, const char *what)
{
	int32		n = (int32) pq_getmsgint(buf, 4);

	if (n < 0 || (Size) n > (Size) (buf->len - buf->cursor) / elem_size)
		CrmBinaryError(type_name, psprintf("invalid number of %s", what));
	return n;
}

/* Send a run: its length, then (value, count) pairs */
void
CrmSendRun(StringInfo buf, const CrmValueCount *run, int32 n)
{
	pq_sendint32(buf, n);
	for (int32 i = 0; i < n; i++)
	{
		pq_sendfloat8(buf, run[i].value);
		pq_sendint64(buf, run[i].count);
	}
}

/* Receive a run sent by CrmSendRun; *n gets its length */
CrmValueCount *
CrmRecvRun(StringInfo buf, const char *type_name, int32 *n)
{
	CrmValueCount *run;

	*n = CrmRecvLength(buf, type_name, sizeof(float8) + sizeof(int64), "values");
	run = (CrmValueCount *) palloc(sizeof(CrmValueCount) * Max(*n, 1));
	for (int32 i = 0; i < *n; i++)
	{
		run[i].value = CrmRecvFloat8(buf);
		run[i].count = pq_getmsgint64(buf);
	}
	return run;
}

/* Append a date (days since 2000-01-01, years 1 to 9999) as YYYY-MM-DD, whatever DateStyle says */
void
CrmAppendDate(StringInfo buf, int32 day)
{
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	appendStringInfo(buf, "%04d-%02d-%02d", year, month, mday);
}

/* Read a date YYYY-MM-DD (years 1 to 9999) as days since 2000-01-01 */
int32
CrmReadDate(CrmReader *r)
{
	int64		year = CrmReadInt(r, 1, 9999);
	int64		month;
	int64		mday;

	CrmExpect(r, "-");
	month = CrmReadInt(r, 1, 12);
	CrmExpect(r, "-");
	mday = CrmReadInt(r, 1, 31);
	if (mday > day_tab[isleap(year)][month - 1])
		CrmReadError(r, "invalid date");
	return date2j((int) year, (int) month, (int) mday) - POSTGRES_EPOCH_JDATE;
}
