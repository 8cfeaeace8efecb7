/* kmeans_rank_impl.h: the ranking kernel of Lloyd's assignment, written once; kmeans.c includes it before
 * kmeans_impl.h for each T (double / float) with KM_V the 64-byte vector of T, KM_H the 32-byte one and their
 * operations (KM_V_FMA, ...), and KM_FMA the scalar fma of T. No include guard on purpose.
 *
 * Legend: R rows of a tile, D features, NP panels of KM_W = 64 / sizeof(T) centres, KP = NP * KM_W.
 *
 * The value of row x (centred) for centre c is acc = ||c||^2 (rounded to T), then acc = fma(x_t, -2 c_t, acc)
 * for t = 0 .. D-1 in order: ||x - c||^2 - ||x||^2 to within D + 2 roundings of (||x|| + ||c||)^2. Every
 * level (AVX-512, AVX2, baseline's scalar fma) does these correctly rounded operations on each (row, centre)
 * whichever rows and centres share its tile: a row ranked alone or in a tile, by any CPU level and any
 * thread, gets the same bits. */

/* P (NP, D, KM_W) out: -2 C^T by panels of KM_W columns, column q holding centre col[q] (col NULL: q;
 * columns past K zero); cn (KP) out: ||c||^2 rounded to T (past K: zero). C (K, D) in */
static void MLC_SFX(rank_panels)(T *P, T *cn, const T *C, const int32_t *col, int64_t k, int64_t d) {
    const int64_t np = (k + KM_W - 1) / KM_W;
    for (int64_t j = 0; j < np * KM_W; j++) {
        const T *cj = j < k ? C + (col ? col[j] : j) * d : C;
        double s = 0.0;
        for (int64_t t = 0; t < d; t++) {
            const T v = j < k ? cj[t] : (T)0;
            s += (double)v * (double)v;
            P[((j / KM_W) * d + t) * KM_W + j % KM_W] = (T)-2 * v;
        }
        cn[j] = (T)s;
    }
}

#if MLC_ISA_LEVEL == 2
/* R rows g[r] (R = 1 or 4) against the nb panels (nb <= 4) from P0 (D * KM_W apart) and their norms from cn0:
 * values into v[r] (KM_W * nb); R and nb are constants once inlined. */
static inline __attribute__((always_inline)) void MLC_SFX(rank512)(T *const *v, const T *const *g, const T *P0,
                                                                   const T *cn0, int64_t d, const int R, const int nb) {
    KM_V acc[4][4];
    const int64_t ps = d * KM_W;
#pragma GCC unroll 4
    for (int b = 0; b < nb; b++)
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) acc[r][b] = KM_V_LOAD(cn0 + b * KM_W);
    for (int64_t t = 0; t < d; t++) {
        const T *pt = P0 + t * KM_W;
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) {
            const KM_V x = KM_V_SET1(g[r][t]);
#pragma GCC unroll 4
            for (int b = 0; b < nb; b++) acc[r][b] = KM_V_FMA(x, KM_V_LOAD(pt + b * ps), acc[r][b]);
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int b = 0; b < nb; b++) KM_V_STORE(v[r] + b * KM_W, acc[r][b]);
}

/* Four pairs: row g[s] against panel pp[s] from cc[s], values into v[s]. */
static inline void MLC_SFX(pairs512)(T *const *v, const T *const *g, const T *const *pp, const T *const *cc, int64_t d) {
    KM_V acc[4];
    for (int s = 0; s < 4; s++) acc[s] = KM_V_LOAD(cc[s]);
    for (int64_t t = 0; t < d; t++)
        for (int s = 0; s < 4; s++) acc[s] = KM_V_FMA(KM_V_SET1(g[s][t]), KM_V_LOAD(pp[s] + t * KM_W), acc[s]);
    for (int s = 0; s < 4; s++) KM_V_STORE(v[s], acc[s]);
}
#elif MLC_ISA_LEVEL == 1
/* As rank512 with 32-byte halves, one panel: R = 1 or 4 rows. */
static inline __attribute__((always_inline)) void MLC_SFX(rank256)(T *const *v, const T *const *g, const T *p,
                                                                   const T *cc, int64_t o, int64_t d, const int R) {
    KM_H acc[4][2];
    for (int r = 0; r < R; r++)
        for (int h = 0; h < 2; h++) acc[r][h] = KM_H_LOAD(cc + h * KM_W / 2);
    for (int64_t t = 0; t < d; t++) {
        const KM_H p0 = KM_H_LOAD(p + t * KM_W), p1 = KM_H_LOAD(p + t * KM_W + KM_W / 2);
        for (int r = 0; r < R; r++) {
            const KM_H x = KM_H_SET1(g[r][t]);
            acc[r][0] = KM_H_FMA(x, p0, acc[r][0]);
            acc[r][1] = KM_H_FMA(x, p1, acc[r][1]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int h = 0; h < 2; h++) KM_H_STORE(v[r] + o + h * KM_W / 2, acc[r][h]);
}

/* As pairs512 with 32-byte halves. */
static inline void MLC_SFX(pairs256)(T *const *v, const T *const *g, const T *const *pp, const T *const *cc, int64_t d) {
    KM_H acc[4][2];
    for (int s = 0; s < 4; s++)
        for (int h = 0; h < 2; h++) acc[s][h] = KM_H_LOAD(cc[s] + h * KM_W / 2);
    for (int64_t t = 0; t < d; t++)
        for (int s = 0; s < 4; s++) {
            const KM_H x = KM_H_SET1(g[s][t]);
            for (int h = 0; h < 2; h++) acc[s][h] = KM_H_FMA(x, KM_H_LOAD(pp[s] + t * KM_W + h * KM_W / 2), acc[s][h]);
        }
    for (int s = 0; s < 4; s++)
        for (int h = 0; h < 2; h++) KM_H_STORE(v[s] + h * KM_W / 2, acc[s][h]);
}
#endif

/* The values of row g (D) in against panel p (D, KM_W) in from cc (KM_W) in, into v (KM_W) out: baseline's copy
 * of the kernels, and the one the others reduce to. */
static inline void MLC_SFX(rank_one)(T *v, const T *g, const T *p, const T *cc, int64_t d) {
    for (int l = 0; l < KM_W; l++) {
        T acc = cc[l];
        for (int64_t t = 0; t < d; t++) acc = KM_FMA(g[t], p[t * KM_W + l], acc);
        v[l] = acc;
    }
}

/* Every panel of P (NP, D, KM_W) in from cn (KP) in for the rows sl (ns) of G (., D) in: their values into the
 * same rows of V (., KP) out (sl NULL: rows 0 .. ns-1). */
static void MLC_SFX(rank_full)(T *V, const T *G, const int64_t *sl, int64_t ns, const T *P, const T *cn, int64_t np,
                               int64_t d) {
    const int64_t kp = np * KM_W;
    for (int64_t s0 = 0; s0 < ns; s0 += 4) {
        const int R = ns - s0 >= 4 ? 4 : 1, rows = (int)MLC_MIN(4, ns - s0);
        for (int r0 = 0; r0 < rows; r0 += R) {
            T *v[4];
            const T *g[4];
            for (int r = 0; r < R; r++) {
                const int64_t s = sl ? sl[s0 + r0 + r] : s0 + r0 + r;
                v[r] = V + s * kp;
                g[r] = G + s * d;
            }
#if MLC_ISA_LEVEL == 2
            for (int64_t p0 = 0; p0 < np; p0 += 4) {
                const T *p = P + p0 * d * KM_W, *cc = cn + p0 * KM_W;
                T *vo[4];
                for (int r = 0; r < R; r++) vo[r] = v[r] + p0 * KM_W;
                switch (R * 8 + (int)MLC_MIN(4, np - p0)) {
                case 33: MLC_SFX(rank512)(vo, g, p, cc, d, 4, 1); break;
                case 34: MLC_SFX(rank512)(vo, g, p, cc, d, 4, 2); break;
                case 35: MLC_SFX(rank512)(vo, g, p, cc, d, 4, 3); break;
                case 36: MLC_SFX(rank512)(vo, g, p, cc, d, 4, 4); break;
                case 9: MLC_SFX(rank512)(vo, g, p, cc, d, 1, 1); break;
                case 10: MLC_SFX(rank512)(vo, g, p, cc, d, 1, 2); break;
                case 11: MLC_SFX(rank512)(vo, g, p, cc, d, 1, 3); break;
                default: MLC_SFX(rank512)(vo, g, p, cc, d, 1, 4);
                }
            }
#elif MLC_ISA_LEVEL == 1
            for (int64_t p = 0; p < np; p++) {
                if (R == 4) MLC_SFX(rank256)(v, g, P + p * d * KM_W, cn + p * KM_W, p * KM_W, d, 4);
                else MLC_SFX(rank256)(v, g, P + p * d * KM_W, cn + p * KM_W, p * KM_W, d, 1);
            }
#else
            for (int r = 0; r < R; r++)
                for (int64_t p = 0; p < np; p++)
                    MLC_SFX(rank_one)(v[r] + p * KM_W, g[r], P + p * d * KM_W, cn + p * KM_W, d);
#endif
        }
    }
}

/* The pairs (row ps[q], panel pp[q]), q < n: the values of row ps[q] of G (., D) in against that panel of P (NP, D,
 * KM_W) in from cn (KP) in, into its columns of row ps[q] of V (., KP) out. */
static void MLC_SFX(rank_pairs)(T *V, const T *G, const int32_t *ps, const int32_t *pp, int64_t n, const T *P,
                                const T *cn, int64_t np, int64_t d) {
    const int64_t kp = np * KM_W;
    int64_t q = 0;
#if MLC_ISA_LEVEL >= 1
    for (; q + 4 <= n; q += 4) {
        T *v[4];
        const T *g[4], *p[4], *cc[4];
        for (int s = 0; s < 4; s++) {
            v[s] = V + ps[q + s] * kp + pp[q + s] * KM_W;
            g[s] = G + ps[q + s] * d;
            p[s] = P + pp[q + s] * d * KM_W;
            cc[s] = cn + pp[q + s] * KM_W;
        }
#if MLC_ISA_LEVEL == 2
        MLC_SFX(pairs512)(v, g, p, cc, d);
#else
        MLC_SFX(pairs256)(v, g, p, cc, d);
#endif
    }
#endif
    for (; q < n; q++)
        MLC_SFX(rank_one)(V + ps[q] * kp + pp[q] * KM_W, G + ps[q] * d, P + pp[q] * d * KM_W, cn + pp[q] * KM_W, d);
}
