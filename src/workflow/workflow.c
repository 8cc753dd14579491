/*
 * workflow.c
 *		C support of the scheduled workflows (src/workflow/workflow.sql): moving a
 *		customer-summary state to a later as_of, so that an incremental
 *		scorecard refresh merges the stored states with the states of the
 *		new transactions only.
 *
 * A state built over the rows up to as_of A holds exactly what a state with
 * as_of B > A would hold over the same rows (no row of the log lies in
 * (A, B] of that state): only the as_of day, from which T and
 * days_since_last are computed, differs.  Advancing it and merging the state
 * of the rows in (A, B] built with as_of B gives the state of all rows up
 * to B.
 *
 * It also holds the rule of the model registry's scopes (crm.can_register):
 * a scope that reads as two identifiers, schema.table, belongs to that table,
 * and only roles that may write the table register models for it.
 */
#include "crm.h"
#include "calendar.h"
#include "summary_state.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* Raise 22023 unless the state can move to as_of day (date rows, no holdout window, not backwards) */
static void
CheckAdvance(const SummaryState *s, int32 day)
{
	if (s->flags & SUMMARY_FLAG_TIMESTAMP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot advance a summary state of timestamptz rows"),
				 errhint("Build the states from date rows (cast the purchase time to date).")));
	if (s->holdout_day != s->as_of_day || s->n_holdout_periods != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot advance a summary state with a holdout window"),
				 errhint("Build the states with holdout_end = calibration_end.")));
	if (day < s->as_of_day)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of \"%s\" is before the state's as_of \"%s\"",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(s->as_of_day))))));
}

/* crm.summary_advance(state, as_of date): the state of the same rows with a later as_of */
PG_FUNCTION_INFO_V1(summary_advance);
Datum
summary_advance(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32		day = CheckFiniteDate(PG_GETARG_DATEADT(1), "as_of");
	SummaryState *out;

	CheckAdvance(s, day);
	out = (SummaryState *) palloc(VARSIZE(s));
	memcpy(out, s, VARSIZE(s));
	out->as_of_day = day;
	out->holdout_day = day;
	PG_RETURN_POINTER(out);
}

/* True for a byte that may start an unquoted identifier (parse_ident's rule) */
static bool
IsIdentStart(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || IS_HIGHBIT_SET(c);
}

/* True for a byte that may continue an unquoted identifier */
static bool
IsIdentCont(unsigned char c)
{
	return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$';
}

/*
 * Read one identifier at p (surrounding white space skipped): quoted, with ""
 * for a quote, or unquoted and folded to lower case; truncated to a name.
 * Returns the position after it, or NULL if there is none (never raises).
 */
static const char *
ScopeIdentifier(const char *p, char **ident)
{
	StringInfoData buf;

	while (scanner_isspace(*p))
		p++;
	initStringInfo(&buf);
	if (*p == '"')
	{
		for (p++;; p++)
		{
			if (*p == '\0')
				return NULL;	/* unterminated */
			if (*p == '"')
			{
				if (p[1] != '"')
					break;
				p++;
			}
			appendStringInfoChar(&buf, *p);
		}
		p++;
		if (buf.len == 0)
			return NULL;		/* "" is no identifier */
		truncate_identifier(buf.data, buf.len, false);
		*ident = buf.data;
	}
	else
	{
		const char *start = p;

		if (!IsIdentStart((unsigned char) *p))
			return NULL;
		while (IsIdentCont((unsigned char) *p))
			p++;
		*ident = downcase_truncate_identifier(start, p - start, false);
	}
	while (scanner_isspace(*p))
		p++;
	return p;
}

/* The table a scope names when it reads as schema.table (InvalidOid otherwise or if there is none); sets *is_table */
static Oid
ScopeTable(const char *scope, bool *is_table)
{
	char	   *schema;
	char	   *table;
	const char *p = ScopeIdentifier(scope, &schema);
	Oid			nsp;

	*is_table = false;
	if (p == NULL || *p != '.')
		return InvalidOid;
	p = ScopeIdentifier(p + 1, &table);
	if (p == NULL || *p != '\0')
		return InvalidOid;
	*is_table = true;
	/* pg_temp is this session's temporary schema; no schema privilege is checked */
	if (strcmp(schema, "pg_temp") == 0)
		nsp = LookupExplicitNamespace(schema, true);
	else
		nsp = get_namespace_oid(schema, true);
	return OidIsValid(nsp) ? get_relname_relid(table, nsp) : InvalidOid;
}

/* True if the role owns the relation (is a member with its privileges) or holds INSERT and DELETE on it */
static bool
RoleMayWrite(Oid roleid, Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		return false;			/* dropped meanwhile */
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	if (has_privs_of_role(roleid, owner))
		return true;
	return pg_class_aclcheck(relid, roleid, ACL_INSERT) == ACLCHECK_OK &&
		pg_class_aclcheck(relid, roleid, ACL_DELETE) == ACLCHECK_OK;
}

/*
 * crm.can_register(role name, scope text): whether models of role may stand
 * for scope.  NULL and scopes that do not read as schema.table (labels) are
 * open to every role; a table scope only to roles that may write that table,
 * which must exist.
 */
PG_FUNCTION_INFO_V1(can_register);
Datum
can_register(PG_FUNCTION_ARGS)
{
	bool		is_table;
	Oid			relid;
	Oid			roleid;

	if (PG_ARGISNULL(1))
		PG_RETURN_BOOL(true);
	relid = ScopeTable(text_to_cstring(PG_GETARG_TEXT_PP(1)), &is_table);
	if (!is_table)
		PG_RETURN_BOOL(true);
	if (!OidIsValid(relid) || PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	roleid = get_role_oid(NameStr(*PG_GETARG_NAME(0)), true);
	PG_RETURN_BOOL(OidIsValid(roleid) && RoleMayWrite(roleid, relid));
}
