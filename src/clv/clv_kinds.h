/*
 * clv_kinds.h
 *		The list of model kinds, one line each:
 *
 *		CLV_KIND(enum name, number, ops table)
 *
 * The number is the kind byte stored in every model value (on disk and in
 * the binary form): never renumber or reuse one.  The ops table is the
 * kind's ClvModelOps (clv_ops.h), defined in its own C file.  This file is
 * read with CLV_KIND defined by its includer: clv.h makes the ClvModelKind
 * enum of it, clv_ops.h the declarations of the tables and clv_ops.c the
 * registry.  No include guard, on purpose (as PostgreSQL's rmgrlist.h).
 */
CLV_KIND(CLV_BGNBD, 1, ClvBgnbdOps)			/* Fader, Hardie & Lee (2005) */
CLV_KIND(CLV_MBGNBD, 2, ClvMbgnbdOps)		/* Batislam, Denizel & Filiztekin (2007) */
CLV_KIND(CLV_GAMMAGAMMA, 3, ClvGammagammaOps)	/* Fader, Hardie & Lee (2005), spend model */
CLV_KIND(CLV_PARETONBD, 4, ClvParetonbdOps)	/* Schmittlein, Morrison & Colombo (1987) */
CLV_KIND(CLV_BGBB, 5, ClvBgbbOps)			/* Fader, Hardie & Shang (2010), discrete */
CLV_KIND(CLV_SBG, 6, ClvSbgOps)				/* Fader & Hardie (2007), contractual */
CLV_KIND(CLV_GGOMNBD, 7, ClvGgomnbdOps)		/* Bemmaor & Glady (2012) */
CLV_KIND(CLV_BGCNBD, 8, ClvBgcnbdOps)		/* Platzer & Reutterer (2016) */
CLV_KIND(CLV_MBGCNBD, 9, ClvMbgcnbdOps)		/* Platzer & Reutterer (2016) */
