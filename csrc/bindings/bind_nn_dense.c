/* bind_nn_dense.c: network kernels: dense, activations, losses, dropout, residual add. */
#include "bind.h"

PyMethodDef mlc_nn_dense_methods[] = {
    {NULL, NULL, 0, NULL},
};
