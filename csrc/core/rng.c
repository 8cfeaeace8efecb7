/* rng.c: xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64 so that any 64-bit seed,
 * 0 included, gives a well-mixed state. One generator per stream; mlc_rng_jump gives a thread its
 * own non-overlapping stream, so results depend on the seed and the stream layout, not on timing. */
#include <math.h>

#include "mlc.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void mlc_rng_seed(mlc_rng *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

void mlc_rng_seed_stream(mlc_rng *rng, uint64_t seed, uint64_t stream) {
    uint64_t x = seed + 0x9e3779b97f4a7c15ULL * stream;
    mlc_rng_seed(rng, splitmix64(&x));
}

uint64_t mlc_rng_next(mlc_rng *rng) {
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double mlc_rng_uniform(mlc_rng *rng) { return (double)(mlc_rng_next(rng) >> 11) * 0x1.0p-53; }

/* The polar method (Marsaglia & Bray 1964): a point uniform in the unit disc gives two normals. */
void mlc_rng_normal_pair(mlc_rng *rng, double *z0, double *z1) {
    double u, v, s;
    do {
        u = 2.0 * mlc_rng_uniform(rng) - 1.0;
        v = 2.0 * mlc_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = sqrt(-2.0 * log(s) / s);
    *z0 = u * f;
    *z1 = v * f;
}

double mlc_rng_normal(mlc_rng *rng) {
    double z0, z1;
    mlc_rng_normal_pair(rng, &z0, &z1);
    return z0;
}

uint64_t mlc_rng_below(mlc_rng *rng, uint64_t bound) {
    if (bound <= 1) return 0;
    // rejection on the top of the range removes the modulo bias
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do r = mlc_rng_next(rng);
    while (r >= limit);
    return r % bound;
}

void mlc_rng_jump(mlc_rng *rng) {
    static const uint64_t JUMP[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                    0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (JUMP[i] & (UINT64_C(1) << b)) {
                s0 ^= rng->s[0];
                s1 ^= rng->s[1];
                s2 ^= rng->s[2];
                s3 ^= rng->s[3];
            }
            mlc_rng_next(rng);
        }
    rng->s[0] = s0;
    rng->s[1] = s1;
    rng->s[2] = s2;
    rng->s[3] = s3;
}
