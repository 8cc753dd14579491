/*
 * crm_io.h
 *		The text and binary I/O layer of crm's types: a reader and a writer
 *		of the one-line text forms, and the errors of text input (22P02) and
 *		binary receive (22P03).
 *
 * A text form is a line of fields "key=value" separated by one space, for
 * example
 *	 v1 n=3 total=42.5 cuts={0.2,1} names={"gold","rest"} values={1:2,5:1}
 * Lists are written " key={a,b,...}"; numbers in their shortest exact form
 * (the digits float8out prints with extra_float_digits = 1, and -0 as 0), so
 * that every value reads back bit for bit; names double-quoted with '"' and
 * '\' escaped by a backslash.  The reader is strict: it reads the form the
 * writer writes, and raises 22P02 naming the type and quoting the whole
 * input, with a detail saying what it expected.
 */
#ifndef CRM_IO_H
#define CRM_IO_H

#include "postgres.h"

#include "crm_compat.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"

/* A cursor over the text form of a value of one type */
typedef struct CrmReader
{
	const char *type_name;		/* the SQL type being read, for messages */
	const char *input;			/* the whole text, for messages */
	const char *p;				/* read position */
} CrmReader;

/* One distinct value and how many rows had it (runs of the distribution states) */
typedef struct CrmValueCount
{
	float8		value;			/* the value */
	int64		count;			/* rows with this value */
} CrmValueCount;

/* A reader at the start of input, a text of type type_name */
static inline CrmReader
CrmReaderStart(const char *type_name, const char *input)
{
	CrmReader	r = {type_name, input, input};

	return r;
}

/*
 * Raise 22P02 "invalid input syntax for type <type_name>: "<input>"" with
 * why (lower case, no period) as the detail
 */
pg_noreturn extern void CrmSyntaxError(const char *type_name, const char *input,
									   const char *why);

/* Raise 22P02 for the text a reader reads */
pg_noreturn extern void CrmReadError(const CrmReader *r, const char *why);

/*
 * Raise 22P03 "invalid binary data for type <type_name>" with why as the
 * detail: a wrong version byte, reserved fields not zero, a length beyond
 * the message or an impossible state
 */
pg_noreturn extern void CrmBinaryError(const char *type_name, const char *why);

/* Raise 22P02 for the text a reader reads when problem (why its value is impossible) is set */
extern void CrmReadCheck(const CrmReader *r, const char *problem);

/* Raise 22P03 when problem (why a value received is impossible) is set */
extern void CrmBinaryCheck(const char *type_name, const char *problem);

/* Consume literal at the read position; false (nothing consumed) if absent */
extern bool CrmReadLiteral(CrmReader *r, const char *literal);

/* Consume literal or raise 22P02 ('expected "literal"') */
extern void CrmExpect(CrmReader *r, const char *literal);

/* Consume "key=", preceded by a space unless at the start of the text */
extern void CrmExpectKey(CrmReader *r, const char *key);

/* Consume "v<version>"; another version number is "unsupported version" */
extern void CrmExpectVersion(CrmReader *r, int version);

/* Read a number (NaN and infinities included; -0 read as 0) */
extern float8 CrmReadFloat8(CrmReader *r);

/* Read a finite number */
extern float8 CrmReadFinite(CrmReader *r);

/*
 * Read a decimal integer within [lo, hi]; an optional '-' only when lo < 0
 * (a non-negative range reads a count: digits only)
 */
extern int64 CrmReadInt(CrmReader *r, int64 lo, int64 hi);

/* Read a count: a decimal integer >= 0 within bigint */
#define CrmReadCount(r) CrmReadInt((r), 0, PG_INT64_MAX)

/* Read "key=" (see CrmExpectKey) and an integer within [lo, hi] */
extern int64 CrmReadKeyInt(CrmReader *r, const char *key, int64 lo, int64 hi);

/* Read "key=" and a count */
#define CrmReadKeyCount(r, key) CrmReadKeyInt((r), (key), 0, PG_INT64_MAX)

/* Read "key=" and a number */
extern float8 CrmReadKeyFloat8(CrmReader *r, const char *key);

/* Read a word of lower-case letters and '_' (possibly empty), palloc'd */
extern char *CrmReadWord(CrmReader *r);

/* Read the text up to the next space or the end (possibly empty), palloc'd */
extern char *CrmReadToken(CrmReader *r);

/*
 * Step through a list after its "{": false (and the "}" consumed) at its
 * end, else true with the separator before element i (i > 0) consumed
 */
extern bool CrmReadListNext(CrmReader *r, int i, const char *separator);

/*
 * Make room for element n of a growing array of *allocated elements of
 * elem_size bytes (NULL with *allocated 0 at first); returns the array
 */
extern void *CrmReadGrow(CrmReader *r, void *array, int32 *allocated,
						 int32 n, Size elem_size);

/* Reads one list element into element (zeroed); arg is the caller's */
typedef void (*CrmElementReader) (CrmReader *r, void *element, const void *arg);

/*
 * Read " key={e,e,...}" (elements separated by separator) into a growing
 * palloc'd array of elements of elem_size bytes, each read by read_element;
 * *n gets their number
 */
extern void *CrmReadList(CrmReader *r, const char *key, const char *separator,
						 Size elem_size, CrmElementReader read_element,
						 const void *arg, int *n);

/* Read " key={a,b,...}" of numbers; *n gets their number */
extern float8 *CrmReadFloat8List(CrmReader *r, const char *key, int *n);

/* Read " key={a,b,...}" of integers within [lo, hi]; *n gets their number */
extern int64 *CrmReadIntList(CrmReader *r, const char *key, int64 lo, int64 hi,
							 int *n);

/* Read " key={"a","b",...}"; *n gets the number of names, *size their bytes */
extern char *CrmReadNames(CrmReader *r, const char *key, int *n, int32 *size);

/* Read " key={value:count,...}"; *n gets the number of entries */
extern CrmValueCount *CrmReadRun(CrmReader *r, const char *key, int32 *n);

/* Raise 22P02 unless the whole text has been read */
extern void CrmReadEnd(CrmReader *r);

/* Skip ASCII whitespace (forms that allow it between fields); true if any */
extern bool CrmReadSpaces(CrmReader *r);

/* Append a float8 in its shortest exact form (-0 as 0) */
extern void CrmAppendFloat8(StringInfo buf, float8 value);

/*
 * Append "key=" (preceded by a space unless buf is empty) and a float8 in
 * its shortest exact form
 */
extern void CrmAppendKeyFloat8(StringInfo buf, const char *key, float8 value);

/* Appends one list element; arg is the caller's */
typedef void (*CrmElementWriter) (StringInfo buf, const void *element, const void *arg);

/*
 * Append " key={e,e,...}" (elements separated by separator) of n elements of
 * elem_size bytes, each by write_element
 */
extern void CrmAppendList(StringInfo buf, const char *key, const char *separator,
						  const void *elements, Size elem_size, int n,
						  CrmElementWriter write_element, const void *arg);

/* Append " key={a,b,...}" of float8 in their shortest exact form */
extern void CrmAppendFloat8List(StringInfo buf, const char *key,
								const float8 *values, int n);

/* Append " key={a,b,...}" of bigint */
extern void CrmAppendIntList(StringInfo buf, const char *key, const int64 *values, int n);

/* Append " key={a,b,...}" of integer */
extern void CrmAppendInt32List(StringInfo buf, const char *key, const int32 *values, int n);

/* Append a date (days since 2000-01-01, years 1 to 9999) as YYYY-MM-DD, whatever DateStyle says */
extern void CrmAppendDate(StringInfo buf, int32 day);

/* Read a date YYYY-MM-DD (years 1 to 9999) as days since 2000-01-01 */
extern int32 CrmReadDate(CrmReader *r);

/* Append " key={"a","b",...}" of n NUL-terminated names, '"' and '\' escaped */
extern void CrmAppendNames(StringInfo buf, const char *key, const char *names, int n);

/* Append " key={value:count,...}" of a run */
extern void CrmAppendRun(StringInfo buf, const char *key, const CrmValueCount *run,
						 int32 n);

/*
 * Why a run read from outside does not hold n_rows rows, or NULL: values
 * finite (and >= 0 if nonnegative) and strictly increasing, counts positive
 * and adding up to n_rows
 */
extern const char *CrmRunProblem(const CrmValueCount *run, int32 n, int64 n_rows,
								 bool nonnegative);

/* Read the version byte of a binary form; 22P03 unless it is version */
extern void CrmRecvVersion(StringInfo buf, const char *type_name, uint8 version);

/*
 * Read an element count; 22P03 ("invalid number of <what>") unless it is
 * >= 0 and that many elements of elem_size bytes fit in the rest of the
 * message
 */
extern int32 CrmRecvLength(StringInfo buf, const char *type_name, Size elem_size,
						   const char *what);

/* Send a run: its length, then (value, count) pairs */
extern void CrmSendRun(StringInfo buf, const CrmValueCount *run, int32 n);

/* Receive a run sent by CrmSendRun (values -0 read as 0); *n gets its length */
extern CrmValueCount *CrmRecvRun(StringInfo buf, const char *type_name, int32 *n);

/* Read a float8 of a binary form, -0 as 0 (as the text form reads it) */
static inline float8
CrmRecvFloat8(StringInfo buf)
{
	return pq_getmsgfloat8(buf) + 0.0;
}

#endif							/* CRM_IO_H */
