/* init.h: parameter initialisers (torch.nn.init), filled from mlc's RNG.
 *
 * Legend: N values to fill (a weight of any shape, flattened); fan_in, fan_out as torch computes
 * them (Linear (out, in): fan_in = in, fan_out = out; Conv (O, I, kh, kw): fan_in = I kh kw,
 * fan_out = O kh kw).
 *
 *   kind (MLC_NN_*)          distribution                 torch
 *   XAVIER_UNIFORM           U(-a, a), a = gain sqrt(6 / (fan_in + fan_out))   xavier_uniform_(gain)
 *   XAVIER_NORMAL            N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out)) xavier_normal_(gain)
 *   HE_UNIFORM               U(-a, a), a = gain sqrt(3 / fan_in)    kaiming_uniform_(mode='fan_in'),
 *                                                                   gain = calculate_gain(nonlinearity, a)
 *   HE_NORMAL                N(0, std^2), std = gain / sqrt(fan_in) kaiming_normal_(mode='fan_in')
 *   UNIFORM_FAN_IN           U(-a, a), a = gain / sqrt(fan_in)
 *   ZEROS, ONES              (fan_in, fan_out, gain unused)
 * The caller passes the gain: sqrt(2) for ReLU (He et al. 2015), 1 for linear / sigmoid (Glorot &
 * Bengio 2010), 5/3 for tanh. torch's default Linear / Conv2d init is kaiming_uniform_(a=sqrt(5)),
 * i.e. HE_UNIFORM with gain sqrt(1/3) (bound 1/sqrt(fan_in)), and its bias is UNIFORM_FAN_IN with gain 1.
 *
 * Determinism: the values are cut into blocks of MLC_NN_INIT_BLOCK, block k drawn from its own
 * generator seeded from (seed, k), so the result depends on the seed only, never on the number of
 * threads. (The streams are not torch's: the same seed does not give torch's numbers.)
 */
#ifndef MLC_NN_INIT_H
#define MLC_NN_INIT_H

#include "core/enums.h" /* MLC_NN_XAVIER_UNIFORM ... MLC_NN_ONES */
#include "mlc.h"

#define MLC_NN_INIT_BLOCK ((int64_t)1 << 14)

/* NULL, or why (kind, fans, gain) is invalid: unknown kind, fan_in < 1 (he and
 * uniform_fan_in), fan_in + fan_out < 1 (xavier), fans < 0, gain < 0 or not finite. */
const char *mlc_nn_init_check_params(int kind, int64_t fan_in, int64_t fan_out, double gain);

/* out (N) out. */
int mlc_nn_init(float *out, int64_t n, int kind, int64_t fan_in, int64_t fan_out, double gain, uint64_t seed,
                int n_threads);

#endif
