/*
 * rfm_segment.c
 *		RFM segment maps: name a customer's segment from its crm.rfm score.
 *
 * A segment map is an ordered list of rules, each a segment name and an
 * inclusive range lo..hi (within 1..9) of R, of F and of M.  A score gets
 * the name of the first rule whose three ranges contain its R, F and M, and
 * 'Others' if no rule does (the rfm package's rfm_segment()).
 *
 * Maps are built in ('rfm', 'rf_grid'), or given as jsonb, as seven arrays
 * (the rfm package's style) or as a table read with SPI.  Each is compiled
 * into a table from cell number (100R + 10F + M) to its first matching rule:
 * a row costs one lookup.  User maps are cached in fn_extra per call site;
 * jsonb and arrays are re-parsed only when the argument bytes change, a
 * table is re-read only when the relation or the snapshot changes (never
 * per row: nothing calls SPI in a hot path).
 *
 * Errors: 22023 for a malformed map or an unknown built-in map name, 22004
 * for a NULL where a value is required.
 */
#include "crm.h"
#include "rfm.h"

#include <stdlib.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/snapmgr.h"

/* Number of the dimensions R, F and M */
#define SEGMENT_DIMS 3
/* Size of the cell table: cell numbers are 111..999 */
#define SEGMENT_CELLS 1000
/* Number of valid cells (each score 1..9) */
#define SEGMENT_VALID_CELLS (RFM_MAX_BINS * RFM_MAX_BINS * RFM_MAX_BINS)
/* Segment of a score that no rule matches */
#define SEGMENT_OTHERS "Others"
/* Number of arguments of the array form that hold the map */
#define SEGMENT_ARRAY_ARGS 7
/* Bounds of a rule: lo and hi of R, F, M */
#define SEGMENT_BOUNDS (2 * SEGMENT_DIMS)
/* Columns of the result of crm.rfm_segment_rules */
#define SEGMENT_RULES_COLS 8

/* Hint on the form of a jsonb rule */
#define RULE_FORM_HINT "A rule is {\"segment\": \"name\", \"r\": [lo, hi], \"f\": [lo, hi], \"m\": [lo, hi]}."
/* A rule with its R, F and M ranges given in the order R lo-hi, F lo-hi, M lo-hi */
#define RULE(name, rl, rh, fl, fh, ml, mh) {name, {rl, fl, ml}, {rh, fh, mh}}

/* One rule of a segment map */
typedef struct SegmentRule
{
	const char *segment;		/* segment name, not empty */
	int			lo[SEGMENT_DIMS];	/* inclusive lower bounds of R, F, M (1..9) */
	int			hi[SEGMENT_DIMS];	/* inclusive upper bounds of R, F, M (1..9) */
} SegmentRule;

/* A compiled segment map */
typedef struct SegmentMap
{
	text	  **names;			/* each rule's segment name as text */
	text	   *others;			/* the segment of unmatched scores as text */
	int32		cell_rule[SEGMENT_CELLS];	/* first rule matching each cell, -1 for none */
} SegmentMap;

/* A built-in map */
typedef struct BuiltinMap
{
	const char *name;			/* the name that selects it */
	const SegmentRule *rules;	/* its rules, in match order */
	int			nrules;			/* number of rules */
} BuiltinMap;

/* What a table map was read from: the relation and the snapshot (all zero: nothing) */
typedef struct TableKey
{
	Oid			relid;			/* the rules table */
	CommandId	curcid;			/* command id of the snapshot it was read with */
	uint64		completions;	/* transaction completion count of that snapshot */
	TransactionId xmin;			/* xmin of that snapshot */
	TransactionId xmax;			/* xmax of that snapshot */
} TableKey;

/* Per-call-site cache of a user map (fn_extra) */
typedef struct SegmentCache
{
	MemoryContext cxt;			/* holds map and key; reset when rebuilt */
	SegmentMap *map;			/* the compiled map, NULL until built */
	char	   *key;			/* length-prefixed bytes of the arguments it was built from */
	Size		keylen;			/* bytes of key */
	TableKey	table;			/* what a table map was read from (table form) */
} SegmentCache;

/* The rfm package's documented segment table (rfm 0.3.0, rfm_segment()) */
static const SegmentRule RfmPackageRules[] = {
	RULE("Champions", 5, 5, 5, 5, 5, 5),
	RULE("Potential Loyalist", 3, 5, 3, 5, 2, 5),
	RULE("Loyal Customers", 2, 4, 2, 4, 2, 4),
	RULE("Promising", 3, 4, 1, 3, 3, 5),
	RULE("New Customers", 4, 5, 1, 3, 1, 5),
	RULE("Can't Lose Them", 1, 2, 3, 4, 4, 5),
	RULE("At Risk", 1, 2, 2, 5, 4, 5),
	RULE("Need Attention", 1, 3, 3, 5, 3, 5),
	RULE("About To Sleep", 2, 3, 1, 3, 1, 4),
	RULE("Lost", 1, 1, 1, 5, 1, 5),
};

/* The classic 10-cell recency x frequency grid for 5 bins (M ignored) */
static const SegmentRule RfGridRules[] = {
	RULE("Hibernating", 1, 2, 1, 2, 1, 9),
	RULE("At Risk", 1, 2, 3, 4, 1, 9),
	RULE("Can't Lose Them", 1, 2, 5, 5, 1, 9),
	RULE("About To Sleep", 3, 3, 1, 2, 1, 9),
	RULE("Need Attention", 3, 3, 3, 3, 1, 9),
	RULE("Loyal Customers", 3, 4, 4, 5, 1, 9),
	RULE("Promising", 4, 4, 1, 1, 1, 9),
	RULE("New Customers", 5, 5, 1, 1, 1, 9),
	RULE("Potential Loyalists", 4, 5, 2, 3, 1, 9),
	RULE("Champions", 5, 5, 4, 5, 1, 9),
};

/* The built-in maps; the first is the default */
static const BuiltinMap BuiltinMaps[] = {
	{"rfm", RfmPackageRules, lengthof(RfmPackageRules)},
	{"rf_grid", RfGridRules, lengthof(RfGridRules)},
};

/* Compiled built-in maps (TopMemoryContext), built on first use */
static SegmentMap *BuiltinCompiled[lengthof(BuiltinMaps)];

pg_noreturn static void RangeShapeError(const char *where, int dim, JsonbValue *v);

/* Names of the dimensions in messages and JSON keys */
static const char *const DimNames[SEGMENT_DIMS] = {"r", "f", "m"};

/* Names of the array-form arguments, in argument order */
static const char *const ArrayArgNames[SEGMENT_ARRAY_ARGS] =
{"segments", "r_low", "r_high", "f_low", "f_high", "m_low", "m_high"};

/* Names of the six bounds of a rule (array arguments and table columns) */
static const char *const *const BoundNames = ArrayArgNames + 1;

/* Columns of a rules table: position, segment, then the bounds */
static const char *const TableColumns[SEGMENT_RULES_COLS] =
{"position", "segment", "r_low", "r_high", "f_low", "f_high", "m_low", "m_high"};

/* Compile rules into a map allocated in cxt (the rules need not outlive it) */
static SegmentMap *
CompileMap(MemoryContext cxt, const SegmentRule *rules, int nrules)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SegmentMap *map = (SegmentMap *) palloc(sizeof(SegmentMap));
	int			unassigned = SEGMENT_VALID_CELLS;

	map->names = (text **) palloc(sizeof(text *) * nrules);
	map->others = cstring_to_text(SEGMENT_OTHERS);
	for (int c = 0; c < SEGMENT_CELLS; c++)
		map->cell_rule[c] = -1;
	for (int i = 0; i < nrules; i++)
		map->names[i] = cstring_to_text(rules[i].segment);
	/* first match: a cell belongs to the first rule that contains it */
	for (int i = 0; i < nrules && unassigned > 0; i++)
	{
		const SegmentRule *rule = &rules[i];

		CHECK_FOR_INTERRUPTS();
		for (int r = rule->lo[0]; r <= rule->hi[0]; r++)
			for (int f = rule->lo[1]; f <= rule->hi[1]; f++)
				for (int m = rule->lo[2]; m <= rule->hi[2]; m++)
				{
					RfmScore	cell = RfmMake(r, f, m);

					if (map->cell_rule[cell] < 0)
					{
						map->cell_rule[cell] = i;
						unassigned--;
					}
				}
	}
	MemoryContextSwitchTo(old);
	return map;
}

/* The segment of a score under a map, as a new text */
static text *
MatchSegment(const SegmentMap *map, RfmScore score)
{
	const text *name;
	text	   *result;

	if (unlikely(score < 0 || score >= SEGMENT_CELLS))
		elog(ERROR, "invalid crm.rfm value %d", (int) score);
	name = map->cell_rule[score] >= 0 ? map->names[map->cell_rule[score]] : map->others;
	result = (text *) palloc(VARSIZE(name));
	memcpy(result, name, VARSIZE(name));
	return result;
}

/* The built-in map named by name, raising 22023 with the known names otherwise */
static int
FindBuiltinMap(const text *name)
{
	const char *data = VARDATA_ANY(name);
	Size		len = VARSIZE_ANY_EXHDR(name);
	int			nmaps = (int) lengthof(BuiltinMaps);
	StringInfoData known;

	for (int i = 0; i < nmaps; i++)
	{
		if (strlen(BuiltinMaps[i].name) == len && memcmp(BuiltinMaps[i].name, data, len) == 0)
			return i;
	}
	initStringInfo(&known);
	for (int i = 0; i < nmaps; i++)
		appendStringInfo(&known, "%s'%s'", i == 0 ? "" : (i == nmaps - 1 ? " and " : ", "),
						 BuiltinMaps[i].name);
	/* an untyped literal resolves to the text overload: a JSON map lands here */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown segment map \"%s\"", text_to_cstring(name)),
			 len > 0 && (data[0] == '[' || data[0] == '{') ?
			 errhint("To give rules as JSON, cast the literal to jsonb: '[...]'::jsonb.") :
			 errhint("The built-in segment maps are %s; give your own rules as jsonb ('[...]'::jsonb) or as a table ('my_rules'::regclass).",
					 known.data)));
	return -1;					/* keep the compiler quiet */
}

/* The compiled built-in map number i, compiled on first use */
static const SegmentMap *
GetBuiltinMap(int i)
{
	if (BuiltinCompiled[i] == NULL)
		BuiltinCompiled[i] = CompileMap(TopMemoryContext, BuiltinMaps[i].rules,
										BuiltinMaps[i].nrules);
	return BuiltinCompiled[i];
}

/* Raise 22023 unless a map has at least one rule */
static void
CheckRuleCount(int nrules)
{
	if (nrules < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("segment map must have at least one rule")));
}

/* Check a segment name (22023 if empty); where names the rule */
static void
CheckRuleName(const char *where, const char *segment)
{
	if (segment[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: segment name is empty", where)));
}

/* Check one range lo..hi (shown as the user wrote it) and store it in rule */
static void
CheckRuleRange(const char *where, int dim, int64 lo, int64 hi, const char *shown,
			   SegmentRule *rule)
{
	if (lo < 1 || lo > RFM_MAX_BINS || hi < 1 || hi > RFM_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s range %s is outside 1..9", where, DimNames[dim], shown),
				 errdetail("R, F and M scores are 1..9.")));
	if (lo > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s range %s is empty", where, DimNames[dim], shown),
				 errhint("A range is [lo, hi] with lo <= hi, both inclusive.")));
	rule->lo[dim] = (int) lo;
	rule->hi[dim] = (int) hi;
}

/* Check a rule's segment name (NULL if null) and bounds (r_low, r_high, f_low, ...) and store them */
static void
StoreRule(SegmentRule *rule, const char *where, const char *segment, const int64 *bounds,
		  const bool *nulls)
{
	if (segment == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: segment name must not be null", where)));
	CheckRuleName(where, segment);
	rule->segment = segment;
	where = psprintf("%s (\"%s\")", where, segment);
	for (int b = 0; b < SEGMENT_BOUNDS; b++)
		if (nulls[b])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: %s must not be null", where, BoundNames[b])));
	for (int d = 0; d < SEGMENT_DIMS; d++)
		CheckRuleRange(where, d, bounds[2 * d], bounds[2 * d + 1],
					   psprintf("[" INT64_FORMAT ", " INT64_FORMAT "]", bounds[2 * d], bounds[2 * d + 1]),
					   rule);
}

/* JSON text of a jsonb value (scalar or container) */
static char *
JsonbValueText(JsonbValue *v)
{
	if (v->type == jbvBinary)
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
}

/* Raise 22023 for a JSON range that is not [lo, hi] with two integers */
static void
RangeShapeError(const char *where, int dim, JsonbValue *v)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %s range must be an array of two integers [lo, hi], not %s",
					where, DimNames[dim], JsonbValueText(v))));
}

/* Parse the JSON range of dimension dim of a rule ([lo, hi]) into rule */
static void
ParseRangeJsonb(const char *where, int dim, JsonbValue *v, SegmentRule *rule)
{
	JsonbContainer *c;
	int64		bound[2];

	if (v->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: %s range must not be null", where, DimNames[dim]),
				 errhint("Leave the key out for the whole range 1..9.")));
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerSize(v->val.binary.data) != 2)
		RangeShapeError(where, dim, v);
	c = v->val.binary.data;
	for (int k = 0; k < 2; k++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, k);
		char	   *digits;
		char	   *end;

		if (e->type == jbvNull)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: %s range %s must not contain null", where, DimNames[dim],
							JsonbValueText(v))));
		if (e->type != jbvNumeric)
			RangeShapeError(where, dim, v);
		/* normalized numeric text has no decimal point exactly when it is integral */
		digits = numeric_normalize(e->val.numeric);
		bound[k] = (int64) strtoll(digits, &end, 10);	/* clamped to int64 */
		if (*end != '\0')
			RangeShapeError(where, dim, v);
	}
	CheckRuleRange(where, dim, bound[0], bound[1], JsonbValueText(v), rule);
}

/* Parse one rule object of a jsonb map; where is "rule N" */
static void
ParseRuleJsonb(const char *where, JsonbValue *v, SegmentRule *rule)
{
	JsonbContainer *obj;
	JsonbValue	key;
	JsonbValue *seg;
	JsonbValue	tok;
	JsonbIterator *it;
	JsonbIteratorToken r;
	char	   *keyname = NULL;

	if (v->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", where)));
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object, not %s", where, JsonbValueText(v)),
				 errhint(RULE_FORM_HINT)));
	obj = v->val.binary.data;

	key.type = jbvString;
	key.val.string.val = "segment";
	key.val.string.len = strlen("segment");
	seg = findJsonbValueFromContainer(obj, JB_FOBJECT, &key);
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has no segment name", where),
				 errhint(RULE_FORM_HINT)));
	if (seg->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: segment name must not be null", where)));
	if (seg->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: segment name must be a JSON string, not %s", where,
						JsonbValueText(seg))));
	rule->segment = pnstrdup(seg->val.string.val, seg->val.string.len);
	CheckRuleName(where, rule->segment);
	where = psprintf("%s (\"%s\")", where, rule->segment);

	/* a missing range is the whole range 1..9 */
	for (int d = 0; d < SEGMENT_DIMS; d++)
	{
		rule->lo[d] = 1;
		rule->hi[d] = RFM_MAX_BINS;
	}
	it = JsonbIteratorInit(obj);
	while ((r = JsonbIteratorNext(&it, &tok, true)) != WJB_DONE)
	{
		int			dim = -1;

		if (r == WJB_KEY)
		{
			keyname = pnstrdup(tok.val.string.val, tok.val.string.len);
			continue;
		}
		if (r != WJB_VALUE || strcmp(keyname, "segment") == 0)
			continue;
		for (int d = 0; d < SEGMENT_DIMS; d++)
			if (strcmp(keyname, DimNames[d]) == 0)
				dim = d;
		if (dim < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: unknown key \"%s\"", where, keyname),
					 errhint("A rule has the keys \"segment\", \"r\", \"f\" and \"m\" (lower case).")));
		ParseRangeJsonb(where, dim, &tok, rule);
	}
}

/* Parse a jsonb segment map (an array of rule objects) into rules */
static SegmentRule *
ParseRulesJsonb(Jsonb *jb, int *nrules)
{
	SegmentRule *rules;
	int			n;

	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("segment map must be a JSON array of rules, not %s",
						JsonbToCString(NULL, &jb->root, VARSIZE(jb))),
				 errhint(RULE_FORM_HINT)));
	n = JB_ROOT_COUNT(jb);
	CheckRuleCount(n);
	rules = (SegmentRule *) palloc(sizeof(SegmentRule) * n);
	for (int i = 0; i < n; i++)
		ParseRuleJsonb(psprintf("rule %d", i + 1),
					   getIthJsonbValueFromContainer(&jb->root, i), &rules[i]);
	*nrules = n;
	return rules;
}

/* Parse the array form (segments and six bound arrays, one element per rule) into rules */
static SegmentRule *
ParseRulesArrays(ArrayType **arrays, int *nrules)
{
	Datum	   *elems[SEGMENT_ARRAY_ARGS];
	bool	   *nulls[SEGMENT_ARRAY_ARGS];
	int			count[SEGMENT_ARRAY_ARGS];
	SegmentRule *rules;
	int			n;

	for (int a = 0; a < SEGMENT_ARRAY_ARGS; a++)
	{
		CrmArrayLength(arrays[a], ArrayArgNames[a], 0, PG_INT32_MAX);
		if (a == 0)
			deconstruct_array(arrays[a], TEXTOID, -1, false, TYPALIGN_INT,
							  &elems[a], &nulls[a], &count[a]);
		else
			deconstruct_array(arrays[a], INT4OID, sizeof(int32), true, TYPALIGN_INT,
							  &elems[a], &nulls[a], &count[a]);
		if (count[a] != count[0])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("segment map arrays must have the same length"),
					 errdetail("segments has %d elements, %s has %d.",
							   count[0], ArrayArgNames[a], count[a])));
	}
	n = count[0];
	CheckRuleCount(n);
	rules = (SegmentRule *) palloc(sizeof(SegmentRule) * n);
	for (int i = 0; i < n; i++)
	{
		int64		bounds[SEGMENT_BOUNDS];
		bool		bound_nulls[SEGMENT_BOUNDS];

		for (int b = 0; b < SEGMENT_BOUNDS; b++)
		{
			bound_nulls[b] = nulls[b + 1][i];
			bounds[b] = bound_nulls[b] ? 0 : DatumGetInt32(elems[b + 1][i]);
		}
		StoreRule(&rules[i], psprintf("rule %d", i + 1),
				  nulls[0][i] ? NULL : TextDatumGetCString(elems[0][i]), bounds, bound_nulls);
	}
	*nrules = n;
	return rules;
}

/* Check a rules table has the columns of a map, with integer positions and bounds */
static void
CheckRulesTableColumns(Oid relid, const char *relname)
{
	StringInfoData missing;
	int			nmissing = 0;

	initStringInfo(&missing);
	for (int c = 0; c < SEGMENT_RULES_COLS; c++)
	{
		AttrNumber	attnum = get_attnum(relid, TableColumns[c]);
		Oid			type;

		if (attnum == InvalidAttrNumber)
		{
			appendStringInfo(&missing, "%s\"%s\"", nmissing++ ? ", " : "", TableColumns[c]);
			continue;
		}
		type = getBaseType(get_atttype(relid, attnum));
		if (c != 1 && type != INT2OID && type != INT4OID && type != INT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" of segment rules table \"%s\" must be an integer, not %s",
							TableColumns[c], relname, format_type_be(type))));
	}
	if (nmissing > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_plural("segment rules table \"%s\" has no column %s",
							   "segment rules table \"%s\" has no columns %s",
							   nmissing, relname, missing.data),
				 errhint("A segment rules table has the columns position, segment, r_low, r_high, f_low, f_high, m_low and m_high; CREATE TABLE my_rules AS SELECT * FROM crm.rfm_segment_rules('rfm') makes one.")));
}

/* Read the rules of a rules table with SPI (as the caller), in ascending position */
static SegmentRule *
LoadRulesFromTable(Oid relid, int *nrules)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *relname = get_rel_name(relid);
	StringInfoData query;
	SegmentRule *rules;
	int64		position = 0;
	int			n;

	/* a relation without the columns (an index, a sequence) fails the column check */
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	CheckRulesTableColumns(relid, relname);

	initStringInfo(&query);
	appendStringInfo(&query, "SELECT \"position\"::pg_catalog.int8, segment::pg_catalog.text");
	for (int c = 2; c < SEGMENT_RULES_COLS; c++)
		appendStringInfo(&query, ", %s::pg_catalog.int8", quote_identifier(TableColumns[c]));
	appendStringInfo(&query, " FROM %s ORDER BY 1, 2",
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												relname));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* read only: the caller's snapshot, as a STABLE function must */
	if (SPI_execute(query.data, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", query.data);
	n = (int) SPI_processed;
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("segment map must have at least one rule"),
				 errdetail("Segment rules table \"%s\" is empty.", relname)));
	rules = (SegmentRule *) MemoryContextAlloc(caller, sizeof(SegmentRule) * n);
	for (int i = 0; i < n; i++)
	{
		Datum		values[SEGMENT_RULES_COLS];
		bool		nulls[SEGMENT_RULES_COLS];
		int64		bounds[SEGMENT_BOUNDS];

		heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
		if (nulls[0])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("segment rules table \"%s\" has a rule with a null position", relname)));
		for (int b = 0; b < SEGMENT_BOUNDS; b++)
			bounds[b] = nulls[b + 2] ? 0 : DatumGetInt64(values[b + 2]);
		StoreRule(&rules[i], psprintf("rule at position " INT64_FORMAT, DatumGetInt64(values[0])),
				  nulls[1] ? NULL : MemoryContextStrdup(caller, TextDatumGetCString(values[1])),
				  bounds, nulls + 2);
		if (i > 0 && DatumGetInt64(values[0]) == position)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duplicate position " INT64_FORMAT " in segment rules table \"%s\"",
							position, relname),
					 errdetail("Rules \"%s\" and \"%s\" both have position " INT64_FORMAT ".",
							   rules[i - 1].segment, rules[i].segment, position),
					 errhint("Rules are tried in ascending position; give each rule its own.")));
		position = DatumGetInt64(values[0]);
	}
	SPI_finish();
	*nrules = n;
	return rules;
}

/* The cache of this call site, created on first use */
static SegmentCache *
GetSegmentCache(FunctionCallInfo fcinfo)
{
	SegmentCache *cache = (SegmentCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = (SegmentCache *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														sizeof(SegmentCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "crm segment map",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/* True if the varlena args are byte for byte those the cached map was built from */
static bool
CacheKeyMatches(const SegmentCache *cache, const Datum *args, int nargs)
{
	const char *p = cache->key;
	const char *end = cache->key + cache->keylen;

	if (cache->map == NULL || cache->key == NULL)
		return false;
	for (int i = 0; i < nargs; i++)
	{
		const struct varlena *v = (const struct varlena *) DatumGetPointer(args[i]);
		Size		len = VARSIZE_ANY_EXHDR(v);
		Size		keyed;

		if (end - p < (ptrdiff_t) sizeof(Size))
			return false;
		memcpy(&keyed, p, sizeof(Size));
		p += sizeof(Size);
		if (keyed != len || (Size) (end - p) < len || memcmp(p, VARDATA_ANY(v), len) != 0)
			return false;
		p += len;
	}
	return p == end;
}

/* Replace the cached map by a compilation of rules, keyed by the varlena args */
static const SegmentMap *
CacheStore(SegmentCache *cache, const SegmentRule *rules, int nrules,
		   const Datum *args, int nargs)
{
	Size		keylen = 0;
	char	   *p;

	MemoryContextReset(cache->cxt);
	cache->map = NULL;
	memset(&cache->table, 0, sizeof(TableKey));
	for (int i = 0; i < nargs; i++)
		keylen += sizeof(Size) + VARSIZE_ANY_EXHDR(DatumGetPointer(args[i]));
	p = cache->key = (char *) MemoryContextAlloc(cache->cxt, keylen + 1);
	for (int i = 0; i < nargs; i++)
	{
		const struct varlena *v = (const struct varlena *) DatumGetPointer(args[i]);
		Size		len = VARSIZE_ANY_EXHDR(v);

		memcpy(p, &len, sizeof(Size));
		memcpy(p + sizeof(Size), VARDATA_ANY(v), len);
		p += sizeof(Size) + len;
	}
	cache->keylen = keylen;
	cache->map = CompileMap(cache->cxt, rules, nrules);
	return cache->map;
}

/* The key of a table map read now: relid and the active snapshot (zero relid: no snapshot) */
static void
CurrentTableKey(Oid relid, TableKey *key)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	memset(key, 0, sizeof(TableKey));
	if (snap == NULL)
		return;
	key->relid = relid;
	key->curcid = snap->curcid;
	key->completions = snap->snapXactCompletionCount;
	key->xmin = snap->xmin;
	key->xmax = snap->xmax;
}

/* Return the rules of a map as the table of crm.rfm_segment_rules */
static void
EmitRules(FunctionCallInfo fcinfo, const SegmentRule *rules, int nrules)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[SEGMENT_RULES_COLS];
	bool		nulls[SEGMENT_RULES_COLS] = {false};

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < nrules; i++)
	{
		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(rules[i].segment);
		for (int d = 0; d < SEGMENT_DIMS; d++)
		{
			values[2 + 2 * d] = Int32GetDatum(rules[i].lo[d]);
			values[3 + 2 * d] = Int32GetDatum(rules[i].hi[d]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* crm.rfm_segment(score): the segment of a score under the 'rfm' map */
PG_FUNCTION_INFO_V1(rfm_segment_default);
Datum
rfm_segment_default(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(MatchSegment(GetBuiltinMap(0), PG_GETARG_RFM(0)));
}

/* crm.rfm_segment(score, map text): the segment under a built-in map */
PG_FUNCTION_INFO_V1(rfm_segment_builtin);
Datum
rfm_segment_builtin(PG_FUNCTION_ARGS)
{
	int			i = FindBuiltinMap(PG_GETARG_TEXT_PP(1));

	PG_RETURN_TEXT_P(MatchSegment(GetBuiltinMap(i), PG_GETARG_RFM(0)));
}

/* crm.rfm_segment(score, rules jsonb): the segment under a jsonb map, cached per call site */
PG_FUNCTION_INFO_V1(rfm_segment_jsonb);
Datum
rfm_segment_jsonb(PG_FUNCTION_ARGS)
{
	SegmentCache *cache = GetSegmentCache(fcinfo);
	Datum		arg = PointerGetDatum(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1)));
	const SegmentMap *map = cache->map;

	if (!CacheKeyMatches(cache, &arg, 1))
	{
		int			nrules;
		SegmentRule *rules = ParseRulesJsonb(DatumGetJsonbP(arg), &nrules);

		map = CacheStore(cache, rules, nrules, &arg, 1);
	}
	PG_RETURN_TEXT_P(MatchSegment(map, PG_GETARG_RFM(0)));
}

/* crm.rfm_segment(score, segments, r_low, ..., m_high): the rfm package's argument style */
PG_FUNCTION_INFO_V1(rfm_segment_arrays);
Datum
rfm_segment_arrays(PG_FUNCTION_ARGS)
{
	SegmentCache *cache = GetSegmentCache(fcinfo);
	Datum		args[SEGMENT_ARRAY_ARGS];
	const SegmentMap *map = cache->map;

	for (int a = 0; a < SEGMENT_ARRAY_ARGS; a++)
		args[a] = PointerGetDatum(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(a + 1)));
	if (!CacheKeyMatches(cache, args, SEGMENT_ARRAY_ARGS))
	{
		ArrayType  *arrays[SEGMENT_ARRAY_ARGS];
		SegmentRule *rules;
		int			nrules;

		for (int a = 0; a < SEGMENT_ARRAY_ARGS; a++)
			arrays[a] = DatumGetArrayTypeP(args[a]);
		rules = ParseRulesArrays(arrays, &nrules);
		map = CacheStore(cache, rules, nrules, args, SEGMENT_ARRAY_ARGS);
	}
	PG_RETURN_TEXT_P(MatchSegment(map, PG_GETARG_RFM(0)));
}

/* crm.rfm_segment(score, rules regclass): the segment under a rules table (read once per snapshot) */
PG_FUNCTION_INFO_V1(rfm_segment_table);
Datum
rfm_segment_table(PG_FUNCTION_ARGS)
{
	SegmentCache *cache = GetSegmentCache(fcinfo);
	Oid			relid = PG_GETARG_OID(1);
	const SegmentMap *map = cache->map;
	TableKey	key;

	/* re-read when the relation or the snapshot changes (a PL/pgSQL loop) */
	CurrentTableKey(relid, &key);
	if (map == NULL || key.relid == InvalidOid || memcmp(&key, &cache->table, sizeof(key)) != 0)
	{
		int			nrules;
		SegmentRule *rules = LoadRulesFromTable(relid, &nrules);

		map = CacheStore(cache, rules, nrules, NULL, 0);
		cache->table = key;
	}
	PG_RETURN_TEXT_P(MatchSegment(map, PG_GETARG_RFM(0)));
}

/* crm.rfm_segment_rules(map text): the rules of a built-in map as a table */
PG_FUNCTION_INFO_V1(rfm_segment_rules_builtin);
Datum
rfm_segment_rules_builtin(PG_FUNCTION_ARGS)
{
	int			i = FindBuiltinMap(PG_GETARG_TEXT_PP(0));

	EmitRules(fcinfo, BuiltinMaps[i].rules, BuiltinMaps[i].nrules);
	return (Datum) 0;
}

/* crm.rfm_segment_rules(rules jsonb): the rules of a jsonb map as a table (validated) */
PG_FUNCTION_INFO_V1(rfm_segment_rules_jsonb);
Datum
rfm_segment_rules_jsonb(PG_FUNCTION_ARGS)
{
	int			nrules;
	SegmentRule *rules = ParseRulesJsonb(PG_GETARG_JSONB_P(0), &nrules);

	EmitRules(fcinfo, rules, nrules);
	return (Datum) 0;
}
