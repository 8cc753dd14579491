/*
 * prng.h
 *		A small seeded pseudo-random generator (xoshiro256** seeded through
 *		splitmix64) and the draws the prediction intervals need: uniform,
 *		standard normal, gamma, beta.  Deterministic for a seed on every
 *		platform (integer arithmetic; the draws use libm's log, exp, pow and
 *		sqrt only).
 */
#ifndef CRM_PRNG_H
#define CRM_PRNG_H

#include "postgres.h"

/* The generator's state */
typedef struct CrmRandom
{
	uint64		s[4];			/* xoshiro256** state, never all zero */
} CrmRandom;

/* Mix a 64-bit value into a well-spread one (splitmix64's finalizer) */
extern uint64 CrmMix64(uint64 h);

/* Seed the generator from a 64-bit seed */
extern void CrmRandomSeed(CrmRandom *rng, uint64 seed);

/* The next 64 random bits (xoshiro256**) */
static inline uint64
CrmRandomNext(CrmRandom *rng)
{
	uint64	   *s = rng->s;
	uint64		x = s[1] * 5;
	uint64		result = ((x << 7) | (x >> 57)) * 9;
	uint64		t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/* A uniform draw in (0, 1): the top 53 bits, shifted half a step off 0 */
static inline double
CrmRandomUniform(CrmRandom *rng)
{
	return ((double) (CrmRandomNext(rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* A standard normal draw */
extern double CrmRandomNormal(CrmRandom *rng);

/* An Exponential(1) draw */
extern double CrmRandomStandardExponential(CrmRandom *rng);

/* A Gamma(shape, 1) draw, shape > 0 (scale it by dividing by the rate) */
extern double CrmRandomGamma(CrmRandom *rng, double shape);

/* The constants of Gamma(shape, 1) draws, for many draws of one shape */
typedef struct CrmGammaShape
{
	double		shape;			/* the shape */
	double		inverse_shape;	/* 1 / shape below 1 (boosted draws), else 0 */
	double		d;				/* the squeeze's d: the shape (plus 1 when
								 * boosted) less 1/3 */
	double		c;				/* 1 / sqrt(9 d) */
} CrmGammaShape;

/* Prepare the constants of Gamma(shape, 1) draws, shape > 0 */
extern void CrmGammaShapeInit(CrmGammaShape *g, double shape);

/* A Gamma(shape, 1) draw of a prepared shape (the same as CrmRandomGamma's) */
extern double CrmRandomGammaOf(CrmRandom *rng, const CrmGammaShape *g);

/* A Beta(a, b) draw, a, b > 0 */
extern double CrmRandomBeta(CrmRandom *rng, double a, double b);

#endif							/* CRM_PRNG_H */
