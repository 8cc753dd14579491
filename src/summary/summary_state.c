/*
 * summary_state.c
 *		crm.summary_state: construction, growth, merge, and its text and
 *		binary forms (see summary_state.h).
 *
 * The text form is one line of labelled integers and shortest-exact floats,
 * for example
 *	 v1 flags=0 asof=10/0 holdout=10/0 period=0/1 unit=0/7/0 days=3/9 tx=3/0
 *	 spend=10/22.5/0/0 cal={3,9} hold={}
 * (one line in reality).  It round-trips exactly, which is what a sharded
 * setup (Citus, postgres_fdw) relies on to ship partial states.  It lists
 * the periods whatever their storage form (array or bitmap), so the form
 * is never part of a value's meaning.
 */
#include "crm.h"
#include "crm_io.h"
#include "summary_state.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

StaticAssertDecl(offsetof(SummaryState, as_of_ts) == 64,
				 "per-row fields of SummaryState must fill the first cache line");
StaticAssertDecl(SUMMARY_STATE_HEADER_SIZE == 128,
				 "SummaryState header must be 128 bytes");

/* Periods per bitmap word */
#define WORD_BITS 64

/* True if the state holds its periods as a bitmap */
static inline bool
IsBitmap(const SummaryState *state)
{
	return (state->flags & SUMMARY_FLAG_BITMAP) != 0;
}

/* The bitmap words of a state in bitmap form */
static inline uint64 *
BitmapWords(const SummaryState *state)
{
	return (uint64 *) state->periods;
}

/* Number of bitmap words a state in bitmap form holds */
static inline int64
BitmapWordCount(const SummaryState *state)
{
	return state->capacity / 2;
}

/* Index of the bitmap word (of absolute period numbers) holding a period */
static inline int64
WordOfPeriod(int64 period)
{
	return period >= 0 ? period / WORD_BITS : -((-period + WORD_BITS - 1) / WORD_BITS);
}

/* Number of distinct periods a state holds */
static inline int32
PeriodCount(const SummaryState *state)
{
	return state->n_periods + state->n_holdout_periods;
}

/* Slots of storage a state needs to copy: all words of a bitmap, the used part of an array */
static inline int32
StorageSlotsInUse(const SummaryState *state)
{
	return IsBitmap(state) ? state->capacity : PeriodCount(state);
}

/* A new empty state with the given parameters, in CurrentMemoryContext */
SummaryState *
SummaryStateCreate(const SummaryParams *params, int32 slots)
{
	SummaryState *state;

	slots = Max(slots, SUMMARY_STATE_MIN_SLOTS);
	state = (SummaryState *) palloc0(SummaryStateSize(slots));
	SET_VARSIZE(state, SummaryStateSize(slots));
	state->version = SUMMARY_STATE_VERSION;
	state->flags = (params->timestamp_input ? SUMMARY_FLAG_TIMESTAMP : 0) |
		(params->has_holdout ? SUMMARY_FLAG_HOLDOUT : 0);
	state->as_of_ts = params->as_of_ts;
	state->holdout_ts = params->holdout_ts;
	state->as_of_day = params->as_of_day;
	state->holdout_day = params->holdout_day;
	state->rules = params->rules;
	state->capacity = slots;
	return state;
}

/* A copy of a state with room for at least slots periods */
SummaryState *
SummaryStateCopy(const SummaryState *state, int32 slots)
{
	SummaryState *copy;
	int32		used = StorageSlotsInUse(state);

	slots = Max(Max(slots, used), SUMMARY_STATE_MIN_SLOTS);
	copy = (SummaryState *) palloc0(SummaryStateSize(slots));
	memcpy(copy, state, SummaryStateSize(used));
	SET_VARSIZE(copy, SummaryStateSize(slots));
	copy->capacity = slots;
	return copy;
}

/* True if the state was created with exactly these parameters */
bool
SummaryStateHasParams(const SummaryState *state, const SummaryParams *params)
{
	uint8		flags = (params->timestamp_input ? SUMMARY_FLAG_TIMESTAMP : 0) |
		(params->has_holdout ? SUMMARY_FLAG_HOLDOUT : 0);

	return (state->flags & SUMMARY_FLAG_MASK) == flags &&
		state->as_of_day == params->as_of_day &&
		state->holdout_day == params->holdout_day &&
		state->as_of_ts == params->as_of_ts &&
		state->holdout_ts == params->holdout_ts &&
		memcmp(&state->rules, &params->rules, sizeof(CrmTimeRules)) == 0;
}

/* Raise 22023 unless two states were built with the same parameters */
void
CheckSameSummaryParams(const SummaryState *a, const SummaryState *b)
{
	if ((a->flags & SUMMARY_FLAG_MASK) != (b->flags & SUMMARY_FLAG_MASK) ||
		a->as_of_day != b->as_of_day ||
		a->holdout_day != b->holdout_day ||
		a->as_of_ts != b->as_of_ts ||
		a->holdout_ts != b->holdout_ts ||
		memcmp(&a->rules, &b->rules, sizeof(CrmTimeRules)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge customer summary states built with different parameters"),
				 errdetail("States merge only when their input type, as-of date, holdout end, unit and period are equal.")));
}

/* Raise 54000 if a state with this many slots cannot be allocated */
static void
CheckStateSlots(int64 slots)
{
	if (slots > PG_INT32_MAX || SummaryStateSize(slots) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("customer has too many distinct purchase periods")));
}

/* Array slots for n periods: a power of two, at least the minimum */
static int64
ArraySlotsFor(int64 n)
{
	int64		slots = SUMMARY_STATE_MIN_SLOTS;

	while (slots < n)
		slots *= 2;
	return slots;
}

/* Slots a bitmap needs to cover the periods lo .. hi */
static int64
BitmapSlotsFor(int64 lo, int64 hi)
{
	return 2 * (WordOfPeriod(hi) - WordOfPeriod(lo) + 1);
}

/* The bit of a period in the bitmap form: a holdout period p is bit p + 1 */
static inline int64
BitOfPeriod(const SummaryState *state, int32 period, bool holdout)
{
	return (int64) period + (holdout ? 1 : 0) - state->bitmap_base;
}

/* Set a bit of a bitmap */
static inline void
SetBit(uint64 *words, int64 bit)
{
	words[bit / WORD_BITS] |= UINT64CONST(1) << (bit % WORD_BITS);
}

/* The sorted periods of a state (calibration, then holdout) into out; returns how many */
static int32
StatePeriods(const SummaryState *state, int32 *out)
{
	const uint64 *words;
	int64		n_words;
	int32		n = 0;

	if (!IsBitmap(state))
	{
		n = PeriodCount(state);
		memcpy(out, state->periods, sizeof(int32) * (Size) n);
		return n;
	}
	words = BitmapWords(state);
	n_words = BitmapWordCount(state);
	for (int64 w = 0; w < n_words; w++)
	{
		uint64		word = words[w];

		while (word != 0)
		{
			int			bit = pg_rightmost_one_pos64(word);

			int64		position = (int64) state->bitmap_base + w * WORD_BITS + bit;

			/* calibration bits come first; a holdout period p is bit p + 1 */
			out[n] = (int32) (position - (n >= state->n_periods ? 1 : 0));
			n++;
			word &= word - 1;
		}
	}
	Assert(n == PeriodCount(state));
	return n;
}

/* A palloc'd array of the state's sorted periods with room for extra more */
static int32 *
StatePeriodsCopy(const SummaryState *state, int32 extra)
{
	int32	   *periods = palloc(sizeof(int32) * ((Size) PeriodCount(state) + extra + 1));

	StatePeriods(state, periods);
	return periods;
}

/*
 * Store sorted periods (n_cal calibration, then n_hold holdout) as the
 * state's period set, in the smaller of the two forms; return the state,
 * reallocated if it needed more room.  periods must not point into state.
 * The bitmap reaches at least to the period of the window end, so that
 * later rows of the same aggregate fall inside it.
 */
static SummaryState *
StorePeriods(SummaryState *state, const int32 *periods, int32 n_cal,
			 int32 n_hold)
{
	int32		n = n_cal + n_hold;
	int64		array_slots = ArraySlotsFor(n);
	int64		lo = 0;
	int64		hi = 0;
	bool		bitmap = false;
	int64		slots;

	if (n >= SUMMARY_BITMAP_MIN_PERIODS)
	{
		lo = periods[0];
		hi = Max((int64) periods[n - 1] + (n_hold > 0 ? 1 : 0),
				 (int64) PeriodOfDay(&state->rules, state->holdout_day) +
				 ((state->flags & SUMMARY_FLAG_HOLDOUT) ? 1 : 0));
		bitmap = WordOfPeriod(lo) * WORD_BITS >= PG_INT32_MIN &&
			BitmapSlotsFor(lo, hi) <= Max(array_slots, state->capacity);
	}
	slots = bitmap ? BitmapSlotsFor(lo, hi) : array_slots;
	if (slots > state->capacity)
	{
		CheckStateSlots(slots);
		state = SummaryStateCopy(state, (int32) slots);
	}
	memset(state->periods, 0, sizeof(int32) * (Size) state->capacity);
	state->n_periods = n_cal;
	state->n_holdout_periods = n_hold;
	if (bitmap)
	{
		uint64	   *words = BitmapWords(state);

		state->flags |= SUMMARY_FLAG_BITMAP;
		state->bitmap_base = (int32) (WordOfPeriod(lo) * WORD_BITS);
		for (int32 i = 0; i < n; i++)
		{
			SetBit(words, BitOfPeriod(state, periods[i], i >= n_cal));
		}
	}
	else
	{
		state->flags &= ~SUMMARY_FLAG_BITMAP;
		state->bitmap_base = 0;
		memcpy(state->periods, periods, sizeof(int32) * (Size) n);
	}
	return state;
}

/* Position of the first element >= value in a sorted array */
static int32
LowerBound(const int32 *values, int32 n, int32 value)
{
	int32		lo = 0;
	int32		hi = n;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (values[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Rebuild the period set with one new period (in the given segment) added */
static SummaryState *
RebuildWithPeriod(SummaryState *state, int32 period, bool holdout)
{
	int32		n = PeriodCount(state);
	int32	   *periods = StatePeriodsCopy(state, 1);
	int32		pos = LowerBound(periods, n, period);

	memmove(periods + pos + 1, periods + pos, sizeof(int32) * (Size) (n - pos));
	periods[pos] = period;
	state = StorePeriods(state, periods,
						 state->n_periods + (holdout ? 0 : 1),
						 state->n_holdout_periods + (holdout ? 1 : 0));
	pfree(periods);
	return state;
}

/* Longest shift done in line rather than by memmove */
#define SHORT_SHIFT 16

/* Move values[0..n) up by one slot, n <= SHORT_SHIFT (cheaper than a memmove call) */
static inline void
ShiftUpShort(int32 *values, int32 n)
{
	for (int32 i = n; i > 0; i--)
		values[i] = values[i - 1];
}

/*
 * Add a period to the array form, in the calibration segment or (holdout)
 * the holdout segment; return the state, changed to the bitmap form or
 * grown when it is full, and set *added when the period was new.
 */
static SummaryState *
AddPeriodToArray(SummaryState *state, int32 period, bool holdout, bool *added)
{
	int32		base = holdout ? state->n_periods : 0;
	int32		n = holdout ? state->n_holdout_periods : state->n_periods;
	int32	   *segment = state->periods + base;
	int32		pos;
	int32		tail;

	if (n > 0 && segment[n - 1] == period)
	{
		*added = false;
		return state;
	}
	pos = (n == 0 || segment[n - 1] < period) ? n :
		LowerBound(segment, n, period);
	if (pos < n && segment[pos] == period)
	{
		*added = false;
		return state;
	}
	*added = true;

	/* full: store the periods again, as a bitmap or in a larger array */
	if (PeriodCount(state) >= state->capacity)
		return RebuildWithPeriod(state, period, holdout);

	/* shift this segment's tail and the holdout segment by one slot */
	tail = PeriodCount(state) - (base + pos);
	if (tail > SHORT_SHIFT)
		memmove(segment + pos + 1, segment + pos, sizeof(int32) * tail);
	else
		ShiftUpShort(segment + pos, tail);
	segment[pos] = period;
	if (holdout)
		state->n_holdout_periods++;
	else
		state->n_periods++;

	/* enough periods for a bitmap: switch if it is no larger */
	if (PeriodCount(state) == SUMMARY_BITMAP_MIN_PERIODS)
	{
		int32	   *periods = StatePeriodsCopy(state, 0);

		state = StorePeriods(state, periods, state->n_periods,
							 state->n_holdout_periods);
		pfree(periods);
	}
	return state;
}

/*
 * Add a period (calibration or holdout) to the state's period set; return
 * the state, which may be a new one, and set *added when the period was new.
 */
static inline SummaryState *
AddPeriod(SummaryState *state, int32 period, bool holdout, bool *added)
{
	int64		bit;
	uint64	   *word;
	uint64		mask;

	if (!IsBitmap(state))
		return AddPeriodToArray(state, period, holdout, added);

	bit = BitOfPeriod(state, period, holdout);
	if (unlikely(bit < 0 || bit >= BitmapWordCount(state) * WORD_BITS))
	{
		*added = true;
		return RebuildWithPeriod(state, period, holdout);
	}
	word = BitmapWords(state) + bit / WORD_BITS;
	mask = UINT64CONST(1) << (bit % WORD_BITS);
	*added = (*word & mask) == 0;
	if (*added)
	{
		*word |= mask;
		if (holdout)
			state->n_holdout_periods++;
		else
			state->n_periods++;
	}
	return state;
}

/* The sorted calibration periods of a state (palloc'd); *n gets their number */
int32 *
SummaryCalibrationPeriods(const SummaryState *state, int32 *n)
{
	*n = state->n_periods;
	return StatePeriodsCopy(state, 0);
}

/* The first calibration period of a state with purchases */
int32
SummaryFirstPeriod(const SummaryState *state)
{
	Assert(state->n_periods > 0);
	return PeriodOfDay(&state->rules, state->first_day);
}

/* The last calibration period of a state with purchases */
int32
SummaryLastPeriod(const SummaryState *state)
{
	Assert(state->n_periods > 0);
	return PeriodOfDay(&state->rules, state->last_day);
}

/* Add a purchase in a calibration period; may return a new state */
SummaryState *
SummaryAddPurchase(SummaryState *state, const CrmTimeRules *rules, int32 day,
				   int32 period, float8 amount)
{
	bool		added;

	if (state->n_periods == 0)
	{
		state = AddPeriod(state, period, false, &added);
		state->first_period_spend = amount;
		state->first_day = day;
		state->last_day = day;
	}
	else
	{
		/* rules are the state's (the caller's cached copy: no cold read) */
		int32		first_period = PeriodOfDay(rules, state->first_day);

		state = AddPeriod(state, period, false, &added);
		if (period > first_period)
			state->repeat_spend += amount;
		else if (period == first_period)
			state->first_period_spend += amount;
		else
		{
			/* a new first period: the old first period becomes a repeat one */
			state->repeat_spend += state->first_period_spend;
			state->first_period_spend = amount;
		}
		state->first_day = Min(state->first_day, day);
		state->last_day = Max(state->last_day, day);
	}
	state->n_transactions++;
	return state;
}

/* Add a purchase in a holdout period; may return a new state */
SummaryState *
SummaryAddHoldoutPurchase(SummaryState *state, int32 period, float8 amount)
{
	bool		added;

	state = AddPeriod(state, period, true, &added);
	state->holdout_spend += amount;
	state->n_holdout_transactions++;
	return state;
}

/* Union of two sorted arrays into out; returns the number of values */
static int32
SortedUnion(const int32 *a, int32 na, const int32 *b, int32 nb, int32 *out)
{
	int32		i = 0;
	int32		j = 0;
	int32		n = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[n++] = a[i++];
		else if (b[j] < a[i])
			out[n++] = b[j++];
		else
		{
			out[n++] = a[i++];
			j++;
		}
	}
	while (i < na)
		out[n++] = a[i++];
	while (j < nb)
		out[n++] = b[j++];
	return n;
}

/* Count a bitmap's calibration and holdout periods again */
static void
RecountBitmap(SummaryState *state)
{
	const uint64 *words = BitmapWords(state);
	int64		n_words = BitmapWordCount(state);
	int64		split = (int64) PeriodOfDay(&state->rules, state->as_of_day) -
		state->bitmap_base + 1;	/* bits before it are calibration periods */
	int64		n_cal = 0;
	int64		n_all = 0;

	for (int64 w = 0; w < n_words; w++)
	{
		int64		first_bit = w * WORD_BITS;
		int			count = pg_popcount64(words[w]);

		n_all += count;
		if (first_bit + WORD_BITS <= split)
			n_cal += count;
		else if (first_bit < split)
			n_cal += pg_popcount64(words[w] &
								   ((UINT64CONST(1) << (split - first_bit)) - 1));
	}
	state->n_periods = (int32) n_cal;
	state->n_holdout_periods = (int32) (n_all - n_cal);
}

/*
 * Merge the periods of src into the bitmap of dst when all of them fall
 * inside it (the usual case when combining partial states of one
 * aggregate); return false, changing nothing, otherwise.
 */
static bool
MergeIntoBitmap(SummaryState *dst, const SummaryState *src)
{
	uint64	   *words = BitmapWords(dst);
	int64		n_words = BitmapWordCount(dst);

	if (!IsBitmap(dst))
		return false;
	if (IsBitmap(src))
	{
		const uint64 *src_words = BitmapWords(src);
		int64		offset = ((int64) src->bitmap_base - dst->bitmap_base) / WORD_BITS;

		for (int64 w = 0; w < BitmapWordCount(src); w++)
			if (src_words[w] != 0 && (w + offset < 0 || w + offset >= n_words))
				return false;
		for (int64 w = 0; w < BitmapWordCount(src); w++)
			if (src_words[w] != 0)
				words[w + offset] |= src_words[w];
	}
	else
	{
		int32		n = PeriodCount(src);
		int64		lo = BitOfPeriod(dst, src->periods[0], src->n_periods == 0);
		int64		hi = BitOfPeriod(dst, src->periods[n - 1],
									 src->n_holdout_periods > 0);

		if (lo < 0 || hi >= n_words * WORD_BITS)
			return false;
		for (int32 i = 0; i < n; i++)
		{
			SetBit(words, BitOfPeriod(dst, src->periods[i], i >= src->n_periods));
		}
	}
	RecountBitmap(dst);
	return true;
}

/* Merge src into dst; may return a new state */
SummaryState *
SummaryMerge(SummaryState *dst, const SummaryState *src)
{
	int32	   *a;
	int32	   *b;
	int32	   *merged;
	int32		n_cal;
	int32		n_hold;
	int64		n_transactions;
	int64		n_holdout_transactions;

	CheckSameSummaryParams(dst, src);
	/* the counts first, so that a failing merge changes nothing */
	n_transactions = AddCounts(dst->n_transactions, src->n_transactions,
							   "customer summary transaction count");
	n_holdout_transactions = AddCounts(dst->n_holdout_transactions,
									   src->n_holdout_transactions,
									   "customer summary holdout transaction count");

	/* spend: whichever state has the earlier first period keeps it */
	if (src->n_periods > 0)
	{
		if (dst->n_periods == 0)
		{
			dst->first_period_spend = src->first_period_spend;
			dst->repeat_spend = src->repeat_spend;
			dst->first_day = src->first_day;
			dst->last_day = src->last_day;
		}
		else
		{
			int32		dst_first = SummaryFirstPeriod(dst);
			int32		src_first = SummaryFirstPeriod(src);

			if (dst_first < src_first)
				dst->repeat_spend += src->first_period_spend + src->repeat_spend;
			else if (dst_first == src_first)
			{
				dst->first_period_spend += src->first_period_spend;
				dst->repeat_spend += src->repeat_spend;
			}
			else
			{
				dst->repeat_spend += dst->first_period_spend + src->repeat_spend;
				dst->first_period_spend = src->first_period_spend;
			}
			dst->first_day = Min(dst->first_day, src->first_day);
			dst->last_day = Max(dst->last_day, src->last_day);
		}
	}
	dst->n_transactions = n_transactions;
	dst->n_holdout_transactions = n_holdout_transactions;
	dst->holdout_spend += src->holdout_spend;
	dst->refund_total += src->refund_total;

	if (PeriodCount(src) == 0 || MergeIntoBitmap(dst, src))
		return dst;

	/* the general case: a sorted union, stored in the smaller form */
	a = IsBitmap(dst) ? StatePeriodsCopy(dst, 0) : dst->periods;
	b = IsBitmap(src) ? StatePeriodsCopy(src, 0) : (int32 *) src->periods;
	merged = (int32 *) palloc(sizeof(int32) *
							  ((Size) PeriodCount(dst) + PeriodCount(src) + 1));
	n_cal = SortedUnion(a, dst->n_periods, b, src->n_periods, merged);
	n_hold = SortedUnion(a + dst->n_periods, dst->n_holdout_periods,
						 b + src->n_periods, src->n_holdout_periods,
						 merged + n_cal);
	if (a != dst->periods)
		pfree(a);
	if (b != src->periods)
		pfree(b);
	dst = StorePeriods(dst, merged, n_cal, n_hold);
	pfree(merged);
	return dst;
}

/* A state holding a copy of the header head and the given periods */
static SummaryState *
StateFromParts(const SummaryState *head, const int32 *periods)
{
	int32		used = head->n_periods + head->n_holdout_periods;
	int32		slots = Max(used, SUMMARY_STATE_MIN_SLOTS);
	SummaryState *state;

	state = (SummaryState *) palloc0(SummaryStateSize(slots));
	memcpy(state, head, SUMMARY_STATE_HEADER_SIZE);
	SET_VARSIZE(state, SummaryStateSize(slots));
	state->capacity = slots;
	if (used > 0)
		memcpy(state->periods, periods, sizeof(int32) * (Size) used);
	return state;
}

/* True if values[0..n) is strictly increasing and within [lo, hi] */
static bool
StrictlyIncreasingWithin(const int32 *values, int32 n, int32 lo, int32 hi)
{
	for (int32 i = 0; i < n; i++)
	{
		if (values[i] < lo || values[i] > hi)
			return false;
		if (i > 0 && values[i] <= values[i - 1])
			return false;
	}
	return true;
}

/*
 * Why the days, timestamps or amounts of a state read from outside are
 * outside what the aggregates produce, or NULL: every day and timestamp in
 * PostgreSQL's date and timestamp ranges, purchase amounts (refunds are
 * kept apart) not negative, and no repeat spend without a repeat period
 */
static const char *
SummaryRangeProblem(const SummaryState *s)
{
	if (!IS_VALID_DATE(s->as_of_day) || !IS_VALID_DATE(s->holdout_day) ||
		(s->n_periods > 0 && (!IS_VALID_DATE(s->first_day) || !IS_VALID_DATE(s->last_day))))
		return "days must be within the range of type date";
	if ((s->flags & SUMMARY_FLAG_TIMESTAMP) &&
		(!IS_VALID_TIMESTAMP(s->as_of_ts) || !IS_VALID_TIMESTAMP(s->holdout_ts)))
		return "timestamps must be within the range of type timestamp with time zone";
	if (s->first_period_spend < 0 || s->repeat_spend < 0 || s->holdout_spend < 0)
		return "purchase amounts must not be negative (refunds are counted apart)";
	if (s->n_periods <= 1 && s->repeat_spend != 0)
		return "repeat spend needs two or more purchase periods";
	return NULL;
}

/* Why a state read from outside is inconsistent, or NULL when it is valid */
static const char *
SummaryStateProblem(const SummaryState *s)
{
	int32		as_of_period;
	int32		holdout_period;
	const char *problem;

	if (s->version != SUMMARY_STATE_VERSION)
		return "unsupported version";
	if (s->reserved != 0 || s->bitmap_base != 0 || (s->flags & ~SUMMARY_FLAG_MASK))
		return "reserved fields are not zero";
	if (!TimeRulesAreValid(&s->rules))
		return "invalid unit or period";
	if (DATE_NOT_FINITE(s->as_of_day) || DATE_NOT_FINITE(s->holdout_day) ||
		s->holdout_day < s->as_of_day)
		return "invalid as-of or holdout day";
	if ((s->flags & SUMMARY_FLAG_TIMESTAMP) &&
		(TIMESTAMP_NOT_FINITE(s->as_of_ts) || TIMESTAMP_NOT_FINITE(s->holdout_ts) ||
		 s->holdout_ts < s->as_of_ts))
		return "invalid as-of or holdout timestamp";
	if (!(s->flags & SUMMARY_FLAG_TIMESTAMP) && (s->as_of_ts != 0 || s->holdout_ts != 0))
		return "timestamps set on a date state";
	if (!(s->flags & SUMMARY_FLAG_HOLDOUT) &&
		(s->holdout_day != s->as_of_day || s->holdout_ts != s->as_of_ts))
		return "holdout end set without a holdout";
	if (!(s->flags & SUMMARY_FLAG_HOLDOUT) &&
		(s->n_holdout_periods != 0 || s->n_holdout_transactions != 0 ||
		 s->holdout_spend != 0))
		return "holdout purchases without a holdout";
	if (s->n_periods < 0 || s->n_holdout_periods < 0 ||
		s->n_transactions < s->n_periods ||
		s->n_holdout_transactions < s->n_holdout_periods)
		return "inconsistent counts";
	if (!isfinite(s->first_period_spend) || !isfinite(s->repeat_spend) ||
		!isfinite(s->holdout_spend) || !isfinite(s->refund_total) ||
		s->refund_total < 0)
		return "non-finite or negative amounts";
	if ((problem = SummaryRangeProblem(s)) != NULL)
		return problem;

	as_of_period = PeriodOfDay(&s->rules, s->as_of_day);
	holdout_period = PeriodOfDay(&s->rules, s->holdout_day);
	if (!StrictlyIncreasingWithin(s->periods, s->n_periods,
								  PG_INT32_MIN, as_of_period) ||
		!StrictlyIncreasingWithin(s->periods + s->n_periods,
								  s->n_holdout_periods,
								  as_of_period, holdout_period))
		return "purchase periods are not increasing or lie outside the window";
	if (s->n_periods == 0)
	{
		if (s->n_transactions != 0 || s->first_period_spend != 0 ||
			s->repeat_spend != 0 || s->first_day != 0 || s->last_day != 0)
			return "an empty state carries purchases";
	}
	else if (s->first_day > s->last_day || s->last_day > s->as_of_day ||
			 PeriodOfDay(&s->rules, s->first_day) != s->periods[0] ||
			 PeriodOfDay(&s->rules, s->last_day) != s->periods[s->n_periods - 1])
		return "first and last purchase days do not match the periods";
	if (s->n_holdout_periods == 0 &&
		(s->n_holdout_transactions != 0 || s->holdout_spend != 0))
		return "an empty holdout carries purchases";
	return NULL;
}

/* Text form of crm.summary_state */
PG_FUNCTION_INFO_V1(summary_state_out);
Datum
summary_state_out(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int32	   *periods = StatePeriodsCopy(s, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "v%d flags=%d asof=%d/" INT64_FORMAT " holdout=%d/" INT64_FORMAT
					 " period=%d/%d unit=%d/%d/" INT64_FORMAT " days=%d/%d tx="
					 INT64_FORMAT "/" INT64_FORMAT " spend=",
					 s->version, s->flags & SUMMARY_FLAG_MASK,
					 s->as_of_day, s->as_of_ts,
					 s->holdout_day, s->holdout_ts,
					 s->rules.period_months, s->rules.period_days,
					 s->rules.unit_months, s->rules.unit_days, s->rules.unit_usecs,
					 s->first_day, s->last_day,
					 s->n_transactions, s->n_holdout_transactions);
	CrmAppendFloat8(&buf, s->first_period_spend);
	appendStringInfoChar(&buf, '/');
	CrmAppendFloat8(&buf, s->repeat_spend);
	appendStringInfoChar(&buf, '/');
	CrmAppendFloat8(&buf, s->holdout_spend);
	appendStringInfoChar(&buf, '/');
	CrmAppendFloat8(&buf, s->refund_total);
	CrmAppendInt32List(&buf, "cal", periods, s->n_periods);
	CrmAppendInt32List(&buf, "hold", periods + s->n_periods, s->n_holdout_periods);
	PG_RETURN_CSTRING(buf.data);
}

/* Read "/" and an integer within [lo, hi] (the later parts of a field) */
static int64
ReadPart(CrmReader *r, int64 lo, int64 hi)
{
	CrmExpect(r, "/");
	return CrmReadInt(r, lo, hi);
}

/* Read "/" and a finite number */
static float8
ReadFinitePart(CrmReader *r)
{
	CrmExpect(r, "/");
	return CrmReadFinite(r);
}

/* Read " key={a,b,...}" of int32 periods into periods + used; returns how many */
static int32
ReadPeriods(CrmReader *r, const char *key, int32 **periods, int32 used)
{
	int			n;
	int64	   *values = CrmReadIntList(r, key, PG_INT32_MIN, PG_INT32_MAX, &n);

	*periods = repalloc(*periods, sizeof(int32) * ((Size) used + n + 1));
	for (int i = 0; i < n; i++)
		(*periods)[used + i] = (int32) values[i];
	return n;
}

/* Parse the text form of crm.summary_state */
PG_FUNCTION_INFO_V1(summary_state_in);
Datum
summary_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.summary_state", PG_GETARG_CSTRING(0));
	SummaryState head;
	SummaryState *state;
	int32	   *periods = palloc(sizeof(int32));

	memset(&head, 0, sizeof(head));
	CrmExpect(&r, "v");
	head.version = (uint8) CrmReadInt(&r, 0, 255);
	head.flags = (uint8) CrmReadKeyInt(&r, "flags", 0, 255);
	head.as_of_day = (int32) CrmReadKeyInt(&r, "asof", PG_INT32_MIN, PG_INT32_MAX);
	head.as_of_ts = ReadPart(&r, PG_INT64_MIN, PG_INT64_MAX);
	head.holdout_day = (int32) CrmReadKeyInt(&r, "holdout", PG_INT32_MIN, PG_INT32_MAX);
	head.holdout_ts = ReadPart(&r, PG_INT64_MIN, PG_INT64_MAX);
	head.rules.period_months = (int32) CrmReadKeyInt(&r, "period", PG_INT32_MIN, PG_INT32_MAX);
	head.rules.period_days = (int32) ReadPart(&r, PG_INT32_MIN, PG_INT32_MAX);
	head.rules.unit_months = (int32) CrmReadKeyInt(&r, "unit", PG_INT32_MIN, PG_INT32_MAX);
	head.rules.unit_days = (int32) ReadPart(&r, PG_INT32_MIN, PG_INT32_MAX);
	head.rules.unit_usecs = ReadPart(&r, PG_INT64_MIN, PG_INT64_MAX);
	head.first_day = (int32) CrmReadKeyInt(&r, "days", PG_INT32_MIN, PG_INT32_MAX);
	head.last_day = (int32) ReadPart(&r, PG_INT32_MIN, PG_INT32_MAX);
	head.n_transactions = CrmReadKeyCount(&r, "tx");
	head.n_holdout_transactions = ReadPart(&r, 0, PG_INT64_MAX);
	CrmExpectKey(&r, "spend");
	head.first_period_spend = CrmReadFinite(&r);
	head.repeat_spend = ReadFinitePart(&r);
	head.holdout_spend = ReadFinitePart(&r);
	head.refund_total = ReadFinitePart(&r);
	head.n_periods = ReadPeriods(&r, "cal", &periods, 0);
	head.n_holdout_periods = ReadPeriods(&r, "hold", &periods, head.n_periods);
	CrmReadEnd(&r);

	state = StateFromParts(&head, periods);
	CrmReadCheck(&r, SummaryStateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Binary form of crm.summary_state */
PG_FUNCTION_INFO_V1(summary_state_send);
Datum
summary_state_send(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int32		used = PeriodCount(s);
	int32	   *periods = StatePeriodsCopy(s, 0);

	pq_begintypsend(&buf);
	pq_sendint8(&buf, s->version);
	pq_sendint8(&buf, s->flags & SUMMARY_FLAG_MASK);
	pq_sendint16(&buf, s->reserved);
	pq_sendint64(&buf, s->as_of_ts);
	pq_sendint64(&buf, s->holdout_ts);
	pq_sendint64(&buf, s->n_transactions);
	pq_sendint64(&buf, s->n_holdout_transactions);
	pq_sendfloat8(&buf, s->first_period_spend);
	pq_sendfloat8(&buf, s->repeat_spend);
	pq_sendfloat8(&buf, s->holdout_spend);
	pq_sendfloat8(&buf, s->refund_total);
	pq_sendint32(&buf, s->rules.period_months);
	pq_sendint32(&buf, s->rules.period_days);
	pq_sendint32(&buf, s->rules.unit_months);
	pq_sendint32(&buf, s->rules.unit_days);
	pq_sendint64(&buf, s->rules.unit_usecs);
	pq_sendint32(&buf, s->as_of_day);
	pq_sendint32(&buf, s->holdout_day);
	pq_sendint32(&buf, s->first_day);
	pq_sendint32(&buf, s->last_day);
	pq_sendint32(&buf, s->n_periods);
	pq_sendint32(&buf, s->n_holdout_periods);
	pq_sendint32(&buf, 0);		/* reserved */
	for (int32 i = 0; i < used; i++)
		pq_sendint32(&buf, periods[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.summary_state */
PG_FUNCTION_INFO_V1(summary_state_recv);
Datum
summary_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	SummaryState head;
	SummaryState *state;
	int64		used;
	int32	   *periods;

	memset(&head, 0, sizeof(head));
	head.version = (uint8) pq_getmsgint(buf, 1);
	head.flags = (uint8) pq_getmsgint(buf, 1);
	head.reserved = (uint16) pq_getmsgint(buf, 2);
	head.as_of_ts = pq_getmsgint64(buf);
	head.holdout_ts = pq_getmsgint64(buf);
	head.n_transactions = pq_getmsgint64(buf);
	head.n_holdout_transactions = pq_getmsgint64(buf);
	head.first_period_spend = pq_getmsgfloat8(buf);
	head.repeat_spend = pq_getmsgfloat8(buf);
	head.holdout_spend = pq_getmsgfloat8(buf);
	head.refund_total = pq_getmsgfloat8(buf);
	head.rules.period_months = (int32) pq_getmsgint(buf, 4);
	head.rules.period_days = (int32) pq_getmsgint(buf, 4);
	head.rules.unit_months = (int32) pq_getmsgint(buf, 4);
	head.rules.unit_days = (int32) pq_getmsgint(buf, 4);
	head.rules.unit_usecs = pq_getmsgint64(buf);
	head.as_of_day = (int32) pq_getmsgint(buf, 4);
	head.holdout_day = (int32) pq_getmsgint(buf, 4);
	head.first_day = (int32) pq_getmsgint(buf, 4);
	head.last_day = (int32) pq_getmsgint(buf, 4);
	head.n_periods = (int32) pq_getmsgint(buf, 4);
	head.n_holdout_periods = (int32) pq_getmsgint(buf, 4);
	head.bitmap_base = (int32) pq_getmsgint(buf, 4);	/* reserved: must be 0 */

	used = (int64) head.n_periods + head.n_holdout_periods;
	if (head.n_periods < 0 || head.n_holdout_periods < 0 ||
		used * (int64) sizeof(int32) != buf->len - buf->cursor)
		CrmBinaryError("crm.summary_state", "the period counts do not match the message length");
	periods = (int32 *) palloc(sizeof(int32) * (Size) Max(used, 1));
	for (int64 i = 0; i < used; i++)
		periods[i] = (int32) pq_getmsgint(buf, 4);
	state = StateFromParts(&head, periods);
	CrmBinaryCheck("crm.summary_state", SummaryStateProblem(state));
	PG_RETURN_POINTER(state);
}
