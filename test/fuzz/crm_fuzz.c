/*
 * crm_fuzz -- mutation fuzzer of the text input and binary receive functions
 * of crm's types, run against a live server through libpq.
 *
 * Usage: crm_fuzz SECONDS SEED FAILURE_LOG [TYPE ...]
 *
 * The database named by the libpq environment (PGHOST, PGPORT, PGDATABASE
 * ...) holds fuzz_seed(type, value) -- valid values made by the extension --
 * and fuzz_use(type, expr) -- expressions over $1 that use a value.  For each
 * type the program reads its seeds in text and binary (send) form, then
 * feeds mutated inputs to the type's input function (a text parameter
 * `$1::crm.TYPE`) and receive function (the same parameter sent in binary
 * format): first every truncation of every seed and, in the binary forms,
 * corrupted integers and floats at every offset of the smallest seed, then
 * random stacked mutations until the type's share of SECONDS is spent.
 *
 * Each input must either be accepted -- and then print, re-read and print
 * again to the same text, survive send/recv, and let every fuzz_use
 * expression run or fail cleanly -- or be rejected with a clean error: an
 * SQLSTATE of class 22 (data exception), 08P01 (protocol violation, what
 * PostgreSQL raises for short binary messages) or 54000 (program limit
 * exceeded).  A lost connection (a crashed backend), an internal error
 * (XX000), a timeout or any other SQLSTATE is a failure, written with the
 * input in hex to FAILURE_LOG.  One "test fuzz_TYPE ... ok|FAILED" line per
 * type; exit status 1 on any failure.  Deterministic: the mutations of a type
 * depend only on SEED and the type's name (the time budget only decides how
 * many of them run).
 */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define MAX_SEEDS 16
#define MAX_USES 16
#define MAX_INPUT (256 * 1024)
#define MAX_STATES 24
#define FAILURES_SHOWN 5
#define SYSTEMATIC_CORRUPTIONS 7
#define MAX_TOKENS 4096

/* A byte string (text inputs are NUL-terminated as well) */
typedef struct Bytes
{
	char	   *data;			/* the bytes, malloc'ed, one spare NUL */
	int			len;			/* number of bytes */
} Bytes;

/* One SQLSTATE and how often it came back */
typedef struct StateCount
{
	char		state[6];		/* the SQLSTATE */
	long		count;			/* number of rejections with it */
} StateCount;

/* Everything known about the type under test, and its tallies */
typedef struct Target
{
	char		name[64];		/* type name in schema crm */
	unsigned int oid;			/* its pg_type oid */
	int			nseeds;			/* number of seeds */
	Bytes		text[MAX_SEEDS];	/* seeds, text form */
	Bytes		bin[MAX_SEEDS];	/* seeds, binary (send) form */
	int			nuses;			/* number of use expressions */
	char	   *uses[MAX_USES]; /* use expressions over $1 */
	int			ntokens;		/* tokens of the smallest text seed */
	int			token_start[MAX_TOKENS];	/* where each token starts */
	int			token_end[MAX_TOKENS];	/* and ends */
	long		cases[2];		/* inputs tried, text and binary */
	long		accepted[2];	/* inputs accepted, text and binary */
	long		failures;		/* failed checks */
	long		timeouts;		/* uses cancelled by statement_timeout */
	long		systematic_done;	/* systematic cases run */
	long		systematic_total;	/* systematic cases there are */
	int			nstates;		/* distinct rejection SQLSTATEs */
	StateCount	states[MAX_STATES]; /* rejection SQLSTATEs */
} Target;

static PGconn *conn;
static FILE *failure_log;
static uint64_t rng_state;

/* Next value of the splitmix64 generator */
static uint64_t
Random64(void)
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n) (0 when n <= 0) */
static int
RandomBelow(int n)
{
	return n <= 0 ? 0 : (int) (Random64() % (uint64_t) n);
}

/* Seconds on the monotonic clock */
static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stop with a message (set-up errors, not findings) */
static void
Die(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Allocate or die */
static void *
Alloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		Die("out of memory");
	return p;
}

/* A Bytes holding a copy of len bytes */
static Bytes
BytesCopy(const char *data, int len)
{
	Bytes		b;

	b.data = Alloc(len + 1);
	memcpy(b.data, data, len);
	b.data[len] = '\0';
	b.len = len;
	return b;
}

/* Replace bytes [pos, pos + del) of b by len bytes of data */
static void
BytesSplice(Bytes *b, int pos, int del, const char *data, int len)
{
	char	   *out;

	if (b->len - del + len > MAX_INPUT)
		return;
	out = Alloc(b->len - del + len + 1);
	memcpy(out, b->data, pos);
	memcpy(out + pos, data, len);
	memcpy(out + pos + len, b->data + pos + del, b->len - pos - del);
	b->len = b->len - del + len;
	out[b->len] = '\0';
	free(b->data);
	b->data = out;
}

/* Connect (retrying while a crashed server recovers) and set limits */
static void
Connect(void)
{
	int			tries;

	if (conn)
		PQfinish(conn);
	for (tries = 0; tries < 120; tries++)
	{
		conn = PQconnectdb("");
		if (PQstatus(conn) == CONNECTION_OK)
		{
			PGresult   *r = PQexec(conn, "SET statement_timeout = '1s'; SET client_min_messages = error");

			PQclear(r);
			return;
		}
		PQfinish(conn);
		conn = NULL;
		sleep(1);
	}
	Die("cannot connect to the server");
}

/* Run a query with text parameters and results, or die */
static PGresult *
QueryOrDie(const char *sql, int nparams, const char *const *params, int result_format)
{
	PGresult   *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, result_format);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		Die("%s: %s", sql, PQerrorMessage(conn));
	return r;
}

/* Special numbers spliced into text inputs */
static const char *const special_numbers[] = {
	"NaN", "nan", "Infinity", "-Infinity", "inf", "-1", "0", "-0", "1", "2", "1e308", "1e309",
	"-1e308", "4.9e-324", "1e-400", "2147483647", "2147483648", "-2147483649",
	"9223372036854775807", "9223372036854775808", "-9223372036854775809",
	"18446744073709551616", "99999999999999999999999999999999", "0.5", "1.5", "0x10", "1_0",
	"+5", "00000000001", "1e", ".", "-", "", " ", "1.7976931348623157e308",
	"294276-12-31", "4713-01-01 BC", "infinity", "-infinity", "1999-02-29", "1 month",
	"-1 days", "1000000 years", "true", "false", "null", "\"\"", "{}", "[]"
};
#define N_SPECIAL_NUMBERS ((int) (sizeof(special_numbers) / sizeof(special_numbers[0])))

/* Characters likely to matter to the parsers */
static const char syntax_chars[] = "0123456789-+.,:;{}[]=/ eEnNaIfvxtu\"\\\t";

/* Start and end of the token (run of non-delimiters) around pos */
static void
TokenAt(const Bytes *b, int pos, int *start, int *end)
{
	const char *delims = " ,;:{}[]=\"";

	*start = pos;
	while (*start > 0 && !strchr(delims, b->data[*start - 1]))
		(*start)--;
	*end = pos;
	while (*end < b->len && !strchr(delims, b->data[*end]))
		(*end)++;
}

/* Find the tokens (runs of non-delimiters) of the first text seed */
static void
FindTokens(Target *t)
{
	const Bytes *b = &t->text[0];
	int			pos = 0;

	t->ntokens = 0;
	while (pos < b->len && t->ntokens < MAX_TOKENS)
	{
		int			start,
					end;

		TokenAt(b, pos, &start, &end);
		if (end > start)
		{
			t->token_start[t->ntokens] = start;
			t->token_end[t->ntokens++] = end;
		}
		pos = end + 1;
	}
}

/* Read the type's oid, seeds (both forms) and use expressions */
static void
LoadTarget(Target *t)
{
	char		qualified[80];
	const char *params[1];
	PGresult   *r;
	int			i;

	snprintf(qualified, sizeof(qualified), "crm.%s", t->name);
	params[0] = qualified;
	r = QueryOrDie("SELECT $1::regtype::oid", 1, params, 0);
	t->oid = (unsigned int) strtoul(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);

	params[0] = t->name;
	r = QueryOrDie("SELECT value, crm_fuzz_send(type, value) FROM fuzz_seed WHERE type = $1 ORDER BY length(value), value",
				   1, params, 1);
	t->nseeds = PQntuples(r) < MAX_SEEDS ? PQntuples(r) : MAX_SEEDS;
	if (t->nseeds == 0)
		Die("no seeds for type %s", t->name);
	for (i = 0; i < t->nseeds; i++)
	{
		t->text[i] = BytesCopy(PQgetvalue(r, i, 0), PQgetlength(r, i, 0));
		t->bin[i] = BytesCopy(PQgetvalue(r, i, 1), PQgetlength(r, i, 1));
	}
	PQclear(r);
	FindTokens(t);

	r = QueryOrDie("SELECT expr FROM fuzz_use WHERE type = $1 ORDER BY expr", 1, params, 0);
	t->nuses = PQntuples(r) < MAX_USES ? PQntuples(r) : MAX_USES;
	for (i = 0; i < t->nuses; i++)
		t->uses[i] = strdup(PQgetvalue(r, i, 0));
	PQclear(r);
}

/* Write bytes as hex to the failure log */
static void
LogHex(const char *label, const char *data, int len)
{
	int			i;

	fprintf(failure_log, "  %s (%d bytes): ", label, len);
	for (i = 0; i < len; i++)
		fprintf(failure_log, "%02x", (unsigned char) data[i]);
	fputc('\n', failure_log);
}

/* Record a failed check on an input */
static void
Fail(Target *t, int binary, const Bytes *input, const char *what, const char *detail)
{
	t->failures++;
	if (t->failures <= FAILURES_SHOWN)
		printf("    %s (%s input of %d bytes): %s\n", what, binary ? "binary" : "text",
			   input->len, detail ? detail : "");
	fprintf(failure_log, "crm.%s, %s input: %s: %s\n", t->name, binary ? "binary" : "text",
			what, detail ? detail : "");
	if (!binary)
		fprintf(failure_log, "  text: %.2000s\n", input->data);
	LogHex("hex", input->data, input->len);
	fflush(failure_log);
}

/* Count a rejection's SQLSTATE */
static void
CountState(Target *t, const char *state)
{
	int			i;

	for (i = 0; i < t->nstates; i++)
		if (strcmp(t->states[i].state, state) == 0)
		{
			t->states[i].count++;
			return;
		}
	if (t->nstates < MAX_STATES)
	{
		snprintf(t->states[t->nstates].state, sizeof(t->states[0].state), "%s", state);
		t->states[t->nstates++].count = 1;
	}
}

/* Is this SQLSTATE a clean rejection of bad input? */
static bool
CleanState(const char *state)
{
	return strncmp(state, "22", 2) == 0 || strcmp(state, "08P01") == 0 ||
		strcmp(state, "54000") == 0;
}

/*
 * Judge an error result: returns true for a clean error; otherwise records
 * the failure (a lost connection is a crash: reconnect).
 */
static bool
JudgeError(Target *t, int binary, const Bytes *input, PGresult *r, const char *stage)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char		detail[600];

	if (PQstatus(conn) != CONNECTION_OK)
	{
		snprintf(detail, sizeof(detail), "%s: connection lost (server crash?): %.400s", stage,
				 PQerrorMessage(conn));
		Fail(t, binary, input, "crash", detail);
		Connect();
		return false;
	}
	if (state && CleanState(state))
		return true;
	snprintf(detail, sizeof(detail), "%s: SQLSTATE %s: %.400s", stage, state ? state : "(none)",
			 PQresultErrorMessage(r));
	Fail(t, binary, input, "unclean error", detail);
	return false;
}

/* Run the check query on one input: the value's text and its send form */
static PGresult *
RunCheck(Target *t, const char *data, int len, int binary)
{
	char		sql[256];
	const char *values[1] = {data};
	int			lengths[1] = {len};
	int			formats[1] = {binary};
	unsigned int types[1] = {t->oid};

	snprintf(sql, sizeof(sql),
			 "SELECT x::text, x FROM (SELECT $1::crm.%s AS x) s", t->name);
	return PQexecParams(conn, sql, 1, types, values, lengths, formats, 1);
}

/* Run every use expression on an accepted value (given by its text) */
static void
RunUses(Target *t, int binary, const Bytes *input, const char *text)
{
	int			i;

	for (i = 0; i < t->nuses; i++)
	{
		char		sql[512];
		const char *values[1] = {text};
		unsigned int types[1] = {t->oid};
		PGresult   *r;

		snprintf(sql, sizeof(sql), "SELECT %s", t->uses[i]);
		r = PQexecParams(conn, sql, 1, types, values, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
		{
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			char		stage[600];

			snprintf(stage, sizeof(stage), "use %s", t->uses[i]);
			if (state && strcmp(state, "57014") == 0)
			{
				/* slow on a strange but valid value: noted, not a failure */
				t->timeouts++;
				fprintf(failure_log, "crm.%s: (not a failure) %s cancelled after 1 s on %s\n",
						t->name, stage, text);
			}
			else
				JudgeError(t, binary, input, r, stage);
		}
		PQclear(r);
	}
}

/* Try one input on the input (binary = 0) or receive (1) function */
static void
TryInput(Target *t, const Bytes *input, int binary)
{
	PGresult   *r;
	char	   *text;
	char	   *sent;
	int			sent_len;

	t->cases[binary]++;
	r = RunCheck(t, input->data, input->len, binary);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		if (JudgeError(t, binary, input, r, "input"))
			CountState(t, PQresultErrorField(r, PG_DIAG_SQLSTATE));
		PQclear(r);
		return;
	}
	t->accepted[binary]++;
	text = strndup(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0));
	sent_len = PQgetlength(r, 0, 1);
	sent = Alloc(sent_len);
	memcpy(sent, PQgetvalue(r, 0, 1), sent_len);
	PQclear(r);

	/* the text form is read back to the same text */
	r = RunCheck(t, text, strlen(text), 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		if (JudgeError(t, binary, input, r, "input of the output text"))
			Fail(t, binary, input, "round trip", PQresultErrorMessage(r));
	}
	else if (strcmp(PQgetvalue(r, 0, 0), text) != 0)
	{
		char		detail[1200];

		snprintf(detail, sizeof(detail), "text does not round-trip: %.500s | %.500s", text,
				 PQgetvalue(r, 0, 0));
		Fail(t, binary, input, "round trip", detail);
	}
	PQclear(r);

	/* the send form is received back to the same value */
	r = RunCheck(t, sent, sent_len, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		if (JudgeError(t, binary, input, r, "receive of the send form"))
			Fail(t, binary, input, "round trip", PQresultErrorMessage(r));
	}
	else if (strcmp(PQgetvalue(r, 0, 0), text) != 0)
		Fail(t, binary, input, "round trip", "send/recv changes the value");
	PQclear(r);
	free(sent);

	RunUses(t, binary, input, text);
	free(text);
}

/* Apply one random mutation to a text input (never introduces NUL) */
static void
MutateText(Bytes *b, const Target *t)
{
	int			pos = RandomBelow(b->len + 1);
	int			n = 1 + RandomBelow(8);
	int			start,
				end;
	char		c;

	if (n > b->len - pos)
		n = b->len - pos;
	switch (RandomBelow(12))
	{
		case 0:					/* flip a bit */
			if (pos < b->len)
			{
				b->data[pos] ^= (char) (1 << RandomBelow(7));
				if (b->data[pos] == '\0')
					b->data[pos] = '0';
			}
			break;
		case 1:					/* replace a character */
			c = syntax_chars[RandomBelow(sizeof(syntax_chars) - 1)];
			BytesSplice(b, pos, pos < b->len ? 1 : 0, &c, 1);
			break;
		case 2:					/* delete a few characters */
			BytesSplice(b, pos, n, "", 0);
			break;
		case 3:					/* insert a character */
			c = syntax_chars[RandomBelow(sizeof(syntax_chars) - 1)];
			BytesSplice(b, pos, 0, &c, 1);
			break;
		case 4:					/* duplicate a few characters */
			{
				char	   *copy = strndup(b->data + pos, n);

				BytesSplice(b, pos, 0, copy, n);
				free(copy);
			}
			break;
		case 5:					/* truncate */
			b->len = pos;
			b->data[pos] = '\0';
			break;
		case 6:					/* replace a token by a special number */
		case 7:
			{
				const char *s = special_numbers[RandomBelow(N_SPECIAL_NUMBERS)];

				TokenAt(b, pos, &start, &end);
				BytesSplice(b, start, end - start, s, strlen(s));
			}
			break;
		case 8:					/* remove a space-separated field */
		case 9:					/* duplicate it */
			{
				start = pos;
				while (start > 0 && b->data[start - 1] != ' ')
					start--;
				end = pos;
				while (end < b->len && b->data[end] != ' ')
					end++;
				if (end < b->len)
					end++;
				if (RandomBelow(2) == 0)
					BytesSplice(b, start, end - start, "", 0);
				else
				{
					char	   *copy = strndup(b->data + start, end - start);

					BytesSplice(b, end, 0, copy, end - start);
					free(copy);
				}
			}
			break;
		case 10:				/* repeat a list element many times */
			{
				int			times = 2 + RandomBelow(RandomBelow(2) ? 10 : 3000);
				int			len;
				char	   *copy;
				int			i;

				start = pos;
				while (start > 0 && !strchr(",;{", b->data[start - 1]))
					start--;
				end = pos;
				while (end < b->len && !strchr(",;}", b->data[end]))
					end++;
				if (end < b->len && b->data[end] != '}')
					end++;
				len = end - start;
				if (len == 0 || (long) len * times > MAX_INPUT / 2)
					break;
				copy = Alloc((size_t) len * times);
				for (i = 0; i < times; i++)
					memcpy(copy + (size_t) i * len, b->data + start, len);
				BytesSplice(b, start, 0, copy, len * times);
				free(copy);
			}
			break;
		default:				/* cross over with another seed */
			{
				const Bytes *other = &t->text[RandomBelow(t->nseeds)];
				int			from = RandomBelow(other->len + 1);

				BytesSplice(b, pos, b->len - pos, other->data + from, other->len - from);
			}
			break;
	}
}

/* Store a big-endian integer of size bytes at pos (if it fits) */
static void
PutBigEndian(Bytes *b, int pos, uint64_t value, int size)
{
	int			i;

	if (pos + size > b->len)
		return;
	for (i = 0; i < size; i++)
		b->data[pos + i] = (char) (value >> (8 * (size - 1 - i)));
}

/* Read a big-endian integer of size bytes at pos (0 if out of range) */
static uint64_t
GetBigEndian(const Bytes *b, int pos, int size)
{
	uint64_t	v = 0;
	int			i;

	if (pos + size > b->len)
		return 0;
	for (i = 0; i < size; i++)
		v = (v << 8) | (unsigned char) b->data[pos + i];
	return v;
}

/* The bits of a double */
static uint64_t
DoubleBits(double d)
{
	uint64_t	v;

	memcpy(&v, &d, sizeof(v));
	return v;
}

/* A special 32-bit value: limits, small counts, the input's length */
static uint32_t
Special32(const Bytes *b)
{
	static const uint32_t values[] = {0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff,
	0xfffffffe, 0xffff, 0x10000, 0x3fffffff, 0x40000000, 1000000};

	switch (RandomBelow(4))
	{
		case 0:
			return (uint32_t) b->len + RandomBelow(9) - 4;
		case 1:
			return (uint32_t) (b->len / 8 + RandomBelow(3));
		default:
			return values[RandomBelow(sizeof(values) / sizeof(values[0]))];
	}
}

/* A special 64-bit pattern: float8 specials and integer limits */
static uint64_t
Special64(void)
{
	static const double doubles[] = {NAN, -NAN, INFINITY, -INFINITY, -0.0, 0.0, -1.0, 1.0,
	DBL_MAX, -DBL_MAX, DBL_MIN, 4.9e-324, 1e300, -1e300, 0.5, 1e-300};
	static const uint64_t ints[] = {0, 1, UINT64_MAX, INT64_MAX, (uint64_t) INT64_MIN,
	0x100000000ULL, 0xffffffffULL, 1000000000000ULL};

	if (RandomBelow(2))
		return DoubleBits(doubles[RandomBelow(sizeof(doubles) / sizeof(doubles[0]))]);
	return ints[RandomBelow(sizeof(ints) / sizeof(ints[0]))];
}

/* Apply one random mutation to a binary input */
static void
MutateBinary(Bytes *b, const Target *t)
{
	int			pos = RandomBelow(b->len + 1);
	int			n = 1 + RandomBelow(16);
	char		buf[64];
	int			i;

	if (n > b->len - pos)
		n = b->len - pos;
	switch (RandomBelow(13))
	{
		case 0:					/* flip a bit */
			if (pos < b->len)
				b->data[pos] ^= (char) (1 << RandomBelow(8));
			break;
		case 1:					/* set a byte */
			if (pos < b->len)
				b->data[pos] = (char) RandomBelow(256);
			break;
		case 2:					/* a special 32-bit integer */
		case 3:
			PutBigEndian(b, pos, Special32(b), 4);
			break;
		case 4:					/* a 32-bit integer off by a little */
			PutBigEndian(b, pos, GetBigEndian(b, pos, 4) + RandomBelow(33) - 16, 4);
			break;
		case 5:					/* a special 64-bit pattern */
		case 6:
			PutBigEndian(b, pos, Special64(), 8);
			break;
		case 7:					/* truncate */
			b->len = pos;
			break;
		case 8:					/* append bytes */
			n = 1 + RandomBelow(sizeof(buf));
			for (i = 0; i < n; i++)
				buf[i] = RandomBelow(2) ? 0 : (char) RandomBelow(256);
			BytesSplice(b, b->len, 0, buf, n);
			break;
		case 9:					/* delete bytes */
			BytesSplice(b, pos, n, "", 0);
			break;
		case 10:				/* duplicate bytes */
			memcpy(buf, b->data + pos, n);
			BytesSplice(b, pos, 0, buf, n);
			break;
		case 11:				/* cross over with another seed */
			{
				const Bytes *other = &t->bin[RandomBelow(t->nseeds)];
				int			from = RandomBelow(other->len + 1);

				BytesSplice(b, pos, b->len - pos, other->data + from, other->len - from);
			}
			break;
		default:				/* random bytes */
			{
				int			len = RandomBelow(2 * b->len + 16);
				char	   *data = Alloc(len);

				for (i = 0; i < len; i++)
					data[i] = (char) RandomBelow(256);
				BytesSplice(b, 0, b->len, data, len);
				free(data);
			}
			break;
	}
}

/* Hash of a string (FNV-1a), to give each type its own stream */
static uint64_t
HashString(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 1099511628211ULL;
	return h;
}

/* The smallest binary seed of a type */
static const Bytes *
SmallestBinary(const Target *t)
{
	const Bytes *small = &t->bin[0];

	for (int s = 1; s < t->nseeds; s++)
		if (t->bin[s].len < small->len)
			small = &t->bin[s];
	return small;
}

/* Number of systematic cases of a type */
static long
SystematicCount(const Target *t)
{
	long		count = (long) SmallestBinary(t)->len * SYSTEMATIC_CORRUPTIONS +
		(long) t->ntokens * N_SPECIAL_NUMBERS;

	for (int s = 0; s < t->nseeds; s++)
		count += t->text[s].len + t->bin[s].len;
	return count;
}

/*
 * Systematic case k of a type: every truncation of every seed (text, then
 * binary); every token of the first (shortest) text seed replaced by each
 * special number; then at every offset of the smallest binary seed a 32-bit
 * -1, INT32_MAX, 65536 or the integer there plus 1, or a float8 NaN, -0 or
 * the smallest subnormal
 */
static Bytes
SystematicCase(const Target *t, long k, int *binary)
{
	const Bytes *small = SmallestBinary(t);
	static const uint32_t corrupt32[] = {0xffffffff, 0x7fffffff, 0x00010000};
	static const double corrupt64[] = {NAN, -0.0, 4.9e-324};
	Bytes		b;

	for (*binary = 0; *binary < 2; (*binary)++)
		for (int s = 0; s < t->nseeds; s++)
		{
			const Bytes *seed = *binary ? &t->bin[s] : &t->text[s];

			if (k < seed->len)
				return BytesCopy(seed->data, (int) k);
			k -= seed->len;
		}
	if (k < (long) t->ntokens * N_SPECIAL_NUMBERS)
	{
		int			token = (int) (k / N_SPECIAL_NUMBERS);
		const char *number = special_numbers[k % N_SPECIAL_NUMBERS];

		*binary = 0;
		b = BytesCopy(t->text[0].data, t->text[0].len);
		BytesSplice(&b, t->token_start[token], t->token_end[token] - t->token_start[token],
					number, strlen(number));
		return b;
	}
	k -= (long) t->ntokens * N_SPECIAL_NUMBERS;
	*binary = 1;
	b = BytesCopy(small->data, small->len);
	if (k % SYSTEMATIC_CORRUPTIONS < 3)
		PutBigEndian(&b, k / SYSTEMATIC_CORRUPTIONS, corrupt32[k % SYSTEMATIC_CORRUPTIONS], 4);
	else if (k % SYSTEMATIC_CORRUPTIONS == 3)
		PutBigEndian(&b, k / SYSTEMATIC_CORRUPTIONS, GetBigEndian(&b, k / SYSTEMATIC_CORRUPTIONS, 4) + 1, 4);
	else
		PutBigEndian(&b, k / SYSTEMATIC_CORRUPTIONS,
					 DoubleBits(corrupt64[k % SYSTEMATIC_CORRUPTIONS - 4]), 8);
	return b;
}

/* A random case: a seed with 1 to 8 stacked mutations */
static Bytes
RandomCase(const Target *t, int *binary)
{
	int			k = 1 + RandomBelow(RandomBelow(4) ? 3 : 8);
	int			seed_no = RandomBelow(t->nseeds);
	Bytes		b;

	*binary = RandomBelow(2);
	b = *binary ? BytesCopy(t->bin[seed_no].data, t->bin[seed_no].len)
		: BytesCopy(t->text[seed_no].data, t->text[seed_no].len);
	while (k-- > 0)
	{
		if (*binary)
			MutateBinary(&b, t);
		else
			MutateText(&b, t);
	}
	return b;
}

/*
 * Fuzz one type until its deadline, alternating systematic and random cases
 * until the systematic ones are done
 */
static void
FuzzTarget(Target *t, double deadline, uint64_t seed)
{
	long		systematic = SystematicCount(t);
	long		next = 0;

	rng_state = seed ^ HashString(t->name);
	for (long i = 0; Now() < deadline; i++)
	{
		int			binary;
		Bytes		b = (i % 2 == 0 && next < systematic) ? SystematicCase(t, next++, &binary)
			: RandomCase(t, &binary);

		TryInput(t, &b, binary);
		free(b.data);
	}
	t->systematic_done = next;
	t->systematic_total = systematic;
}

/* Print the tallies of a type */
static void
Report(const Target *t)
{
	int			i;

	printf("test fuzz_%s ... %s\n", t->name, t->failures == 0 ? "ok" : "FAILED");
	printf("    crm.%s: %ld cases (%ld text, %ld binary; %ld of %ld systematic), %ld accepted and checked, %ld failures, %ld slow uses; rejected:",
		   t->name, t->cases[0] + t->cases[1], t->cases[0], t->cases[1],
		   t->systematic_done, t->systematic_total,
		   t->accepted[0] + t->accepted[1], t->failures, t->timeouts);
	for (i = 0; i < t->nstates; i++)
		printf(" %s %ld", t->states[i].state, t->states[i].count);
	printf("\n");
	fflush(stdout);
}

/* Replay one input (in hex) of a failure log: print its text or error */
static int
Show(const char *type, int binary, const char *hex)
{
	int			len = strlen(hex) / 2;
	char	   *data = Alloc(len + 1);
	unsigned int oid;
	const char *values[1] = {data};
	int			lengths[1] = {len};
	int			formats[1] = {binary};
	char		sql[200];
	PGresult   *r;
	int			i;

	for (i = 0; i < len; i++)
		sscanf(hex + 2 * i, "%2hhx", (unsigned char *) &data[i]);
	data[len] = '\0';
	Connect();
	snprintf(sql, sizeof(sql), "SELECT 'crm.%s'::regtype::oid", type);
	r = QueryOrDie(sql, 0, NULL, 0);
	oid = (unsigned int) strtoul(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	snprintf(sql, sizeof(sql), "SELECT $1::crm.%s::text", type);
	r = PQexecParams(conn, sql, 1, &oid, values, lengths, formats, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		printf("%s\n", PQgetvalue(r, 0, 0));
	else
		printf("%s", PQerrorMessage(conn));
	PQclear(r);
	PQfinish(conn);
	return 0;
}

/* Fuzz the named types (all seeded types when none is named) */
int
main(int argc, char **argv)
{
	double		seconds;
	uint64_t	seed;
	int			ntypes,
				i;
	char	  **names;
	long		total = 0,
				failures = 0;

	if (argc == 5 && strcmp(argv[1], "show") == 0)
		return Show(argv[2], strcmp(argv[3], "binary") == 0, argv[4]);
	if (argc < 4)
		Die("usage: crm_fuzz SECONDS SEED FAILURE_LOG [TYPE ...] | crm_fuzz show TYPE text|binary HEX");
	seconds = atof(argv[1]);
	seed = strtoull(argv[2], NULL, 10);
	failure_log = fopen(argv[3], "w");
	if (failure_log == NULL)
		Die("cannot write %s", argv[3]);
	Connect();

	if (argc > 4)
	{
		ntypes = argc - 4;
		names = argv + 4;
	}
	else
	{
		PGresult   *r = QueryOrDie("SELECT DISTINCT type FROM fuzz_seed ORDER BY type", 0, NULL, 0);

		ntypes = PQntuples(r);
		names = Alloc(sizeof(char *) * ntypes);
		for (i = 0; i < ntypes; i++)
			names[i] = strdup(PQgetvalue(r, i, 0));
		PQclear(r);
	}

	for (i = 0; i < ntypes; i++)
	{
		Target	   *t = calloc(1, sizeof(Target));

		if (t == NULL)
			Die("out of memory");
		snprintf(t->name, sizeof(t->name), "%s", names[i]);
		LoadTarget(t);
		FuzzTarget(t, Now() + seconds / ntypes, seed);
		Report(t);
		total += t->cases[0] + t->cases[1];
		failures += t->failures;
	}
	printf("fuzz: %ld cases over %d types in %.0f s (seed %llu), %ld failures\n",
		   total, ntypes, seconds, (unsigned long long) seed, failures);
	fclose(failure_log);
	PQfinish(conn);
	return failures == 0 ? 0 : 1;
}
