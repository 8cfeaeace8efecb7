/* linear_svm_lr.c: LIBLINEAR's logistic-regression solvers (its solvers 0, 7 and 6) on one binary
 * problem of linear_svm_problem.h; linear_svm.c's drivers run them (costs, one-vs-rest, threads), as
 * LIBLINEAR's train() does, for LogisticRegression(solver='liblinear').
 *
 * With w~ = (w, w_b), x~_i = (x_i, bias), labels y_i = +-1 and costs C_i (C times the class and sample
 * weights; samples of cost 0 take no part) they minimise
 *   l2 (solvers 0, 7):  0.5 ||w~||^2 + sum_i C_i log(1 + exp(-y_i w~.x~_i))
 *   l1 (solver 6):          ||w~||_1 + sum_i C_i log(1 + exp(-y_i w~.x~_i))
 * The intercept's weight w_b is regularised like any other, as in LIBLINEAR. The stopping rules are
 * LIBLINEAR's: the primal solvers scale tol by max(min(#pos, #neg), 1) / l (primal_tol), the dual one
 * takes it as it is, the way scikit-learn passes its tol.
 */
#include <math.h>
#include <string.h>

#include "svm/linear_svm.h"
#include "svm/linear_svm_problem.h"

/* log(1 + exp(-m)), without overflow for large |m|. */
static inline double log1pexp_neg(double m) { return m >= 0 ? log1p(exp(-m)) : -m + log1p(exp(m)); }

static double norm2(const double *v, int64_t P) { return sqrt(dot(v, v, P)); }

/* u^T diag(M) v */
static double utmv(const double *u, const double *M, const double *v, int64_t P) {
    double s = 0.0;
    for (int64_t j = 0; j < P; j++) s += u[j] * M[j] * v[j];
    return s;
}

/* out (P) = X~^T v + beta out: xt_times and the bias entry. */
static void xtv(double *out, const problem *pr, const double *v, double beta) {
    xt_times(out, pr, v, beta);
    if (pr->P > pr->d) {
        double sb = 0.0;
        for (int64_t i = 0; i < pr->n; i++) sb += v[i];
        out[pr->d] = beta * out[pr->d] + pr->bias * sb;
    }
}

/* ---- L2-regularised LR, primal: trust-region Newton -------------------------------------------
 *   min_w~  f(w~) = 0.5 ||w~||^2 + sum_i C_i log(1 + exp(-y_i w~.x~_i))
 * grad f = w~ + X~^T r, r_i = C_i (sigma(y_i m_i) - 1) y_i; Hessian I + X~^T diag(C_i D_i) X~ with
 * D_i = sigma(m_i) (1 - sigma(m_i)), used only through products H v. Each iteration solves the Newton
 * system by conjugate gradient inside the trust region, preconditioned by the diagonal
 * (1 - a) + a diag(H), a = 0.01, with the quadratic-model stopping rule of the CG loop (Hsia, Chiang
 * and Lin, ACML 2018; Lin, Weng and Keerthi, JMLR 2008; LIBLINEAR 2.2x-2.3x's tron.cpp). Stop when
 * ||grad f|| <= primal_tol ||grad f(0)||. n_iter counts accepted steps. The curve holds the objective
 * and its loss part at the start and after each accepted step. Uses pr->margin (m = X~ w~), diag
 * (C_i D_i), resid (r), qd (X~ v) and vec (8 P). */
static double lr_fun(problem *pr, const double *w, double *loss) {
    margins(pr->margin, pr, w);
    double f = 0.0;
    for (int64_t i = 0; i < pr->n; i++)
        if (pr->cost[i] > 0) f += pr->cost[i] * log1pexp_neg(pr->yv[i] * pr->margin[i]);
    *loss = f;
    return f + half_sq(w, pr->P);
}

/* g (P) out: the gradient at w, whose margins the last lr_fun left in pr->margin; M (P) out: the
 * preconditioner. Keeps C_i D_i in pr->diag for the products H v. */
static void lr_grad(problem *pr, const double *w, double *g, double *M) {
    const int64_t n = pr->n, d = pr->d, P = pr->P;
    const double a = 0.01;
    double *r = pr->resid, *cD = pr->diag;
    for (int64_t i = 0; i < n; i++) {
        const double c = pr->cost[i], t = 1.0 / (1.0 + exp(-pr->yv[i] * pr->margin[i]));
        cD[i] = c * t * (1.0 - t);
        r[i] = c * (t - 1.0) * pr->yv[i];
    }
    memcpy(g, w, sizeof(double) * P);
    xtv(g, pr, r, 1.0);
    for (int64_t j = 0; j < P; j++) M[j] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double c = cD[i];
        if (c == 0) continue;
        if (pr->X != NULL) {
            const double *xi = pr->X + i * d;
            for (int64_t j = 0; j < d; j++) M[j] += c * xi[j] * xi[j];
        } else {
            for (int64_t t = pr->indptr[i]; t < pr->indptr[i + 1]; t++) M[pr->indices[t]] += c * pr->data[t] * pr->data[t];
        }
        if (P > d) M[d] += c * pr->bias * pr->bias;
    }
    for (int64_t j = 0; j < P; j++) M[j] = (1.0 - a) + a * (1.0 + M[j]);
}

/* Hv (P) out = v + X~^T diag(C_i D_i) X~ v. */
static void lr_hv(problem *pr, const double *v, double *Hv) {
    double *xv = pr->qd;
    margins(xv, pr, v);
    for (int64_t i = 0; i < pr->n; i++) xv[i] *= pr->diag[i];
    memcpy(Hv, v, sizeof(double) * pr->P);
    xtv(Hv, pr, xv, 1.0);
}

/* Preconditioned CG on H s = -g within ||s||_M <= delta. s, r (P) out (r = -g - H s); d, Hd, z (P)
 * scratch; returns the CG iterations, *reach_boundary whether the step ends on the boundary. */
static int64_t trpcg(problem *pr, double delta, const double *g, const double *M, double *s, double *r, double *d,
                     double *Hd, double *z, int *reach_boundary) {
    const int64_t P = pr->P, max_cg_iter = MLC_MAX(P, 5);
    const double eps_cg = 0.1;
    *reach_boundary = 0;
    for (int64_t j = 0; j < P; j++) {
        s[j] = 0.0;
        r[j] = -g[j];
        z[j] = r[j] / M[j];
        d[j] = z[j];
    }
    double zTr = dot(z, r, P), Q = 0.0;
    const double cgtol = MLC_MIN(eps_cg, sqrt(sqrt(zTr)));
    int64_t cg_iter = 0;
    while (cg_iter < max_cg_iter) {
        cg_iter++;
        lr_hv(pr, d, Hd);
        const double dHd = dot(d, Hd, P);
        if (dHd <= 1.0e-16) break; // 0/0 in alpha
        double alpha = zTr / dHd;
        axpy(s, alpha, d, P);
        if (sqrt(utmv(s, M, s, P)) > delta) {
            // back off, then go along d to the boundary: the positive root of ||s + t d||_M = delta
            *reach_boundary = 1;
            axpy(s, -alpha, d, P);
            const double sTMd = utmv(s, M, d, P), sTMs = utmv(s, M, s, P), dTMd = utmv(d, M, d, P);
            const double dsq = delta * delta, rad = sqrt(sTMd * sTMd + dTMd * (dsq - sTMs));
            alpha = sTMd >= 0 ? (dsq - sTMs) / (sTMd + rad) : (rad - sTMd) / dTMd;
            axpy(s, alpha, d, P);
            axpy(r, -alpha, Hd, P);
            break;
        }
        axpy(r, -alpha, Hd, P);
        // the model q(s) = g.s + s.Hs / 2 = -(s.r - s.g) / 2: stop when its last decrease is small
        const double newQ = -0.5 * (dot(s, r, P) - dot(s, g, P)), Qdiff = newQ - Q;
        if (!(newQ <= 0 && Qdiff <= 0) || (double)cg_iter * Qdiff >= cgtol * newQ) break;
        Q = newQ;
        for (int64_t j = 0; j < P; j++) z[j] = r[j] / M[j];
        const double zTr_new = dot(z, r, P), beta = zTr_new / zTr;
        for (int64_t j = 0; j < P; j++) d[j] = beta * d[j] + z[j];
        zTr = zTr_new;
    }
    return cg_iter;
}

int mlc_linear_svm_solve_l2r_lr(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter) {
    const int64_t P = pr->P;
    const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75, sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4.0;
    double *g = pr->vec, *s = g + P, *r = s + P, *w_new = r + P, *M = w_new + P, *dv = M + P, *Hd = dv + P,
           *z = Hd + P;
    memset(w, 0, sizeof(double) * P);
    const double eps = primal_tol(pr, tol);
    double loss, loss_new, f = lr_fun(pr, w, &loss);
    lr_grad(pr, w, g, M);
    const double gnorm0 = norm2(g, P);
    curve_push(cv, loss, f);
    double delta = sqrt(utmv(g, M, g, P));
    int64_t iter = 1;
    int search = !(gnorm0 <= eps * gnorm0), delta_adjusted = 0, st = MLC_OK;
    while (iter <= max_iter && search) {
        int reach_boundary;
        const int64_t cg_iter = trpcg(pr, delta, g, M, s, r, dv, Hd, z, &reach_boundary);
        memcpy(w_new, w, sizeof(double) * P);
        axpy(w_new, 1.0, s, P);
        const double gs = dot(g, s, P), prered = -0.5 * (gs - dot(s, r, P));
        const double fnew = lr_fun(pr, w_new, &loss_new), actred = f - fnew;
        const double sMnorm = sqrt(utmv(s, M, s, P));
        if (iter == 1 && !delta_adjusted) {
            delta = MLC_MIN(delta, sMnorm);
            delta_adjusted = 1;
        }
        const double alpha = fnew - f - gs <= 0 ? sigma3 : MLC_MAX(sigma1, -0.5 * (gs / (fnew - f - gs)));
        // the trust region follows the ratio of the actual to the predicted reduction
        if (actred < eta0 * prered) delta = MLC_MIN(alpha * sMnorm, sigma2 * delta);
        else if (actred < eta1 * prered) delta = MLC_MAX(sigma1 * delta, MLC_MIN(alpha * sMnorm, sigma2 * delta));
        else if (actred < eta2 * prered) delta = MLC_MAX(sigma1 * delta, MLC_MIN(alpha * sMnorm, sigma3 * delta));
        else if (reach_boundary) delta = sigma3 * delta;
        else delta = MLC_MAX(delta, MLC_MIN(alpha * sMnorm, sigma3 * delta));
        if (actred > eta0 * prered) {
            iter++;
            memcpy(w, w_new, sizeof(double) * P);
            f = fnew;
            loss = loss_new;
            lr_grad(pr, w, g, M); // pr->margin holds X~ w_new = X~ w
            curve_push(cv, loss, f);
            if (norm2(g, P) <= eps * gnorm0) break;
        }
        if (tick(pr, (cg_iter + 2) * pr->n * pr->d, iter, max_iter)) {
            st = MLC_EINTERRUPTED;
            break;
        }
        if (!isfinite(f)) {
            st = MLC_ENUMERIC;
            break;
        }
        if (prered <= 0) break;
        if (fabs(actred) <= 1.0e-12 * fabs(f) && fabs(prered) <= 1.0e-12 * fabs(f)) break;
    }
    *n_iter = iter - 1;
    return st;
}

/* ---- L2-regularised LR, dual coordinate descent -----------------------------------------------
 *   min_alpha  0.5 alpha^T Q alpha + sum_i alpha_i log alpha_i + (C_i - alpha_i) log(C_i - alpha_i),
 *              0 < alpha_i < C_i,   Q_ij = y_i y_j x~_i.x~_j,   w~ = sum_i y_i alpha_i x~_i.
 * Each step minimises over one alpha_i (in the variable, alpha_i or C_i - alpha_i, that is away
 * from its bound) by a safeguarded Newton method whose tolerance tightens as the passes need fewer
 * Newton steps; the passes run in random order; stop when the largest first-step derivative of a pass
 * is < tol. Yu, Huang and Lin, MLJ 2011, Algorithm 5 (LIBLINEAR solver 7). The curve holds the
 * dual objective, maximised, D = -0.5 ||w~||^2 + sum_i h_i, and its entropy part sum_i h_i,
 * h_i = C_i log C_i - alpha_i log alpha_i - (C_i - alpha_i) log(C_i - alpha_i): D rises to the primal
 * optimum. alpha_i is in pr->alpha, C_i - alpha_i in pr->diag, ||x~_i||^2 in pr->qd. */
static double entropy_part(const problem *pr, int64_t l) {
    double h = 0.0;
    for (int64_t s = 0; s < l; s++) {
        const int64_t i = pr->index[s];
        const double c = pr->cost[i], a = pr->alpha[i], b = pr->diag[i];
        h += c * log(c) - a * log(a) - b * log(b);
    }
    return h;
}

int mlc_linear_svm_solve_l2r_lr_dual(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol,
                                     int64_t max_iter) {
    const int64_t d = pr->d, P = pr->P;
    const int64_t max_inner_iter = 100;
    const double B = pr->bias, eta = 0.1, innereps_min = MLC_MIN(1e-8, tol);
    double *alpha = pr->alpha, *calpha = pr->diag, *xTx = pr->qd, innereps = 1e-2;
    int64_t *index = pr->index;
    memset(w, 0, sizeof(double) * P);
    const int64_t l = active_samples(pr);
    for (int64_t s = 0; s < l; s++) {
        const int64_t i = index[s];
        const double c = pr->cost[i];
        alpha[i] = MLC_MIN(0.001 * c, 1e-8);
        calpha[i] = c - alpha[i];
        xTx[i] = row_sq(pr, i) + (P > d ? B * B : 0.0);
        const double a = pr->yv[i] * alpha[i];
        row_axpy(w, a, pr, i);
        if (P > d) w[d] += a * B;
    }
    int64_t iter = 0;
    while (iter < max_iter) {
        for (int64_t s = 0; s < l; s++) swap_i64(&index[s], &index[s + rand_below(&pr->rng, l - s)]);
        int64_t newton_iter = 0;
        double gmax = 0.0;
        for (int64_t s = 0; s < l; s++) {
            const int64_t i = index[s];
            const double yi = pr->yv[i], C = pr->cost[i], a = xTx[i];
            const double b = yi * (row_dot(pr, i, w) + (P > d ? B * w[d] : 0.0));
            // minimise g(z) = z log z + (C - z) log(C - z) + a (z - z_old)^2 / 2 + sign b (z - z_old)
            // in z = alpha_i (sign +1) or z = C - alpha_i (sign -1), whichever the optimum is nearer 0 in
            double *z1 = &alpha[i], *z2 = &calpha[i];
            double sign = 1.0;
            if (0.5 * a * (*z2 - *z1) + b < 0) {
                z1 = &calpha[i];
                z2 = &alpha[i];
                sign = -1.0;
            }
            const double z_old = *z1;
            double z = z_old;
            if (C - z < 0.5 * C) z = 0.1 * z;
            double gp = a * (z - z_old) + sign * b + log(z / (C - z));
            gmax = MLC_MAX(gmax, fabs(gp));
            int64_t inner = 0;
            while (inner <= max_inner_iter) {
                if (fabs(gp) < innereps) break;
                const double gpp = a + C / (C - z) / z, tz = z - gp / gpp;
                z = tz <= 0 ? z * eta : tz; // tz < C always: the log term's pole keeps it inside
                gp = a * (z - z_old) + sign * b + log(z / (C - z));
                newton_iter++;
                inner++;
            }
            if (inner > 0) {
                *z1 = z;
                *z2 = C - z;
                const double step = sign * (z - z_old) * yi;
                row_axpy(w, step, pr, i);
                if (P > d) w[d] += step * B;
            }
        }
        iter++;
        const double h = entropy_part(pr, l);
        curve_push(cv, h, h - half_sq(w, P));
        if (tick(pr, l * d, iter, max_iter)) return MLC_EINTERRUPTED;
        if (gmax < tol) break;
        if (newton_iter <= l / 10) innereps = MLC_MAX(innereps_min, 0.1 * innereps);
    }
    if (iter == 0) {
        const double h = entropy_part(pr, l);
        curve_push(cv, h, h - half_sq(w, P));
    }
    *n_iter = iter;
    return MLC_OK;
}

/* ---- L1-regularised LR, primal: newGLMNET ------------------------------------------------------
 *   min_w~  ||w~||_1 + sum_i C_i log(1 + exp(-y_i w~.x~_i))
 * Each Newton iteration minimises the l1-regularised quadratic model of the loss at w~ (its
 * Hessian diagonal nudged by nu = 1e-12) by coordinate descent with shrinking, the inner tolerance
 * shrinking by 4 whenever one pass suffices, then takes the step wpd - w~ with a backtracking line
 * search (sigma = 0.01, at most 20 halvings). exp(w~.x~_i) is kept up to date, so the line search
 * needs no pass over X. Stop when the l1 norm of the minimum-norm subgradient is <= primal_tol times
 * its first value, or after 10 Newton iterations whose inner problem moved nothing. Yuan, Ho and
 * Lin, JMLR 2012 (LIBLINEAR solver 6). Works on the plain columns: xt (P, N) for dense rows, the
 * shared CSC pr->cols for CSR rows (a pass then touches a column's entries only); per sample it keeps
 * exp(w~.x~_i) in pr->margin (the line search's trial values in resid), tau_i = C_i / (1 + exp) in
 * alpha, D_i = C_i exp / (1 + exp)^2 in diag and x~_i.(wpd - w~) in qd; per feature Hdiag, Grad,
 * wpd and sum_{y_i = -1} C_i x_ij in vec. The curve holds the objective after each Newton iteration. */
static double l1r_lr_objective(const problem *pr, const double *w, double *loss) {
    double f = 0.0, pen = 0.0;
    for (int64_t i = 0; i < pr->n; i++) {
        const double e = pr->margin[i], c = pr->cost[i];
        if (c > 0) f += c * (pr->yv[i] > 0 ? log1p(1.0 / e) : log1p(e));
    }
    for (int64_t j = 0; j < pr->P; j++) pen += fabs(w[j]);
    *loss = f;
    return f + pen;
}

/* exp_wTx (N) = exp(X~ w~), tau and D from it (pr's arrays). */
static void l1r_lr_refresh(problem *pr, const double *w) {
    margins(pr->margin, pr, w);
    for (int64_t i = 0; i < pr->n; i++) {
        const double e = exp(pr->margin[i]), t = 1.0 / (1.0 + e), c = pr->cost[i];
        pr->margin[i] = e;
        pr->alpha[i] = c * t;
        pr->diag[i] = c * e * t * t;
    }
}

int mlc_linear_svm_solve_l1r_lr(double *w, int64_t *n_iter, curves *cv, problem *pr, double tol, int64_t max_iter) {
    const int64_t n = pr->n, P = pr->P, max_cd_iter = 1000;
    const int max_ls = 20;
    const double nu = 1e-12, sigma = 0.01, eps = primal_tol(pr, tol);
    double *Hdiag = pr->vec, *Grad = Hdiag + P, *wpd = Grad + P, *xjneg_sum = wpd + P;
    double *xTd = pr->qd, *exp_wTx = pr->margin, *exp_wTx_new = pr->resid, *tau = pr->alpha, *D = pr->diag;
    const double *c = pr->cost, *y = pr->yv;
    int64_t *index = pr->index;
    double l = 0; // active samples: LIBLINEAR's l, the scale of the shrinking thresholds
    for (int64_t i = 0; i < n; i++) l += c[i] > 0;
    const columns *cc = pr->cols; // CSR rows: the shared columns (a pass reads their entries only); dense: xt
    memset(w, 0, sizeof(double) * P);
    if (cc == NULL) fold_columns(pr, 0);
    for (int64_t j = 0; j < P; j++) {
        double s = 0.0;
        if (cc != NULL) {
            for (int64_t q = cc->ptr[j]; q < cc->ptr[j + 1]; q++)
                s += y[cc->row[q]] < 0 ? c[cc->row[q]] * cc->val[q] : 0.0;
        } else {
            const double *xj = pr->xt + j * n;
            for (int64_t i = 0; i < n; i++) s += y[i] < 0 ? c[i] * xj[i] : 0.0;
        }
        xjneg_sum[j] = s;
        wpd[j] = 0.0;
        index[j] = j;
    }
    l1r_lr_refresh(pr, w);
    double loss, obj = l1r_lr_objective(pr, w, &loss);
    curve_push(cv, loss, obj);
    double w_norm = 0.0, inner_eps = 1.0, gnorm1_init = -1.0, gmax_old = INFINITY;
    int64_t newton_iter = 0, qp_no_change = 0;
    while (newton_iter < max_iter) {
        double gmax = 0.0, gnorm1 = 0.0;
        int64_t active = P;
        for (int64_t s = 0; s < active; s++) {
            const int64_t j = index[s];
            double h = nu, t = 0.0;
            if (cc != NULL) {
                for (int64_t q = cc->ptr[j]; q < cc->ptr[j + 1]; q++) {
                    const double x = cc->val[q];
                    h += x * x * D[cc->row[q]];
                    t += x * tau[cc->row[q]];
                }
            } else {
                const double *xj = pr->xt + j * n;
                for (int64_t i = 0; i < n; i++) {
                    h += xj[i] * xj[i] * D[i];
                    t += xj[i] * tau[i];
                }
            }
            Hdiag[j] = h;
            Grad[j] = -t + xjneg_sum[j];
            const double violation = l1_violation(w[j], Grad[j], gmax_old / l);
            if (violation < 0) { // outer-level shrinking
                swap_i64(&index[s], &index[--active]);
                s--;
                continue;
            }
            gmax = MLC_MAX(gmax, violation);
            gnorm1 += violation;
        }
        if (newton_iter == 0) gnorm1_init = gnorm1;
        if (gnorm1 <= eps * gnorm1_init || qp_no_change >= 10) break;
        qp_no_change++;

        // the quadratic model over wpd, by coordinate descent
        int64_t cd_iter = 0, qp_active = active;
        double qp_gmax_old = INFINITY;
        for (int64_t i = 0; i < n; i++) xTd[i] = 0.0;
        while (cd_iter < max_cd_iter) {
            double qp_gmax = 0.0, qp_gnorm1 = 0.0;
            for (int64_t s = 0; s < qp_active; s++)
                swap_i64(&index[s], &index[s + rand_below(&pr->rng, qp_active - s)]);
            const int64_t visited = qp_active;
            for (int64_t s = 0; s < qp_active; s++) {
                const int64_t j = index[s];
                const double *xj = cc == NULL ? pr->xt + j * n : NULL, H = Hdiag[j];
                double G = Grad[j] + (wpd[j] - w[j]) * nu;
                if (cc != NULL)
                    for (int64_t q = cc->ptr[j]; q < cc->ptr[j + 1]; q++)
                        G += cc->val[q] * D[cc->row[q]] * xTd[cc->row[q]];
                else
                    for (int64_t i = 0; i < n; i++) G += xj[i] * D[i] * xTd[i];
                const double violation = l1_violation(wpd[j], G, qp_gmax_old / l);
                if (violation < 0) { // inner-level shrinking
                    swap_i64(&index[s], &index[--qp_active]);
                    s--;
                    continue;
                }
                double z = l1_newton_step(wpd[j], G, H);
                if (fabs(z) < 1.0e-12) continue;
                z = MLC_MIN(MLC_MAX(z, -10.0), 10.0);
                qp_no_change = 0;
                qp_gmax = MLC_MAX(qp_gmax, violation);
                qp_gnorm1 += violation;
                wpd[j] += z;
                if (cc != NULL)
                    for (int64_t q = cc->ptr[j]; q < cc->ptr[j + 1]; q++) xTd[cc->row[q]] += z * cc->val[q];
                else
                    axpy(xTd, z, xj, n);
            }
            cd_iter++;
            if (tick(pr, cc == NULL ? visited * n : cc->ptr[P], newton_iter, max_iter)) return MLC_EINTERRUPTED;
            if (qp_gnorm1 <= inner_eps * gnorm1_init) {
                if (qp_active == active) break;
                qp_active = active; // reactivate the shrunk coordinates and check again
                qp_gmax_old = INFINITY;
                continue;
            }
            qp_gmax_old = qp_gmax;
        }

        // line search along wpd - w; delta: the decrease predicted by the model's linear part
        double delta = 0.0, w_norm_new = 0.0, negsum_xTd = 0.0;
        for (int64_t j = 0; j < P; j++) {
            delta += Grad[j] * (wpd[j] - w[j]);
            if (wpd[j] != 0) w_norm_new += fabs(wpd[j]);
        }
        delta += w_norm_new - w_norm;
        for (int64_t i = 0; i < n; i++)
            if (y[i] < 0) negsum_xTd += c[i] * xTd[i];
        int ls;
        for (ls = 0; ls < max_ls; ls++) {
            double cond = w_norm_new - w_norm + negsum_xTd - sigma * delta;
            for (int64_t i = 0; i < n; i++) {
                const double e = exp(xTd[i]);
                exp_wTx_new[i] = exp_wTx[i] * e;
                if (c[i] > 0) cond += c[i] * log((1.0 + exp_wTx_new[i]) / (e + exp_wTx_new[i]));
            }
            if (cond <= 0) {
                w_norm = w_norm_new;
                memcpy(w, wpd, sizeof(double) * P);
                for (int64_t i = 0; i < n; i++) {
                    const double e = exp_wTx_new[i], t = 1.0 / (1.0 + e);
                    exp_wTx[i] = e;
                    tau[i] = c[i] * t;
                    D[i] = c[i] * e * t * t;
                }
                break;
            }
            w_norm_new = 0.0;
            for (int64_t j = 0; j < P; j++) {
                wpd[j] = 0.5 * (w[j] + wpd[j]);
                if (wpd[j] != 0) w_norm_new += fabs(wpd[j]);
            }
            delta *= 0.5;
            negsum_xTd *= 0.5;
            for (int64_t i = 0; i < n; i++) xTd[i] *= 0.5;
        }
        if (ls >= max_ls) { // exp(w~.x~) drifted through many products: recompute it from w
            memcpy(wpd, w, sizeof(double) * P);
            l1r_lr_refresh(pr, w);
        }
        if (cd_iter == 1) inner_eps *= 0.25;
        newton_iter++;
        gmax_old = gmax;
        obj = l1r_lr_objective(pr, w, &loss);
        curve_push(cv, loss, obj);
        if (!isfinite(obj)) return MLC_ENUMERIC;
    }
    *n_iter = newton_iter;
    return MLC_OK;
}
