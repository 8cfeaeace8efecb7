/* mlp.c: the MLP's full-batch objective from the layer kernels (dense, activation, loss), and
 * scikit-learn's lbfgs solver on it (mlp.h). */
#include "nn/mlp.h"

#include <math.h>
#include <string.h>

#include "linear/optim.h"
#include "nn/activation.h"
#include "nn/add.h"
#include "nn/dense.h"
#include "nn/loss.h"

/* scipy's L-BFGS-B defaults that scikit-learn's MLP keeps: maxcor and ftol = factr eps, factr 1e7 */
#define LBFGS_MEMORY 10
#define LBFGS_FTOL 2.220446049250313e-09

const char *mlc_nn_mlp_check_params(const mlc_nn_mlp *m, int64_t N) {
    if (m->n_layers < 1 || m->widths == NULL) return "mlp: needs at least one layer";
    if (N < 1) return "mlp: needs at least one sample";
    for (int64_t l = 1; l <= m->n_layers; l++) {
        const char *msg = mlc_nn_dense_check_params(N, m->widths[l - 1], m->widths[l]);
        if (msg != NULL) return msg;
    }
    if (m->activation != MLC_ACT_RELU && m->activation != MLC_ACT_SIGMOID && m->activation != MLC_ACT_TANH &&
        m->activation != MLC_ACT_IDENTITY)
        return "mlp: the hidden activation must be relu, sigmoid, tanh or identity";
    if (m->loss != MLC_NN_LOSS_CROSS_ENTROPY && m->loss != MLC_NN_LOSS_BCE_WITH_LOGITS && m->loss != MLC_NN_LOSS_MSE)
        return "mlp: the loss must be cross_entropy, bce_with_logits or mse";
    if (!(m->loss_scale > 0) || !isfinite(m->loss_scale)) return "mlp: loss_scale must be > 0";
    if (!(m->alpha >= 0) || !isfinite(m->alpha)) return "mlp: alpha must be >= 0";
    return NULL;
}

int64_t mlc_nn_mlp_n_params(const mlc_nn_mlp *m) {
    int64_t p = 0;
    for (int64_t l = 1; l <= m->n_layers; l++) p += m->widths[l] * (m->widths[l - 1] + 1);
    return p;
}

/* the widest hidden layer (0 without one) */
static int64_t max_hidden(const mlc_nn_mlp *m) {
    int64_t h = 0;
    for (int64_t l = 1; l < m->n_layers; l++) h = MLC_MAX(h, m->widths[l]);
    return h;
}

/* scratch: the outputs of every layer a_1 .. a_{L-1}, z (N n_l each), dz (N, K), then two (N, widest
 * hidden) buffers for the backward pass */
int64_t mlc_nn_mlp_scratch_size(const mlc_nn_mlp *m, int64_t N) {
    int64_t units = 0;
    for (int64_t l = 1; l <= m->n_layers; l++) units += m->widths[l];
    return N * (units + m->widths[m->n_layers] + 2 * max_hidden(m));
}

int mlc_nn_mlp_objective(double *objective, double *loss, float *grads, const float *params, const float *X,
                         const int32_t *X_indices, const int64_t *X_indptr, const void *targets, const float *sample_weight, int64_t N, const mlc_nn_mlp *m,
                         float *scratch, int n_threads) {
    if (mlc_nn_mlp_check_params(m, N) != NULL) return MLC_EINVAL;
    const int64_t L = m->n_layers, *n = m->widths, K = n[L];
    const int act = m->activation;
    int st = MLC_OK;
    // forward: layer l reads a_{l-1} (X for l = 1) and writes a_l, activated in place
    const float *in = X, *p = params;
    float *a = scratch;
    for (int64_t l = 1; l <= L; l++) {
        const float *W = p, *b = p + n[l] * n[l - 1];
        st = l == 1 && X_indptr != NULL
                 ? mlc_nn_dense_forward_csr(a, X, X_indices, X_indptr, W, b, N, n[0], n[1], n_threads)
                 : mlc_nn_dense_forward(a, in, W, b, N, n[l - 1], n[l], n_threads);
        if (st != MLC_OK) return st;
        if (l < L && (st = mlc_nn_activation_forward(a, a, N * n[l], act, 0.0f, n_threads)) != MLC_OK) return st;
        p += n[l] * (n[l - 1] + 1);
        in = a;
        a += N * n[l];
    }
    const float *z = in;
    float *dz = a, *da = dz + N * K, *dd = da + N * max_hidden(m);
    float *dzp = grads != NULL ? dz : NULL;
    if (dzp != NULL) memset(dz, 0, sizeof(float) * (size_t)(N * K));
    double data;
    switch (m->loss) {
    case MLC_NN_LOSS_CROSS_ENTROPY:
        st = mlc_nn_loss_softmax_cross_entropy(&data, dzp, NULL, z, targets, sample_weight, N, K, n_threads);
        break;
    case MLC_NN_LOSS_BCE_WITH_LOGITS:
        st = mlc_nn_loss_bce_with_logits(&data, dzp, z, targets, sample_weight, N, K, n_threads);
        break;
    default: st = mlc_nn_loss_mse(&data, dzp, z, targets, sample_weight, N, K, n_threads);
    }
    if (st != MLC_OK) return st;
    double wsum = (double)N;
    if (sample_weight != NULL) {
        wsum = 0.0;
        for (int64_t i = 0; i < N; i++) wsum += sample_weight[i];
    }
    const double decay = m->alpha / wsum;
    double sq = 0.0;
    p = params;
    for (int64_t l = 1; l <= L; l++) {
        double s;
        if ((st = mlc_nn_sum_squares(&s, p, n[l] * n[l - 1], n_threads)) != MLC_OK) return st;
        sq += s;
        p += n[l] * (n[l - 1] + 1);
    }
    data *= m->loss_scale;
    *objective = data + 0.5 * decay * sq;
    if (loss != NULL) *loss = data;
    if (grads == NULL) return MLC_OK;
    // backward: dcur = dF/d(pre-activation of layer l); dense gives dF/da_{l-1} in da, the activation's
    // derivative (from its output) turns it into the previous layer's dcur in dd
    const float scale = (float)m->loss_scale;
    if (scale != 1.0f)
        for (int64_t i = 0; i < N * K; i++) dz[i] *= scale;
    memset(grads, 0, sizeof(float) * (size_t)mlc_nn_mlp_n_params(m));
    const float *dcur = dz;
    int64_t off = mlc_nn_mlp_n_params(m), a_end = dz - scratch; // a_l ends at a_end, a_{l-1} where a_l starts
    for (int64_t l = L; l >= 1; l--) {
        off -= n[l] * (n[l - 1] + 1);
        a_end -= N * n[l];
        const float *W = params + off, *a_prev = l > 1 ? scratch + a_end - N * n[l - 1] : X;
        float *dx = l > 1 ? da : NULL;
        if (dx != NULL) memset(dx, 0, sizeof(float) * (size_t)(N * n[l - 1]));
        float *gW = grads + off, *gb = gW + n[l] * n[l - 1];
        st = l == 1 && X_indptr != NULL
                 ? mlc_nn_dense_backward_csr(gW, gb, dcur, X, X_indices, X_indptr, N, n[0], n[1], n_threads)
                 : mlc_nn_dense_backward(dx, gW, gb, dcur, a_prev, W, N, n[l - 1], n[l], n_threads);
        if (st != MLC_OK) return st;
        const float c = (float)decay;
        for (int64_t j = 0; j < n[l] * n[l - 1]; j++) gW[j] += c * W[j];
        if (l > 1) {
            memset(dd, 0, sizeof(float) * (size_t)(N * n[l - 1]));
            if ((st = mlc_nn_activation_backward(dd, da, NULL, a_prev, N * n[l - 1], act, 0.0f, n_threads)) != MLC_OK)
                return st;
            dcur = dd;
        }
    }
    return MLC_OK;
}

/* ---- lbfgs ---- */

typedef struct {
    const mlc_nn_mlp *m;
    float *params, *grads, *scratch;
    const float *X, *sample_weight;
    const int32_t *X_indices;
    const int64_t *X_indptr;
    const void *targets;
    int64_t N, P, max_iter, max_fun, n_iter;
    double last_loss;                    /* the data part at the last point evaluated */
    double *objective_curve, *loss_curve;
    int n_threads;
    const mlc_progress *progress;
} lbfgs_problem;

/* F at the float32 rounding of w, and its gradient */
static int lbfgs_fn(void *ctx, const double *w, double *grad, double *f) {
    lbfgs_problem *pr = ctx;
    if (mlc_progress_tick(pr->progress, pr->n_iter, pr->max_iter)) return MLC_EINTERRUPTED;
    for (int64_t j = 0; j < pr->P; j++) pr->params[j] = (float)w[j];
    const int st = mlc_nn_mlp_objective(f, &pr->last_loss, grad != NULL ? pr->grads : NULL, pr->params, pr->X,
                                        pr->X_indices, pr->X_indptr, pr->targets, pr->sample_weight, pr->N, pr->m, pr->scratch, pr->n_threads);
    if (st != MLC_OK) return st;
    if (grad != NULL)
        for (int64_t j = 0; j < pr->P; j++) grad[j] = pr->grads[j];
    return isfinite(*f) ? MLC_OK : MLC_ENUMERIC;
}

/* the iterate is the last point evaluated (optim.c accepts the line search's last trial), so its
 * data loss is last_loss */
static int lbfgs_iter(void *ctx, int64_t iter, const double *w, double objective) {
    (void)w;
    lbfgs_problem *pr = ctx;
    if (iter >= 1 && iter <= pr->max_iter) {
        pr->objective_curve[iter - 1] = objective;
        pr->loss_curve[iter - 1] = pr->last_loss;
    }
    pr->n_iter = iter;
    return MLC_OK;
}

int mlc_nn_mlp_fit_lbfgs(float *params, double *objective_curve, double *loss_curve, int64_t *n_iter,
                         int64_t *n_eval, int *converged, const float *X, const int32_t *X_indices,
                         const int64_t *X_indptr, const void *targets,
                         const float *sample_weight, int64_t N, const mlc_nn_mlp *m, int64_t max_iter, int64_t max_fun,
                         double tol, double l1, int n_threads, const mlc_progress *progress) {
    *n_iter = *n_eval = 0;
    *converged = 0;
    if (mlc_nn_mlp_check_params(m, N) != NULL || max_iter < 1 || max_fun < 1 || !(tol >= 0) || !(l1 >= 0) ||
        !isfinite(l1))
        return MLC_EINVAL;
    const int64_t P = mlc_nn_mlp_n_params(m), S = mlc_nn_mlp_scratch_size(m, N);
    mlc_optim_lbfgs lb;
    memset(&lb, 0, sizeof lb);
    // one block: w and the L1 weights (P doubles each), then the float32 gradient and scratch
    double *w = mlc_malloc(sizeof(double) * 2 * (size_t)P + sizeof(float) * (size_t)(P + S));
    int st = MLC_ENOMEM;
    if (w == NULL) goto done;
    double *l1w = w + P;
    float *grads = (float *)(l1w + P);
    if ((st = mlc_optim_lbfgs_init(&lb, P, LBFGS_MEMORY)) != MLC_OK) goto done;
    lb.ftol = LBFGS_FTOL;
    lb.max_eval = max_fun;
    int64_t off = 0;
    for (int64_t l = 1; l <= m->n_layers; l++) { // L1 on the weights, not the biases
        const int64_t nw = m->widths[l] * m->widths[l - 1], nb = m->widths[l];
        for (int64_t j = 0; j < nw; j++) l1w[off + j] = l1;
        for (int64_t j = 0; j < nb; j++) l1w[off + nw + j] = 0.0;
        off += nw + nb;
    }
    for (int64_t j = 0; j < P; j++) w[j] = params[j];
    lbfgs_problem pr = {m, params, grads, grads + P, X, sample_weight, X_indices, X_indptr, targets, N, P, max_iter,
                        max_fun, 0, 0.0, objective_curve, loss_curve, n_threads, progress};
    double f;
    st = mlc_optim_lbfgs_minimize(&lb, w, &f, n_iter, converged, lbfgs_fn, &pr, l1 > 0 ? l1w : NULL, max_iter, tol,
                                  lbfgs_iter, &pr);
    if (st == MLC_OK || st == MLC_EINTERRUPTED) {
        for (int64_t j = 0; j < P; j++) params[j] = (float)w[j];
        *n_iter = pr.n_iter;
        *n_eval = lb.n_eval;
    }
done:
    mlc_optim_lbfgs_free(&lb);
    mlc_free(w);
    return st;
}
