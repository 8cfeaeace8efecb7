/* smo.c: the SMO solver of LIBSVM for C-SVC and epsilon-SVR, with kernel rows by BLAS and an LRU
 * row cache.
 *
 * The dual problem (Chang & Lin, "LIBSVM: a library for support vector machines", 2011, sec. 4.1):
 *
 *     min_a  1/2 a' Q a + p' a    subject to  y' a = 0,  0 <= a_t <= C_t,  t = 1..l,
 *
 * with Q_ts = y_t y_s K(x_t, x_s) and y_t = +1 / -1.
 *   C-SVC:       l = N, p = -1, C_t = C x weight of t's class x t's sample weight.
 *   epsilon-SVR: l = 2N, a = [a; a*], y = [+1; -1], p = [eps - z; eps + z] for targets z, C_t = C;
 *                C_t = C_{t+N} = C x t's sample weight; the regression coefficients are a - a*.
 * Each iteration picks a pair (i, j) by the second-order rule of Fan, Chen & Lin ("Working set
 * selection using second order information for training SVM", JMLR 2005): i maximises
 * -y_t grad_t over the "up" set, j minimises the decrease -(b_ij^2)/a_ij of the objective over the
 * "low" set; the two-variable subproblem is solved exactly and clipped to the box, and the
 * gradient G = Q a + p is updated with the two kernel rows. It stops when
 * m(a) - M(a) < tol (the maximal violating pair's gap). The bias rho is LIBSVM's: the average of
 * y_t G_t over the free variables, else the midpoint of the feasible interval.
 * Shrinking (Chang & Lin sec. 5.1, as LIBSVM does it): every min(l, 1000) iterations, variables at
 * a bound whose gradient says they will stay there leave the active set (swapped to its end, so
 * selection and updates run on a prefix); G_bar_t = sum over s at its upper bound of C_s Q_ts
 * lets the full gradient be rebuilt before the final optimality check, and once when the gap
 * first falls under 10 tol.
 *
 * Kernel rows K(x_r, X) are computed across the samples of a by-feature copy of X (mlc_svm_kernel_row,
 * dispatched per CPU level; for CSR rows a CSC copy, mlc_svm_kernel_row_csr) and kept, as float (LIBSVM's Qfloat),
 * in a least-recently-used cache of at most cache_mb megabytes (always at least two rows).
 * Multiclass (one-vs-one, LIBSVM's svm_train): the K (K - 1) / 2 pairs are solved by OpenMP
 * threads, each exactly as alone; the kernel within each class, which the K - 1 pairs of that class
 * all need, is computed once by GEMM and copied into their rows (dense rows only).
 */
#include "svm/smo.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <omp.h>

#include "blas.h"
#include "core/reduce.h"
#include "core/sparse.h"

#define TAU 1e-12

const char *mlc_svm_check_params(const mlc_svm_kernel *k, double tol, double cache_mb) {
    if (!mlc_svm_kernel_valid(k->kernel)) return "kernel must be linear, poly, rbf or sigmoid";
    if (k->kernel != MLC_SVM_LINEAR && !(k->gamma > 0)) return "gamma must be > 0";
    if (k->kernel == MLC_SVM_POLY && k->degree < 0) return "degree must be >= 0";
    if (!(tol > 0)) return "tol must be > 0";
    if (!(cache_mb > 0)) return "cache_size must be > 0";
    return NULL;
}

/* ---- the solver ------------------------------------------------------------------------------ */

typedef struct {
    int64_t l, n, d;      /* variables, real rows, features */
    const double *XA;     /* (NA, D) real rows [0, NA) */
    const double *XB;     /* (N - NA, D) real rows [NA, N): a pair's second class, or NULL */
    int64_t na;
    const mlc_svm_rows *R; /* CSR rows, or NULL (dense: XA, XB): real rows [0, NA) are R's [a0, a0 + NA), */
    int64_t a0, b0;       /* [NA, N) are R's [b0, b0 + N - NA) */
    mlc_par *par;         /* the parallel region's scaffold when solvers run in one, else NULL */
    const float *own_a;   /* (NA, NA) K within XA's rows, computed once for all pairs, or NULL */
    const float *own_b;   /* (N - NA, N - NA) the same for XB */
    mlc_svm_kernel k;
    double *sq;           /* (N) squared norms (rbf) */
    double *xt;           /* (D, N) the real rows by feature: kernel rows run across samples */
    int64_t *colptr;      /* CSR: (D + 1), rows (NNZ), vals (NNZ): the real rows by feature (CSC) */
    int32_t *rows;
    double *vals;
    double *vrow;         /* CSR: (N) a kernel row before its rounding to float */
    /* LRU cache of kernel rows: slots of N floats, keyed by real row */
    float *pool;          /* (cap, N) */
    int64_t cap, used;
    int64_t *slot_of;     /* (N) row -> slot or -1 */
    int64_t *row_of;      /* (cap) slot -> row */
    int64_t *prev, *next; /* (cap) the LRU list, head = most recent */
    int64_t head, tail;
    /* the problem, by position t (positions are permuted by shrinking) */
    int64_t active;       /* active set = positions [0, active) */
    int unshrink;
    int permuted;         /* some positions were swapped: position != variable */
    double *y, *C, *p, *alpha, *G, *G_bar, *QD; /* (l) */
    uint8_t *status;      /* (l) IN_UP | IN_LOW, kept in step with alpha */
    int64_t *real;        /* (l) position -> real row of X */
    int64_t *orig;        /* (l) position -> variable index of the caller */
} smo;

static void lru_unlink(smo *s, int64_t t) {
    if (s->prev[t] >= 0) s->next[s->prev[t]] = s->next[t];
    else s->head = s->next[t];
    if (s->next[t] >= 0) s->prev[s->next[t]] = s->prev[t];
    else s->tail = s->prev[t];
}

static void lru_push_front(smo *s, int64_t t) {
    s->prev[t] = -1;
    s->next[t] = s->head;
    if (s->head >= 0) s->prev[s->head] = t;
    s->head = t;
    if (s->tail < 0) s->tail = t;
}

static inline const double *real_row(const smo *s, int64_t r) {
    return r < s->na ? s->XA + r * s->d : s->XB + (r - s->na) * s->d;
}

/* Kernel row of real row r (N floats), from the cache or computed by mlc_svm_kernel_row on xt. */
static const float *kernel_row(smo *s, int64_t r) {
    int64_t t = s->slot_of[r];
    if (t >= 0) {
        if (s->head != t) {
            lru_unlink(s, t);
            lru_push_front(s, t);
        }
        return s->pool + t * s->n;
    }
    if (s->used < s->cap) {
        t = s->used++;
    } else {
        t = s->tail;
        lru_unlink(s, t);
        s->slot_of[s->row_of[t]] = -1;
    }
    s->row_of[t] = r;
    s->slot_of[r] = t;
    lru_push_front(s, t);
    float *out = s->pool + t * s->n;
    const int64_t n = s->n, d = s->d, na = s->na;
    if (s->R != NULL) {
        const int64_t i = r < na ? s->a0 + r : s->b0 + (r - na), p0 = s->R->indptr[i];
        mlc_svm_kernel_row_csr(s->vrow, s->colptr, s->rows, s->vals, s->R->indices + p0, s->R->data + p0,
                               s->R->indptr[i + 1] - p0, n, s->sq[r], s->sq, &s->k);
        for (int64_t j = 0; j < n; j++) out[j] = (float)s->vrow[j];
        return out;
    }
    const double *xr = real_row(s, r);
    // [c0, c1): the part of the row to compute; a pair's K within r's own class is copied
    int64_t c0 = 0, c1 = n;
    if (s->own_a != NULL && r < na) {
        memcpy(out, s->own_a + r * na, sizeof(float) * (size_t)na);
        c0 = na;
    } else if (s->own_b != NULL && r >= na) {
        memcpy(out + na, s->own_b + (r - na) * (n - na), sizeof(float) * (size_t)(n - na));
        c1 = na;
    }
    mlc_svm_kernel_row(out, s->xt, xr, s->sq, n, c0, c1, d, s->sq ? s->sq[r] : 0, &s->k);
    return out;
}

/* s's arrays for N real rows (dense, nnz < 0, or CSR with nnz entries), l variables and a cache of
 * cache_mb, taken from the arena a (see mlc_arena; on a sizing arena the pointers stay NULL). */
static void smo_carve(smo *s, mlc_arena *a, int64_t n, int64_t d, int64_t nnz, int64_t l, const mlc_svm_kernel *k,
                      double cache_mb) {
    double rows = cache_mb * 1048576.0 / (sizeof(float) * (double)(n > 0 ? n : 1));
    s->cap = rows >= (double)n ? n : (int64_t)rows;
    if (s->cap < 2) s->cap = MLC_MIN(2, n);
    if (nnz < 0) {
        s->xt = mlc_arena_take(a, sizeof(double) * (size_t)(n * d));
    } else {
        s->colptr = mlc_arena_take(a, sizeof(int64_t) * (size_t)(d + 1));
        s->rows = mlc_arena_take(a, sizeof(int32_t) * (size_t)nnz);
        s->vals = mlc_arena_take(a, sizeof(double) * (size_t)nnz);
        s->vrow = mlc_arena_take(a, sizeof(double) * (size_t)n);
    }
    // CSR rows keep every norm: the diagonal QD comes from them
    s->sq = k->kernel == MLC_SVM_RBF || nnz >= 0 ? mlc_arena_take(a, sizeof(double) * (size_t)n) : NULL;
    s->pool = mlc_arena_take(a, sizeof(float) * (size_t)(s->cap * n));
    s->slot_of = mlc_arena_take(a, sizeof(int64_t) * (size_t)(n + 3 * s->cap + 2 * l));
    s->y = mlc_arena_take(a, sizeof(double) * (size_t)(7 * l));
    s->status = mlc_arena_take(a, (size_t)(l > 0 ? l : 1));
}

/* The bytes smo_carve takes. */
static size_t smo_bytes(int64_t n, int64_t d, int64_t nnz, int64_t l, const mlc_svm_kernel *k, double cache_mb) {
    smo s;
    mlc_arena a = {NULL, 0};
    smo_carve(&s, &a, n, d, nnz, l, k, cache_mb);
    return a.size;
}

/* The stored entries of X's rows [a0, a0 + na) and [b0, b0 + nb), or -1 for dense rows. */
static int64_t rows_nnz(const mlc_svm_rows *X, int64_t a0, int64_t na, int64_t b0, int64_t nb) {
    if (X->indices == NULL) return -1;
    return X->indptr[a0 + na] - X->indptr[a0] + X->indptr[b0 + nb] - X->indptr[b0];
}

/* The real rows are X's rows [a0, a0 + NA) then [b0, b0 + N - NA); the caller then fills y (l)
 * +1/-1, C (l) bounds and p (l) linear term by variable; the real row of variable t is t % N. The
 * arrays come from a (smo_bytes(n, d, rows_nnz(...), l, k, cache_mb) left in it). */
static void smo_init(smo *s, mlc_arena *a, const mlc_svm_rows *X, int64_t a0, int64_t na, int64_t b0, int64_t n,
                     int64_t d, int64_t l, const mlc_svm_kernel *k, double cache_mb) {
    memset(s, 0, sizeof *s);
    const int64_t nnz = rows_nnz(X, a0, na, b0, n - na);
    s->l = l;
    s->n = n;
    s->d = d;
    s->na = na;
    s->k = *k;
    s->head = s->tail = -1;
    if (nnz >= 0) {
        s->R = X;
        s->a0 = a0;
        s->b0 = b0;
    } else {
        s->XA = X->X + a0 * d;
        s->XB = X->X + b0 * d;
    }
    smo_carve(s, a, n, d, nnz, l, k, cache_mb);
    s->row_of = s->slot_of + n;
    s->prev = s->row_of + s->cap;
    s->next = s->prev + s->cap;
    s->real = s->next + s->cap;
    s->orig = s->real + l;
    for (int64_t i = 0; i < n; i++) s->slot_of[i] = -1;
    s->C = s->y + l;
    s->p = s->C + l;
    s->alpha = s->p + l;
    s->G = s->alpha + l;
    s->G_bar = s->G + l;
    s->QD = s->G_bar + l;
    if (s->R != NULL) {
        mlc_sparse_csr_row_sqnorms_f64(s->sq, X->data, X->indptr + a0, na, 1);
        mlc_sparse_csr_row_sqnorms_f64(s->sq + na, X->data, X->indptr + b0, n - na, 1);
        mlc_svm_rows_by_feature(s->colptr, s->rows, s->vals, X, a0, na, b0, n - na, d);
        for (int64_t t = 0; t < l; t++) {
            const double sqx = s->sq[t % n];
            double kxx = sqx;
            mlc_svm_kernel_from_dots(k, &kxx, 1, sqx, &sqx);
            s->QD[t] = kxx;
            s->real[t] = t % n;
            s->orig[t] = t;
        }
        return;
    }
    if (s->sq) {
        mlc_svm_row_sqnorms(s->sq, s->XA, na, d);
        mlc_svm_row_sqnorms(s->sq + na, s->XB, n - na, d);
    }
    for (int64_t r = 0; r < n; r++) {
        const double *x = real_row(s, r);
        for (int64_t c = 0; c < d; c++) s->xt[c * n + r] = x[c];
    }
    for (int64_t t = 0; t < l; t++) {
        const double *x = real_row(s, t % n);
        double sqx = 0;
        for (int64_t c = 0; c < d; c++) sqx += x[c] * x[c];
        double kxx = sqx;
        mlc_svm_kernel_from_dots(k, &kxx, 1, sqx, &sqx);
        s->QD[t] = kxx;
        s->real[t] = t % n;
        s->orig[t] = t;
    }
}

#define IS_UPPER(s, t) ((s)->alpha[t] >= (s)->C[t])
#define IS_LOWER(s, t) ((s)->alpha[t] <= 0)
#define IS_FREE(s, t) (!IS_UPPER(s, t) && !IS_LOWER(s, t))

/* LIBSVM's I_up (y_t alpha_t can grow) and I_low (it can shrink), as flags the selection reads
 * instead of comparing alpha with both bounds. */
enum { IN_UP = 1, IN_LOW = 2 };

static void update_status(smo *s, int64_t t) {
    const int up = IS_UPPER(s, t), low = IS_LOWER(s, t);
    if (s->y[t] > 0) s->status[t] = (uint8_t)((up ? 0 : IN_UP) | (low ? 0 : IN_LOW));
    else s->status[t] = (uint8_t)((low ? 0 : IN_UP) | (up ? 0 : IN_LOW));
}

#define SWAP(T, a, b) do { T tmp_ = (a); (a) = (b); (b) = tmp_; } while (0)

static void swap_positions(smo *s, int64_t i, int64_t j) {
    s->permuted = 1;
    SWAP(double, s->y[i], s->y[j]);
    SWAP(double, s->C[i], s->C[j]);
    SWAP(double, s->p[i], s->p[j]);
    SWAP(double, s->alpha[i], s->alpha[j]);
    SWAP(double, s->G[i], s->G[j]);
    SWAP(double, s->G_bar[i], s->G_bar[j]);
    SWAP(double, s->QD[i], s->QD[j]);
    SWAP(uint8_t, s->status[i], s->status[j]);
    SWAP(int64_t, s->real[i], s->real[j]);
    SWAP(int64_t, s->orig[i], s->orig[j]);
}

/* Second-order working set selection (WSS 2 of Fan, Chen & Lin) over the active set. 1 when
 * optimal within tol. */
static int select_working_set(smo *s, double tol, int64_t *out_i, int64_t *out_j) {
    const int64_t m = s->active;
    const double *y = s->y, *G = s->G;
    const int64_t *real = s->real;
    double Gmax = -INFINITY, Gmax2 = -INFINITY, obj_min = INFINITY;
    int64_t gi = -1, gj = -1;
    const uint8_t *status = s->status;
    // i maximises -y_t G_t over I_up; then j, over I_low, the objective decrease, while Gmax2
    // collects max y_t G_t over I_low for the stopping test
    for (int64_t t = 0; t < m; t++) {
        const double v = -y[t] * G[t];
        if ((status[t] & IN_UP) && v >= Gmax) Gmax = v, gi = t;
    }
    const float *Ki = gi >= 0 ? kernel_row(s, real[gi]) : NULL;
    const double QDi = gi >= 0 ? s->QD[gi] : 0;
    for (int64_t t = 0; t < m; t++) {
        if (!(status[t] & IN_LOW)) continue;
        const double v = y[t] * G[t], grad_diff = Gmax + v;
        if (v >= Gmax2) Gmax2 = v;
        if (grad_diff > 0 && Ki != NULL) {
            // y_i Q_it = y_t K_it, so the curvature is QD_i + QD_t - 2 K_it for either sign of y_t.
            double quad = QDi + s->QD[t] - 2.0 * (double)Ki[real[t]];
            double obj = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
            if (obj <= obj_min) gj = t, obj_min = obj;
        }
    }
    if (Gmax + Gmax2 < tol || gj == -1) return 1;
    *out_i = gi;
    *out_j = gj;
    return 0;
}

/* G_t = G_bar_t + p_t + sum over free s of alpha_s Q_ts for the inactive t. */
static void reconstruct_gradient(smo *s) {
    const int64_t l = s->l, m = s->active;
    if (m == l) return;
    int64_t nr_free = 0;
    for (int64_t t = m; t < l; t++) s->G[t] = s->G_bar[t] + s->p[t];
    for (int64_t t = 0; t < m; t++) nr_free += IS_FREE(s, t);
    if (nr_free * l > 2 * m * (l - m)) {
        for (int64_t i = m; i < l; i++) {
            const float *Ki = kernel_row(s, s->real[i]);
            double g = 0;
            for (int64_t j = 0; j < m; j++)
                if (IS_FREE(s, j)) g += s->alpha[j] * s->y[j] * (double)Ki[s->real[j]];
            s->G[i] += s->y[i] * g;
        }
    } else {
        for (int64_t i = 0; i < m; i++) {
            if (!IS_FREE(s, i)) continue;
            const float *Ki = kernel_row(s, s->real[i]);
            const double ai = s->alpha[i] * s->y[i];
            for (int64_t j = m; j < l; j++) s->G[j] += ai * s->y[j] * (double)Ki[s->real[j]];
        }
    }
}

static int be_shrunk(const smo *s, int64_t t, double Gmax1, double Gmax2) {
    if (IS_UPPER(s, t)) return s->y[t] > 0 ? -s->G[t] > Gmax1 : -s->G[t] > Gmax2;
    if (IS_LOWER(s, t)) return s->y[t] > 0 ? s->G[t] > Gmax2 : s->G[t] > Gmax1;
    return 0;
}

static void do_shrinking(smo *s, double tol) {
    double Gmax1 = -INFINITY, Gmax2 = -INFINITY; // max -y G over I_up, max y G over I_low
    for (int64_t t = 0; t < s->active; t++) {
        const double G = s->G[t];
        if (s->y[t] > 0) {
            if (!IS_UPPER(s, t)) Gmax1 = MLC_MAX(Gmax1, -G);
            if (!IS_LOWER(s, t)) Gmax2 = MLC_MAX(Gmax2, G);
        } else {
            if (!IS_UPPER(s, t)) Gmax2 = MLC_MAX(Gmax2, -G);
            if (!IS_LOWER(s, t)) Gmax1 = MLC_MAX(Gmax1, G);
        }
    }
    if (!s->unshrink && Gmax1 + Gmax2 <= tol * 10) {
        s->unshrink = 1;
        reconstruct_gradient(s);
        s->active = s->l;
    }
    for (int64_t t = 0; t < s->active; t++) {
        if (!be_shrunk(s, t, Gmax1, Gmax2)) continue;
        s->active--;
        while (s->active > t) {
            if (!be_shrunk(s, s->active, Gmax1, Gmax2)) {
                swap_positions(s, t, s->active);
                break;
            }
            s->active--;
        }
    }
}

/* LIBSVM's rho: mean of y_t G_t over free variables, else the middle of [lb, ub]. */
static double calculate_rho(const smo *s) {
    double ub = INFINITY, lb = -INFINITY, sum_free = 0;
    int64_t nr_free = 0;
    for (int64_t t = 0; t < s->active; t++) {
        const double yG = s->y[t] * s->G[t];
        if (IS_UPPER(s, t)) {
            if (s->y[t] < 0) ub = MLC_MIN(ub, yG);
            else lb = MLC_MAX(lb, yG);
        } else if (IS_LOWER(s, t)) {
            if (s->y[t] > 0) ub = MLC_MIN(ub, yG);
            else lb = MLC_MAX(lb, yG);
        } else {
            nr_free++;
            sum_free += yG;
        }
    }
    return nr_free > 0 ? sum_free / (double)nr_free : (ub + lb) / 2;
}

/* G_bar += sign C_t Q_t. over all positions, when t enters (+1) or leaves (-1) its upper bound. */
static void update_G_bar(smo *s, int64_t t, double sign) {
    const float *Kt = kernel_row(s, s->real[t]);
    const double c = sign * s->C[t] * s->y[t];
    for (int64_t k = 0; k < s->l; k++) s->G_bar[k] += c * s->y[k] * (double)Kt[s->real[k]];
}

/* The progress callback, through the region's scaffold when the solver runs in one: then a stop
 * (or a failure) on any thread stops every solver of the region. */
static int interrupted(smo *s, const mlc_progress *prog, int64_t iter, int64_t max_iter) {
    if (s->par == NULL) return mlc_progress_tick(prog, iter, max_iter) != 0;
    mlc_par_tick(s->par, iter, max_iter);
    return mlc_par_halted(s->par);
}

/* Run SMO from alpha = 0, G = p. Writes alpha by variable into alpha_out (l). Returns MLC_OK,
 * MLC_ENOTCONVERGED or MLC_EINTERRUPTED; *rho is written unless interrupted. */
static int smo_solve(smo *s, double *alpha_out, double *rho, double tol, int shrinking, int64_t max_iter,
                     int64_t *n_iter, const mlc_progress *prog) {
    const int64_t l = s->l;
    double *alpha = s->alpha, *G = s->G;
    const double *y = s->y;
    const int64_t *real = s->real;
    for (int64_t t = 0; t < l; t++) alpha[t] = 0, G[t] = s->p[t], s->G_bar[t] = 0;
    for (int64_t t = 0; t < l; t++) update_status(s, t);
    s->active = l;
    s->unshrink = 0;
    int64_t iter = 0, counter = MLC_MIN(l, 1000) + 1;
    int st = MLC_OK;
    for (;;) {
        if (max_iter >= 0 && iter >= max_iter) {
            st = MLC_ENOTCONVERGED;
            break;
        }
        if (--counter == 0) {
            counter = MLC_MIN(l, 1000);
            if (shrinking) do_shrinking(s, tol);
            if (interrupted(s, prog, iter, max_iter)) {
                st = MLC_EINTERRUPTED;
                break;
            }
        }
        int64_t i, j;
        if (select_working_set(s, tol, &i, &j)) {
            reconstruct_gradient(s);
            s->active = l;
            if (select_working_set(s, tol, &i, &j)) break;
            counter = 1; // shrink at the next iteration
        }
        iter++;
        const float *Ki = kernel_row(s, real[i]);
        const float *Kj = kernel_row(s, real[j]);
        const double Ci = s->C[i], Cj = s->C[j];
        const double oai = alpha[i], oaj = alpha[j];
        const int ui = IS_UPPER(s, i), uj = IS_UPPER(s, j);
        double quad = s->QD[i] + s->QD[j] - 2.0 * (double)Ki[real[j]];
        if (quad <= 0) quad = TAU;
        if (y[i] != y[j]) {
            const double delta = (-G[i] - G[j]) / quad, diff = alpha[i] - alpha[j];
            alpha[i] += delta;
            alpha[j] += delta;
            if (diff > 0) {
                if (alpha[j] < 0) alpha[j] = 0, alpha[i] = diff;
            } else {
                if (alpha[i] < 0) alpha[i] = 0, alpha[j] = -diff;
            }
            if (diff > Ci - Cj) {
                if (alpha[i] > Ci) alpha[i] = Ci, alpha[j] = Ci - diff;
            } else {
                if (alpha[j] > Cj) alpha[j] = Cj, alpha[i] = Cj + diff;
            }
        } else {
            const double delta = (G[i] - G[j]) / quad, sum = alpha[i] + alpha[j];
            alpha[i] -= delta;
            alpha[j] += delta;
            if (sum > Ci) {
                if (alpha[i] > Ci) alpha[i] = Ci, alpha[j] = sum - Ci;
            } else {
                if (alpha[j] < 0) alpha[j] = 0, alpha[i] = sum;
            }
            if (sum > Cj) {
                if (alpha[j] > Cj) alpha[j] = Cj, alpha[i] = sum - Cj;
            } else {
                if (alpha[i] < 0) alpha[i] = 0, alpha[j] = sum;
            }
        }
        update_status(s, i);
        update_status(s, j);
        // G_t += Q_ti dA_i + Q_tj dA_j with Q_ts = y_t y_s K, over the active set
        const double ai = y[i] * (alpha[i] - oai), aj = y[j] * (alpha[j] - oaj);
        const int64_t m = s->active;
        if (l == s->n && !s->permuted) {
            for (int64_t t = 0; t < m; t++) G[t] += y[t] * ((double)Ki[t] * ai + (double)Kj[t] * aj);
        } else {
            for (int64_t t = 0; t < m; t++) {
                const int64_t r = real[t];
                G[t] += y[t] * ((double)Ki[r] * ai + (double)Kj[r] * aj);
            }
        }
        if (shrinking) {
            if (ui != IS_UPPER(s, i)) update_G_bar(s, i, ui ? -1.0 : 1.0);
            if (uj != IS_UPPER(s, j)) update_G_bar(s, j, uj ? -1.0 : 1.0);
        }
    }
    if (st == MLC_EINTERRUPTED) return st;
    if (s->active < l) {
        reconstruct_gradient(s);
        s->active = l;
    }
    *rho = calculate_rho(s);
    for (int64_t t = 0; t < l; t++) alpha_out[s->orig[t]] = alpha[t];
    *n_iter = iter;
    return st;
}

int mlc_svm_solve_c_svc(double *coef, double *rho, int64_t *n_iter, const mlc_svm_rows *X, const double *y,
                        const double *Cw, int64_t n, int64_t d, const mlc_svm_kernel *k, double tol,
                        double cache_mb, int shrinking, int64_t max_iter, const mlc_progress *p) {
    smo s;
    mlc_arena a = {NULL, smo_bytes(n, d, rows_nnz(X, 0, n, 0, 0), n, k, cache_mb)};
    if (mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
    smo_init(&s, &a, X, 0, n, 0, n, d, n, k, cache_mb);
    for (int64_t t = 0; t < n; t++) s.y[t] = y[t], s.C[t] = Cw[t], s.p[t] = -1.0;
    mlc_blas_single_begin(); // one GEMV of N x D per kernel row: too small to share between BLAS threads
    int st = smo_solve(&s, coef, rho, tol, shrinking, max_iter, n_iter, p);
    mlc_blas_single_end();
    if (st == MLC_OK || st == MLC_ENOTCONVERGED)
        for (int64_t t = 0; t < n; t++) coef[t] *= y[t];
    mlc_free(a.base);
    return st;
}

/* The bytes solve_pair takes from its thread's block for a pair of l rows (nnz entries, -1: dense). */
static size_t pair_bytes(int64_t l, int64_t d, int64_t nnz, const mlc_svm_kernel *k, double cache_mb) {
    return smo_bytes(l, d, nnz, l, k, cache_mb) + mlc_line_bytes(sizeof(double) * (size_t)l);
}

/* One pair (i, j) of mlc_svm_solve_c_svc_ovo: class i's rows are +1, class j's -1. block: the
 * thread's scratch, pair_bytes(l, d, k, cache_mb) or more. */
static int solve_pair(double *dual, double *rho, int64_t *n_iter, const mlc_svm_rows *X, const int64_t *start,
                      const double *Cw, int64_t n, int64_t d, int64_t i, int64_t j, const mlc_svm_kernel *k,
                      double tol, double cache_mb, int shrinking, int64_t max_iter, const float *own_i,
                      const float *own_j, mlc_par *par, char *block) {
    const int64_t ni = start[i + 1] - start[i], nj = start[j + 1] - start[j], l = ni + nj;
    double *ci = dual + (j - 1) * n + start[i], *cj = dual + i * n + start[j];
    *n_iter = 0;
    if (ni == 0 || nj == 0) {
        // a class without samples (all its weights were zero): the pair votes for the other one
        *rho = ni > 0 ? -1.0 : nj > 0 ? 1.0 : 0.0;
        return MLC_OK;
    }
    smo s;
    mlc_arena a = {block, 0};
    double *alpha = mlc_arena_take(&a, sizeof(double) * (size_t)l);
    smo_init(&s, &a, X, start[i], ni, start[j], l, d, l, k, cache_mb);
    s.par = par;
    s.own_a = own_i;
    s.own_b = own_j;
    for (int64_t t = 0; t < l; t++) {
        s.y[t] = t < ni ? 1.0 : -1.0;
        s.C[t] = t < ni ? Cw[start[i] + t] : Cw[start[j] + t - ni];
        s.p[t] = -1.0;
    }
    int st = smo_solve(&s, alpha, rho, tol, shrinking, max_iter, n_iter, NULL);
    if (st == MLC_OK || st == MLC_ENOTCONVERGED) {
        for (int64_t t = 0; t < ni; t++) ci[t] = alpha[t];
        for (int64_t t = 0; t < nj; t++) cj[t] = -alpha[ni + t];
    }
    return st;
}

/* Kc (N, N) out: K within the rows of Xc (N, D) in, as float, one GEMM per block of 64 rows;
 * scratch (64 N + N) doubles. The values are those kernel_row computes, up to the rounding of the dot
 * products' sums (GEMM's order, not feature order). */
static void class_block(float *Kc, const double *Xc, int64_t n, int64_t d, const mlc_svm_kernel *k, double *scratch) {
    double *sq = scratch, *Kb = scratch + n;
    mlc_svm_row_sqnorms(sq, Xc, n, d);
    for (int64_t i0 = 0; i0 < n; i0 += 64) {
        const int64_t bn = MLC_MIN(64, n - i0);
        if (d > 0)
            mlc_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (mlc_blasint)bn, (mlc_blasint)n, (mlc_blasint)d,
                            1.0, Xc + i0 * d, (mlc_blasint)d, Xc, (mlc_blasint)d, 0.0, Kb, (mlc_blasint)n);
        else
            memset(Kb, 0, sizeof(double) * (size_t)(bn * n));
        for (int64_t i = 0; i < bn; i++) {
            mlc_svm_kernel_from_dots(k, Kb + i * n, n, sq[i0 + i], sq);
            for (int64_t j = 0; j < n; j++) Kc[(i0 + i) * n + j] = (float)Kb[i * n + j];
        }
    }
}

int mlc_svm_solve_c_svc_ovo(double *dual, double *rho, int64_t *n_iter, const mlc_svm_rows *X, const int64_t *start,
                            const double *Cw, int64_t n, int64_t d, int64_t n_classes,
                            const mlc_svm_kernel *k, double tol, double cache_mb, int shrinking,
                            int64_t max_iter, int n_threads, const mlc_progress *p) {
    const int64_t n_pairs = n_classes * (n_classes - 1) / 2;
    // K within each class is needed by the K - 1 pairs of that class: when these blocks take at
    // most half the cache they are computed once (by GEMM) and a pair computes only the
    // cross-class part of each kernel row; otherwise (or for two classes) pairs compute whole rows.
    int64_t own_total = 0, max_nc = 0, work = 0;
    for (int64_t c = 0; c < n_classes; c++) {
        const int64_t nc = start[c + 1] - start[c];
        own_total += nc * nc;
        max_nc = MLC_MAX(max_nc, nc);
    }
    const double own_mb = (double)own_total * sizeof(float) / 1048576.0;
    const int with_own = n_classes > 2 && own_mb <= cache_mb / 2 && X->indices == NULL;
    if (with_own) cache_mb -= own_mb;
    for (int64_t i = 0; i < n_classes; i++)
        for (int64_t j = i + 1; j < n_classes; j++) {
            const int64_t l = start[i + 1] - start[i] + start[j + 1] - start[j];
            work += l * (X->indices == NULL ? l * d : rows_nnz(X, start[i], start[i + 1] - start[i], start[j],
                                                               start[j + 1] - start[j])) + l * l * MLC_EXP_WORK;
        }
    // One parallel region (threads idle between regions spin in the OpenMP runtime): the class
    // blocks, then the pairs, which are independent problems, dynamically scheduled (their sizes
    // and iteration counts differ). Each entry of dual belongs to one pair, so the writes never
    // meet. A pair's solver gets an equal share of the cache, so the region holds at most cache_mb.
    const int team = (int)MLC_MIN((int64_t)mlc_team_size(work, n_threads), n_pairs);
    const double share = team > 1 ? cache_mb / team : cache_mb;
    // One block: the pair and class tables, the class blocks, and per thread a slice big enough for
    // its largest pair (or, before the pairs, for class_block's scratch).
    size_t slice = with_own ? mlc_line_bytes(sizeof(double) * (size_t)(65 * MLC_MAX(max_nc, 1))) : 0;
    for (int64_t i = 0; i < n_classes; i++)
        for (int64_t j = i + 1; j < n_classes; j++)
            slice = MLC_MAX(slice, pair_bytes(start[i + 1] - start[i] + start[j + 1] - start[j], d,
                                              rows_nnz(X, start[i], start[i + 1] - start[i], start[j],
                                                       start[j + 1] - start[j]), k, share));
    mlc_arena a = {NULL, 0};
    int64_t *pair_i, *pair_j, *own_at;
    float *own;
    char *slices;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
        pair_i = mlc_arena_take(&a, sizeof(int64_t) * (size_t)(2 * n_pairs + n_classes));
        own = with_own ? mlc_arena_take(&a, sizeof(float) * (size_t)MLC_MAX(own_total, 1)) : NULL;
        slices = mlc_arena_take(&a, slice * (size_t)team);
    }
    pair_j = pair_i + n_pairs;
    own_at = pair_j + n_pairs;
    for (int64_t i = 0, q = 0; i < n_classes; i++)
        for (int64_t j = i + 1; j < n_classes; j++, q++) pair_i[q] = i, pair_j[q] = j;
    for (int64_t c = 0, at = 0; c < n_classes; c++) {
        own_at[c] = at;
        at += (start[c + 1] - start[c]) * (start[c + 1] - start[c]);
    }
    memset(dual, 0, sizeof(double) * (size_t)((n_classes - 1) * n));
    mlc_par par = mlc_par_init(p);
    int not_converged = 0;
    mlc_blas_single_begin();
#pragma omp parallel num_threads(team)
    {
        char *mine = slices + slice * (size_t)omp_get_thread_num();
        if (own != NULL) {
#pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < n_classes; c++)
                class_block(own + own_at[c], X->X + start[c] * d, start[c + 1] - start[c], d, k, (double *)mine);
        }
#pragma omp for schedule(dynamic, 1) reduction(| : not_converged)
        for (int64_t q = 0; q < n_pairs; q++) {
            if (mlc_par_halted(&par)) continue;
            const float *own_i = own ? own + own_at[pair_i[q]] : NULL, *own_j = own ? own + own_at[pair_j[q]] : NULL;
            const int st = solve_pair(dual, rho + q, n_iter + q, X, start, Cw, n, d, pair_i[q], pair_j[q], k, tol,
                                      share, shrinking, max_iter, own_i, own_j, &par, mine);
            if (st == MLC_ENOTCONVERGED) not_converged = 1;
        }
    }
    mlc_blas_single_end();
    mlc_free(a.base);
    const int st = mlc_par_status(&par);
    return st != MLC_OK ? st : not_converged ? MLC_ENOTCONVERGED : MLC_OK;
}

int mlc_svm_solve_epsilon_svr(double *coef, double *rho, int64_t *n_iter, const mlc_svm_rows *X,
                              const double *y, const double *Cw, int64_t n, int64_t d,
                              const mlc_svm_kernel *k, double epsilon, double tol, double cache_mb,
                              int shrinking, int64_t max_iter, const mlc_progress *p) {
    smo s;
    const int64_t l = 2 * n;
    const size_t alpha_bytes = sizeof(double) * (size_t)(l > 0 ? l : 1);
    mlc_arena a = {NULL, mlc_line_bytes(alpha_bytes) + smo_bytes(n, d, rows_nnz(X, 0, n, 0, 0), l, k, cache_mb)};
    if (mlc_arena_alloc(&a) != MLC_OK) return MLC_ENOMEM;
    double *alpha = mlc_arena_take(&a, alpha_bytes);
    smo_init(&s, &a, X, 0, n, 0, n, d, l, k, cache_mb);
    for (int64_t t = 0; t < n; t++) {
        s.p[t] = epsilon - y[t];
        s.p[t + n] = epsilon + y[t];
        s.y[t] = 1.0;
        s.y[t + n] = -1.0;
        s.C[t] = s.C[t + n] = Cw[t];
    }
    mlc_blas_single_begin();
    int st = smo_solve(&s, alpha, rho, tol, shrinking, max_iter, n_iter, p);
    mlc_blas_single_end();
    if (st == MLC_OK || st == MLC_ENOTCONVERGED)
        for (int64_t t = 0; t < n; t++) coef[t] = alpha[t] - alpha[t + n];
    mlc_free(a.base);
    return st;
}
