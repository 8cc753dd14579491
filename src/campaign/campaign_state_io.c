/*
 * campaign_state_io.c
 *		The text and binary forms of crm.campaign_state, and the check that a
 *		state read from outside is one some customers give.
 *
 * Text form, one line that round-trips exactly:
 *	 v1 kind=score n=5 responders=2 skipped=0 scores={0.2:3:1,0.9:2:1}
 *	 v1 kind=uplift control=2 control_responders=0 treated=3
 *		treated_responders=2 skipped=1 scores={0.5:2:0:3:2}
 * Kinds response and treatment have no scores; a cell of kind score is
 * score:customers:responders, of kind uplift
 * score:control:control_responders:treated:treated_responders.
 */
#include "crm.h"
#include "crm_io.h"
#include "campaign.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"

/* The SQL type, for messages */
#define CAMPAIGN_TYPE "crm.campaign_state"
/* Bytes of a cell in the binary form: the score and four counts */
#define CAMPAIGN_CELL_WIRE_SIZE (sizeof(float8) + 4 * sizeof(int64))

/* The kind named in text, or -1 */
static int
KindByName(const char *name)
{
	for (int kind = 0; kind <= CAMPAIGN_KIND_MAX; kind++)
		if (strcmp(name, CampaignKindName((uint8) kind)) == 0)
			return kind;
	return -1;
}

/*
 * Why the totals and cells of a state read from outside are impossible, or
 * NULL: responders at most customers, scores finite and strictly
 * increasing, every cell with a customer, the cells adding up to the totals
 */
static const char *
StateProblem(const CampaignState *state, const CampaignCell *cells, int32 n)
{
	int64		sum_n[2] = {0, 0};
	int64		sum_r[2] = {0, 0};

	for (int g = 0; g < 2; g++)
		if (state->r[g] > state->n[g])
			return "responders cannot exceed customers";
	if (!(state->kind & CAMPAIGN_HAS_TREATMENT) && (state->n[1] != 0 || state->r[1] != 0))
		return "a state without a treatment flag has no treated customers";
	if (!(state->kind & CAMPAIGN_HAS_SCORES))
		return n == 0 ? NULL : "a state without scores has no score cells";
	for (int32 i = 0; i < n; i++)
	{
		const CampaignCell *c = &cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (isnan(c->score) || isinf(c->score))
			return "scores must be finite";
		if (i > 0 && c->score <= cells[i - 1].score)
			return "scores must be strictly increasing";
		if (c->n[0] + c->n[1] <= 0)
			return "every score must have a customer";
		for (int g = 0; g < 2; g++)
		{
			if (c->n[g] < 0 || c->r[g] < 0 || c->r[g] > c->n[g])
				return "responders of a score cannot exceed its customers";
			if (pg_add_s64_overflow(sum_n[g], c->n[g], &sum_n[g]) ||
				pg_add_s64_overflow(sum_r[g], c->r[g], &sum_r[g]))
				return "the counts of the scores overflow";
		}
	}
	for (int g = 0; g < 2; g++)
		if (sum_n[g] != state->n[g] || sum_r[g] != state->r[g])
			return "the counts of the scores must add up to the totals";
	return NULL;
}

/* The header of a state of a kind with the given totals, and its cells */
static CampaignState *
StateFromParts(uint8 kind, const int64 *n, const int64 *r, int64 skipped,
			   const CampaignCell *cells, int32 n_cells)
{
	CampaignState *state = CampaignStateNew(kind, n_cells);

	for (int g = 0; g < 2; g++)
	{
		state->n[g] = n[g];
		state->r[g] = r[g];
	}
	state->n_skipped = skipped;
	state->n_distinct = n_cells;
	if (n_cells > 0)
		memcpy(CampaignCells(state), cells, sizeof(CampaignCell) * (Size) n_cells);
	return state;
}

/* Reads one cell "score:n:r" or "score:nc:rc:nt:rt" (arg: the kind) */
static void
ReadCell(CrmReader *r, void *element, const void *arg)
{
	CampaignCell *cell = (CampaignCell *) element;
	uint8		kind = *(const uint8 *) arg;

	cell->score = CrmReadFloat8(r);
	for (int g = 0; g < ((kind & CAMPAIGN_HAS_TREATMENT) ? 2 : 1); g++)
	{
		CrmExpect(r, ":");
		cell->n[g] = CrmReadCount(r);
		CrmExpect(r, ":");
		cell->r[g] = CrmReadCount(r);
	}
}

/* Parse the text form of crm.campaign_state */
PG_FUNCTION_INFO_V1(campaign_state_in);
Datum
campaign_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(CAMPAIGN_TYPE, PG_GETARG_CSTRING(0));
	int			kind;
	int64		n[2] = {0, 0};
	int64		resp[2] = {0, 0};
	int64		skipped;
	CampaignCell *cells = NULL;
	int			n_cells = 0;
	CampaignState *state;

	CrmExpectVersion(&r, CAMPAIGN_STATE_VERSION);
	CrmExpectKey(&r, "kind");
	kind = KindByName(CrmReadWord(&r));
	if (kind < 0)
		CrmReadError(&r, "kind must be response, treatment, score or uplift");
	if (kind & CAMPAIGN_HAS_TREATMENT)
	{
		n[0] = CrmReadKeyCount(&r, "control");
		resp[0] = CrmReadKeyCount(&r, "control_responders");
		n[1] = CrmReadKeyCount(&r, "treated");
		resp[1] = CrmReadKeyCount(&r, "treated_responders");
	}
	else
	{
		n[0] = CrmReadKeyCount(&r, "n");
		resp[0] = CrmReadKeyCount(&r, "responders");
	}
	skipped = CrmReadKeyCount(&r, "skipped");
	if (kind & CAMPAIGN_HAS_SCORES)
	{
		uint8		k = (uint8) kind;

		cells = (CampaignCell *) CrmReadList(&r, "scores", ",", sizeof(CampaignCell),
											 ReadCell, &k, &n_cells);
	}
	CrmReadEnd(&r);
	state = StateFromParts((uint8) kind, n, resp, skipped, cells, n_cells);
	CrmReadCheck(&r, StateProblem(state, CampaignCells(state), n_cells));
	PG_RETURN_POINTER(state);
}

/* Writes one cell (arg: the kind) */
static void
WriteCell(StringInfo buf, const void *element, const void *arg)
{
	const CampaignCell *cell = (const CampaignCell *) element;
	uint8		kind = *(const uint8 *) arg;

	CrmAppendFloat8(buf, cell->score);
	for (int g = 0; g < ((kind & CAMPAIGN_HAS_TREATMENT) ? 2 : 1); g++)
		appendStringInfo(buf, ":" INT64_FORMAT ":" INT64_FORMAT, cell->n[g], cell->r[g]);
}

/* Text form of crm.campaign_state (see the top of this file) */
PG_FUNCTION_INFO_V1(campaign_state_out);
Datum
campaign_state_out(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d kind=%s", CAMPAIGN_STATE_VERSION, CampaignKindName(state->kind));
	if (state->kind & CAMPAIGN_HAS_TREATMENT)
		appendStringInfo(&buf, " control=" INT64_FORMAT " control_responders=" INT64_FORMAT
						 " treated=" INT64_FORMAT " treated_responders=" INT64_FORMAT,
						 state->n[0], state->r[0], state->n[1], state->r[1]);
	else
		appendStringInfo(&buf, " n=" INT64_FORMAT " responders=" INT64_FORMAT,
						 state->n[0], state->r[0]);
	appendStringInfo(&buf, " skipped=" INT64_FORMAT, state->n_skipped);
	if (state->kind & CAMPAIGN_HAS_SCORES)
	{
		int32		n;
		const CampaignCell *cells = CampaignSortedCells(state, &n);

		CrmAppendList(&buf, "scores", ",", cells, sizeof(CampaignCell), n, WriteCell,
					  &state->kind);
	}
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, kind, two zero bytes, the totals (control n and
 * responders, treated n and responders), skipped, the number of cells and
 * the cells (score, control n, r, treated n, r)
 */
PG_FUNCTION_INFO_V1(campaign_state_send);
Datum
campaign_state_send(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		n;
	const CampaignCell *cells = CampaignSortedCells(state, &n);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CAMPAIGN_STATE_VERSION);
	pq_sendbyte(&buf, state->kind);
	pq_sendint16(&buf, 0);
	for (int g = 0; g < 2; g++)
	{
		pq_sendint64(&buf, state->n[g]);
		pq_sendint64(&buf, state->r[g]);
	}
	pq_sendint64(&buf, state->n_skipped);
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		pq_sendfloat8(&buf, cells[i].score);
		for (int g = 0; g < 2; g++)
		{
			pq_sendint64(&buf, cells[i].n[g]);
			pq_sendint64(&buf, cells[i].r[g]);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.campaign_state (see campaign_state_send) */
PG_FUNCTION_INFO_V1(campaign_state_recv);
Datum
campaign_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		kind;
	int64		n[2];
	int64		resp[2];
	int64		skipped;
	int32		n_cells;
	CampaignCell *cells;
	CampaignState *state;

	CrmRecvVersion(buf, CAMPAIGN_TYPE, CAMPAIGN_STATE_VERSION);
	kind = (uint8) pq_getmsgbyte(buf);
	if (kind > CAMPAIGN_KIND_MAX)
		CrmBinaryError(CAMPAIGN_TYPE, "unknown kind");
	if (pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(CAMPAIGN_TYPE, "reserved bytes must be zero");
	for (int g = 0; g < 2; g++)
	{
		n[g] = pq_getmsgint64(buf);
		resp[g] = pq_getmsgint64(buf);
		if (n[g] < 0 || resp[g] < 0)
			CrmBinaryError(CAMPAIGN_TYPE, "counts must be >= 0");
	}
	skipped = pq_getmsgint64(buf);
	if (skipped < 0)
		CrmBinaryError(CAMPAIGN_TYPE, "counts must be >= 0");
	n_cells = CrmRecvLength(buf, CAMPAIGN_TYPE, CAMPAIGN_CELL_WIRE_SIZE, "score cells");
	cells = (CampaignCell *) palloc0(sizeof(CampaignCell) * ((Size) n_cells + 1));
	for (int32 i = 0; i < n_cells; i++)
	{
		cells[i].score = CrmRecvFloat8(buf);
		for (int g = 0; g < 2; g++)
		{
			cells[i].n[g] = pq_getmsgint64(buf);
			cells[i].r[g] = pq_getmsgint64(buf);
		}
	}
	state = StateFromParts(kind, n, resp, skipped, cells, n_cells);
	CrmBinaryCheck(CAMPAIGN_TYPE, StateProblem(state, CampaignCells(state), n_cells));
	PG_RETURN_POINTER(state);
}
