/* bind_nn_norm.c: network kernels: batch norm 1d/2d. */
#include "bind.h"

PyMethodDef mlc_nn_norm_methods[] = {
    {NULL, NULL, 0, NULL},
};
