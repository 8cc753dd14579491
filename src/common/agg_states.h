/*
 * agg_states.h
 *		The memory context that crm's expanded aggregate states live in.
 */
#ifndef CRM_AGG_STATES_H
#define CRM_AGG_STATES_H

#include "postgres.h"

/*
 * The child context of an aggregate's memory context (AggCheckCallContext)
 * that holds the expanded states crm's aggregates make in it: one per
 * aggregate context, shared by every group's state.  An expanded state
 * whose eoh_context it is must never be deleted alone (DeleteExpandedObject
 * would delete every state): the transitions return the same read-write
 * datum they are given, so the executor never deletes one, and the states
 * go with the aggregate context.
 */
extern MemoryContext CrmAggStateContext(MemoryContext aggcontext);

#endif							/* CRM_AGG_STATES_H */
