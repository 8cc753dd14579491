/*
 * prng.c
 *		The seeded generator of the prediction intervals: xoshiro256**
 *		(Blackman & Vigna 2018) seeded through splitmix64, with normal and
 *		exponential draws by the ziggurat method (Marsaglia & Tsang 2000:
 *		most draws cost one 64-bit number and a multiplication) and gamma
 *		draws by Marsaglia & Tsang's (2000) squeeze method (shape below 1
 *		boosted by U^(1/shape)).
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

/*
 * The ziggurats' constants (Marsaglia & Tsang 2000, 256 layers): the right
 * edge R of the base layer and the area V of every layer under f(x) =
 * exp(-x^2 / 2) for the normal, f(x) = exp(-x) for the exponential
 */
#define NORMAL_EDGE 3.6541528853610088
#define NORMAL_AREA 4.92867323399e-3
#define EXPONENTIAL_EDGE 7.69711747013104972
#define EXPONENTIAL_AREA 3.949659822581572e-3

/* The ziggurats, all zero until built (the inline draws then take the slow path) */
CrmZiggurat CrmNormalZiggurat;
CrmZiggurat CrmExponentialZiggurat;
static bool ZigguratsBuilt = false;

/* f(x) of a ziggurat: the normal's exp(-x^2 / 2) or the exponential's exp(-x) */
static inline double
ZigguratDensity(bool normal, double x)
{
	return normal ? exp(-0.5 * x * x) : exp(-x);
}

/* Fill a ziggurat's layers from its edge R and area V, layer by layer upwards */
static void
BuildZiggurat(CrmZiggurat *z, bool normal, double edge, double area)
{
	z->edge[0] = area / ZigguratDensity(normal, edge);
	z->edge[1] = edge;
	for (int i = 1; i < CRM_ZIGGURAT_LAYERS; i++)
	{
		double		y = ZigguratDensity(normal, z->edge[i]) + area / z->edge[i];

		/* the top layer's edge is 0 (the constants' last digits may overshoot) */
		if (i == CRM_ZIGGURAT_LAYERS - 1 || y >= 1.0)
			z->edge[i + 1] = 0;
		else
			z->edge[i + 1] = normal ? sqrt(-2.0 * log(y)) : -log(y);
	}
	for (int i = 0; i < CRM_ZIGGURAT_LAYERS; i++)
		z->height[i] = ZigguratDensity(normal, z->edge[i]);
	z->height[0] = ZigguratDensity(normal, edge);
	z->height[CRM_ZIGGURAT_LAYERS] = 1.0;
}

/* Build both ziggurats once per process */
static inline void
EnsureZiggurats(void)
{
	if (likely(ZigguratsBuilt))
		return;
	BuildZiggurat(&CrmNormalZiggurat, true, NORMAL_EDGE, NORMAL_AREA);
	BuildZiggurat(&CrmExponentialZiggurat, false, EXPONENTIAL_EDGE, EXPONENTIAL_AREA);
	ZigguratsBuilt = true;
}

/*
 * A standard normal draw by the ziggurat method, from the 64 bits the inline
 * CrmRandomNormal drew when its point fell outside its layer's inner
 * rectangle (or the ziggurats were not built yet): that point checked
 * against the density, the base layer's tail beyond R drawn by Marsaglia's
 * (1964) method, or new bits
 */
double
CrmRandomNormalSlow(CrmRandom *rng, uint64 bits)
{
	const CrmZiggurat *z = &CrmNormalZiggurat;

	EnsureZiggurats();
	for (;;)
	{
		int			layer = (int) (bits & 0xFF);
		double		sign = (bits & 0x100) ? -1.0 : 1.0;
		bool		inside;
		double		x = CrmZigguratPoint(z, bits, &inside);

		if (inside)
			return sign * x;
		if (layer == 0)
		{
			double		a,
						b;

			do
			{
				a = -log(CrmRandomUniform(rng)) / NORMAL_EDGE;
				b = -log(CrmRandomUniform(rng));
			} while (b + b < a * a);
			return sign * (NORMAL_EDGE + a);
		}
		if (z->height[layer] + CrmRandomUniform(rng) * (z->height[layer + 1] - z->height[layer]) <
			exp(-0.5 * x * x))
			return sign * x;
		bits = CrmRandomNext(rng);
	}
}

/*
 * A standard exponential draw by the ziggurat method, from the bits the
 * inline CrmRandomStandardExponential drew (as the normal's, one sided; the
 * tail beyond R is R plus a fresh draw)
 */
double
CrmRandomExponentialSlow(CrmRandom *rng, uint64 bits)
{
	const CrmZiggurat *z = &CrmExponentialZiggurat;
	double		shift = 0;

	EnsureZiggurats();
	for (;;)
	{
		int			layer = (int) (bits & 0xFF);
		bool		inside;
		double		x = CrmZigguratPoint(z, bits, &inside);

		if (inside)
			return shift + x;
		if (layer == 0)
			shift += EXPONENTIAL_EDGE;
		else if (z->height[layer] + CrmRandomUniform(rng) * (z->height[layer + 1] - z->height[layer]) <
				 exp(-x))
			return shift + x;
		bits = CrmRandomNext(rng);
	}
}

/* The constants of Gamma(shape, 1) draws (Marsaglia & Tsang; shape < 1 boosted) */
void
CrmGammaShapeInit(CrmGammaShape *g, double shape)
{
	g->shape = shape;
	g->inverse_shape = shape < 1.0 ? 1.0 / shape : 0;
	if (shape < 1.0)
		shape += 1.0;
	g->d = shape - 1.0 / 3.0;
	g->c = 1.0 / sqrt(9.0 * g->d);
}

/*
 * A Gamma(shape, 1) draw of a prepared shape (Marsaglia & Tsang's squeeze;
 * a shape below 1 draws Gamma(shape + 1) U^(1/shape), U^(1/shape) =
 * exp(-E / shape))
 */
double
CrmRandomGammaOf(CrmRandom *rng, const CrmGammaShape *g)
{
	double		boost = 1.0;

	if (g->inverse_shape > 0)
		boost = exp(-CrmRandomStandardExponential(rng) * g->inverse_shape);
	for (;;)
	{
		double		z,
					v,
					u;

		do
		{
			z = CrmRandomNormal(rng);
			v = 1.0 + g->c * z;
		} while (v <= 0.0);
		v = v * v * v;
		u = CrmRandomUniform(rng);
		if (u < 1.0 - 0.0331 * (z * z) * (z * z) ||
			log(u) < 0.5 * z * z + g->d * (1.0 - v + log(v)))
			return g->d * v * boost;
	}
}

/* A Gamma(shape, 1) draw */
double
CrmRandomGamma(CrmRandom *rng, double shape)
{
	CrmGammaShape g;

	CrmGammaShapeInit(&g, shape);
	return CrmRandomGammaOf(rng, &g);
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
