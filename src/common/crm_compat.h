/*
 * crm_compat.h
 *		PostgreSQL version differences, all in one place.
 *
 * crm builds and passes its suite on the major versions the version matrix
 * (test/matrix/run, docs/versions.md) tests; other versions are refused at
 * compile time, so that a difference in a server API cannot silently change
 * a result.  Every difference between the supported versions is handled
 * here, behind PG_VERSION_NUM guards; the rest of crm is written against one
 * API (the newest spelling, with a shim for the older servers).
 *
 * Include after postgres.h (crm.h does).
 */
#ifndef CRM_COMPAT_H
#define CRM_COMPAT_H

/*
 * 13 and 14 lack what crm is built on (SQL-standard function bodies in the
 * install script need 14; InitMaterializedSRF, lib/sort_template.h and
 * numeric_is_inf need 15 or 14), and no 14 server with headers could be had
 * to test a port; see docs/versions.md
 */
#if PG_VERSION_NUM < 150000
#error "crm requires PostgreSQL 15 or later (tested: 15, 16, 17, 18; see docs/versions.md)"
#endif
#if PG_VERSION_NUM >= 190000
#error "crm is not yet tested with PostgreSQL 19 or later (tested: 15, 16, 17, 18; see docs/versions.md)"
#endif

#include "utils/float.h"

/*
 * 16 moved the varlena macros (VARSIZE, SET_VARSIZE, VARDATA_ANY, ...) out
 * of postgres.h into varatt.h
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 16 added soft errors: input functions report to an ErrorSaveContext
 * instead of a have_error flag
 */
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif

/*
 * 18 replaced the trailing pg_attribute_noreturn() by pg_noreturn, a
 * function specifier written before the declaration (C11 _Noreturn).  crm
 * writes the 18 form; on older servers it is GCC's attribute, which gcc and
 * clang accept in that place.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * A composite argument as a HeapTupleHeader.  PostgreSQL's
 * PG_GETARG_HEAPTUPLEHEADER expands to a macro over pg_detoast_datum in some
 * minor releases (16.2, 17.10, 18.6) and to an exported function in others
 * (15.20, 17.12): a module built with the headers of one minor release then
 * fails to load into an older one of the same major version ("undefined
 * symbol: DatumGetHeapTupleHeader").  Detoasting, which also flattens an
 * expanded record, is what the macro does.
 */
#define CRM_GETARG_HEAPTUPLEHEADER(n) \
	((HeapTupleHeader) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/*
 * Parse a float8 written as float8in accepts it (the same syntax, NaN and
 * Infinity, subnormal results), without raising: *ok is set false when num
 * does not start with a number or the number is out of range.  With endptr,
 * parsing stops after the number (and trailing spaces) and *endptr points
 * past them; with endptr NULL anything but spaces after the number is an
 * error.  Callers raise their own error (naming their type) when !*ok.
 */
static inline float8
CrmFloat8In(char *num, char **endptr, bool *ok)
{
	float8		value;

#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext;

	memset(&escontext, 0, sizeof(escontext));
	escontext.type = T_ErrorSaveContext;
	value = float8in_internal(num, endptr, "double precision", num,
							  (Node *) &escontext);
	*ok = !escontext.error_occurred;
#else
	bool		have_error = false;

	value = float8in_internal_opt_error(num, endptr, "double precision", num,
										&have_error);
	*ok = !have_error;
#endif
	return value;
}

#endif							/* CRM_COMPAT_H */
