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

/* Layers of each ziggurat */
#define CRM_ZIGGURAT_LAYERS 256

/*
 * A ziggurat of the normal or exponential draws: layer i covers [0,
 * edge[i]] x [height[i], height[i + 1]] under the density
 */
typedef struct CrmZiggurat
{
	double		edge[CRM_ZIGGURAT_LAYERS + 1];	/* right edges; edge[0] is the
												 * base layer's width V / f(R)
												 * (its tail included),
												 * edge[LAYERS] = 0 */
	double		height[CRM_ZIGGURAT_LAYERS + 1];	/* f(edge[i]); 1 at the top */
} CrmZiggurat;

/* The normal's and the exponential's ziggurats (built at the first draw) */
extern CrmZiggurat CrmNormalZiggurat;
extern CrmZiggurat CrmExponentialZiggurat;

/* The draws from bits outside a layer's inner rectangle (prng.c) */
extern double CrmRandomNormalSlow(CrmRandom *rng, uint64 bits);
extern double CrmRandomExponentialSlow(CrmRandom *rng, uint64 bits);

/*
 * The point a ziggurat draw's 64 bits pick: layer bits & 0xFF, a uniform
 * (bits 11-63) times the layer's width; *inside when it lies in the layer's
 * inner rectangle (about 99 % of draws: accepted at once)
 */
static inline double
CrmZigguratPoint(const CrmZiggurat *z, uint64 bits, bool *inside)
{
	int			layer = (int) (bits & 0xFF);
	double		x = (double) (bits >> 11) * (1.0 / 9007199254740992.0) * z->edge[layer];

	*inside = x < z->edge[layer + 1];
	return x;
}

/*
 * A standard normal draw by the ziggurat method: one 64-bit draw picks the
 * layer (bits 0-7), the sign (bit 8) and the point (bits 11-63)
 */
static inline double
CrmRandomNormal(CrmRandom *rng)
{
	uint64		bits = CrmRandomNext(rng);
	bool		inside;
	double		x = CrmZigguratPoint(&CrmNormalZiggurat, bits, &inside);

	if (likely(inside))
		return (bits & 0x100) ? -x : x;
	return CrmRandomNormalSlow(rng, bits);
}

/* An Exponential(1) draw by the ziggurat method (as the normal's, one sided) */
static inline double
CrmRandomStandardExponential(CrmRandom *rng)
{
	uint64		bits = CrmRandomNext(rng);
	bool		inside;
	double		x = CrmZigguratPoint(&CrmExponentialZiggurat, bits, &inside);

	if (likely(inside))
		return x;
	return CrmRandomExponentialSlow(rng, bits);
}

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
