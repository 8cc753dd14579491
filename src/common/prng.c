/*
 * prng.c
 *		The seeded generator of the prediction intervals: xoshiro256**
 *		(Blackman & Vigna 2018) seeded through splitmix64, with normal draws
 *		by the polar method and gamma draws by Marsaglia & Tsang's (2000)
 *		squeeze method (shape below 1 boosted by U^(1/shape)).
 */
#include "postgres.h"

#include <math.h>

#include "prng.h"

/* Mix a 64-bit value into a well-spread one (splitmix64's finalizer) */
uint64
CrmMix64(uint64 h)
{
	h ^= h >> 30;
	h *= UINT64CONST(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64CONST(0x94d049bb133111eb);
	h ^= h >> 31;
	return h;
}

/* Seed the generator: four splitmix64 outputs from the seed */
void
CrmRandomSeed(CrmRandom *rng, uint64 seed)
{
	uint64		x = seed;

	for (int i = 0; i < 4; i++)
	{
		x += UINT64CONST(0x9e3779b97f4a7c15);
		rng->s[i] = CrmMix64(x);
	}
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
		rng->s[0] = 1;
}

/* A standard normal draw (Marsaglia's polar method, one of the pair) */
double
CrmRandomNormal(CrmRandom *rng)
{
	double		u,
				v,
				s;

	do
	{
		u = 2.0 * CrmRandomUniform(rng) - 1.0;
		v = 2.0 * CrmRandomUniform(rng) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

/* A Gamma(shape, 1) draw (Marsaglia & Tsang; shape < 1 boosted) */
double
CrmRandomGamma(CrmRandom *rng, double shape)
{
	double		boost = 1.0;
	double		d,
				c;

	if (shape < 1.0)
	{
		/* Gamma(shape) = Gamma(shape + 1) U^(1/shape) */
		boost = exp(log(CrmRandomUniform(rng)) / shape);
		shape += 1.0;
	}
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		z,
					v,
					u;

		do
		{
			z = CrmRandomNormal(rng);
			v = 1.0 + c * z;
		} while (v <= 0.0);
		v = v * v * v;
		u = CrmRandomUniform(rng);
		if (u < 1.0 - 0.0331 * (z * z) * (z * z) ||
			log(u) < 0.5 * z * z + d * (1.0 - v + log(v)))
			return d * v * boost;
	}
}

/* A Beta(a, b) draw from two gamma draws */
double
CrmRandomBeta(CrmRandom *rng, double a, double b)
{
	double		x = CrmRandomGamma(rng, a);
	double		y = CrmRandomGamma(rng, b);

	/* both may underflow for tiny shapes: then the mean stands in */
	if (!(x + y > 0.0))
		return a / (a + b);
	return x / (x + y);
}

/* An Exponential(rate) draw */
double
CrmRandomExponential(CrmRandom *rng, double rate)
{
	return -log(CrmRandomUniform(rng)) / rate;
}
