/*
 * rfm_score.c
 *		The crm.rfm type: an RFM score (R, F and M, each 1..9) stored by value
 *		as the cell number 100*R + 10*F + M (see rfm.h).  Text and binary
 *		I/O, the type modifier crm.rfm(k) (k bins per dimension), comparison
 *		and hashing for btree/hash operator classes, accessors, the
 *		constructor and the casts to and from integer.
 *
 * Text form: three digits, compact ('543') or separated by single hyphens
 * ('5-4-3'), with optional surrounding whitespace; output is always compact.
 *
 * Error codes, each raised by one helper below:
 *	- 22P02 malformed text (wrong shape, a digit 0, other characters);
 *	- 22P03 malformed binary (a byte outside 1..9);
 *	- 22003 a well-formed score that does not fit the type modifier, however
 *	  it arrives: the length-coercion cast ('999'::crm.rfm(5), INSERT into a
 *	  crm.rfm(5) column), text input with a typmod (COPY) and binary input
 *	  with a typmod all raise the same error, as numeric(p,s) does; also a
 *	  constructor argument or a cell number outside the valid range;
 *	- 22023 a type modifier other than one integer 2..9.
 */
#include "crm.h"
#include "crm_io.h"
#include "rfm.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"

/* Number of characters of the compact text form ("543") */
#define RFM_COMPACT_LEN 3
/* Number of characters of the hyphenated text form ("5-4-3") */
#define RFM_HYPHEN_LEN 5

pg_noreturn static void RfmShapeError(const char *input, const char *text, int len);

/* True if score is a valid score of one dimension (1..9) */
static inline bool
RfmScoreInRange(int score)
{
	return score >= 1 && score <= RFM_MAX_BINS;
}

/* The score of a digit character of input, raising 22P02 unless it is 1..9 */
static int
CheckRfmDigit(const char *input, char c)
{
	int			score = c - '0';

	if (!RfmScoreInRange(score))
		CrmSyntaxError("crm.rfm", input, "Each score must be between 1 and 9");
	return score;
}

/* True if c is an ASCII decimal digit (whatever the locale) */
static inline bool
IsAsciiDigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Raise 22P02 explaining why text of len bytes has not the shape of a score */
static void
RfmShapeError(const char *input, const char *text, int len)
{
	int			digits = 0;

	for (int i = 0; i < len; i++)
	{
		if (IsAsciiDigit(text[i]))
			digits++;
		else if (text[i] != '-')
			CrmSyntaxError("crm.rfm", input, "Only digits and hyphens may appear, as in \"543\" or \"5-4-3\"");
	}
	if (digits != 3)
		CrmSyntaxError("crm.rfm", input, "A score has three digits R, F and M");
	CrmSyntaxError("crm.rfm", input, "Hyphens must separate single digits, as in \"5-4-3\"");
}

/* Parse '543' or '5-4-3' (surrounding whitespace allowed), raising 22P02 */
static RfmScore
ParseRfmText(const char *input)
{
	const char *start = input;
	const char *end = input + strlen(input);
	int			len;

	while (start < end && isspace((unsigned char) *start))
		start++;
	while (end > start && isspace((unsigned char) end[-1]))
		end--;
	len = (int) (end - start);

	if (len == RFM_COMPACT_LEN &&
		IsAsciiDigit(start[0]) && IsAsciiDigit(start[1]) &&
		IsAsciiDigit(start[2]))
		return RfmMake(CheckRfmDigit(input, start[0]),
					   CheckRfmDigit(input, start[1]),
					   CheckRfmDigit(input, start[2]));
	if (len == RFM_HYPHEN_LEN &&
		IsAsciiDigit(start[0]) && start[1] == '-' &&
		IsAsciiDigit(start[2]) && start[3] == '-' &&
		IsAsciiDigit(start[4]))
		return RfmMake(CheckRfmDigit(input, start[0]),
					   CheckRfmDigit(input, start[2]),
					   CheckRfmDigit(input, start[4]));
	RfmShapeError(input, start, len);
}

/* Raise 22P03 unless a received score byte is 1..9 */
static int
CheckRfmByte(int score)
{
	if (!RfmScoreInRange(score))
		CrmBinaryError("crm.rfm", psprintf("Each score must be between 1 and 9, not %d", score));
	return score;
}

/* Raise 22003 unless a constructor argument (named by dim) is 1..9 */
static int
CheckRfmScore(int32 score, const char *dim)
{
	if (!RfmScoreInRange(score))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score %d is out of range for type crm.rfm",
						dim, score),
				 errdetail("Each score must be between 1 and 9.")));
	return (int) score;
}

/* Raise 22003 unless cell is a cell number 100R+10F+M with digits 1..9 */
static RfmScore
CheckRfmCell(int32 cell)
{
	if (cell < 100 || cell > 999 ||
		!RfmScoreInRange(RfmF(cell)) || !RfmScoreInRange(RfmM(cell)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("cell number %d is out of range for type crm.rfm",
						cell),
				 errdetail("A cell number has three digits R, F and M, each between 1 and 9.")));
	return (RfmScore) cell;
}

/* Raise 22023 unless k is a number of bins (2..9): crm.rfm(k), crm.rfm_fit */
int32
CheckRfmBins(int32 k)
{
	if (k < RFM_MIN_BINS || k > RFM_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of bins must be between %d and %d, not %d",
						RFM_MIN_BINS, RFM_MAX_BINS, k)));
	return k;
}

/* Raise 22003 if a score exceeds the bins of typmod (-1: no modifier) */
static void
CheckRfmTypmod(RfmScore s, int32 typmod)
{
	const char *dims[3] = {"R", "F", "M"};
	int			scores[3] = {RfmR(s), RfmF(s), RfmM(s)};

	if (typmod < 0)
		return;
	for (int i = 0; i < 3; i++)
	{
		if (scores[i] > typmod)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%d\" is out of range for type crm.rfm(%d)",
							s, typmod),
					 errdetail("Score %d (%s) exceeds the %d bins of crm.rfm(%d).",
							   scores[i], dims[i], typmod, typmod)));
	}
}

/* Parse the text form of crm.rfm, checked against the typmod if given */
PG_FUNCTION_INFO_V1(rfm_in);
Datum
rfm_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;
	RfmScore	s = ParseRfmText(input);

	CheckRfmTypmod(s, typmod);
	PG_RETURN_RFM(s);
}

/* Text form of crm.rfm: always the compact three digits */
PG_FUNCTION_INFO_V1(rfm_out);
Datum
rfm_out(PG_FUNCTION_ARGS)
{
	RfmScore	s = PG_GETARG_RFM(0);

	PG_RETURN_CSTRING(psprintf("%d", (int) s));
}

/* Read the binary form (bytes R, F, M), checked against the typmod if given */
PG_FUNCTION_INFO_V1(rfm_recv);
Datum
rfm_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;
	int			r = CheckRfmByte(pq_getmsgbyte(buf));
	int			f = CheckRfmByte(pq_getmsgbyte(buf));
	int			m = CheckRfmByte(pq_getmsgbyte(buf));
	RfmScore	s = RfmMake(r, f, m);

	CheckRfmTypmod(s, typmod);
	PG_RETURN_RFM(s);
}

/* Binary form of crm.rfm: three bytes R, F, M */
PG_FUNCTION_INFO_V1(rfm_send);
Datum
rfm_send(PG_FUNCTION_ARGS)
{
	RfmScore	s = PG_GETARG_RFM(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) RfmR(s));
	pq_sendbyte(&buf, (uint8) RfmF(s));
	pq_sendbyte(&buf, (uint8) RfmM(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Type modifier of crm.rfm(k): exactly one integer k, 2..9 */
PG_FUNCTION_INFO_V1(rfm_typmod_in);
Datum
rfm_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *tl;
	int			n;

	tl = ArrayGetIntegerTypmods(ta, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.rfm takes one type modifier, the number of bins, not %d",
						n)));
	PG_RETURN_INT32(CheckRfmBins(tl[0]));
}

/* Text form of a crm.rfm type modifier: "(k)" */
PG_FUNCTION_INFO_V1(rfm_typmod_out);
Datum
rfm_typmod_out(PG_FUNCTION_ARGS)
{
	int32		typmod = PG_GETARG_INT32(0);

	if (typmod < 0)
		PG_RETURN_CSTRING(pstrdup(""));
	PG_RETURN_CSTRING(psprintf("(%d)", typmod));
}

/* Length-coercion cast crm.rfm -> crm.rfm(k): 22003 if a score exceeds k */
PG_FUNCTION_INFO_V1(rfm_enforce_typmod);
Datum
rfm_enforce_typmod(PG_FUNCTION_ARGS)
{
	RfmScore	s = PG_GETARG_RFM(0);

	/* explicit and implicit casts alike: a score is never truncated */
	CheckRfmTypmod(s, PG_GETARG_INT32(1));
	PG_RETURN_RFM(s);
}

/* Three-way comparison of two scores, by cell number (btree support) */
PG_FUNCTION_INFO_V1(rfm_cmp);
Datum
rfm_cmp(PG_FUNCTION_ARGS)
{
	RfmScore	a = PG_GETARG_RFM(0);
	RfmScore	b = PG_GETARG_RFM(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

/* a = b */
PG_FUNCTION_INFO_V1(rfm_eq);
Datum
rfm_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) == PG_GETARG_RFM(1));
}

/* a <> b */
PG_FUNCTION_INFO_V1(rfm_ne);
Datum
rfm_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) != PG_GETARG_RFM(1));
}

/* a < b */
PG_FUNCTION_INFO_V1(rfm_lt);
Datum
rfm_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) < PG_GETARG_RFM(1));
}

/* a <= b */
PG_FUNCTION_INFO_V1(rfm_le);
Datum
rfm_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) <= PG_GETARG_RFM(1));
}

/* a > b */
PG_FUNCTION_INFO_V1(rfm_gt);
Datum
rfm_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) > PG_GETARG_RFM(1));
}

/* a >= b */
PG_FUNCTION_INFO_V1(rfm_ge);
Datum
rfm_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_RFM(0) >= PG_GETARG_RFM(1));
}

/* 32-bit hash of a score (hash support 1) */
PG_FUNCTION_INFO_V1(rfm_hash);
Datum
rfm_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_RFM(0));
}

/* Seeded 64-bit hash of a score (hash support 2, hash partitioning) */
PG_FUNCTION_INFO_V1(rfm_hash_extended);
Datum
rfm_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_RFM(0),
								PG_GETARG_INT64(1));
}

/* crm.r(score): the recency score */
PG_FUNCTION_INFO_V1(rfm_r);
Datum
rfm_r(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RfmR(PG_GETARG_RFM(0)));
}

/* crm.f(score): the frequency score */
PG_FUNCTION_INFO_V1(rfm_f);
Datum
rfm_f(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RfmF(PG_GETARG_RFM(0)));
}

/* crm.m(score): the monetary score */
PG_FUNCTION_INFO_V1(rfm_m);
Datum
rfm_m(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RfmM(PG_GETARG_RFM(0)));
}

/* crm.rfm_cell(score): the cell number 100R+10F+M (also the integer cast) */
PG_FUNCTION_INFO_V1(rfm_cell);
Datum
rfm_cell(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) PG_GETARG_RFM(0));
}

/* crm.rfm(r, f, m): the score with these three scores, 22003 outside 1..9 */
PG_FUNCTION_INFO_V1(rfm_make);
Datum
rfm_make(PG_FUNCTION_ARGS)
{
	int			r = CheckRfmScore(PG_GETARG_INT32(0), "R");
	int			f = CheckRfmScore(PG_GETARG_INT32(1), "F");
	int			m = CheckRfmScore(PG_GETARG_INT32(2), "M");

	PG_RETURN_RFM(RfmMake(r, f, m));
}

/* crm.rfm(cell): the score of a cell number (the integer -> crm.rfm cast) */
PG_FUNCTION_INFO_V1(rfm_from_cell);
Datum
rfm_from_cell(PG_FUNCTION_ARGS)
{
	PG_RETURN_RFM(CheckRfmCell(PG_GETARG_INT32(0)));
}
