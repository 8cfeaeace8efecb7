/* bind_mixture.c: Gaussian mixtures. */
#include "bind.h"

PyMethodDef mlc_mixture_methods[] = {
    {NULL, NULL, 0, NULL},
};
