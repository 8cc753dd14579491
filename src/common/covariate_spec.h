/*
 * covariate_spec.h
 *		The covariate spec of a fit with customer covariates (SQL type
 *		crm.covariates): the names of the covariates of the lifetime and of
 *		the transaction process, which of them are constrained (one
 *		coefficient shared by both processes) and the L2 penalties of each
 *		process.  Its flat form is a varlena embedded byte for byte in the
 *		fit states (tuple_state.h) and the models (src/clv/clv.h) that carry
 *		covariates, so that two specs are equal exactly when their bytes are.
 *
 * A covariate is a float8 value per customer; a customer's covariates come
 * in as two float8[] arrays (lifetime, transaction) in the order of the
 * spec's names.  What the coefficients do to a model's parameters is the
 * model kind's business (src/clv/clv_covariates.c).
 */
#ifndef CRM_COVARIATE_SPEC_H
#define CRM_COVARIATE_SPEC_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#define COVARIATE_SPEC_VERSION 1
/* Most covariates of one process */
#define COVARIATE_MAX_PER_PROCESS 16
/* Longest covariate name, in bytes */
#define COVARIATE_NAME_MAX 63

/* The two processes covariates act on */
typedef enum CovariateProcess
{
	COVARIATE_LIFE = 0,			/* the lifetime (dropout) process */
	COVARIATE_TRANS = 1			/* the transaction (purchase) process */
} CovariateProcess;

/*
 * The flat form of a covariate spec.  Names are [A-Za-z_][A-Za-z0-9_.]*,
 * at most COVARIATE_NAME_MAX bytes, distinct within a process; a
 * constrained covariate is named in both processes.
 */
typedef struct CovariateSpec
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* COVARIATE_SPEC_VERSION */
	uint8		n_life;			/* lifetime covariates */
	uint8		n_trans;		/* transaction covariates */
	uint8		reserved;		/* must be zero */
	uint32		constrained;	/* bit k: lifetime covariate k shares its
								 * coefficient with the transaction covariate
								 * of the same name */
	float8		lambda_life;	/* L2 penalty on the lifetime coefficients */
	float8		lambda_trans;	/* L2 penalty on the transaction coefficients */
	char		names[FLEXIBLE_ARRAY_MEMBER];	/* n_life, then n_trans
												 * NUL-terminated names */
} CovariateSpec;

/* A spec's names and pairs by index (pointers into the spec) */
typedef struct CovariateNames
{
	int			n[2];			/* covariates per process (COVARIATE_LIFE,
								 * COVARIATE_TRANS) */
	const char *name[2][COVARIATE_MAX_PER_PROCESS]; /* their names */
	int			partner[2][COVARIATE_MAX_PER_PROCESS];	/* for a constrained
														 * covariate, the index
														 * of its namesake in the
														 * other process; else -1 */
	float8		lambda[2];		/* the L2 penalty of each process */
} CovariateNames;

/* The name of a process in messages and keys: "life" or "trans" */
extern const char *CovariateProcessName(CovariateProcess process);

/*
 * A new spec from its parts (palloc'd), checked: 22023 for a bad name, a
 * name given twice in a process, a constrained name not in both processes,
 * more than COVARIATE_MAX_PER_PROCESS covariates or a lambda that is not a
 * finite number >= 0
 */
extern CovariateSpec *CovariateSpecBuild(char **life, int n_life, char **trans, int n_trans,
										 char **constrained, int n_constrained,
										 float8 lambda_life, float8 lambda_trans);

/*
 * A new spec from its parts (palloc'd), or NULL with *problem saying why
 * they are invalid (*bad: the offending name, or NULL)
 */
extern CovariateSpec *CovariateSpecTryBuild(char **life, int n_life, char **trans, int n_trans,
											char **constrained, int n_constrained,
											float8 lambda_life, float8 lambda_trans,
											const char **problem, const char **bad);

/* Why a spec read from outside (or embedded in a value) is invalid, or NULL */
extern const char *CovariateSpecProblem(const CovariateSpec *spec, Size available);

/* The names, pairs and penalties of a (valid) spec */
extern void CovariateSpecNames(const CovariateSpec *spec, CovariateNames *names);

/* Whether two specs are the same */
extern bool CovariateSpecEqual(const CovariateSpec *a, const CovariateSpec *b);

/* Total covariates of a spec (lifetime and transaction) */
static inline int
CovariateSpecCount(const CovariateSpec *spec)
{
	return spec->n_life + spec->n_trans;
}

/*
 * Append the text form "life={a,b} trans={a,c} [constrained={a}]
 * [lambda_life=L] [lambda_trans=L]" (the names in double quotes)
 */
extern void CovariateSpecAppendText(StringInfo buf, const CovariateSpec *spec);

/* Append the spec's text form in parentheses as " key=(...)" */
extern void CovariateSpecAppendKey(StringInfo buf, const char *key, const CovariateSpec *spec);

struct CrmReader;

/* Read a spec's text form (as CovariateSpecAppendText writes it; 22P02 otherwise) */
extern CovariateSpec *CovariateSpecRead(struct CrmReader *r);

/* Send a spec in binary form */
extern void CovariateSpecSend(StringInfo buf, const CovariateSpec *spec);

/* Receive a spec sent by CovariateSpecSend (22P03 if invalid; type_name for messages) */
extern CovariateSpec *CovariateSpecRecv(StringInfo buf, const char *type_name);

/* The spec in argument argno (22004 if NULL) */
extern CovariateSpec *CovariateSpecArg(FunctionCallInfo fcinfo, int argno);

#endif							/* CRM_COVARIATE_SPEC_H */
