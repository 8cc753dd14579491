/*
 * clv_ops.c
 *		The registry of the model kinds: from a kind (the byte stored in a
 *		model value) or an SQL type name to the kind's table of operations
 *		(clv_ops.h).  The kinds are listed once, in clv_kinds.h; each table
 *		is checked for the mistakes a new one is likely to have the first time
 *		the registry is used in a backend.
 */
#include "crm.h"
#include "clv_ops.h"

/* Every kind's table, indexed by its number (NULL where no kind has one) */
static const ClvModelOps *const ClvRegistry[] = {
#define CLV_KIND(name, number, ops) [number] = &ops,
#include "clv_kinds.h"
#undef CLV_KIND
};

/* Why the table registered under number is inconsistent, or NULL */
static const char *
TableProblem(const ClvModelOps *ops, int number)
{
	const ClvModelSpec *spec = &ops->spec;

	if ((int) spec->kind != number)
		return "its spec.kind is not its number in clv_kinds.h";
	if (spec->type_name == NULL || spec->title == NULL)
		return "it has no type_name or title";
	if (spec->n_params < 1 || spec->n_params > CLV_MAX_PARAMS)
		return "n_params is not between 1 and CLV_MAX_PARAMS";
	for (int i = 0; i < spec->n_params; i++)
		if (spec->param_names[i] == NULL)
			return "a parameter has no name";
	if (ops->start == NULL || ops->prepare == NULL || ops->loglik == NULL)
		return "start, prepare and loglik are required";
	if (ops->skip.skips != NULL &&
		(ops->skip.customers == NULL || ops->skip.detail == NULL || ops->skip.hint == NULL))
		return "a skip rule needs its customers, detail and hint";
	for (int i = 0; i < (int) lengthof(ClvRegistry); i++)
		if (ClvRegistry[i] != NULL && i != number &&
			strcmp(ClvRegistry[i]->spec.type_name, spec->type_name) == 0)
			return "another kind has the same type_name";
	return NULL;
}

/*
 * Raise an internal error, once per backend, when a registered table is
 * inconsistent (a new kind's table copied from another and not fully
 * adapted, say)
 */
static void
CheckRegistry(void)
{
	static bool checked = false;

	if (checked)
		return;
	for (int i = 0; i < (int) lengthof(ClvRegistry); i++)
	{
		const char *problem = ClvRegistry[i] ? TableProblem(ClvRegistry[i], i) : NULL;

		if (problem != NULL)
			elog(ERROR, "model kind %d (%s): %s", i,
				 ClvRegistry[i]->spec.title ? ClvRegistry[i]->spec.title : "?", problem);
	}
	checked = true;
}

/* The table of a kind number, or NULL when no kind has that number */
const ClvModelOps *
ClvFindOps(int kind)
{
	CheckRegistry();
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
	CheckRegistry();
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
