/*
 * clv_ops.c
 *		The registry of the model kinds: from a kind (the byte stored in a
 *		model value) or an SQL type name to the kind's table of operations
 *		(clv_ops.h).  The kinds are listed once, in clv_kinds.h.
 */
#include "crm.h"
#include "clv_ops.h"

/* Every kind's table, indexed by its number (NULL where no kind has one) */
static const ClvModelOps *const ClvRegistry[] = {
#define CLV_KIND(name, number, ops) [number] = &ops,
#include "clv_kinds.h"
#undef CLV_KIND
};

/* The table of a kind number, or NULL when no kind has that number */
const ClvModelOps *
ClvFindOps(int kind)
{
	if (kind < 0 || kind >= (int) lengthof(ClvRegistry))
		return NULL;
	return ClvRegistry[kind];
}

/* The table of a kind; elog(ERROR) for an unknown kind */
const ClvModelOps *
ClvOpsOf(ClvModelKind kind)
{
	const ClvModelOps *ops = ClvFindOps((int) kind);

	if (ops == NULL)
		elog(ERROR, "unknown model kind %d", (int) kind);
	return ops;
}

/* The table of the kind whose SQL type is named type_name, or NULL */
const ClvModelOps *
ClvFindOpsByType(const char *type_name)
{
	for (int i = 0; i < (int) lengthof(ClvRegistry); i++)
		if (ClvRegistry[i] != NULL && strcmp(ClvRegistry[i]->spec.type_name, type_name) == 0)
			return ClvRegistry[i];
	return NULL;
}

/* The description of a kind */
const ClvModelSpec *
ClvSpec(ClvModelKind kind)
{
	return &ClvOpsOf(kind)->spec;
}
