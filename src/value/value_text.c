/*
 * value_text.c
 *		Readers and writers of the customer-value types' one-line text forms
 *		(crm.concentration, crm.value_fit_state, crm.value_tier_model,
 *		crm.value_potential_model), and the validation rules they share.
 *
 * Lists are written " key={a,b,...}", numbers in their shortest exact form
 * so that every value round-trips; names are double-quoted with '"' and
 * '\' escaped by a backslash.  Malformed text is 22P02 with a detail.
 */
#include "crm.h"
#include "value.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "utils/float.h"

/* Raise 22000/22023 unless a fraction is finite and in (0, 1]; what names it */
void
CheckFraction(float8 fraction, const char *what)
{
	CheckFinite(fraction, what);
	if (!(fraction > 0 && fraction <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be in (0, 1], not %s", what, float8out_internal(fraction))));
}

/* Name of a kind in text forms */
const char *
ValueKindName(uint8 kind)
{
	switch (kind)
	{
		case VALUE_KIND_CONCENTRATION:
			return "concentration";
		case VALUE_KIND_PYRAMID:
			return "pyramid";
		case VALUE_KIND_ABC:
			return "abc";
		case VALUE_KIND_POTENTIAL:
			return "potential";
		default:
			return NULL;
	}
}

/* The i-th name (0-based) of k NUL-terminated names */
const char *
ValueNameAt(const char *names, int i)
{
	while (i-- > 0)
		names += strlen(names) + 1;
	return names;
}

/* Why a spec is not a valid set of tiers, or NULL */
const char *
ValueSpecProblem(const ValueSpec *spec)
{
	int32		used = 0;

	if (spec->n_tiers < VALUE_MIN_TIERS || spec->n_tiers > VALUE_MAX_TIERS)
		return psprintf("there must be between %d and %d tiers, not %d",
						VALUE_MIN_TIERS, VALUE_MAX_TIERS, spec->n_tiers);
	for (int i = 0; i < spec->n_tiers; i++)
	{
		float8		cut = spec->cuts[i];

		if (!(cut > 0 && cut <= 1))
			return psprintf("cut point %d must be in (0, 1], not %s",
							i + 1, float8out_internal(cut));
		if (i > 0 && cut <= spec->cuts[i - 1])
			return psprintf("cut points must be strictly increasing: cut point %d (%s) is not above cut point %d (%s)",
							i + 1, float8out_internal(cut), i,
							float8out_internal(spec->cuts[i - 1]));
	}
	if (spec->cuts[spec->n_tiers - 1] != 1)
		return psprintf("the last cut point must be 1 (the tiers cover everyone), not %s",
						float8out_internal(spec->cuts[spec->n_tiers - 1]));
	for (int i = 0; i < spec->n_tiers; i++)
	{
		const char *name = spec->names + used;
		int32		len;

		if (used >= spec->names_size)
			return "there must be one name per tier";
		len = strnlen(name, spec->names_size - used);
		if (used + len >= spec->names_size)
			return "names must be terminated";
		if (len == 0)
			return psprintf("tier %d has an empty name", i + 1);
		for (int j = 0; j < i; j++)
			if (strcmp(ValueNameAt(spec->names, j), name) == 0)
				return psprintf("tier names must be distinct: \"%s\" is used twice", name);
		used += len + 1;
	}
	if (used != spec->names_size)
		return "there must be one name per tier";
	return NULL;
}

/* Raise 22P02 for the text being read, with why as the detail */
void
ValueSyntaxError(const ValueReader *r, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", r->type_name, r->input),
			 errdetail("%s.", why)));
}

/* Consume literal at the read position; false (and nothing consumed) if absent */
bool
ValueTryLiteral(ValueReader *r, const char *literal)
{
	size_t		len = strlen(literal);

	if (strncmp(r->p, literal, len) != 0)
		return false;
	r->p += len;
	return true;
}

/* Consume literal or raise 22P02 */
void
ValueExpectLiteral(ValueReader *r, const char *literal)
{
	if (!ValueTryLiteral(r, literal))
		ValueSyntaxError(r, psprintf("expected \"%s\"", literal));
}

/* Read a float8 (normalizing -0 to 0) */
float8
ValueReadFloat(ValueReader *r)
{
	char	   *end;
	float8		value;

	if (!CrmParseFloat8(r->p, &end, &value))
		ValueSyntaxError(r, "expected a number");
	r->p = end;
	return value + 0.0;
}

/* Read a non-negative whole number */
int64
ValueReadCount(ValueReader *r)
{
	char	   *end;
	long long	count;

	if (!isdigit((unsigned char) *r->p))
		ValueSyntaxError(r, "expected a count");
	errno = 0;
	count = strtoll(r->p, &end, 10);
	if (errno != 0)
		ValueSyntaxError(r, "count out of range");
	r->p = end;
	return (int64) count;
}

/* Read the separator before element i of a list: nothing before the first, "," after */
static bool
ListContinues(ValueReader *r, int i)
{
	if (ValueTryLiteral(r, "}"))
		return false;
	if (i > 0)
		ValueExpectLiteral(r, ",");
	return true;
}

/* Read " key={a,b,...}" of float8; *n gets their number */
float8 *
ValueReadFloatList(ValueReader *r, const char *key, int *n)
{
	int			allocated = 8;
	float8	   *values = (float8 *) palloc(sizeof(float8) * allocated);

	ValueExpectLiteral(r, psprintf(" %s={", key));
	for (*n = 0; ListContinues(r, *n); (*n)++)
	{
		if (*n >= allocated)
		{
			allocated *= 2;
			values = repalloc(values, sizeof(float8) * allocated);
		}
		values[*n] = ValueReadFloat(r);
	}
	return values;
}

/* Read " key={a,b,...}" of non-negative whole numbers; *n gets their number */
int64 *
ValueReadCountList(ValueReader *r, const char *key, int *n)
{
	int			allocated = 8;
	int64	   *values = (int64 *) palloc(sizeof(int64) * allocated);

	ValueExpectLiteral(r, psprintf(" %s={", key));
	for (*n = 0; ListContinues(r, *n); (*n)++)
	{
		if (*n >= allocated)
		{
			allocated *= 2;
			values = repalloc(values, sizeof(int64) * allocated);
		}
		values[*n] = ValueReadCount(r);
	}
	return values;
}

/* Read " key={"a","b",...}"; *n gets the number of names, *size their bytes */
char *
ValueReadNames(ValueReader *r, const char *key, int *n, int32 *size)
{
	StringInfoData names;

	initStringInfo(&names);
	ValueExpectLiteral(r, psprintf(" %s={", key));
	for (*n = 0; ListContinues(r, *n); (*n)++)
	{
		ValueExpectLiteral(r, "\"");
		while (*r->p != '"')
		{
			if (*r->p == '\\')
				r->p++;
			if (*r->p == '\0')
				ValueSyntaxError(r, "unterminated name");
			appendStringInfoChar(&names, *r->p++);
		}
		r->p++;
		appendStringInfoChar(&names, '\0');
	}
	*size = names.len;
	return names.data;
}

/* Append a float8 in its shortest exact form (-0 as 0, as the reader reads it) */
void
ValueAppendFloat(StringInfo buf, float8 v)
{
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v + 0.0, digits);
	appendStringInfoString(buf, digits);
}

/* Append " key={a,b,...}" of float8 in their shortest exact form */
void
ValueAppendFloats(StringInfo buf, const char *key, const float8 *v, int n)
{
	appendStringInfo(buf, " %s={", key);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		ValueAppendFloat(buf, v[i]);
	}
	appendStringInfoChar(buf, '}');
}

/* Append " key={a,b,...}" of whole numbers */
void
ValueAppendCounts(StringInfo buf, const char *key, const int64 *v, int n)
{
	appendStringInfo(buf, " %s={", key);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%s" INT64_FORMAT, i > 0 ? "," : "", v[i]);
	appendStringInfoChar(buf, '}');
}

/* Append " key={"a","b",...}" with " and \ escaped by a backslash */
void
ValueAppendNames(StringInfo buf, const char *key, const char *names, int n)
{
	appendStringInfo(buf, " %s={", key);
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
