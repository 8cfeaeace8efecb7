/* bind_nn_conv.c: network kernels: conv2d (im2col + sgemm, 1x1 as GEMM), max/avg pooling. */
#include "bind.h"

PyMethodDef mlc_nn_conv_methods[] = {
    {NULL, NULL, 0, NULL},
};
