/*
 * agg_states.c
 *		The memory context of crm's expanded aggregate states
 *		(agg_states.h).
 *
 * The executor keeps an expanded transition value without copying it only
 * when the object's context is a child of the aggregate's context.  One
 * child per state would do, but a hashed aggregate measures its memory
 * after every new group by walking all the children of its context, so
 * with one context per group (a per-customer GROUP BY of a million
 * customers) every new group costs a walk over all the earlier ones: the
 * GROUP BY becomes quadratic.  So all of crm's states of one aggregate
 * context share one child, found through a table keyed by the aggregate
 * context; a callback on the child removes its entry when it goes (with
 * its parent: reset, deleted, or an aborted query's cleanup).
 */
#include "crm.h"
#include "agg_states.h"

#include "utils/hsearch.h"
#include "utils/memutils.h"

/* One aggregate context and the child holding crm's states */
typedef struct StateContextEntry
{
	MemoryContext aggcontext;	/* the key: an aggregate's context */
	MemoryContext states;		/* its child holding crm's states */
} StateContextEntry;

/* What the callback of a states context needs, allocated in that context */
typedef struct StateContextCallback
{
	MemoryContextCallback callback; /* registered on the states context */
	MemoryContext aggcontext;	/* its entry's key */
	MemoryContext states;		/* the states context itself */
} StateContextCallback;

/* The table of aggregate contexts and their states contexts (in TopMemoryContext) */
static HTAB *StateContexts = NULL;

/* Reset callback of a states context: remove its entry (it is being deleted) */
static void
ForgetStateContext(void *arg)
{
	StateContextCallback *cb = (StateContextCallback *) arg;
	StateContextEntry *entry;

	if (StateContexts == NULL)
		return;
	entry = (StateContextEntry *) hash_search(StateContexts, &cb->aggcontext, HASH_FIND, NULL);
	if (entry != NULL && entry->states == cb->states)
		(void) hash_search(StateContexts, &cb->aggcontext, HASH_REMOVE, NULL);
}

/* The child context of an aggregate context that holds crm's expanded states */
MemoryContext
CrmAggStateContext(MemoryContext aggcontext)
{
	StateContextEntry *entry;
	StateContextCallback *cb;
	bool		found;

	if (StateContexts == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(MemoryContext);
		ctl.entrysize = sizeof(StateContextEntry);
		ctl.hcxt = TopMemoryContext;
		StateContexts = hash_create("crm aggregate state contexts", 16, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = (StateContextEntry *) hash_search(StateContexts, &aggcontext, HASH_ENTER, &found);
	if (found)
		return entry->states;
	entry->states = NULL;
	PG_TRY();
	{
		entry->states = AllocSetContextCreate(aggcontext, "crm aggregate states",
											  ALLOCSET_DEFAULT_SIZES);
		cb = (StateContextCallback *) MemoryContextAlloc(entry->states,
														 sizeof(StateContextCallback));
	}
	PG_CATCH();
	{
		if (entry->states != NULL)
			MemoryContextDelete(entry->states);
		(void) hash_search(StateContexts, &aggcontext, HASH_REMOVE, NULL);
		PG_RE_THROW();
	}
	PG_END_TRY();
	cb->callback.func = ForgetStateContext;
	cb->callback.arg = cb;
	cb->aggcontext = aggcontext;
	cb->states = entry->states;
	MemoryContextRegisterResetCallback(entry->states, &cb->callback);
	return entry->states;
}
