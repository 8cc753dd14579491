/*
 * value_spec.c
 *		The validation rules the customer-value types share: fractions, kind
 *		names and the tiers (cut points and names) of a pyramid or ABC spec.
 */
#include "crm.h"
#include "value.h"

#include <math.h>

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
